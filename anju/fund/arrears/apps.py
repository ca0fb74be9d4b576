from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from anju.core.lines import LineConfig


class ArrearsConfig(LineConfig):
    name = "anju.fund.arrears"
    label = "arrears"
    verbose_name = _("Arrears recovery")
    kpis = "anju.fund.arrears.queries.registry_entries"
    todos = ("anju.fund.arrears.todos.arrears_todos",)
    imports = ("anju.fund.arrears.items_import.ITEMS_IMPORT",)
