"""Home-purchase subsidies (购房补贴, DOMAIN.md §4), in the shape of OpenG2P: a program (the 细则) with its
eligibility window and dated amount-rule versions; applications (one per home) with their buyers from the
registry, reviewed by the center, the tax bureau and the finance bureau, published (公示) and approved;
duplicate flags cleared by a second person; payment batches (第一批…) with the bank's file and results;
clawbacks."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anju.core.fields import MoneyField, by_user
from anju.core.workflow import WorkflowEvent
from anju.registry.models import Person
from anju.subsidy import rules


class Program(models.Model):
    """A subsidy program (补贴政策): its document, the eligibility window (the contract's signing date must
    fall in it), the eligible home types and whether a household may claim only once."""

    code = models.SlugField(_("program code"), max_length=40, unique=True)
    name = models.CharField(_("program name"), max_length=120)
    document = models.CharField(_("policy document"), max_length=120, blank=True)
    agencies = models.CharField(_("issuing agencies"), max_length=120, blank=True)
    area = models.CharField(_("subsidy area"), max_length=60, blank=True)
    window_from = models.DateField(_("contracts signed from"))
    window_to = models.DateField(_("contracts signed until"))
    home_types = models.JSONField(_("eligible home types"), default=list, blank=True)
    one_claim = models.BooleanField(_("one claim per household"), default=True)
    appeal_days = models.PositiveSmallIntegerField(_("days to appeal a refusal"), default=60)
    created = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("subsidy program")
        verbose_name_plural = _("subsidy programs")
        ordering = ["-window_from", "code"]
        constraints = [
            models.CheckConstraint(condition=Q(window_to__gte=models.F("window_from")), name="subsidy_window")
        ]

    def __str__(self) -> str:
        return self.name


class RuleVersion(models.Model):
    """An amount rule of a program for contracts signed from `effective_from` (until the next version): never
    edited once an application used it (a new policy is a new version)."""

    class Kind(models.TextChoices):
        DEED_TAX_SHARE = rules.DEED_TAX_SHARE, _("Share of the deed tax")
        PER_AREA = rules.PER_AREA, _("Amount per square metre")
        FIXED = rules.FIXED, _("Fixed amount")

    program = models.ForeignKey(Program, verbose_name=_("program"), on_delete=models.PROTECT, related_name="rules")
    effective_from = models.DateField(_("effective from"))
    kind = models.CharField(_("amount rule"), max_length=20, choices=Kind.choices)
    rate = models.DecimalField(_("rate (percent or yuan per m²)"), max_digits=9, decimal_places=4, default=0)
    fixed = MoneyField(_("fixed amount"), default=0)
    cap = MoneyField(_("cap"), null=True, blank=True)  # type: ignore[misc]
    source = models.CharField(_("source clause"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("subsidy rule version")
        verbose_name_plural = _("subsidy rule versions")
        ordering = ["program", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["program", "effective_from"], name="subsidy_rule_unique"),
            models.CheckConstraint(condition=Q(rate__gte=0) & Q(fixed__gte=0), name="subsidy_rule_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.program.code} {self.effective_from:%Y-%m-%d}"

    @property
    def amount_rule(self) -> rules.AmountRule:
        return rules.AmountRule(self.kind, self.rate, self.fixed, self.cap)


class Status(models.TextChoices):
    DOCUMENTS = "documents", _("Document review")
    RETURNED = "returned", _("Returned for documents")
    TAX = "tax", _("Tax verification")
    FINANCE = "finance", _("Finance review")
    NOTICE = "notice", _("Public notice")
    APPROVED = "approved", _("Approved for subsidy")
    REJECTED = "rejected", _("Subsidy refused")
    APPEAL = "appeal", _("Under appeal")
    WITHDRAWN = "withdrawn", _("Application withdrawn")
    BATCHED = "batched", _("In a payment batch")
    PAID = "paid", _("Subsidy paid")
    FAILED = "failed", _("Payment failed")
    CLAWED_BACK = "clawed_back", _("Clawed back")


PENDING_STATES = (Status.DOCUMENTS, Status.RETURNED, Status.TAX, Status.FINANCE, Status.NOTICE, Status.APPEAL)
CLAIMED_STATES = (Status.APPROVED, Status.BATCHED, Status.PAID, Status.FAILED)


def standing(status: str) -> str:
    """Where the application stands for duplicate detection (rules.PENDING, CLAIMED or OUT)."""
    if status in PENDING_STATES:
        return rules.PENDING
    if status in CLAIMED_STATES:
        return rules.CLAIMED
    return rules.OUT


class Application(models.Model):
    """An application for one home (一套一申请): the buyers, the home, the registered contract, the deed tax
    paid, the payee; its entitlement from the rule version in force on the contract date."""

    class Source(models.TextChoices):
        COUNTER = "counter", _("Entered at the counter")
        IMPORT = "import", _("Imported")

    number = models.CharField(_("application number"), max_length=40, unique=True)
    program = models.ForeignKey(
        Program, verbose_name=_("program"), on_delete=models.PROTECT, related_name="applications"
    )
    rule = models.ForeignKey(
        RuleVersion, verbose_name=_("rule version"), on_delete=models.PROTECT, related_name="applications"
    )
    buyer = models.ForeignKey(Person, verbose_name=_("main buyer"), on_delete=models.PROTECT, related_name="+")
    buyer_name = models.CharField(_("buyer's name"), max_length=60)
    buyer_id_number = models.CharField(_("buyer's ID number"), max_length=18)
    address = models.CharField(_("home address"), max_length=200)
    unit_code = models.CharField(_("real estate unit number"), max_length=40, db_index=True)
    home_type = models.CharField(_("home type"), max_length=20, default="住宅")
    area = models.DecimalField(_("floor area (m²)"), max_digits=10, decimal_places=2)
    contract_number = models.CharField(_("contract filing number"), max_length=40, db_index=True)
    contract_date = models.DateField(_("contract signed on"))
    price = MoneyField(_("total price"))
    tax_voucher = models.CharField(_("deed tax voucher number"), max_length=40, db_index=True)
    deed_tax = MoneyField(_("deed tax paid"))
    payee_name = models.CharField(_("payee"), max_length=60)
    payee_account = models.CharField(_("payee account"), max_length=40, db_index=True)
    payee_bank = models.CharField(_("payee bank"), max_length=80)
    applied_on = models.DateField(_("applied on"))
    amount = MoneyField(_("subsidy amount"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DOCUMENTS)
    # The audit log's batch steps ("step": "pass_documents") read as the step's label.
    AUDIT_VALUES = {"step": {s.name: s.label for s in rules.FLOW.steps}}
    source = models.CharField(_("how entered"), max_length=10, choices=Source.choices, default=Source.COUNTER)
    # The first review decision (通过 / 不通过 / 补正): subsidy.reviewed counts it once, in its year.
    reviewed_on = models.DateField(_("first reviewed on"), null=True, blank=True, db_index=True)
    tax_verified = models.BooleanField(_("deed tax verified"), default=False)
    notice_from = models.DateField(_("public notice from"), null=True, blank=True)
    created_by = by_user(_("created by"))
    created = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("subsidy application")
        verbose_name_plural = _("subsidy applications")
        ordering = ["-applied_on", "-number"]
        indexes = [
            models.Index(fields=["program", "status"]),
            # The list's order (newest first): a page reads its rows from here, not all the applications sorted
            # (the applications page on the demo city's 4,000: SQL 12 → 1 ms on SQLite).
            models.Index(fields=["applied_on", "number"], name="subsidy_application_by_day"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(area__gt=0) & Q(price__gt=0), name="subsidy_area_price_positive"),
            models.CheckConstraint(condition=Q(deed_tax__gte=0) & Q(amount__gte=0), name="subsidy_amounts"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.buyer_name}"

    def formula(self) -> str:
        return rules.formula(self.rule.amount_rule, deed_tax=self.deed_tax, area=self.area)


class Buyer(models.Model):
    """A buyer of the application's home: the main buyer and each co-buyer (共同购房人), from the registry."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="buyers")
    person = models.ForeignKey(Person, verbose_name=_("buyer"), on_delete=models.PROTECT, related_name="+")
    id_number = models.CharField(_("ID number"), max_length=18, db_index=True)
    main = models.BooleanField(_("main buyer"), default=False)

    class Meta:
        verbose_name = _("subsidy buyer")
        verbose_name_plural = _("subsidy buyers")
        ordering = ["application", "-main", "id"]
        constraints = [models.UniqueConstraint(fields=["application", "person"], name="subsidy_buyer_once")]

    def __str__(self) -> str:
        return self.id_number


