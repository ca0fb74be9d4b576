from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from anju.core.lines import LineConfig
from anju.core.modules import Module


class OversightConfig(LineConfig):
    name = "anju.oversight"
    label = "oversight"
    verbose_name = _("Inspection rectification")
    navigation = Module(
        code="oversight", name=_("Inspection rectification"), url_name="oversight:home", icon="巡", order=64
    )
    todos = ("anju.oversight.todos.oversight_todos",)
    kpis = "anju.oversight.kpis.registry_entries"
