"""The rental demo's records after the leases: exits' history, payments, reviews, home visits, repairs
and filings, each written through a rental action."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils import timezone

from anju.core import bulk
from anju.core.models import User
from anju.rental import actions, rules
from anju.rental.models import (
    ExitEvent,
    Filing,
    Inspection,
    InspectionPlan,
    Kind,
    Payment,
    Repair,
    Review,
)

if TYPE_CHECKING:
    from anju.core.demokit import Context

from anju.rental.demo.plan import (
    FILINGS,
    INSPECTIONS,
    REINSPECTIONS,
    REPAIR_COST,
    REPAIR_WORK,
    REPAIRS,
    REVIEW_OPENS,
    REVIEWS_DONE,
    VENDORS,
    YEAR,
    PlannedLease,
    PlannedUnit,
    _day,
    _term_end,
)


def _exit_history(exit_rows: list[tuple[object, ...]]) -> list[tuple[object, ...]]:
    """Each exit's history as the workflow writes it: prepared by the station, reviewed by 住房保障服务部,
    approved by the leader, then the notice, notices again and forced exit, and completion. Dates follow
    from the exit's own (no random draw, so the rest of the demo city is unchanged)."""
    users = {u.username: u for u in User.objects.filter(username__in=("station", "housing", "leader"))}
    event_id = bulk.next_id(ExitEvent)
    rows: list[tuple[object, ...]] = []
    for exit_id, _, _, _, _, notice, deadline, notices, forced, status, done, _, prepared in exit_rows:
        assert isinstance(notice, dt.date) and isinstance(deadline, dt.date) and isinstance(prepared, dt.date)
        steps = [
            (prepared, "station", "create", "", "draft"),
            (prepared + dt.timedelta(days=1), "station", "submit", "draft", "submitted"),
            (prepared + dt.timedelta(days=4), "housing", "review", "submitted", "reviewed"),
            (prepared + dt.timedelta(days=8), "leader", "approve", "reviewed", "approved"),
            (notice, "station", "serve", "approved", "notified"),
        ]
        for index in range(1, int(str(notices))):
            steps.append((deadline + dt.timedelta(days=15 * index), "station", "notice_again", "notified", "notified"))
        if forced:
            steps.append((deadline + dt.timedelta(days=45), "station", "force", "notified", "notified"))
        if status == "completed" and isinstance(done, dt.date):
            steps.append((done, "station", "complete", "notified", "completed"))
        for day, who, step, before, after in steps:
            user = users.get(who)
            at = timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0)))
            name = user.full_name if user else ""
            rows.append(
                (event_id, exit_id, bulk.db_datetime(at), user.pk if user else None, who, name, step, before, after, "")
            )
            event_id += 1
    return rows


