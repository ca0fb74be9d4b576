from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArrearsConfig(AppConfig):
    name = "anju.fund.arrears"
    label = "arrears"
    verbose_name = _("Arrears recovery")

    def ready(self) -> None:
        from anju.core import imports, kpis, todos
        from anju.fund.arrears import demo, items_import, queries
        from anju.fund.arrears.todos import arrears_todos

        kpis.register(*queries.registry_entries())
        todos.register(arrears_todos)
        imports.register(items_import.ITEMS_IMPORT)
        demo.register_steps()
