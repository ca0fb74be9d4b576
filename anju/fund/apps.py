from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundConfig(AppConfig):
    name = "anju.fund"
    label = "fund"
    verbose_name = _("Maintenance fund")

    def ready(self) -> None:
        from anju.core import imports, kpis, modules, todos
        from anju.fund import demo
        from anju.fund import kpis as fund_kpis
        from anju.fund.bank import actions as bank
        from anju.fund.reconcile import actions as reconcile
        from anju.fund.todos import fund_todos
        from anju.fund.use import votes_import as votes_import

        modules.register(
            modules.Module(code="fund", name=_("Maintenance fund"), url_name="fund:home", icon="金", order=20)
        )
        todos.register(fund_todos)
        kpis.register(*fund_kpis.registry_entries())
        imports.register(bank.RECEIPTS_IMPORT, reconcile.STATEMENT_IMPORT, votes_import.VOTES_IMPORT)
        demo.register_steps()
