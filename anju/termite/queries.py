"""Every queryset termite control's pages, API and KPIs need (CONVENTIONS.md)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import DecimalField, Exists, F, Min, OuterRef, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from anju.core import memo
from anju.lib import dates
from anju.termite import rules
from anju.termite.models import (
    ZERO,
    Application,
    ChemicalIssue,
    ChemicalLot,
    ControlRequest,
    LabourPrice,
    Revisit,
    TreatmentJob,
    WarrantyBuilding,
)

# A warranty whose nominal end lies this many days before 1 January may still run into the year: its
# last day moves past the New Year holiday (民法典 第203条; the longest rest run is under 10 days).
ROLL_WINDOW = dt.timedelta(days=31)
CENT = Decimal("0.01")


def _sum(queryset: QuerySet[Any], field: str) -> Decimal:
    return Decimal(queryset.aggregate(s=Sum(field))["s"] or 0).quantize(CENT)


def accepted_applications(year: int) -> QuerySet[Application]:
    """Applications accepted (受理) in the year."""
    return Application.objects.filter(status=Application.Status.ACCEPTED, accepted_on__year=year)


def accepted_area(year: int) -> Decimal:
    return _sum(accepted_applications(year), "area")


def completed_buildings(year: int) -> QuerySet[WarrantyBuilding]:
    """Buildings whose prevention was completed (accepted, 验收) in the year: each counts once."""
    return WarrantyBuilding.objects.filter(accepted_on__year=year)


def treated_area(year: int) -> Decimal:
    return _sum(completed_buildings(year), "area")


def _ends_on_or_after(day: dt.date) -> Q:
    return Q(explicit_end__gte=day) | Q(explicit_end__isnull=True, nominal_end__gte=day)


def under_warranty_on(day: dt.date) -> QuerySet[WarrantyBuilding]:
    """The buildings under a running warranty on the day (accepted on or before it, last day on or after
    it, rest days per the holiday calendar)."""
    return _still_running(WarrantyBuilding.objects.filter(accepted_on__lte=day), day)


def _still_running(candidates: QuerySet[WarrantyBuilding], day: dt.date) -> QuerySet[WarrantyBuilding]:
    """Of the candidates, those whose last day is on or after `day`: in SQL, plus the few whose nominal end
    falls in the month before it and moves past it by the holiday calendar (one calendar for them all)."""
    edge = candidates.exclude(_ends_on_or_after(day)).filter(
        explicit_end__isnull=True, nominal_end__gte=day - ROLL_WINDOW
    )
    rows = list(edge.values_list("pk", "nominal_end"))
    calendar = dates.default_calendar() if rows else None
    moved = [pk for pk, nominal in rows if nominal and rules.effective_end(nominal, None, calendar)[0] >= day]
    return candidates.filter(_ends_on_or_after(day) | Q(pk__in=moved))


def revisit_plan(year: int) -> QuerySet[WarrantyBuilding]:
    """Year Y's revisit plan by the default rule (DOMAIN.md §3): accepted on or before 31 December Y−1, the
    warranty not ended before 1 January Y. Each building once."""
    return _still_running(
        WarrantyBuilding.objects.filter(accepted_on__lte=dt.date(year - 1, 12, 31)), dt.date(year, 1, 1)
    )


@dataclass(frozen=True)
class PlanFacts:
    """Year Y's revisit plan read once: each building's area and acceptance day, and the day of its first
    revisit in the year for those revisited. The board's figures of the plan (areas due and revisited, the
    rate, the progress by month, the overdue buildings) are all sums over it."""

    areas: dict[int, Decimal]
    accepted: dict[int, dt.date]
    first: dict[int, dt.date]

    def area(self, buildings: Any) -> Decimal:
        return sum((self.areas[pk] for pk in buildings), ZERO).quantize(CENT)


def plan_facts(year: int) -> PlanFacts:
    """The plan's facts, read once in a page's scope (`anju.core.memo`): the board asks for them six times."""
    return memo.once(("termite.plan_facts", year), lambda: _plan_facts(year))


def _plan_facts(year: int) -> PlanFacts:
    plan = revisit_plan(year)
    areas: dict[int, Decimal] = {}
    accepted: dict[int, dt.date] = {}
    for pk, area, accepted_on in plan.values_list("pk", "area", "accepted_on"):
        assert accepted_on is not None  # the plan holds buildings accepted by the year before's end
        areas[pk], accepted[pk] = Decimal(area), accepted_on
    firsts = (
        Revisit.objects.filter(building__in=plan, date__year=year)
        .values("building")
        .annotate(first=Min("date"))
        .values_list("building_id", "first")
    )
    return PlanFacts(areas=areas, accepted=accepted, first={int(building): day for building, day in firsts})


@dataclass(frozen=True)
class PlanProgress:
    """The year's plan: what is due, what is not revisited yet, and by month the buildings revisited for
    the first time that year (their area, and the area since January)."""

    due: dict[str, Any]
    not_visited: dict[str, Any]
    months: list[dict[str, Any]]


def plan_progress(year: int) -> PlanProgress:
    facts = plan_facts(year)
    months: list[dict[str, Any]] = []
    cumulative = ZERO
    for month in range(1, 13):
        visited = [pk for pk, day in facts.first.items() if day.month == month]
        area = facts.area(visited)
        cumulative += area
        months.append({"month": month, "buildings": len(visited), "area": area, "cumulative": cumulative})
    total = facts.area(facts.areas)
    return PlanProgress(
        due={"n": len(facts.areas), "area": total},
        not_visited={"n": len(facts.areas) - len(facts.first), "area": total - cumulative},
        months=months,
    )


def revisit_due_area(year: int) -> Decimal:
    """The plan's area (the plan's buildings each once)."""
    facts = plan_facts(year)
    return facts.area(facts.areas)


def revisited(year: int) -> QuerySet[WarrantyBuilding]:
    """The plan's buildings with at least one revisit in the year."""
    visits = Revisit.objects.filter(building=OuterRef("pk"), date__year=year)
    return revisit_plan(year).filter(Exists(visits))


