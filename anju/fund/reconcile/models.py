"""Bank statement lines, reconciled against the journal (银行对账).

Models of the fund app (app_label "fund"); `anju.fund.models` imports them."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from anju.core.fields import MoneyField
from anju.fund.bank.models import BankImport
from anju.fund.models import Account


class BankStatementLine(models.Model):
    """A line of the bank's statement of the special account, for reconciliation (对账)."""

    bank_account = models.ForeignKey(
        Account, verbose_name=_("bank account"), on_delete=models.PROTECT, related_name="statement_lines"
    )
    txn_id = models.CharField(_("bank transaction id"), max_length=64)
    txn_date = models.DateField(_("transaction date"), db_index=True)
    amount = MoneyField(_("amount"))  # + money in, - money out
    balance = MoneyField(_("balance after"))
    memo = models.CharField(_("memo"), max_length=200, blank=True)
    bank_import = models.ForeignKey(
        BankImport, verbose_name=_("import"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        app_label = "fund"
        verbose_name = _("bank statement line")
        verbose_name_plural = _("bank statement lines")
        ordering = ["bank_account", "txn_date", "id"]
        constraints = [models.UniqueConstraint(fields=["bank_account", "txn_id"], name="statement_line_unique")]

    def __str__(self) -> str:
        return f"{self.txn_date} {self.txn_id} {self.amount}"
