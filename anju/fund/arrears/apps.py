from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArrearsConfig(AppConfig):
    name = "anju.fund.arrears"
    label = "arrears"
    verbose_name = _("Arrears recovery")

    def ready(self) -> None:
        from anju.core import kpis, todos
        from anju.fund.arrears import queries
        from anju.fund.arrears.todos import arrears_todos

        kpis.register(*queries.registry_entries())
        todos.register(arrears_todos)
