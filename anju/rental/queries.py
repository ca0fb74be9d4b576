"""Reads of public rental housing: the record sets behind the KPIs, arrears, the dashboard's series.

Each KPI's records function is also the filter of the list page its figure links to, so a figure and
the list behind it cannot disagree."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Min, OuterRef, Q, QuerySet, Subquery, Sum

from anju.core import imports, kept, memo
from anju.core.fields import MoneyField
from anju.registry.models import Project, Unit
from anju.rental import rules
from anju.rental.models import (
    Exit,
    Filing,
    Household,
    Inspection,
    InspectionPlan,
    Kind,
    Lease,
    Payment,
    PaymentAllocation,
    Reminder,
    RentalUnit,
    RentBill,
    Repair,
    Review,
)

ZERO = Decimal("0.00")
# The tables whose versions key the rent figures kept per version (anju.core.kept; triggers of migration 0007).
RENT_TABLES = ("rental_rentbill", "rental_payment", "rental_paymentallocation")
# The tables the homes list's estates are read from (rental 0009, registry 0005).
ESTATE_TABLES = ("rental_rentalunit", "registry_unit", "registry_project")
# Every table the rental KPIs read, each watched by its version triggers (rental 0007 and 0009): the dashboard
# keeps the year's figures per version of them (`anju.core.kpis.kept_values`).
TABLES = (
    *RENT_TABLES,
    "rental_exit",
    "rental_filing",
    "rental_inspection",
    "rental_lease",
    "rental_rentalunit",
    "rental_repair",
    "rental_review",
)


def estates() -> list[tuple[str, str]]:
    """(code, name) of the projects the rental units are in, by code: the homes list's estate filter. Kept per
    version of the rental units and the registry's units and projects (`anju.core.kept`): looked up each view,
    it took 10.8 ms a view on PostgreSQL under load (bench/load.py)."""

    def compute() -> list[tuple[str, str]]:
        # By the few rental units' ids (joining from them let SQLite scan every registry unit instead: 50 ms
        # on the demo city; as a subquery PostgreSQL hashed all the registry's units for it: 26 ms).
        rental = list(RentalUnit.objects.order_by().values_list("unit_id", flat=True))
        if not rental:  # (an empty list has no type for PostgreSQL's array)
            return []
        projects = Unit.objects.filter(pk__in=imports.among(rental)).values("project_id")
        return list(Project.objects.filter(pk__in=projects).order_by("code").values_list("code", "name"))

    return kept.kept(("rental.estates",), ESTATE_TABLES, compute)


def year_end(year: int) -> dt.date:
    return dt.date(year, 12, 31)


def _money_sum(qs: QuerySet[Any], expression: Any) -> Decimal:
    total = qs.aggregate(total=Sum(expression, output_field=MoneyField()))["total"]
    return total if total is not None else ZERO


# --- record sets ------------------------------------------------------------------------------------


def homes() -> QuerySet[RentalUnit]:
    """The estates' homes (住房) under management: registry units of public-rental projects."""
    return RentalUnit.objects.filter(kind=Kind.HOME)


def leases_in_force(on: dt.date, kind: str = Kind.HOME) -> QuerySet[Lease]:
    """Leases signed by the day and not ended before it (moved out on the day = no longer in force)."""
    return Lease.objects.filter(kind=kind, start__lte=on).filter(Q(ended_on__isnull=True) | Q(ended_on__gt=on))


def past_term(on: dt.date) -> QuerySet[Lease]:
    """Leases still running (not ended) after their term's end date: to renew or to end. They are still
    in force and still billed (docs/rental.md), but are someone's to-do."""
    return Lease.objects.filter(status=Lease.Status.ACTIVE, end__lt=on)


def new_allocations(year: int) -> QuerySet[Lease]:
    """Home leases first signed in the year (renewals excluded): 新分配入住."""
    return Lease.objects.filter(kind=Kind.HOME, renewed_from__isnull=True, start__year=year)


def completed_exits(year: int, forced: bool | None = None) -> QuerySet[Exit]:
    qs = Exit.objects.filter(status=Exit.Status.COMPLETED, completed_on__year=year)
    return qs if forced is None else qs.filter(forced=forced)


def payments(year: int, kind: str | None = None) -> QuerySet[Payment]:
    qs = Payment.objects.filter(paid_on__year=year)
    return qs if kind is None else qs.filter(kind=kind)


def bills(year: int, kind: str | None = None) -> QuerySet[RentBill]:
    qs = RentBill.objects.filter(month__year=year)
    return qs if kind is None else qs.filter(kind=kind)


def reviews_due(year: int) -> QuerySet[Review]:
    return Review.objects.filter(year=year)


def reviews_done(year: int) -> QuerySet[Review]:
    return Review.objects.filter(year=year).exclude(outcome=Review.Outcome.DUE)


