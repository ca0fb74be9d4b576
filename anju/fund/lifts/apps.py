from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LiftsConfig(AppConfig):
    name = "anju.fund.lifts"
    label = "lifts"
    verbose_name = _("Lift insurance")

    def ready(self) -> None:
        from anju.core import kpis
        from anju.fund.lifts import demo, queries

        kpis.register(*queries.registry_entries())
        demo.register_steps()
