from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PerformanceConfig(AppConfig):
    name = "anju.performance"
    label = "performance"
    verbose_name = _("Budget and performance")

    def ready(self) -> None:
        from anju.core import imports, kpis, modules, todos
        from anju.performance import demo, importer
        from anju.performance import kpis as performance_kpis
        from anju.performance.todos import performance_todos

        modules.register(
            modules.Module(
                code="performance", name=_("Budget and performance"), url_name="performance:home", icon="绩", order=80
            )
        )
        todos.register(performance_todos)
        kpis.register(*performance_kpis.registry_entries())
        imports.register(importer.BUDGET_IMPORT, importer.ASSET_IMPORT)
        demo.register_steps()
