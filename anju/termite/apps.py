from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from anju.core.lines import LineConfig
from anju.core.modules import Module


class TermiteConfig(LineConfig):
    name = "anju.termite"
    label = "termite"
    verbose_name = _("Termite control")
    navigation = Module(code="termite", name=_("Termite control"), url_name="termite:home", icon="蚁", order=40)
    todos = ("anju.termite.todos.termite_todos",)
    kpis = "anju.termite.kpis.registry_entries"
    imports = (
        "anju.termite.applications_import.APPLICATIONS_IMPORT",
        "anju.termite.history_import.HISTORY_IMPORT",
        "anju.termite.revisits_import.REVISITS_IMPORT",
    )
