from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from anju.core.lines import LineConfig
from anju.core.modules import Module


class FundConfig(LineConfig):
    name = "anju.fund"
    label = "fund"
    verbose_name = _("Maintenance fund")
    navigation = Module(code="fund", name=_("Maintenance fund"), url_name="fund:home", icon="金", order=20)
    todos = ("anju.fund.todos.fund_todos",)
    kpis = "anju.fund.kpis.registry_entries"
    imports = (
        "anju.fund.bank.actions.RECEIPTS_IMPORT",
        "anju.fund.reconcile.actions.STATEMENT_IMPORT",
        "anju.fund.use.votes_import.VOTES_IMPORT",
    )
    jobs = {"fund.allocate_interest": "anju.fund.interest.views.allocate"}
    setup = "anju.fund.setup.STEPS"
    # Never updated or deleted: on PostgreSQL the application role gets only SELECT and INSERT on
    # these (`anju db create-roles`).
    append_only_tables = ("fund_journalentry", "fund_journalline", "fund_ledgeranchor")

    def ready(self) -> None:
        super().ready()
        from anju.fund import chain  # noqa: F401  registers the ledger key check (fund.E001)
