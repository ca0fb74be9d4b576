"""Every read of legacy projects a page, the API or a KPI needs: the projects standing at a day, those in
certification, the year's entries, households waiting, overdue milestones and tasks, and the board."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Sum
from django.utils import timezone

from anju.legacy import rules
from anju.legacy.models import Milestone, Project, Task


def year_end(year: int) -> dt.date:
    """The day a year's figures are taken at: 31 December, or today during the year."""
    return min(dt.date(year, 12, 31), timezone.localdate())


def standing(on: dt.date) -> QuerySet[Project]:
    """Projects registered by the day and not withdrawn by it."""
    return Project.objects.filter(registered_on__lte=on).exclude(withdrawn_on__lte=on)


def _reached(stage: str, on: dt.date) -> Exists:
    return Exists(
        Milestone.objects.filter(
            project=OuterRef("pk"), stage__code=stage, reached_on__isnull=False, reached_on__lte=on
        )
    )


def projects(year: int) -> QuerySet[Project]:
    return standing(year_end(year))


def in_certification(year: int) -> QuerySet[Project]:
    """Projects that had entered certification (进入办证程序) by the year's end."""
    return projects(year).filter(_reached(rules.CERTIFICATION, year_end(year)))


def entered_certification(year: int) -> QuerySet[Project]:
    """Projects whose entry into certification is dated in the year, in the order they entered."""
    return (
        projects(year)
        .filter(milestones__stage__code=rules.CERTIFICATION, milestones__reached_on__year=year)
        .order_by("milestones__reached_on", "name")
    )


def outside_certification(year: int) -> QuerySet[Project]:
    return projects(year).exclude(_reached(rules.CERTIFICATION, year_end(year))).select_related("stage")


def households_waiting(year: int) -> int:
    """Households of the standing projects still waiting for their title certificates."""
    totals = projects(year).aggregate(h=Sum("households"), c=Sum("certificates_issued"))
    return max(0, (totals["h"] or 0) - (totals["c"] or 0))


def waiting_projects(year: int) -> QuerySet[Project]:
    return projects(year).filter(households__gt=F("certificates_issued"))


def overdue_tasks(on: dt.date) -> QuerySet[Task]:
    """Tasks past their deadline at the day and not done by it."""
    return Task.objects.filter(due_on__lt=on, assigned_on__lte=on).exclude(done_on__lte=on)


def tasks_overdue(year: int) -> QuerySet[Task]:
    return overdue_tasks(year_end(year))


def overdue_milestones(on: dt.date) -> QuerySet[Milestone]:
    """Milestones planned before the day and not reached by it."""
    return Milestone.objects.filter(planned_on__lt=on, project__in=standing(on)).exclude(reached_on__lte=on)


def milestones_overdue(year: int) -> QuerySet[Milestone]:
    return overdue_milestones(year_end(year))


@dataclass(frozen=True)
class BoardRow:
    project: Project
    next_milestone: Milestone | None
    overdue_tasks: int
    open_tasks: int

    @property
    def next_overdue(self) -> bool:
        m = self.next_milestone
        return m is not None and rules.overdue(m.planned_on, m.reached_on, timezone.localdate())


def board(on: dt.date | None = None) -> list[BoardRow]:
    """The 挂图作战 board: each standing project's stage, its next planned milestone and its overdue tasks, in
    three queries whatever the number of projects."""
    on = on or timezone.localdate()
    rows = list(
        standing(on)
        .select_related("stage", "registry_project")
        .annotate(
            late=Count("tasks", filter=Q(tasks__due_on__lt=on, tasks__done_on__isnull=True), distinct=True),
            open=Count("tasks", filter=Q(tasks__done_on__isnull=True), distinct=True),
        )
        .order_by("stage__order", "name")
    )
    upcoming: dict[int, Milestone] = {}
    planned = Milestone.objects.filter(project__in=[p.pk for p in rows], reached_on__isnull=True,
                                       planned_on__isnull=False).select_related("stage")  # fmt: skip
    for m in planned.order_by("stage__order"):
        upcoming.setdefault(m.project_id, m)
    return [BoardRow(p, upcoming.get(p.pk), p.late, p.open) for p in rows]  # type: ignore[attr-defined]


def by_stage(year: int) -> list[tuple[str, int]]:
    """(stage name, projects) at the year's end by current stage: the stage of the furthest milestone reached by
    then."""
    on = year_end(year)
    counts: dict[str, tuple[int, int]] = {}
    for project in projects(year).prefetch_related("milestones__stage"):
        reached = [m.stage for m in project.milestones.all() if m.reached_on is not None and m.reached_on <= on]
        if reached:
            stage = max(reached, key=lambda s: s.order)
            order, n = counts.get(stage.name, (stage.order, 0))
            counts[stage.name] = (order, n + 1)
    return [(name, n) for name, (_o, n) in sorted(counts.items(), key=lambda kv: kv[1][0])]
