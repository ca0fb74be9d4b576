from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from anju.core.lines import LineConfig
from anju.core.modules import Module


class PerformanceConfig(LineConfig):
    name = "anju.performance"
    label = "performance"
    verbose_name = _("Budget and performance")
    navigation = Module(
        code="performance", name=_("Budget and performance"), url_name="performance:home", icon="绩", order=80
    )
    todos = ("anju.performance.todos.performance_todos",)
    kpis = "anju.performance.kpis.registry_entries"
    imports = ("anju.performance.importer.BUDGET_IMPORT", "anju.performance.importer.ASSET_IMPORT")
    jobs = {"performance.report": "anju.performance.jobs.build"}