def _pay(
    rng: random.Random,
    bill_rows: list[tuple[int, int, str, dt.date, Decimal]],
    home_unpaid: Decimal,
    shop_unpaid: Decimal,
) -> None:
    """Pay every bill except arrears adding up exactly to what the seed leaves unpaid, latest months first."""
    paid = {bill_id: amount for bill_id, _, _, _, amount in bill_rows}
    by_lease: dict[int, list[tuple[int, int, str, dt.date, Decimal]]] = {}
    for row in bill_rows:
        by_lease.setdefault(row[1], []).append(row)
    for kind, unpaid in ((Kind.HOME, home_unpaid), (Kind.SHOP, shop_unpaid)):
        debtors = [lease for lease, rows in by_lease.items() if rows[0][2] == kind]
        rng.shuffle(debtors)
        left = unpaid
        for lease in debtors:
            if left <= 0:
                break
            rows = sorted(by_lease[lease], key=lambda r: r[3], reverse=True)[: rng.choice((1, 1, 2, 3, 4, 6))]
            for bill_id, _, _, _, amount in rows:
                part = min(amount, left)
                paid[bill_id] = amount - part
                left -= part
                if left <= 0:
                    break
        # Few leases (a small demo): leave more of their bills unpaid, latest first.
        for bill_id, _, bill_kind, _, _amount in sorted(bill_rows, key=lambda r: r[3], reverse=True):
            if left <= 0:
                break
            if bill_kind == kind and paid[bill_id] > 0:
                part = min(paid[bill_id], left)
                paid[bill_id] -= part
                left -= part
    first_payment = bulk.next_id(Payment)  # the action numbers from here: the bank ids follow the payments'
    planned: list[actions.BillPayment] = []
    for bill_id, lease_id, bill_kind, month, _amount in bill_rows:
        amount = paid[bill_id]
        if amount <= 0:
            continue
        day = month + dt.timedelta(days=rng.randrange(3, 27))
        channel = "bank" if rng.random() < 0.65 else "counter"
        txn = f"GZ{day:%Y%m%d}{first_payment + len(planned):08d}" if channel == "bank" else None
        planned.append(actions.BillPayment(bill_id, lease_id, bill_kind, amount, day, channel, txn))
    actions.record_bill_payments(None, planned)
    # Reminders (催缴通知) on 20 December to half of the leases owing bills due before that day.
    reminded_on = dt.date(YEAR, 12, 20)
    owed: dict[int, Decimal] = {}
    for bill_id, lease_id, _kind, month, amount in bill_rows:
        if paid[bill_id] < amount and rules.month_end(month) < reminded_on:
            owed[lease_id] = owed.get(lease_id, Decimal(0)) + amount - paid[bill_id]
    debtors = sorted(owed)
    actions.issue_reminders(
        None, {lease: owed[lease] for lease in debtors[::2]}, on=reminded_on, deadline=dt.date(YEAR + 1, 1, 5)
    )


def _reviews(ctx: Context, rng: random.Random, leases: list[PlannedLease]) -> None:
    """The 2023 annual review, opened as `open_reviews` does: on the opening day, one review for every
    household with a home lease in force; most completed, a household that leaves later reviewed on or
    before the day it left."""
    opened = REVIEW_OPENS
    population = [
        lease
        for lease in leases
        if lease.household is not None and lease.start <= opened and (lease.ended_on is None or lease.ended_on > opened)
    ]
    due = rng.sample(population, len(population))
    done_n = min(len(due), ctx.n(REVIEWS_DONE))
    rows: list[Review] = []
    for index, lease in enumerate(due):
        if index < done_n:
            outcome = "market" if index % 90 == 1 else "exit" if index % 130 == 2 else "pass"
            last = min(dt.date(YEAR, 11, 30), lease.ended_on or dt.date(YEAR, 11, 30))
            first = min(max(opened, dt.date(YEAR, 4, 1)), last)
            rows.append(
                Review(
                    household_id=_household(lease),
                    year=YEAR,
                    outcome=outcome,
                    reviewed_on=_day(rng, first, last),
                    note="收入超过保障标准，按市场租金计租" if outcome == "market" else "",
                )
            )
        else:
            rows.append(Review(household_id=_household(lease), year=YEAR, outcome="due", reviewed_on=None, note=""))
    actions.take_over_records(None, rows)


def _inspections(ctx: Context, rng: random.Random, leases: list[PlannedLease]) -> None:
    """Home visits of the three-year full-coverage plan: 2023 target "double 30%"."""
    plans = [
        InspectionPlan(
            year=YEAR,
            inspection_percent=Decimal(30),
            reinspection_percent=Decimal(30),
            note="入户调查三年全覆盖，2023年实现“双30%”",
        ),
        InspectionPlan(year=YEAR + 1, inspection_percent=Decimal(35), reinspection_percent=Decimal(30)),
    ]
    actions.take_over_records(None, plans)
    visited = rng.sample(leases, min(len(leases), ctx.n(INSPECTIONS)))
    findings = ["lives"] * 94 + ["vacant"] * 3 + ["sublet"] * 2 + ["other_use"]
    inspectors = ["刘洋", "赵强", "孙丽", "周杰"]
    rows: list[Inspection] = []
    for index, lease in enumerate(visited):
        day = _day(rng, dt.date(YEAR, 3, 1), dt.date(YEAR, 10, 31))
        finding = rng.choice(findings)
        rows.append(_visit(lease, "inspection", day, finding, rng.choice(inspectors)))
        if index < ctx.n(REINSPECTIONS):
            again = day + dt.timedelta(days=rng.randrange(15, 55))
            found = "lives" if finding == "lives" else rng.choice(["lives", finding])
            rows.append(_visit(lease, "reinspection", again, found, rng.choice(inspectors)))
    actions.take_over_records(None, rows)