def revisit_area(year: int) -> Decimal:
    """The area of `revisited(year)`: the plan's buildings with a first revisit in the year."""
    facts = plan_facts(year)
    return facts.area(facts.first)


def overdue_revisits(year: int, today: dt.date) -> QuerySet[WarrantyBuilding]:
    """The year's plan not revisited yet whose revisit is past due: a building's yearly revisit is due by
    the anniversary of its acceptance (29 February: the 28th), so in the current year those whose
    anniversary has passed, in a past year all not revisited, in a future year none."""
    pending = revisit_plan(year).exclude(Exists(Revisit.objects.filter(building=OuterRef("pk"), date__year=year)))
    if year > today.year:
        return pending.none()
    if year < today.year:
        return pending
    passed = Q(accepted_on__month__lt=today.month) | Q(accepted_on__month=today.month, accepted_on__day__lt=today.day)
    return pending.filter(passed)


def overdue_figures(year: int, today: dt.date) -> dict[str, Any]:
    """How many buildings `overdue_revisits` holds and their area, from the plan's facts."""
    facts = plan_facts(year)
    if year > today.year:
        late: list[int] = []
    else:
        pending = [pk for pk in facts.areas if pk not in facts.first]
        anniversary = (today.month, today.day)
        late = [pk for pk in pending if year < today.year or _month_day(facts.accepted[pk]) < anniversary]
    return {"n": len(late), "area": facts.area(late)}


def _month_day(day: dt.date) -> tuple[int, int]:
    return (day.month, day.day)


def overdue_follow_ups(today: dt.date) -> QuerySet[ControlRequest]:
    """Control requests treated whose 30-day follow-up visit is past due and not done."""
    return ControlRequest.objects.filter(status=ControlRequest.Status.TREATED, follow_up_due__lt=today)


def revisit_rate(year: int) -> Decimal:
    return rules.rate_percent(revisit_area(year), revisit_due_area(year)) or ZERO


def revisits(year: int) -> QuerySet[Revisit]:
    return Revisit.objects.filter(date__year=year)