class Event(WorkflowEvent):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")

    class Meta:
        verbose_name = _("subsidy application history")
        verbose_name_plural = _("subsidy application history")
        ordering = ["at", "id"]


class Flag(models.Model):
    """A suspected duplicate (疑似重复): the application, the reason and the other application it shares the
    key with. It blocks approval until a second person (not the application's preparer) clears it with a
    reason."""

    class Reason(models.TextChoices):
        SAME_UNIT = rules.SAME_UNIT, _("Same real estate unit")
        SAME_CONTRACT = rules.SAME_CONTRACT, _("Same contract")
        SAME_VOUCHER = rules.SAME_VOUCHER, _("Same deed tax voucher")
        SAME_BUYER = rules.SAME_BUYER, _("Buyer on another pending application")
        ALREADY_CLAIMED = rules.ALREADY_CLAIMED, _("Buyer already subsidised")
        SHARED_ACCOUNT = rules.SHARED_ACCOUNT, _("Payee account shared")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="flags")
    other = models.ForeignKey(
        Application, verbose_name=_("other application"), on_delete=models.CASCADE, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=24, choices=Reason.choices)
    created = models.DateTimeField(_("flagged"), default=timezone.now)
    cleared_by = by_user(_("cleared by"))
    cleared_at = models.DateTimeField(_("cleared at"), null=True, blank=True)
    clear_reason = models.CharField(_("reason for clearing"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("duplicate flag")
        verbose_name_plural = _("duplicate flags")
        ordering = ["application", "id"]
        constraints = [
            models.UniqueConstraint(fields=["application", "other", "reason"], name="subsidy_flag_once"),
        ]
        indexes = [models.Index(fields=["application", "cleared_at"])]

    def __str__(self) -> str:
        return f"{self.application_id} {self.reason}"

    @property
    def is_open(self) -> bool:
        return self.cleared_at is None


class Batch(models.Model):
    """A payment batch (第N批): approved applications paid together, its bank file frozen when first made."""

    class State(models.TextChoices):
        FORMED = "formed", _("Formed")
        SENT = "sent", _("Sent to the bank")
        CLOSED = "closed", _("Results recorded")

    program = models.ForeignKey(Program, verbose_name=_("program"), on_delete=models.PROTECT, related_name="batches")
    ordinal = models.PositiveSmallIntegerField(_("batch ordinal"))
    number = models.CharField(_("batch number"), max_length=30, unique=True)
    formed_on = models.DateField(_("formed on"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.FORMED)
    count = models.PositiveIntegerField(_("payments"), default=0)
    total = MoneyField(_("total"), default=0)
    file_sha256 = models.CharField(_("payment file SHA-256"), max_length=64, blank=True)
    created_by = by_user(_("created by"))

    class Meta:
        verbose_name = _("subsidy payment batch")
        verbose_name_plural = _("subsidy payment batches")
        ordering = ["program", "ordinal"]
        constraints = [models.UniqueConstraint(fields=["program", "ordinal"], name="subsidy_batch_ordinal")]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return rules.batch_label(self.ordinal)


class Payment(models.Model):
    """One payment of a batch: the amount and the payee as they were when the batch was formed (snapshot);
    the bank's result (paid or failed, its transaction id the idempotency key)."""

    class State(models.TextChoices):
        PENDING = "pending", _("Awaiting the bank")
        PAID = "paid", _("Paid by the bank")
        FAILED = "failed", _("Refused by the bank")

    batch = models.ForeignKey(Batch, verbose_name=_("batch"), on_delete=models.PROTECT, related_name="payments")
    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.PROTECT, related_name="payments"
    )
    reference = models.CharField(_("payment reference"), max_length=40, unique=True)
    amount = MoneyField(_("amount"))
    payee_name = models.CharField(_("payee"), max_length=60)
    payee_account = models.CharField(_("payee account"), max_length=40)
    payee_bank = models.CharField(_("payee bank"), max_length=80)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PENDING)
    result_on = models.DateField(_("result dated"), null=True, blank=True, db_index=True)
    bank_txn = models.CharField(_("bank transaction id"), max_length=60, blank=True)
    failure = models.CharField(_("failure reason"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("subsidy payment")
        verbose_name_plural = _("subsidy payments")
        ordering = ["batch", "reference"]
        constraints = [
            models.UniqueConstraint(
                fields=["application"], condition=Q(state="pending"), name="subsidy_one_unpaid_batch"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="subsidy_payment_positive"),
        ]

    def __str__(self) -> str:
        return self.reference


class Clawback(models.Model):
    """A subsidy paid and found ineligible (追回): a receivable of the amount paid, the reason, what came back,
    and what a leader (not who decided the clawback) wrote off as not recoverable."""

    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.PROTECT, related_name="clawbacks"
    )
    amount = MoneyField(_("amount to recover"))
    reason = models.CharField(_("reason"), max_length=300)
    decided_on = models.DateField(_("clawback decided on"))
    recovered = MoneyField(_("recovered"), default=0)
    written_off = MoneyField(_("written off"), default=0)
    write_off_reason = models.CharField(_("reason for the write-off"), max_length=300, blank=True)
    written_off_by = by_user(_("write-off approved by"))
    created_by = by_user(_("created by"))

    class Meta:
        verbose_name = _("subsidy clawback")
        verbose_name_plural = _("subsidy clawbacks")
        ordering = ["-decided_on", "-id"]

    def __str__(self) -> str:
        return f"{self.application_id} {self.amount}"
