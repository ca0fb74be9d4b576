"""The property special maintenance fund (物业专项维修资金): accounts and the double-entry journal.

Lines are debit-positive: an asset account (the bank special account, receivables) grows with
positive amounts, a liability account (a unit's ledger, the pooled account, suspense) grows with
negative ones. Each account caches its balance in its natural sign, updated in the transaction
that posts the lines; `anju fund check` proves the cache equals the lines."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anju.core.fields import MoneyField, by_user
from anju.registry.models import Building, Project, Unit


class Account(models.Model):
    """A fund account: a unit's ledger (分户账) or a fund-level account."""

    class Kind(models.TextChoices):
        UNIT = "unit", _("Unit ledger")
        BANK = "bank", _("Bank special account")
        POOLED = "pooled", _("Pooled account")
        SUSPENSE = "suspense", _("Suspense (unmatched receipts)")
        RECEIVABLE = "receivable", _("Receivable (arrears)")

    ASSET_KINDS = frozenset({Kind.BANK, Kind.RECEIVABLE})

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, db_index=True)
    unit = models.OneToOneField(
        Unit, verbose_name=_("unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="fund_account"
    )
    # Denormalized from the unit so balances group by building and project without joins.
    project = models.ForeignKey(
        Project, verbose_name=_("project"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    building = models.ForeignKey(
        Building, verbose_name=_("building"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("name"), max_length=120, blank=True)
    bank_name = models.CharField(_("bank"), max_length=80, blank=True)
    bank_account_number = models.CharField(_("bank account number"), max_length=40, blank=True)
    balance = MoneyField(_("balance"), default=Decimal("0.00"))
    first_deposit = MoneyField(_("first deposit"), default=Decimal("0.00"))
    opened = models.DateField(_("opened"), default=timezone.localdate)
    closed = models.DateField(_("closed"), null=True, blank=True)

    class Meta:
        verbose_name = _("fund account")
        verbose_name_plural = _("fund accounts")
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="unit") & Q(unit__isnull=False)) | (~Q(kind="unit") & Q(unit__isnull=True)),
                name="account_unit_iff_unit_kind",
            ),
        ]
        indexes = [models.Index(fields=["project", "building"])]

    def __str__(self) -> str:
        if self.unit_id and self.unit is not None:
            return f"分户账 {self.unit.code}"
        return self.name or self.get_kind_display()

    @property
    def is_asset(self) -> bool:
        return self.kind in self.ASSET_KINDS

    @property
    def sign(self) -> int:
        """Natural-sign balance = sign × sum of line amounts."""
        return 1 if self.is_asset else -1


class LedgerHead(models.Model):
    """One row: the last journal sequence number, the chain's last MAC and the key that signs next.
    Posting locks it, so sequence numbers have no gaps and no two entries chain from one predecessor."""

    last_seq = models.BigIntegerField(default=0)
    last_mac = models.CharField(max_length=64, blank=True, default="")
    key_id = models.CharField(max_length=16, blank=True, default="")

    def __str__(self) -> str:
        return f"第{self.last_seq}号"


class AccountsVersion(models.Model):
    """One row that database triggers (migration 0011) change whenever an account is added or removed or
    its kind, unit, project, building, first deposit or closing date changes: with LedgerHead, which every
    posting moves in the transaction that moves the cached balances, it versions the fund's whole-table
    figures (`anju.fund.totals`). `stamp` is random, so a rolled-back or restored database never meets
    figures kept for another one under the same count."""

    n = models.BigIntegerField(default=0)
    stamp = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.n}/{self.stamp}"


class LedgerAnchor(models.Model):
    """A key rotation (密钥轮换) of the journal's HMAC chain: after entry `after_seq` the chain goes on
    under the new key from this record, signed by the old key and then by the new one. Never updated."""

    after_seq = models.BigIntegerField(_("after entry"))
    old_key_id = models.CharField(_("old key"), max_length=16)
    new_key_id = models.CharField(_("new key"), max_length=16)
    prev_mac = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(_("created at"))
    created_by_name = models.CharField(_("created by"), max_length=150)
    old_mac = models.CharField(max_length=64)
    mac = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("ledger key rotation")
        verbose_name_plural = _("ledger key rotations")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"第{self.after_seq}号后 {self.old_key_id}→{self.new_key_id}"


# A journal entry's source document as the audit log reads it: the kind of record (the journal page links
# it, `fund.views.document_shown`), an interest allocation's year, the entry a reversal reverses.
DOCUMENT_NAMES = {
    "arrears_case": "追缴案件",
    "refund": "退款申请",
    "lift_policy": "电梯保险保单",
    "use_application": "维修资金使用申请",
    "bank_receipt": "银行到账",
    "deposit_notice": "交存通知",
}


def document_label(document: str) -> str:
    kind, _sep, ref = document.partition(":")
    if not ref.isdigit():
        return document
    if kind == "interest":
        return f"{ref}年度利息分配"
    if kind == "reversal":
        return f"冲正记账凭证第{ref}号"
    return DOCUMENT_NAMES.get(kind, document)