def control_done(year: int, target: str | None = None) -> QuerySet[ControlRequest]:
    """Control requests treated in the year (of a target: house or trees)."""
    done = ControlRequest.objects.filter(treated_on__year=year)
    return done.filter(target=target) if target else done


def house_control_area(year: int) -> Decimal:
    return _sum(control_done(year, ControlRequest.Target.HOUSE), "treated_area")


def trees_treated(year: int) -> int:
    return int(_sum(control_done(year, ControlRequest.Target.TREES), "trees_treated"))


def warranty_free_jobs(year: int) -> QuerySet[ControlRequest]:
    return control_done(year).filter(basis=ControlRequest.Basis.WARRANTY)


def warranty_buildings(year: int) -> QuerySet[WarrantyBuilding]:
    """Buildings under warranty on 31 December of the year."""
    return under_warranty_on(dt.date(year, 12, 31))


def warranty_area(year: int) -> Decimal:
    return _sum(warranty_buildings(year), "area")


# --- chemicals and labour: the special fund's use -----------------------------------------------------


def chemical_issues(year: int) -> QuerySet[ChemicalIssue]:
    return ChemicalIssue.objects.filter(date__year=year).select_related("lot__chemical")


def chemical_cost(year: int) -> Decimal:
    return _sum(ChemicalIssue.objects.filter(date__year=year), "cost")


def chemicals_used(year: int) -> list[Decimal | int | str]:
    """药物用量 by product: “联苯菊酯 5% 悬浮剂 4175.000 L” for each product issued in the year."""
    rows = (
        ChemicalIssue.objects.filter(date__year=year)
        .values("lot__chemical__name", "lot__chemical__unit")
        .annotate(q=Sum("quantity"))
        .order_by("lot__chemical__name")
    )
    return [
        f"{r['lot__chemical__name']} {Decimal(r['q']).quantize(Decimal('0.001'))} {r['lot__chemical__unit']}"
        for r in rows
    ]


def _priced(kind: str, work: list[tuple[dt.date | None, Decimal]]) -> Decimal:
    """Σ quantity × the labour price of the kind in force on each day's work, rounded half up once."""
    prices = list(
        LabourPrice.objects.filter(kind=kind).order_by("effective_from").values_list("effective_from", "price")
    )
    total = Decimal(0)
    for day, quantity in work:
        if day is None:
            continue
        price = next((p for start, p in reversed(prices) if start <= day), None)
        if price is not None:
            total += quantity * price
    return rules.fee(total, Decimal(1))


def labour_cost(year: int) -> Decimal:
    """施工劳务费 of the year: prevention treatment (m²), house control (m²) and trees (棵) at the labour prices."""
    treatments: list[tuple[dt.date | None, Decimal]] = list(
        TreatmentJob.objects.filter(date__year=year).values_list("date", "area")
    )
    done = control_done(year)
    houses: list[tuple[dt.date | None, Decimal]] = list(
        done.filter(target=ControlRequest.Target.HOUSE).values_list("treated_on", "treated_area")
    )
    trees = [
        (d, Decimal(n))
        for d, n in done.filter(target=ControlRequest.Target.TREES).values_list("treated_on", "trees_treated")
    ]
    return (
        _priced(LabourPrice.Kind.PREVENTION, treatments)
        + _priced(LabourPrice.Kind.HOUSE_CONTROL, houses)
        + _priced(LabourPrice.Kind.TREE_CONTROL, trees)
    )


def lots_with_stock() -> QuerySet[ChemicalLot]:
    """Every lot with what was issued from it and what is left (`issued`, `stock`)."""
    issued = Coalesce(
        Sum("issues__quantity"), Value(Decimal(0)), output_field=DecimalField(max_digits=12, decimal_places=3)
    )
    return (
        ChemicalLot.objects.select_related("chemical")
        .annotate(issued=issued, stock=F("quantity") - issued)
        .order_by("chemical__name", "received_on", "lot")
    )


def special_used(year: int) -> Decimal:
    """白蚁防治专项资金使用: the chemicals issued and the labour of the work done in the year."""
    return chemical_cost(year) + labour_cost(year)