def _visit(lease: PlannedLease, visit: str, day: dt.date, finding: str, inspector: str) -> Inspection:
    return Inspection(
        household_id=_household(lease),
        lease_id=lease.id,
        visit=visit,
        visited_on=day,
        finding=finding,
        inspector=inspector,
    )


def _household(lease: PlannedLease) -> int:
    assert lease.household is not None, "a home lease"
    return lease.household


def _repairs(ctx: Context, rng: random.Random, ratio: Decimal, units: list[PlannedUnit]) -> None:
    """Repair work orders: the year's completed ones cost exactly the seed's total."""
    count = ctx.n(REPAIRS)
    target = (REPAIR_COST * ratio).quantize(rules.FEN)
    weights = [Decimal(rng.randrange(500, 9000)) for _ in range(count)]
    total_weight = sum(weights, Decimal(0))
    costs = [(target * w / total_weight).quantize(rules.FEN) for w in weights]
    costs[-1] += target - sum(costs, Decimal(0))
    rows: list[Repair] = []
    for index, cost in enumerate(costs):
        reported = _day(rng, dt.date(YEAR, 1, 3), dt.date(YEAR, 12, 10))
        rows.append(
            Repair(
                number=f"WX{YEAR}-{index + 1:05d}",
                rental_unit_id=rng.choice(units).id,
                reported_on=reported,
                description=rng.choice(REPAIR_WORK),
                vendor=rng.choice(VENDORS),
                cost=cost,
                status="done",
                completed_on=reported + dt.timedelta(days=rng.randrange(1, 20)),
            )
        )
    for index in range(ctx.n(12)):
        reported = _day(rng, dt.date(YEAR, 12, 12), dt.date(YEAR, 12, 29))
        assigned = index % 2 == 0
        rows.append(
            Repair(
                number=f"WX{YEAR}-{count + index + 1:05d}",
                rental_unit_id=rng.choice(units).id,
                reported_on=reported,
                description=rng.choice(REPAIR_WORK),
                vendor=rng.choice(VENDORS) if assigned else "",
                cost=Decimal("0.00"),
                status="assigned" if assigned else "reported",
                completed_on=None,
            )
        )
    actions.take_over_records(None, rows)


def _filings(ctx: Context, rng: random.Random, seen: set[str]) -> None:
    from anju.core.demokit import names
    from anju.core.demokit.ids import make_resident_id

    surnames, given, streets = names.SURNAMES, names.GIVEN_NAMES, names.STREETS
    rows: list[Filing] = []
    for index in range(ctx.n(FILINGS)):
        filed = _day(rng, dt.date(YEAR, 1, 5), dt.date(YEAR, 12, 28))
        start = filed + dt.timedelta(days=rng.randrange(0, 20))
        area = Decimal(rng.randrange(4000, 14000)) / 100
        rows.append(
            Filing(
                number=f"BA{YEAR}-{index + 1:05d}",
                filed_on=filed,
                lessor=rng.choice(surnames) + rng.choice(given),
                lessor_id=make_resident_id(rng, seen)[0],
                lessee=rng.choice(surnames) + rng.choice(given),
                lessee_id=make_resident_id(rng, seen)[0],
                address=f"怀化市鹤城区{rng.choice(streets)}{rng.randrange(1, 400)}号",
                area=area,
                start=start,
                end=_term_end(start, 1),
                monthly_rent=(area * Decimal(rng.randrange(10, 25))).quantize(rules.FEN),
            )
        )
    actions.take_over_records(None, rows)
