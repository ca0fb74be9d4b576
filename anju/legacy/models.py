"""Legacy projects (房地产历史遗留问题项目, DOMAIN.md §7): a stalled or unfinished development the center helps to
finish and certify. Its stages are data (Stage), each milestone has a planned and an actual date with its
evidence and who recorded it, agencies get tasks with owners and deadlines (some decided at a meeting, the
shared 工作记录), and the households waiting for title certificates are counted."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from anju.core.links import reverse
from anju.registry.models import Building, Enterprise
from anju.registry.models import Project as RegistryProject
from anju.worklog.models import WorkRecord


class Stage(models.Model):
    """A stage of the canonical order (停滞登记 … 办证完成); `required` stages may not be skipped."""

    order = models.PositiveSmallIntegerField(_("stage order"), unique=True)
    code = models.CharField(_("stage code"), max_length=30, unique=True)
    name = models.CharField(_("stage name"), max_length=40)
    required = models.BooleanField(_("required stage"), default=False)

    class Meta:
        verbose_name = _("legacy project stage")
        verbose_name_plural = _("legacy project stages")
        ordering = ["order"]

    def __str__(self) -> str:
        return self.name


class Project(models.Model):
    """历史遗留问题项目: linked to the registry's project (when it has one), its developer and buildings."""

    name = models.CharField(_("legacy project name"), max_length=120, unique=True)
    registry_project = models.ForeignKey(
        RegistryProject, verbose_name=_("project"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="legacy_projects",
    )  # fmt: skip
    developer = models.ForeignKey(
        Enterprise, verbose_name=_("original developer"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="legacy_projects",
    )  # fmt: skip
    buildings = models.ManyToManyField(Building, verbose_name=_("buildings"), blank=True, related_name="+")
    takeover_entity = models.CharField(_("takeover entity"), max_length=120, blank=True)
    households = models.PositiveIntegerField(_("households affected"), default=0)
    certificates_issued = models.PositiveIntegerField(_("certificates issued"), default=0)
    blockers = models.TextField(_("blockers"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    registered_on = models.DateField(_("registered on"))
    # The stage it was at when registered: the required stages before it are not asked for.
    entry_stage = models.ForeignKey(Stage, verbose_name=_("stage when registered"), on_delete=models.PROTECT,
                                    related_name="+")  # fmt: skip
    # The furthest stage reached (kept by the actions, for lists and the board).
    stage = models.ForeignKey(Stage, verbose_name=_("current stage"), on_delete=models.PROTECT, related_name="+")
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("legacy project")
        verbose_name_plural = _("legacy projects")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("legacy:project", args=[self.pk])

    @property
    def households_waiting(self) -> int:
        return max(0, self.households - self.certificates_issued)


class Milestone(models.Model):
    """A stage of one project: planned (预计) and actual dates, the evidence, who recorded it."""

    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="milestones")
    stage = models.ForeignKey(Stage, verbose_name=_("stage"), on_delete=models.PROTECT, related_name="+")
    first_planned_on = models.DateField(_("first planned on"), null=True, blank=True)
    planned_on = models.DateField(_("planned on"), null=True, blank=True)
    reached_on = models.DateField(_("reached on"), null=True, blank=True, db_index=True)
    evidence = models.CharField(_("evidence"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    recorded_at = models.DateTimeField(_("recorded at"), auto_now=True)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        constraints = [models.UniqueConstraint(fields=["project", "stage"], name="legacy_milestone_once")]

    def __str__(self) -> str:
        return f"{self.project} {self.stage}"


class Task(models.Model):
    """A task of an agency on a project (税务、自然资源、消防、城发集团…), with its owner and deadline."""

    class Agency(models.TextChoices):
        TAX = "tax", _("Tax bureau")
        LAND = "land", _("Natural resources bureau")
        FIRE = "fire", _("Fire department")
        HOUSING = "housing", _("Housing and construction bureau")
        CITY_DEV = "city_dev", _("City development group")
        DEVELOPER = "developer", _("Developer")
        CENTER = "center", _("The center")
        OTHER = "other", _("Other agency")

    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="tasks")
    agency = models.CharField(_("agency"), max_length=12, choices=Agency.choices)
    title = models.CharField(_("task"), max_length=200)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("task owner"), on_delete=models.PROTECT,
                              related_name="legacy_tasks")  # fmt: skip
    assigned_on = models.DateField(_("assigned on"))
    due_on = models.DateField(_("deadline"), db_index=True)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    result = models.CharField(_("result"), max_length=300, blank=True)
    meeting = models.ForeignKey(
        WorkRecord, verbose_name=_("decided at meeting"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="legacy_tasks",
    )  # fmt: skip
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip

    class Meta:
        verbose_name = _("legacy project task")
        verbose_name_plural = _("legacy project tasks")
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return self.title
