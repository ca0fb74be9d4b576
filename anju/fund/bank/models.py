"""Bank receipt imports and the receipts they credit (银行到账).

Models of the fund app (app_label "fund"); `anju.fund.models` imports them."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anju.core.fields import MoneyField, by_user
from anju.fund.deposits.models import DepositNotice
from anju.fund.models import Account, JournalEntry


class BankImport(models.Model):
    """One bank file imported (receipts or a statement), with what it did."""

    class Kind(models.TextChoices):
        RECEIPTS = "receipts", _("Receipts")
        STATEMENT = "statement", _("Statement")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    filename = models.CharField(_("file"), max_length=200)
    imported_at = models.DateTimeField(_("imported at"), default=timezone.now)
    imported_by = by_user(_("imported by"))
    summary = models.JSONField(_("summary"), default=dict)

    class Meta:
        app_label = "fund"
        verbose_name = _("bank import")
        verbose_name_plural = _("bank imports")
        ordering = ["-imported_at", "-id"]

    def __str__(self) -> str:
        return self.filename


class BankReceipt(models.Model):
    """A receipt on the special account from a bank file; posted to its unit or to suspense (待查)."""

    class Status(models.TextChoices):
        POSTED = "posted", _("Posted to the unit")
        SUSPENSE = "suspense", _("In suspense")
        MATCHED = "matched", _("Matched from suspense")

    txn_id = models.CharField(_("bank transaction id"), max_length=64, unique=True)
    txn_date = models.DateField(_("transaction date"), db_index=True)
    amount = MoneyField(_("amount"))
    unit_code = models.CharField(_("unit code (as given)"), max_length=80, blank=True)
    payer = models.CharField(_("payer"), max_length=120, blank=True)
    memo = models.CharField(_("memo"), max_length=200, blank=True)
    bank_account = models.ForeignKey(
        Account, verbose_name=_("bank account"), on_delete=models.PROTECT, related_name="receipts"
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, db_index=True)
    unit_account = models.ForeignKey(
        Account, verbose_name=_("unit account"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    entry = models.ForeignKey(JournalEntry, verbose_name=_("entry"), on_delete=models.PROTECT, related_name="+")
    match_entry = models.ForeignKey(
        JournalEntry,
        verbose_name=_("matching entry"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    notice = models.ForeignKey(
        DepositNotice, verbose_name=_("notice"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    bank_import = models.ForeignKey(
        BankImport, verbose_name=_("import"), null=True, blank=True, on_delete=models.PROTECT, related_name="receipts"
    )

    class Meta:
        app_label = "fund"
        verbose_name = _("bank receipt")
        verbose_name_plural = _("bank receipts")
        ordering = ["-txn_date", "-id"]

    def __str__(self) -> str:
        return f"{self.txn_id} {self.amount}"
