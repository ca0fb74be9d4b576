"""Reads of the lift insurance pilot: the KPI fund.lift_insurance.lifts_signed and the progress chart."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet

from anju.core import kpis as registry
from anju.fund.lifts.models import Lift, PilotTarget, Policy

YEARS = (2000, 2100)  # the years a filter can ask for


def signed_lifts(year: int) -> QuerySet[Lift]:
    """The lifts with a policy signed in the year."""
    return Lift.objects.filter(
        policies__signed_on__gte=dt.date(year, 1, 1), policies__signed_on__lte=dt.date(year, 12, 31)
    ).distinct()


def lifts_signed(year: int) -> int:
    """电梯保险签约台数: lifts with a policy signed in the year."""
    return signed_lifts(year).count()


def next_year_targets(year: int) -> QuerySet[PilotTarget]:
    """The pilot's targets dated in the following year: the plan the year's report announces."""
    return PilotTarget.objects.filter(date__year=year + 1).order_by("date")


def _month_end(day: dt.date) -> bool:
    return (day + dt.timedelta(days=1)).day == 1


def target_plan(year: int) -> list[str]:
    """电梯保险签约目标: the following year's targets, as the report writes them ("3月底200台")."""
    return [
        f"{t.date.month}月底{t.lifts}台" if _month_end(t.date) else f"{t.date.month}月{t.date.day}日{t.lifts}台"
        for t in next_year_targets(year)
    ]


def _records_url(year: int) -> str:
    return f"/fund/lifts/?signed={year}"


def registry_entries() -> list[registry.Kpi]:
    return [
        registry.Kpi(
            code="fund.lift_insurance.lifts_signed",
            name="电梯保险签约台数",
            unit="台",
            compute=lifts_signed,
            records=signed_lifts,
            records_url=_records_url,
            definition="当年签订电梯保险保单的电梯台数",
        ),
        registry.Kpi(
            code="fund.lift_insurance.targets",
            name="电梯保险签约目标",
            unit="台",
            compute=target_plan,  # type: ignore[arg-type]
            records=next_year_targets,
            records_url=lambda year: "/fund/lifts/",
            definition="次年各时点的电梯保险签约目标，按报告的写法（如“3月底200台”）",
            is_list=True,
        ),
    ]


@dataclass(frozen=True)
class Progress:
    dates: list[str]  # every policy signing date and target date, in order
    signed: list[int]  # distinct lifts under a signed policy by each date
    targets: list[tuple[str, int]]
    total: int
    next_target: PilotTarget | None


def progress(today: dt.date) -> Progress:
    """Lifts signed up over time against the pilot's targets."""
    first: dict[int, dt.date] = {}
    for lift_id, signed_on in Policy.lifts.through.objects.values_list("lift_id", "policy__signed_on"):
        if lift_id not in first or signed_on < first[lift_id]:
            first[lift_id] = signed_on
    targets = list(PilotTarget.objects.order_by("date"))
    days = sorted(set(first.values()) | {t.date for t in targets})
    signed = [sum(1 for day in first.values() if day <= d) for d in days]
    return Progress(
        dates=[d.isoformat() for d in days],
        signed=signed,
        targets=[(t.date.isoformat(), t.lifts) for t in targets],
        total=len(first),
        next_target=next((t for t in targets if t.date >= today), None),
    )