# Counts that several parts of the dashboard show (a KPI card, a rate, the progress panel): counted once in a
# page's scope (`anju.core.memo`), afresh outside one.


def homes_count() -> int:
    return memo.once(("anju.rental.homes",), lambda: homes().count())


def reviews_due_count(year: int) -> int:
    return memo.once(("anju.rental.reviews_due", year), lambda: reviews_due(year).count())


def reviews_done_count(year: int) -> int:
    return memo.once(("anju.rental.reviews_done", year), lambda: reviews_done(year).count())


def repairs_done(year: int) -> QuerySet[Repair]:
    return Repair.objects.filter(status=Repair.Status.DONE, completed_on__year=year)


def visits(year: int, visit: str) -> QuerySet[Inspection]:
    return Inspection.objects.filter(visit=visit, visited_on__year=year)


# --- figures ----------------------------------------------------------------------------------------


def households_count(year: int) -> int:
    """现有住户: households with a home lease in force on 31 December."""
    return leases_in_force(year_end(year)).values("household").distinct().count()


def collected(year: int, kind: str | None = None) -> Decimal:
    """收取租金: rent received in the year (payments by their date), summed once per version of the rent
    tables (three KPIs of the dashboard, one of the performance dashboard)."""
    return kept.kept(("rental.collected", year, kind), RENT_TABLES, lambda: _money_sum(payments(year, kind), "amount"))


def billed(year: int, kind: str | None = None) -> Decimal:
    return _money_sum(bills(year, kind), "amount")


def collected_for_bills(year: int, kind: str | None = None) -> Decimal:
    """Rent paid against the year's bills by the year's end: allocations to those bills from payments
    received on or before 31 December (money paid later does not change the year's figure)."""
    # Computed as (all allocations to the year's bills) − (those from payments received after the year):
    # the same sum, but the first part is a range scan of the bills' covering index joined to the
    # allocations' covering (bill, amount) index, and the second starts from the few later payments
    # (an IN subquery on the payments' date index). Joining every allocation to its payment to test its
    # date looked up ~650,000 payment rows at 10× the demo (2.5 s on SQLite; docs/rental.md, Performance).
    allocations = PaymentAllocation.objects.filter(bill__month__year=year)
    if kind is not None:
        allocations = allocations.filter(bill__kind=kind)
    later = allocations.filter(payment__in=Payment.objects.filter(paid_on__gt=year_end(year)).values("pk"))
    return _money_sum(allocations, "amount") - _money_sum(later, "amount")


def collection_rate(year: int) -> Decimal:
    """租金收取率 = rent paid against the year's bills by its end / rent billed for the year, in percent.

    Summed over the year's allocations (22k in the demo city) once per version of the bills, payments and
    allocations, not once per view: the rental and the performance dashboards both show it."""
    return kept.kept(
        ("rental.collection_rate", year),
        RENT_TABLES,
        lambda: rules.percent(collected_for_bills(year), billed(year)),
    )


def visited_households(year: int, visit: str) -> int:
    return memo.once(
        ("anju.rental.visited", year, str(visit)), lambda: visits(year, visit).values("household").distinct().count()
    )


def inspection_progress(year: int) -> dict[str, Any]:
    """Inspections against the yearly target of the three-year plan ("double 30%")."""
    plan = InspectionPlan.objects.filter(year=year).first()
    home_count = homes_count()
    inspected = visited_households(year, Inspection.Visit.INSPECTION)
    reinspected = visited_households(year, Inspection.Visit.REINSPECTION)
    return {
        "plan": plan,
        "homes": home_count,
        "inspected": inspected,
        "reinspected": reinspected,
        "inspected_rate": rules.percent(inspected, home_count),
        "reinspected_rate": rules.percent(reinspected, inspected),
        "inspected_target": plan.inspection_percent if plan else None,
        "reinspected_target": plan.reinspection_percent if plan else None,
    }


# --- arrears ----------------------------------------------------------------------------------------


def overdue_bills(as_of: dt.date) -> QuerySet[RentBill]:
    """Bills past their due date and not fully paid on the day."""
    return RentBill.objects.filter(due__lt=as_of, paid__lt=F("amount"))


def ageing(as_of: dt.date) -> dict[str, Decimal]:
    """Arrears by age (days past the due date): 0-30, 31-90, 91-180, >180; one query."""
    owed = F("amount") - F("paid")
    day = dt.timedelta(days=1)
    bounds = {
        "0-30": Q(due__gte=as_of - 30 * day),
        "31-90": Q(due__lt=as_of - 30 * day, due__gte=as_of - 90 * day),
        "91-180": Q(due__lt=as_of - 90 * day, due__gte=as_of - 180 * day),
        ">180": Q(due__lt=as_of - 180 * day),
    }
    sums = overdue_bills(as_of).aggregate(
        **{key: Sum(owed, filter=cond, output_field=MoneyField()) for key, cond in bounds.items()}
    )
    return {key: sums[key] or ZERO for key in rules.AGEING_BUCKETS}


