"""Use applications (维修资金使用): repair items, the units in scope, workflow events, payments and their shares.

Models of the fund app (app_label "fund"); `anju.fund.models` imports them."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anju.core.fields import MoneyField, by_user
from anju.core.workflow import WorkflowEvent
from anju.fund.models import Account, JournalEntry
from anju.registry.models import Project, Unit


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
    created_by = by_user(_("created by"))

    class Meta:
        app_label = "fund"
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
        app_label = "fund"
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
        app_label = "fund"
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
        app_label = "fund"
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
    created_by = by_user(_("created by"))

    class Meta:
        app_label = "fund"
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
        app_label = "fund"
        verbose_name = _("payment share")
        verbose_name_plural = _("payment shares")
        ordering = ["payment", "scope_unit__unit__code"]

    def __str__(self) -> str:
        return f"{self.payment_id} {self.scope_unit_id} {self.amount}"
