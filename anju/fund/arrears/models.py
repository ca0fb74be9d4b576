"""Arrears recovery (追缴): deposits developers collected from buyers (代收) but never remitted.

A case (追缴案件) is one developer's arrears on one project: the units and amounts owed, the evidence,
the timeline of actions taken and the money recovered. Its stage is derived from the timeline
(`rules.case_stage`) and cached on the case by the actions that change it."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anju.core.fields import MoneyField, by_user
from anju.fund.arrears import rules
from anju.fund.models import Account, JournalEntry
from anju.registry.models import Enterprise, Project, Unit

ZERO = Decimal("0.00")


class RecoveryTarget(models.Model):
    """The year's recovery task set by the city (市追缴办下达的追缴任务)."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    amount = MoneyField(_("target amount"))
    issued_by = models.CharField(_("issuing authority"), max_length=120, blank=True)
    document = models.CharField(_("document number"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("recovery target")
        verbose_name_plural = _("recovery targets")
        ordering = ["-year"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="arrears_target_positive")]

    def __str__(self) -> str:
        return f"{self.year} {self.amount}"


class Stage(models.TextChoices):
    OPEN = rules.OPEN, _("Opened")
    NOTIFIED = rules.NOTIFIED, _("Notice served")
    UNSERVED = rules.UNSERVED, _("Notice not served")
    INTERVIEWED = rules.INTERVIEWED, _("Interviewed")
    ENFORCEMENT = rules.ENFORCEMENT, _("Transferred or sued")
    AUCTION = rules.AUCTION, _("Asset auction")
    RECOVERED = rules.RECOVERED, _("Fully recovered")


class RecoveryCase(models.Model):
    """One developer's unremitted collections on one project (追缴案件)."""

    number = models.CharField(_("case number"), max_length=30, unique=True)
    developer = models.ForeignKey(
        Enterprise, verbose_name=_("developer"), on_delete=models.PROTECT, related_name="recovery_cases"
    )
    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.PROTECT, related_name="+")
    opened_on = models.DateField(_("opened on"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    # Cached by the actions: the items' sums and the stage derived from the timeline.
    owed = MoneyField(_("amount owed"), default=ZERO)
    recovered = MoneyField(_("amount recovered"), default=ZERO)
    households = models.PositiveIntegerField(_("households"), default=0)
    stage = models.CharField(_("stage"), max_length=12, choices=Stage.choices, default=Stage.OPEN, db_index=True)
    created_by = by_user(_("created by"))

    class Meta:
        verbose_name = _("recovery case")
        verbose_name_plural = _("recovery cases")
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["developer", "project"], name="arrears_case_unique")]

    def __str__(self) -> str:
        return f"{self.number} {self.project.name}"

    @property
    def outstanding(self) -> Decimal:
        return self.owed - self.recovered


class ArrearsItem(models.Model):
    """A unit whose deposit the developer collected and did not remit (欠缴明细)."""

    class Status(models.TextChoices):
        OWED = "owed", _("Owed")
        PARTIAL = "partial", _("Partly recovered")
        RECOVERED = "recovered", _("Recovered")

    case = models.ForeignKey(RecoveryCase, verbose_name=_("case"), on_delete=models.PROTECT, related_name="items")
    unit = models.OneToOneField(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="arrears_item")
    account = models.ForeignKey(Account, verbose_name=_("unit ledger"), on_delete=models.PROTECT, related_name="+")
    amount = MoneyField(_("amount owed"))
    recovered = MoneyField(_("amount recovered"), default=ZERO)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OWED)

    class Meta:
        verbose_name = _("arrears item")
        verbose_name_plural = _("arrears items")
        ordering = ["case", "unit__code"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="arrears_item_positive")]

    def __str__(self) -> str:
        return f"{self.unit.code} {self.amount}"

    @property
    def outstanding(self) -> Decimal:
        return self.amount - self.recovered


class Evidence(models.Model):
    """Evidence collected on a case (代收证据：收据、契税资料), with the units (arrears items) it covers.

    `households` and `amount` cache the count and owed sum of `items`, set by the action; the KPIs count
    the distinct items covered, so two records covering the same unit count it once.
    The files are attachments (anju.core.attachments) on this record."""

    case = models.ForeignKey(RecoveryCase, verbose_name=_("case"), on_delete=models.PROTECT, related_name="evidence")
    collected_on = models.DateField(_("collected on"), db_index=True)
    description = models.CharField(_("description"), max_length=300)
    items = models.ManyToManyField(ArrearsItem, verbose_name=_("units covered"), related_name="evidence")
    households = models.PositiveIntegerField(_("households covered"))
    amount = MoneyField(_("amount covered"))
    created_by = by_user(_("created by"))

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["-collected_on", "-id"]

    def __str__(self) -> str:
        return f"{self.case.number} {self.collected_on} {self.description}"


class CaseAction(models.Model):
    """A step on a case's timeline."""

    class Kind(models.TextChoices):
        NOTICE = rules.NOTICE, _("Written notice")
        NOT_SERVED = rules.NOT_SERVED, _("Notice not served")
        INTERVIEW = rules.INTERVIEW, _("Interview")
        JOINT_INTERVIEW = rules.JOINT_INTERVIEW, _("Joint interview with police and tax")
        TRANSFER = rules.TRANSFER, _("Transfer to urban management")
        CIVIL_SUIT = rules.CIVIL_SUIT, _("Civil suit via a law firm")
        AUCTION = rules.AUCTION_STARTED, _("Asset auction")
        FAILED_AUCTION = rules.FAILED_AUCTION, _("Failed auction")

    case = models.ForeignKey(RecoveryCase, verbose_name=_("case"), on_delete=models.PROTECT, related_name="actions")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, db_index=True)
    date = models.DateField(_("date"), db_index=True)
    participants = models.CharField(_("participants"), max_length=300, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    amount = MoneyField(_("amount involved"), null=True, blank=True)  # type: ignore[misc]
    created_by = by_user(_("created by"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("case action")
        verbose_name_plural = _("case actions")
        ordering = ["date", "id"]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()}"


class Recovery(models.Model):
    """Money recovered from the developer on a case, posted to the unit ledgers (追缴入库)."""

    case = models.ForeignKey(RecoveryCase, verbose_name=_("case"), on_delete=models.PROTECT, related_name="recoveries")
    received_on = models.DateField(_("received on"), db_index=True)
    amount = MoneyField(_("amount"))
    payer = models.CharField(_("payer"), max_length=120, blank=True)
    bank = models.ForeignKey(
        Account, verbose_name=_("bank special account"), on_delete=models.PROTECT, related_name="+"
    )
    entry = models.OneToOneField(
        JournalEntry, verbose_name=_("journal entry"), on_delete=models.PROTECT, related_name="arrears_recovery"
    )
    created_by = by_user(_("created by"))

    class Meta:
        verbose_name = _("recovery")
        verbose_name_plural = _("recoveries")
        ordering = ["-received_on", "-id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="arrears_recovery_positive")]

    def __str__(self) -> str:
        return f"{self.case.number} {self.received_on} {self.amount}"


class SchedulingMeeting(models.Model):
    """A recovery scheduling meeting (专题调度会)."""

    date = models.DateField(_("date"), db_index=True)
    title = models.CharField(_("title"), max_length=200)
    attendees = models.CharField(_("attendees"), max_length=300, blank=True)
    decisions = models.TextField(_("decisions"), blank=True)

    class Meta:
        verbose_name = _("scheduling meeting")
        verbose_name_plural = _("scheduling meetings")
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.date} {self.title}"
