"""The property special maintenance fund (物业专项维修资金): accounts and the double-entry journal.

Lines are debit-positive: an asset account (the bank special account, receivables) grows with
positive amounts, a liability account (a unit's ledger, the pooled account, suspense) grows with
negative ones. Each account caches its balance in its natural sign, updated in the transaction
that posts the lines; `anju fund check` proves the cache equals the lines."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anju.core.fields import MoneyField
from anju.core.workflow import WorkflowEvent
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
    """One row: the last journal sequence number. Posting locks it, so sequence numbers have no gaps."""

    last_seq = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"#{self.last_seq}"


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
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("posted by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    posted_by_name = models.CharField(_("posted by (name)"), max_length=150)
    memo = models.CharField(_("memo"), max_length=300, blank=True)
    # The business document behind the entry, e.g. "deposit_notice:42" or "bank_receipt:7".
    document = models.CharField(_("document"), max_length=80, blank=True, db_index=True)
    bank_txn_id = models.CharField(_("bank transaction id"), max_length=64, null=True, blank=True, unique=True)
    reverses = models.OneToOneField(
        "self", verbose_name=_("reverses"), null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by"
    )
    digest = models.CharField(_("digest"), max_length=64)

    class Meta:
        verbose_name = _("journal entry")
        verbose_name_plural = _("journal entries")
        ordering = ["seq"]

    def __str__(self) -> str:
        return f"#{self.seq} {self.get_kind_display()} {self.value_date}"


class JournalLine(models.Model):
    amount = MoneyField(_("amount"))
    entry = models.ForeignKey(JournalEntry, verbose_name=_("entry"), on_delete=models.PROTECT, related_name="lines")
    account = models.ForeignKey(Account, verbose_name=_("account"), on_delete=models.PROTECT, related_name="lines")
    # The value date as a day number (date.toordinal()), so daily-balance sums (积数) are plain
    # integer arithmetic on both databases.
    day = models.IntegerField(_("day"))

    class Meta:
        verbose_name = _("journal line")
        verbose_name_plural = _("journal lines")
        indexes = [models.Index(fields=["account", "day"])]
        constraints = [models.CheckConstraint(condition=~Q(amount=Decimal("0.00")), name="line_amount_nonzero")]

    def __str__(self) -> str:
        return f"{self.account_id} {self.amount}"


class DepositStandard(models.Model):
    """A published deposit rate (元/m²) for a building type and use, effective from a date (art. 7)."""

    class BuildingType(models.TextChoices):
        MULTI_STOREY = "multi_storey", _("Multi-storey without lift")
        HIGH_RISE = "high_rise", _("High-rise or with lift")

    class UseClass(models.TextChoices):
        RESIDENTIAL = "residential", _("Residential")
        NON_RESIDENTIAL = "non_residential", _("Non-residential")

    building_type = models.CharField(_("building type"), max_length=20, choices=BuildingType.choices)
    use_class = models.CharField(_("use"), max_length=20, choices=UseClass.choices)
    effective_from = models.DateField(_("effective from"))
    rate = models.DecimalField(_("rate (yuan/m²)"), max_digits=10, decimal_places=2)
    basis = models.CharField(_("basis (document number)"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("deposit standard")
        verbose_name_plural = _("deposit standards")
        ordering = ["building_type", "use_class", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["building_type", "use_class", "effective_from"], name="standard_unique"),
            models.CheckConstraint(condition=Q(rate__gt=0), name="standard_rate_positive"),
        ]

    def __str__(self) -> str:
        kind = f"{self.get_building_type_display()} {self.get_use_class_display()}"
        return f"{kind} {self.rate}元/㎡ ({self.effective_from})"


class DepositBatch(models.Model):
    """Notices issued together for a project (批量交存通知)."""

    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.PROTECT, related_name="+")
    issued_on = models.DateField(_("issued on"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("deposit batch")
        verbose_name_plural = _("deposit batches")
        ordering = ["-issued_on", "-id"]

    def __str__(self) -> str:
        return f"{self.project.name} {self.issued_on}"


class DepositNotice(models.Model):
    """A deposit notice (交存通知书): what a unit's owner (or the developer) must pay in."""

    class Kind(models.TextChoices):
        FIRST = "first", _("First deposit")
        DEVELOPER = "developer", _("Developer deposit for an unsold unit")
        REPLENISH = "replenish", _("Replenishment")

    class Status(models.TextChoices):
        ISSUED = "issued", _("Issued")
        PAID = "paid", _("Paid")
        CANCELLED = "cancelled", _("Cancelled")

    number = models.CharField(_("notice number"), max_length=30, unique=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.ISSUED, db_index=True)
    account = models.ForeignKey(Account, verbose_name=_("account"), on_delete=models.PROTECT, related_name="notices")
    batch = models.ForeignKey(
        DepositBatch, verbose_name=_("batch"), null=True, blank=True, on_delete=models.PROTECT, related_name="notices"
    )
    payer = models.CharField(_("payer"), max_length=120, blank=True)
    area = models.DecimalField(_("floor area (m²)"), max_digits=10, decimal_places=2)
    rate = models.DecimalField(_("rate (yuan/m²)"), max_digits=10, decimal_places=2, null=True, blank=True)
    standard = models.ForeignKey(
        DepositStandard, verbose_name=_("standard"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    amount = MoneyField(_("amount"))
    issued_on = models.DateField(_("issued on"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    paid_entry = models.ForeignKey(
        JournalEntry, verbose_name=_("payment entry"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("deposit notice")
        verbose_name_plural = _("deposit notices")
        ordering = ["-issued_on", "-id"]

    def __str__(self) -> str:
        return self.number


class BankImport(models.Model):
    """One bank file imported (receipts or a statement), with what it did."""

    class Kind(models.TextChoices):
        RECEIPTS = "receipts", _("Receipts")
        STATEMENT = "statement", _("Statement")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    filename = models.CharField(_("file"), max_length=200)
    imported_at = models.DateTimeField(_("imported at"), default=timezone.now)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    summary = models.JSONField(_("summary"), default=dict)

    class Meta:
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
        verbose_name = _("bank receipt")
        verbose_name_plural = _("bank receipts")
        ordering = ["-txn_date", "-id"]

    def __str__(self) -> str:
        return f"{self.txn_id} {self.amount}"


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
        verbose_name = _("bank statement line")
        verbose_name_plural = _("bank statement lines")
        ordering = ["bank_account", "txn_date", "id"]
        constraints = [models.UniqueConstraint(fields=["bank_account", "txn_id"], name="statement_line_unique")]

    def __str__(self) -> str:
        return f"{self.txn_date} {self.txn_id} {self.amount}"


class RefundApplication(models.Model):
    """Refund of a unit's balance when the house is demolished or lost (房屋灭失, art. 29)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        REVIEWED = "reviewed", _("Reviewed")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        PAID = "paid", _("Paid")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    account = models.ForeignKey(Account, verbose_name=_("account"), on_delete=models.PROTECT, related_name="refunds")
    applicant = models.CharField(_("applicant"), max_length=120)
    payee_bank = models.CharField(_("payee bank"), max_length=80, blank=True)
    payee_account_number = models.CharField(_("payee account number"), max_length=40, blank=True)
    reason = models.CharField(_("reason"), max_length=300)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT, db_index=True)
    amount = MoneyField(_("amount refunded"), null=True, blank=True)  # type: ignore[misc]
    created = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.CharField(_("decision note"), max_length=300, blank=True)
    paid_entry = models.ForeignKey(
        JournalEntry, verbose_name=_("payment entry"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("refund application")
        verbose_name_plural = _("refund applications")
        ordering = ["-created", "-id"]

    def __str__(self) -> str:
        return f"{self.account} {self.get_status_display()}"

    @property
    def number(self) -> str:
        """TK + year + the record number, as the refund approval form (退款审批表) prints it."""
        return f"TK{timezone.localtime(self.created):%Y}-{self.pk:05d}"


class RefundEvent(WorkflowEvent):
    """One step of a refund application's workflow (经办 → 审核 → 审批 → 付款)."""

    application = models.ForeignKey(
        RefundApplication, verbose_name=_("refund application"), on_delete=models.CASCADE, related_name="events"
    )

    class Meta:
        verbose_name = _("refund event")
        verbose_name_plural = _("refund events")
        ordering = ["application", "at", "id"]

    def __str__(self) -> str:
        return f"{self.application_id} {self.from_status}→{self.to_status}"


class OwnerQueryAttempt(models.Model):
    """One use of the public owners' balance query, for its rate limit."""

    ip = models.GenericIPAddressField(_("IP address"), db_index=True)
    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    success = models.BooleanField(_("success"), default=False)

    class Meta:
        verbose_name = _("owner query attempt")
        verbose_name_plural = _("owner query attempts")

    def __str__(self) -> str:
        return f"{self.ip} {self.at:%Y-%m-%d %H:%M}"


class UseApplication(models.Model):
    """An application to use the fund for a repair (维修资金使用申请): ordinary (after an owner vote) or
    emergency (应急使用, no vote, art. 24). The scope's units share the cost by floor area."""

    class Kind(models.TextChoices):
        ORDINARY = "ordinary", _("Ordinary")
        EMERGENCY = "emergency", _("Emergency")

    class ApplicantKind(models.TextChoices):
        PROPERTY_COMPANY = "property_company", _("Property management company")
        OWNERS_COMMITTEE = "owners_committee", _("Owners' committee")
        CENTER = "center", _("The center (repair on the owners' behalf)")

    class ScopeKind(models.TextChoices):
        PROJECT = "project", _("Whole project")
        BUILDINGS = "buildings", _("Buildings")
        RANGE = "range", _("Unit code range")
        LIST = "list", _("Picked units")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        REVIEWED = "reviewed", _("Reviewed")
        APPROVED = "approved", _("Approved")
        PAYING = "paying", _("Paying")
        PAID = "paid", _("Paid")
        CLOSED = "closed", _("Filed")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    number = models.CharField(_("application number"), max_length=30, unique=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.ORDINARY, db_index=True)
    title = models.CharField(_("repair"), max_length=200)
    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.PROTECT, related_name="+")
    applicant_kind = models.CharField(_("applicant type"), max_length=20, choices=ApplicantKind.choices)
    applicant_enterprise = models.ForeignKey(
        "registry.Enterprise",
        verbose_name=_("applicant enterprise"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    applicant_name = models.CharField(_("applicant"), max_length=120)
    emergency_reason = models.CharField(_("emergency reason"), max_length=300, blank=True)
    scope_kind = models.CharField(_("scope"), max_length=12, choices=ScopeKind.choices)
    # The scope as entered (building numbers, a code range, pasted codes), to show and edit it again.
    scope_spec = models.TextField(_("scope as entered"), blank=True)
    contractor = models.ForeignKey(
        "registry.Enterprise",
        verbose_name=_("contractor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    contractor_bank = models.CharField(_("contractor's bank"), max_length=80, blank=True)
    contractor_account_number = models.CharField(_("contractor's account number"), max_length=40, blank=True)
    budget = MoneyField(_("budget"), default=Decimal("0.00"))
    final_cost = MoneyField(_("audited final cost"), null=True, blank=True)  # type: ignore[misc]
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT, db_index=True)
    # The vote's tally and outcome as last computed (rule, totals, result).
    vote = models.JSONField(_("vote result"), null=True, blank=True)
    vote_passed = models.BooleanField(_("vote passed"), default=False)
    created = models.DateTimeField(_("created"), default=timezone.now, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("use application")
        verbose_name_plural = _("use applications")
        ordering = ["-created", "-id"]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def is_emergency(self) -> bool:
        return self.kind == self.Kind.EMERGENCY


class RepairItem(models.Model):
    """One repair item of an application with its budget."""

    application = models.ForeignKey(
        UseApplication, verbose_name=_("application"), on_delete=models.CASCADE, related_name="items"
    )
    name = models.CharField(_("item"), max_length=200)
    budget = MoneyField(_("budget"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("repair item")
        verbose_name_plural = _("repair items")
        ordering = ["application", "position", "id"]

    def __str__(self) -> str:
        return f"{self.name} {self.budget}"


class ScopeUnit(models.Model):
    """A unit sharing the repair, with its area and owner when the scope was set, its vote, its share of
    the budget, and what its account and its owner have paid so far."""

    class Vote(models.TextChoices):
        AGREE = "agree", _("Agree")
        OPPOSE = "oppose", _("Oppose")
        ABSTAIN = "abstain", _("Abstain")
        NOT_VOTED = "not_voted", _("Not voted")

    application = models.ForeignKey(
        UseApplication, verbose_name=_("application"), on_delete=models.CASCADE, related_name="scope_units"
    )
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    account = models.ForeignKey(Account, verbose_name=_("account"), on_delete=models.PROTECT, related_name="+")
    area = models.DecimalField(_("floor area (m²)"), max_digits=10, decimal_places=2)
    owner_name = models.CharField(_("owner"), max_length=120, blank=True)
    # One owner counts once in the headcount however many units he holds; unsold units count as one.
    owner_key = models.CharField(_("owner key"), max_length=40)
    vote = models.CharField(_("vote"), max_length=12, choices=Vote.choices, default=Vote.NOT_VOTED)
    share = MoneyField(_("share of the budget"), default=Decimal("0.00"))
    paid_fund = MoneyField(_("paid from the account"), default=Decimal("0.00"))
    paid_self = MoneyField(_("paid by the owner"), default=Decimal("0.00"))

    class Meta:
        verbose_name = _("scope unit")
        verbose_name_plural = _("scope units")
        ordering = ["application", "unit__code"]
        constraints = [models.UniqueConstraint(fields=["application", "unit"], name="scope_unit_unique")]

    def __str__(self) -> str:
        return f"{self.application_id} {self.unit_id}"


class ApplicationEvent(WorkflowEvent):
    """One step of an application's workflow: who moved it from which status to which, and why."""

    application = models.ForeignKey(
        UseApplication, verbose_name=_("application"), on_delete=models.CASCADE, related_name="events"
    )

    class Meta:
        verbose_name = _("application event")
        verbose_name_plural = _("application events")
        ordering = ["application", "at", "id"]

    def __str__(self) -> str:
        return f"{self.application_id} {self.from_status}→{self.to_status}"


class UsePayment(models.Model):
    """A payment to the contractor (拨款): an advance or the settlement on the audited final cost. Its one
    USE journal entry takes each unit's part from its account; what an account cannot cover is the
    owner's to pay (自筹) and is not posted."""

    class Kind(models.TextChoices):
        ADVANCE = "advance", _("Advance")
        SETTLEMENT = "settlement", _("Settlement")

    application = models.ForeignKey(
        UseApplication, verbose_name=_("application"), on_delete=models.PROTECT, related_name="payments"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    amount = MoneyField(_("amount"))
    from_fund = MoneyField(_("paid from the fund"))
    self_funded = MoneyField(_("owners' own payment"))
    value_date = models.DateField(_("payment date"))
    bank_account = models.ForeignKey(
        Account, verbose_name=_("paid from"), on_delete=models.PROTECT, related_name="use_payments"
    )
    entry = models.OneToOneField(
        JournalEntry,
        verbose_name=_("entry"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="use_payment",
    )
    created = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("use payment")
        verbose_name_plural = _("use payments")
        ordering = ["-value_date", "-id"]

    def __str__(self) -> str:
        return f"{self.application.number} {self.get_kind_display()} {self.amount}"


class UsePaymentShare(models.Model):
    """A unit's part of a payment: what its account paid and what its owner pays himself."""

    payment = models.ForeignKey(UsePayment, verbose_name=_("payment"), on_delete=models.PROTECT, related_name="shares")
    scope_unit = models.ForeignKey(ScopeUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    amount = MoneyField(_("amount"))
    from_fund = MoneyField(_("paid from the account"))
    self_funded = MoneyField(_("owner's own payment"))

    class Meta:
        verbose_name = _("payment share")
        verbose_name_plural = _("payment shares")
        ordering = ["payment", "scope_unit__unit__code"]

    def __str__(self) -> str:
        return f"{self.payment_id} {self.scope_unit_id} {self.amount}"
