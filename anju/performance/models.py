"""Budget records (预算), staffing (编制), assets (资产), the indicator tree (绩效指标), the report's editable
narrative and report runs. Figures derived from these (totals, rates, scores) are computed, never stored."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anju.core import kpis
from anju.core.fields import MoneyField

ZERO = Decimal("0.00")


class BudgetLine(models.Model):
    """One line of a year's budget and its execution (决算): an income source, a spending line, an economic
    class, a 三公经费 line, a 公用经费 detail line or a procurement item. Amounts in 元."""

    class Section(models.TextChoices):
        INCOME = "income", _("Income by source")
        PERSONNEL = "personnel", _("Basic spending: personnel")
        PUBLIC = "public", _("Basic spending: public")
        PROJECT = "project", _("Project spending")
        ECONOMIC = "economic", _("Spending by economic class")
        THREE_PUBLIC = "three_public", _("Three public expenses")
        PUBLIC_DETAIL = "public_detail", _("Public expenses detail")
        PROCUREMENT = "procurement", _("Government procurement")
        ADJUSTMENT = "adjustment", _("Basic budget adjustment")

    year = models.PositiveSmallIntegerField(_("year"), db_index=True)
    section = models.CharField(_("section"), max_length=20, choices=Section.choices)
    name = models.CharField(_("budget item"), max_length=100)
    initial = MoneyField(_("initial budget"), default=ZERO)
    final = MoneyField(_("full-year budget"), default=ZERO)
    executed = MoneyField(_("executed"), default=ZERO)
    prior_year = MoneyField(_("prior-year actual"), default=ZERO)
    note = models.CharField(_("note"), max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        ordering = ["year", "section", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["year", "section", "name"], name="performance_budgetline_unique")
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.get_section_display()} {self.name}"


class SpecialFund(models.Model):
    """A special fund (专项资金) of the year: budget, money used and the balance left (结余)."""

    year = models.PositiveSmallIntegerField(_("year"), db_index=True)
    name = models.CharField(_("special fund"), max_length=100)
    # Binds the fund to its KPI budget.special.<key>_rate (termite, rental); blank for others.
    key = models.SlugField(_("KPI key"), max_length=30, blank=True)
    # The keys a KPI reads (budget.special.<key>_rate) and how people name them.
    KEYS = {"termite": "白蚁防治专项使用率", "rental": "公租房后续管理专项使用率"}
    AUDIT_VALUES = {"key": KEYS}
    budget = MoneyField(_("budget"), default=ZERO)
    used = MoneyField(_("used"), default=ZERO)
    balance = MoneyField(_("balance"), default=ZERO)
    in_department_budget = models.BooleanField(_("in the department's budget"), default=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("special fund")
        verbose_name_plural = _("special funds")
        ordering = ["year", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["year", "name"], name="performance_specialfund_unique"),
            # A key binds one fund of the year to its KPI: two funds with the same key would make the KPI ambiguous.
            models.UniqueConstraint(
                fields=["year", "key"], condition=~models.Q(key=""), name="performance_specialfund_key_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.name}"


class Staffing(models.Model):
    """Posts (编制数) and staff in post (在职人数) of a year; the control rate as filed, when it was."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    posts = models.PositiveIntegerField(_("posts"))
    staff = models.PositiveIntegerField(_("staff in post"))
    reported_control_rate = models.DecimalField(
        _("control rate as filed (%)"), max_digits=6, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = _("staffing")
        verbose_name_plural = _("staffing")
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year} {self.staff}/{self.posts}"


