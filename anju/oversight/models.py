"""Inspection findings and rectification (巡察巡视整改, DOMAIN.md §8): an inspection round gives findings, each
finding one or more rectification tasks (unit, person, target, deadline, interim deadline), progress entries
with evidence, and a sign-off (销号) by three different people: the owner submits, the leading-group office checks,
a leader approves. Files (the decomposition notice, evidence) are the kit's attachments. A finding links to the
records it concerns and to the changes made as evidence."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from anju.core.links import reverse
from anju.core.workflow import WorkflowEvent
from anju.worklog.models import WorkRecord


class Inspection(models.Model):
    class Kind(models.TextChoices):
        CITY = "city", _("City party committee inspection")  # 市委巡察
        CITY_LOOKBACK = "city_lookback", _("City inspection look-back")  # 巡察“回头看”
        PROVINCIAL = "provincial", _("Provincial inspection")  # 省委巡视
        AUDIT = "audit", _("Audit")
        THEME = "theme", _("Theme education review")  # 主题教育检视
        RESEARCH = "research", _("Research problems")  # 调研

    kind = models.CharField(_("inspection kind"), max_length=16, choices=Kind.choices)
    title = models.CharField(_("inspection title"), max_length=200)
    body = models.CharField(_("issuing body"), max_length=120, blank=True)
    entered_on = models.DateField(_("entered on"), null=True, blank=True)
    feedback_on = models.DateField(_("feedback on"), db_index=True)
    report_due = models.DateField(_("report-back due"), null=True, blank=True)
    decomposition_number = models.CharField(_("task decomposition document number"), max_length=60, blank=True)
    decomposition_on = models.DateField(_("task decomposition issued on"), null=True, blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["-feedback_on", "-pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("oversight:inspection", args=[self.pk])


class ReportPeriod(models.Model):
    """The period within which the inspected body reports on its rectification, per kind of inspection and from a
    day on (rules change: the 巡视工作条例 of 2015 says 2 months, revised in 2017 and 2024; city 巡察 follow local
    rules): data, so a new rule is a new row, not a code change."""

    kind = models.CharField(_("inspection kind"), max_length=16, choices=Inspection.Kind.choices)
    effective_from = models.DateField(_("effective from"))
    months = models.PositiveSmallIntegerField(_("months to report back"))
    basis = models.CharField(_("basis"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("report-back period")
        verbose_name_plural = _("report-back periods")
        ordering = ["kind", "-effective_from"]
        constraints = [models.UniqueConstraint(fields=["kind", "effective_from"], name="oversight_period_once")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.months}个月（{self.effective_from:%Y-%m-%d}起）"


class Finding(models.Model):
    class Area(models.TextChoices):
        FUND = "fund", _("Maintenance fund management")  # 维修资金管理
        RENTAL = "rental", _("Public rental housing")
        FINANCE = "finance", _("Finance and assets")
        PARTY = "party", _("Party building and integrity")
        PETITIONS = "petitions", _("Petitions")
        OTHER = "other", _("Other area")

    class Origin(models.TextChoices):
        FEEDBACK = "feedback", _("Feedback opinion")  # 反馈意见
        SPECIAL = "special", _("Inspection special report")  # 巡察专报
        TEAM = "team", _("Leadership team problem list")  # 班子问题清单
        PERSONAL = "personal", _("Personal problem list")  # 个人问题清单

    class Severity(models.TextChoices):
        GENERAL = "general", _("General")
        SERIOUS = "serious", _("Serious")

    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="findings")
    number = models.PositiveSmallIntegerField(_("finding number"))
    text = models.TextField(_("finding"))
    area = models.CharField(_("area"), max_length=12, choices=Area.choices)
    origin = models.CharField(_("origin"), max_length=10, choices=Origin.choices, default=Origin.FEEDBACK)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices, default=Severity.GENERAL)
    # Kept by the sign-off action: the day its last task was signed off (all its tasks signed off).
    rectified_on = models.DateField(_("rectified on"), null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["inspection", "number"]
        constraints = [models.UniqueConstraint(fields=["inspection", "number"], name="oversight_finding_number")]

    def __str__(self) -> str:
        return f"{self.number}. {self.text[:40]}"

    def get_absolute_url(self) -> str:
        return reverse("oversight:finding", args=[self.pk])


class FindingLink(models.Model):
    """A record a finding concerns (a fund rule, an account, a process) or a change made as evidence."""

    class Role(models.TextChoices):
        CONCERNS = "concerns", _("Concerns")
        EVIDENCE = "evidence", _("Change made")

    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="links")
    role = models.CharField(_("link role"), max_length=10, choices=Role.choices)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    label = models.CharField(_("label"), max_length=200)

    class Meta:
        verbose_name = _("finding link")
        verbose_name_plural = _("finding links")
        constraints = [
            models.UniqueConstraint(fields=["finding", "role", "content_type", "object_id"], name="oversight_link_once")
        ]

    def __str__(self) -> str:
        return self.label


class Task(models.Model):
    class Kind(models.TextChoices):
        IMMEDIATE = "immediate", _("Rectify at once")  # 立行立改
        DEADLINE = "deadline", _("Rectify by a deadline")  # 限期整改
        LONG_TERM = "long_term", _("Long-term")  # 长期坚持

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        IN_PROGRESS = "in_progress", _("Rectifying")
        SUBMITTED = "submitted", _("Awaiting check")
        CHECKED = "checked", _("Awaiting sign-off")
        SIGNED_OFF = "signed_off", _("Signed off")

    finding = models.ForeignKey(Finding, on_delete=models.PROTECT, related_name="tasks")
    number = models.CharField(_("task number"), max_length=20, unique=True)
    kind = models.CharField(_("rectification kind"), max_length=10, choices=Kind.choices)
    unit = models.CharField(_("responsible unit"), max_length=60)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("responsible person"),
                              on_delete=models.PROTECT, related_name="rectification_tasks")  # fmt: skip
    target = models.TextField(_("rectification target"))
    assigned_on = models.DateField(_("assigned on"))
    deadline = models.DateField(_("rectification deadline"), db_index=True)
    interim_deadline = models.DateField(_("interim progress deadline"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.NOT_STARTED)
    submitted_on = models.DateField(_("submitted on"), null=True, blank=True)
    checked_on = models.DateField(_("checked on"), null=True, blank=True)
    signed_off_on = models.DateField(_("signed off on"), null=True, blank=True, db_index=True)
    meeting = models.ForeignKey(
        WorkRecord, verbose_name=_("decided at meeting"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="rectification_tasks",
    )  # fmt: skip
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("rectification task")
        verbose_name_plural = _("rectification tasks")
        ordering = ["deadline", "pk"]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("oversight:task", args=[self.pk])


class Progress(models.Model):
    """A progress entry (整改进展) with its evidence."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="progress")
    on = models.DateField(_("progress date"), db_index=True)
    text = models.TextField(_("progress"))
    evidence = models.CharField(_("evidence"), max_length=300, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                           related_name="+")  # fmt: skip
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("progress entry")
        verbose_name_plural = _("progress entries")
        ordering = ["on", "pk"]

    def __str__(self) -> str:
        return f"{self.task} {self.on:%Y-%m-%d}"


class Extension(models.Model):
    """A request to extend a task's deadline (延期申请): by its owner, decided by a leader who is not the owner; an
    approved one moves the deadline (the first deadline stays on the request)."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="extensions")
    requested_on = models.DateField(_("requested on"))
    old_deadline = models.DateField(_("deadline before"))
    new_deadline = models.DateField(_("requested deadline"))
    reason = models.CharField(_("reason"), max_length=300)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")  # fmt: skip
    approved = models.BooleanField(_("approved"), null=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")  # fmt: skip
    decided_on = models.DateField(_("decided on"), null=True, blank=True)

    class Meta:
        verbose_name = _("extension request")
        verbose_name_plural = _("extension requests")
        ordering = ["requested_on", "pk"]

    def __str__(self) -> str:
        return f"{self.task} → {self.new_deadline:%Y-%m-%d}"


class TaskEvent(WorkflowEvent):
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="events")

    class Meta:
        verbose_name = _("rectification task history")
        verbose_name_plural = _("rectification task history")
        ordering = ["at", "pk"]