def arrears_by_lease(as_of: dt.date) -> QuerySet[Lease]:
    """Leases owing rent on the day, with `owed`, `oldest_due`, `bills_owed` and `last_reminder`.

    The last reminder is a subquery: joining the reminders as well would repeat each bill once per
    reminder and multiply the sums."""
    overdue = Q(bills__due__lt=as_of, bills__paid__lt=F("bills__amount"))
    last_reminder = (
        Reminder.objects.filter(lease=OuterRef("pk"), issued_on__lte=as_of)
        .order_by("-issued_on")
        .values("issued_on")[:1]
    )
    return (
        Lease.objects.filter(overdue)
        .annotate(
            owed=Sum(F("bills__amount") - F("bills__paid"), filter=overdue, output_field=MoneyField()),
            oldest_due=Min("bills__due", filter=overdue),
            bills_owed=Count("bills", filter=overdue),
            last_reminder=Subquery(last_reminder),
        )
        # The page's units read for its rows only: joined here, PostgreSQL hashed all the registry's units
        # before the grouping (it cannot tell how few bills are owed: `paid < amount`), 48 ms a view.
        .prefetch_related("rental_unit__unit")
        .order_by("oldest_due", "number")
    )


def lease_balance(lease: Lease) -> dict[str, Decimal]:
    bills_qs = RentBill.objects.filter(lease=lease)
    billed_total = _money_sum(bills_qs, "amount")
    paid_total = _money_sum(Payment.objects.filter(lease=lease), "amount")
    allocated = _money_sum(bills_qs, "paid")
    return {
        "billed": billed_total,
        "paid": paid_total,
        "owed": billed_total - allocated,
        "credit": paid_total - allocated,
    }


# --- dashboard --------------------------------------------------------------------------------------


def monthly_series(year: int) -> list[dict[str, Any]]:
    """Per month of the year: rent billed, paid against those bills, and received (by payment date); a
    year's bills and payments summed once per version of the rent tables (the caller must not change it).

    Grouped by the stored dates (at most 12 and 366 groups), not by an extracted month, which would
    call a date function per row (a Python function on SQLite); the days are added up here."""
    return kept.kept(("rental.monthly_series", year), RENT_TABLES, lambda: _monthly_series(year))


def _monthly_series(year: int) -> list[dict[str, Any]]:
    billed_by: dict[int, tuple[Decimal, Decimal]] = {}
    for row in (
        RentBill.objects.filter(month__year=year)
        .order_by()
        .values("month")
        .annotate(billed=Sum("amount", output_field=MoneyField()), paid=Sum("paid", output_field=MoneyField()))
    ):
        billed_by[row["month"].month] = (row["billed"] or ZERO, row["paid"] or ZERO)
    received: dict[int, Decimal] = {}
    for day in (
        Payment.objects.filter(paid_on__year=year)
        .order_by()
        .values("paid_on")
        .annotate(total=Sum("amount", output_field=MoneyField()))
    ):
        month = day["paid_on"].month
        received[month] = received.get(month, ZERO) + (day["total"] or ZERO)
    return [
        {
            "month": m,
            "billed": billed_by.get(m, (ZERO, ZERO))[0],
            "paid": billed_by.get(m, (ZERO, ZERO))[1],
            "received": received.get(m, ZERO),
        }
        for m in range(1, 13)
    ]


def occupancy() -> dict[str, int]:
    # order_by(): the rental units' default order (their unit's code) would join every registry unit.
    counts = {row["state"]: row["n"] for row in homes().order_by().values("state").annotate(n=Count("id"))}
    shops = {
        row["state"]: row["n"]
        for row in RentalUnit.objects.filter(kind=Kind.SHOP).order_by().values("state").annotate(n=Count("id"))
    }
    return {
        "homes": sum(counts.values()),
        "let": counts.get(RentalUnit.State.LET, 0),
        "vacant": counts.get(RentalUnit.State.VACANT, 0),
        "repair": counts.get(RentalUnit.State.REPAIR, 0),
        "reserved": counts.get(RentalUnit.State.RESERVED, 0),
        "shops": sum(shops.values()),
        "shops_let": shops.get(RentalUnit.State.LET, 0),
    }


def waiting_list() -> QuerySet[Household]:
    """The waiting list (轮候) in order of the eligibility decision."""
    return Household.objects.filter(status=Household.Status.WAITING).order_by("waiting_since", "number")


def filings(year: int) -> QuerySet[Filing]:
    return Filing.objects.filter(filed_on__year=year)
