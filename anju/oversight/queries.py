"""Every read of inspection rectification a page, the API or a KPI needs: the year's findings of the city
inspections, those on the fund, rectified, in progress and overdue at the year's end, the tasks overdue and due
soon, the interim milestone's rate and the deployment meetings."""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from anju.core import kpis as registry
from anju.oversight import rules
from anju.oversight.models import Finding, Inspection, Progress, Task
from anju.worklog import queries as worklog
from anju.worklog.models import WorkRecord

K = Inspection.Kind
CITY_KINDS = (K.CITY, K.CITY_LOOKBACK)
MODULE = "oversight"
# Every table the module's KPIs read, each watched by its version triggers (oversight 0005, worklog 0003):
# the home page keeps the year's figures per version of them (`anju.core.kpis.kept_values`).
TABLES = ("oversight_inspection", "oversight_finding", "oversight_task", "oversight_progress", "worklog_workrecord")


def year_end(year: int) -> dt.date:
    return min(dt.date(year, 12, 31), timezone.localdate())


def findings(year: int) -> QuerySet[Finding]:
    """Findings of the city inspections (巡察, 回头看) whose feedback was given in the year."""
    return Finding.objects.filter(inspection__kind__in=CITY_KINDS, inspection__feedback_on__year=year)


def findings_fund(year: int) -> QuerySet[Finding]:
    return findings(year).filter(area=Finding.Area.FUND)


def rectified(year: int) -> QuerySet[Finding]:
    """The year's findings all of whose tasks were signed off by the year's end."""
    return findings(year).filter(rectified_on__lte=year_end(year))


def _late_task(on: dt.date) -> Q:
    return Q(deadline__lt=on) & (Q(signed_off_on__isnull=True) | Q(signed_off_on__gt=on))


def overdue_findings(year: int) -> QuerySet[Finding]:
    """The year's findings with a task past its deadline and not signed off at the year's end."""
    on = year_end(year)
    late = Task.objects.filter(_late_task(on), finding=OuterRef("pk"), assigned_on__lte=on)
    return findings(year).filter(Exists(late))


def in_progress(year: int) -> QuerySet[Finding]:
    """The year's findings not rectified at the year's end."""
    on = year_end(year)
    return findings(year).exclude(rectified_on__lte=on)


def decompositions(year: int) -> QuerySet[Inspection]:
    """The year's city inspections whose task-decomposition notice has been issued, in the order of issue."""
    return (
        Inspection.objects.filter(pk__in=findings(year).values("inspection"))
        .exclude(decomposition_number="")
        .filter(decomposition_on__isnull=False)
        .order_by("decomposition_on", "pk")
    )


def decomposition_notices(year: int) -> registry.ListValue:
    """任务分解通知: the date of each notice as the report writes it (2024年1月10日)."""
    days = [i.decomposition_on for i in decompositions(year) if i.decomposition_on is not None]
    return [f"{day.year}年{day.month}月{day.day}日" for day in days]


def decomposition_numbers(year: int) -> registry.ListValue:
    """任务分解通知文号 (怀住保字〔2024〕1号), one per notice."""
    return [i.decomposition_number for i in decompositions(year)]


def interim_deadlines(year: int) -> registry.ListValue:
    """阶段性进展时限 of the year's findings' tasks, each day once (3月15日)."""
    found = tasks(year).exclude(interim_deadline=None).values_list("interim_deadline", flat=True)
    days = sorted({day for day in found if day is not None})
    return [f"{day.month}月{day.day}日" for day in days]


def tasks(year: int) -> QuerySet[Task]:
    return Task.objects.filter(finding__in=findings(year))


def overdue_tasks(on: dt.date) -> QuerySet[Task]:
    """Tasks past their deadline at the day and not signed off by it."""
    return Task.objects.filter(_late_task(on), assigned_on__lte=on)


def due_soon_tasks(on: dt.date, days: int = rules.DUE_SOON_DAYS) -> QuerySet[Task]:
    return Task.objects.filter(signed_off_on__isnull=True, deadline__gte=on, deadline__lte=on + dt.timedelta(days=days))


def tasks_overdue(year: int) -> QuerySet[Task]:
    return overdue_tasks(year_end(year))


def with_interim(year: int) -> QuerySet[Task]:
    """Tasks whose interim deadline (阶段性进展) falls in the year."""
    return Task.objects.filter(interim_deadline__year=year)


def interim_met(year: int) -> QuerySet[Task]:
    met = Progress.objects.filter(task=OuterRef("pk"), on__lte=OuterRef("interim_deadline"))
    return with_interim(year).filter(Exists(met))


def meetings(year: int) -> QuerySet[WorkRecord]:
    return worklog.held(MODULE, WorkRecord.Category.RECTIFICATION, year)


def problem_lists(year: int, origin: str) -> QuerySet[Finding]:
    """Theme-education problem lists (班子 / 个人) of reviews in the year."""
    return Finding.objects.filter(inspection__kind=K.THEME, inspection__feedback_on__year=year, origin=origin)


def research_reported(year: int) -> QuerySet[Finding]:
    """Research problems (调研问题) reported by the leaders in the year: the findings of research rounds."""
    return Finding.objects.filter(inspection__kind=K.RESEARCH, inspection__feedback_on__year=year)


def research_approved(year: int) -> QuerySet[Finding]:
    """Those approved for solving: given a task."""
    return research_reported(year).filter(Exists(Task.objects.filter(finding=OuterRef("pk"))))


def research_resolved(year: int) -> QuerySet[Finding]:
    """Those approved and solved (all tasks signed off) by the report's day (the seed's «截至目前»)."""
    return research_approved(year).filter(rectified_on__isnull=False)


def provincial_findings(year: int) -> QuerySet[Finding]:
    return Finding.objects.filter(inspection__kind=K.PROVINCIAL, inspection__feedback_on__year=year)


def rectification_rate(year: int) -> registry.Value:
    return registry.rate(rectified(year).count(), findings(year).count())


def ledger() -> QuerySet[Task]:
    """The rectification ledger's rows (整改台账): every task with its finding and inspection."""
    return Task.objects.select_related("finding__inspection", "owner").order_by(
        "finding__inspection__feedback_on", "finding__number", "number"
    )