class FacilityControl(models.Model):
    """楼堂馆所控制情况 of a year (附件1-1): the approved and actual floor area and the budgeted and actual
    investment of office buildings and similar construction. The control rates are computed, never stored."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    approved_area = models.DecimalField(_("approved area (m²)"), max_digits=12, decimal_places=2, default=ZERO)
    actual_area = models.DecimalField(_("actual area (m²)"), max_digits=12, decimal_places=2, default=ZERO)
    budget_investment = MoneyField(_("budgeted investment"), default=ZERO)
    actual_investment = MoneyField(_("actual investment"), default=ZERO)

    class Meta:
        verbose_name = _("building control")
        verbose_name_plural = _("building control")
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year} {self.actual_area}/{self.approved_area}"


class Asset(models.Model):
    """An asset on the register (资产台账): current (流动资产) or fixed (固定资产), with its custodian."""

    class Kind(models.TextChoices):
        CURRENT = "current", _("Current asset")
        FIXED = "fixed", _("Fixed asset")

    class Status(models.TextChoices):
        IN_USE = "in_use", _("In use")
        DISPOSAL_REQUESTED = "disposal_requested", _("Disposal requested")
        DISPOSED = "disposed", _("Disposed")

    code = models.CharField(_("asset code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    category = models.CharField(_("asset category"), max_length=60, blank=True)
    value = MoneyField(_("value"))
    department = models.CharField(_("department"), max_length=60, blank=True)
    custodian = models.CharField(_("custodian"), max_length=60, blank=True)
    acquired_on = models.DateField(_("acquired on"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.IN_USE)
    disposed_on = models.DateField(_("disposed on"), null=True, blank=True)
    disposal_reason = models.CharField(_("disposal reason"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("asset")
        verbose_name_plural = _("assets")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class AssetChange(models.Model):
    """A change in the register: acquisition, custodian transfer, disposal request, approval, refusal."""

    class Kind(models.TextChoices):
        ACQUIRED = "acquired", _("Acquired")
        TRANSFERRED = "transferred", _("Custodian changed")
        DISPOSAL_REQUESTED = "disposal_requested", _("Disposal requested")
        DISPOSAL_APPROVED = "disposal_approved", _("Disposal approved")
        DISPOSAL_REFUSED = "disposal_refused", _("Disposal refused")
        DISPOSED = "disposed", _("Disposed")

    asset = models.ForeignKey(Asset, on_delete=models.PROTECT, related_name="changes", verbose_name=_("asset"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    at = models.DateTimeField(_("time"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("by")
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("asset change")
        verbose_name_plural = _("asset changes")
        ordering = ["asset", "at", "id"]

    def __str__(self) -> str:
        return f"{self.asset_id} {self.kind}"


def kpi_name(code: str) -> str:
    """A bound KPI as people read it: its name (an unregistered code as stored)."""
    found = kpis.find(code)
    return found.name if found is not None else code


class Indicator(models.Model):
    """A third-level performance indicator (三级指标) of a year's tree, under its 一级 and 二级 headings."""

    class Operator(models.TextChoices):
        GE = "ge", "≥"
        LE = "le", "≤"
        EQ = "eq", "="
        QUALITATIVE = "qual", _("qualitative")
        BUDGET_EXECUTION = "budget", _("budget execution")
        NOT_APPLICABLE = "na", _("not applicable")

    class Band(models.TextChoices):
        ACHIEVED = "achieved", _("Achieved")
        PARTLY = "partly", _("Partly achieved")
        NOT_ACHIEVED = "not_achieved", _("Not achieved")

    year = models.PositiveSmallIntegerField(_("year"), db_index=True)
    level1 = models.CharField(_("level 1"), max_length=60)
    level1_weight = models.DecimalField(_("level 1 weight"), max_digits=5, decimal_places=2, default=Decimal(0))
    level2 = models.CharField(_("level 2"), max_length=60)
    name = models.CharField(_("level 3"), max_length=120, blank=True)
    weight = models.DecimalField(_("weight"), max_digits=5, decimal_places=2, default=Decimal(0))
    operator = models.CharField(_("operator"), max_length=10, choices=Operator.choices)
    target = models.DecimalField(_("target"), max_digits=16, decimal_places=2, null=True, blank=True)
    target_text = models.CharField(_("target as written"), max_length=60, blank=True)
    unit = models.CharField(_("unit of measure"), max_length=20, blank=True)
    kpi_code = models.CharField(_("bound KPI"), max_length=60, blank=True)
    AUDIT_VALUES = {"kpi_code": kpi_name}
    # The value is shown in this unit: a money KPI in 元 is compared with a target in 万元.
    kpi_scale = models.DecimalField(_("KPI divisor"), max_digits=12, decimal_places=0, default=Decimal(1))
    actual = models.DecimalField(_("actual (manual)"), max_digits=16, decimal_places=2, null=True, blank=True)
    actual_text = models.CharField(_("actual as written"), max_length=60, blank=True)
    band = models.CharField(_("qualitative band"), max_length=15, choices=Band.choices, blank=True)
    band_score = models.DecimalField(
        _("share of weight in band (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    override_score = models.DecimalField(_("evaluator's score"), max_digits=5, decimal_places=2, null=True, blank=True)
    override_reason = models.TextField(_("reason for the evaluator's score"), blank=True)
    deviation_note = models.TextField(_("deviation and improvement"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["year", "order", "id"]

    def __str__(self) -> str:
        return f"{self.year} {self.level1}/{self.level2}/{self.name}"


class Narrative(models.Model):
    """The editable text of a report section for a year; `{kpi.code}` placeholders are filled from the KPIs."""

    year = models.PositiveSmallIntegerField(_("year"))
    section = models.CharField(_("section"), max_length=40)
    text = models.TextField(_("text"), blank=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("edited by"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("report narrative")
        verbose_name_plural = _("report narratives")
        ordering = ["year", "section"]
        constraints = [models.UniqueConstraint(fields=["year", "section"], name="performance_narrative_unique")]

    def __str__(self) -> str:
        return f"{self.year} {self.section}"


class NarrativeVersion(models.Model):
    """Every saved text of a section and year, with who wrote it (the section's history; restoring one saves it
    again as the newest). Back to the default text is a version with `default` set and no text."""

    year = models.PositiveSmallIntegerField(_("year"))
    section = models.CharField(_("section"), max_length=40)
    number = models.PositiveIntegerField(_("version"))
    text = models.TextField(_("text"), blank=True)
    default = models.BooleanField(_("back to the default text"), default=False)
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("saved by"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    saved_at = models.DateTimeField(_("saved at"), default=timezone.now)

    class Meta:
        verbose_name = _("report narrative version")
        verbose_name_plural = _("report narrative versions")
        ordering = ["year", "section", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["year", "section", "number"], name="performance_narrative_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.section} v{self.number}"


class ReportRun(models.Model):
    """One build of the annual report's files, with its progress (the report page polls it)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Building the files")
        DONE = "done", _("Built")
        FAILED = "failed", _("Failed")

    year = models.PositiveSmallIntegerField(_("year"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    step = models.CharField(_("step"), max_length=100, blank=True)
    error = models.TextField(_("error"), blank=True)
    directory = models.CharField(_("directory"), max_length=300, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("requested by")
    )
    created = models.DateTimeField(_("created"), default=timezone.now)
    # Touched by every progress step: a run queued or running whose last touch is old lost its worker.
    updated = models.DateTimeField(_("updated"), auto_now=True)
    finished = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("report run")
        verbose_name_plural = _("report runs")
        ordering = ["-created", "-id"]

    def __str__(self) -> str:
        return f"{self.year} #{self.pk} {self.status}"