class JournalEntry(models.Model):
    """A journal entry (记账凭证): lines summing to zero. Never updated or deleted; corrected by reversal."""

    class Kind(models.TextChoices):
        DEPOSIT = "deposit", _("Deposit")
        DEVELOPER_DEPOSIT = "developer_deposit", _("Developer deposit for unsold units")
        SUSPENSE = "suspense", _("Unmatched receipt to suspense")
        MATCH = "match", _("Suspense matched to a unit")
        INTEREST = "interest", _("Interest allocation")
        USE = "use", _("Use for repairs")
        REFUND = "refund", _("Refund")
        RECOVERY = "recovery", _("Arrears recovered")
        PREMIUM = "premium", _("Lift insurance premium")
        REVERSAL = "reversal", _("Reversal")
        OPENING = "opening", _("Opening balance")

    seq = models.BigIntegerField(_("number"), unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, db_index=True)
    value_date = models.DateField(_("value date"), db_index=True)
    posted_at = models.DateTimeField(_("posted at"), default=timezone.now)
    posted_by = by_user(_("posted by"))
    posted_by_name = models.CharField(_("posted by (name)"), max_length=150)
    memo = models.CharField(_("memo"), max_length=300, blank=True)
    # The business document behind the entry, e.g. "deposit_notice:42" or "bank_receipt:7".
    document = models.CharField(_("document"), max_length=80, blank=True, db_index=True)
    AUDIT_VALUES = {"document": document_label}
    bank_txn_id = models.CharField(_("bank transaction id"), max_length=64, null=True, blank=True, unique=True)
    reverses = models.OneToOneField(
        "self", verbose_name=_("reverses"), null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by"
    )
    # The HMAC-SHA256 chain (anju.fund.chain): over every field above, the lines and the previous MAC.
    # `prev_mac` and `lines_sha256` are what the MAC was computed over, kept so `anju fund check` can
    # say what was changed (a line, a field, or the link to the previous entry).
    key_id = models.CharField(_("key"), max_length=16)
    prev_mac = models.CharField(_("previous MAC"), max_length=64, blank=True)
    lines_sha256 = models.CharField(_("lines SHA-256"), max_length=64)
    mac = models.CharField(_("MAC"), max_length=64)

    class Meta:
        verbose_name = _("journal entry")
        verbose_name_plural = _("journal entries")
        ordering = ["seq"]

    def __str__(self) -> str:
        return f"第{self.seq}号 {self.get_kind_display()} {self.value_date}"


class JournalLine(models.Model):
    amount = MoneyField(_("amount"))
    entry = models.ForeignKey(JournalEntry, verbose_name=_("entry"), on_delete=models.PROTECT, related_name="lines")
    # No index of its own: the (account, day, amount) index below leads with it.
    account = models.ForeignKey(
        Account, verbose_name=_("account"), on_delete=models.PROTECT, related_name="lines", db_index=False
    )
    # The value date as a day number (date.toordinal()), so daily-balance sums (积数) are plain
    # integer arithmetic on both databases.
    day = models.IntegerField(_("day"))

    class Meta:
        verbose_name = _("journal line")
        verbose_name_plural = _("journal lines")
        # A ledger's lines by day (its statement) and, covering the amount, every ledger's sum read from the
        # index alone in ledger order: `anju fund check` proves the cached balances without sorting the lines.
        indexes = [models.Index(fields=["account", "day", "amount"], name="fund_line_account_day_amount")]
        constraints = [models.CheckConstraint(condition=~Q(amount=Decimal("0.00")), name="line_amount_nonzero")]

    def __str__(self) -> str:
        return f"{self.account_id} {self.amount}"


# The sub-domains' models: defined in their packages, registered here (app_label "fund").
from anju.fund.bank.models import BankImport as BankImport  # noqa: E402
from anju.fund.bank.models import BankReceipt as BankReceipt  # noqa: E402
from anju.fund.deposits.models import DepositBatch as DepositBatch  # noqa: E402
from anju.fund.deposits.models import DepositNotice as DepositNotice  # noqa: E402
from anju.fund.deposits.models import DepositStandard as DepositStandard  # noqa: E402
from anju.fund.owner_query.models import OwnerQueryAttempt as OwnerQueryAttempt  # noqa: E402
from anju.fund.reconcile.models import BankStatementLine as BankStatementLine  # noqa: E402
from anju.fund.refunds.models import RefundApplication as RefundApplication  # noqa: E402
from anju.fund.refunds.models import RefundEvent as RefundEvent  # noqa: E402
from anju.fund.use.models import ApplicationEvent as ApplicationEvent  # noqa: E402
from anju.fund.use.models import RepairItem as RepairItem  # noqa: E402
from anju.fund.use.models import ScopeUnit as ScopeUnit  # noqa: E402
from anju.fund.use.models import UseApplication as UseApplication  # noqa: E402
from anju.fund.use.models import UsePayment as UsePayment  # noqa: E402
from anju.fund.use.models import UsePaymentShare as UsePaymentShare  # noqa: E402
