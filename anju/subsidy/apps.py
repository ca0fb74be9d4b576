from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from anju.core.lines import LineConfig
from anju.core.modules import Module


class SubsidyConfig(LineConfig):
    name = "anju.subsidy"
    label = "subsidy"
    verbose_name = _("Home-purchase subsidies")
    navigation = Module(code="subsidy", name=_("Home-purchase subsidies"), url_name="subsidy:home", icon="补", order=45)
    todos = ("anju.subsidy.todos.subsidy_todos",)
    kpis = "anju.subsidy.kpis.registry_entries"
    imports = (
        "anju.subsidy.importer.APPLICATIONS_IMPORT",
        "anju.subsidy.results.RESULTS_IMPORT",
        "anju.subsidy.tax_file.TAX_IMPORT",
    )
