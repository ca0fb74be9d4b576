from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from anju.core.lines import LineConfig


class LiftsConfig(LineConfig):
    name = "anju.fund.lifts"
    label = "lifts"
    verbose_name = _("Lift insurance")
    kpis = "anju.fund.lifts.queries.registry_entries"

    def ready(self) -> None:
        super().ready()
        from anju.fund.lifts import pickers  # noqa: F401  registers the lift picker
