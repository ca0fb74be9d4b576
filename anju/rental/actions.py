"""Every state change of public rental housing: one verb-named function each, atomic and audited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import Exists, F, OuterRef, Sum
from django.utils import timezone

from anju.core import audit, workflow
from anju.core.fields import MoneyField, to_fen
from anju.core.models import AuditEvent, User
from anju.core.numbering import create_numbered
from anju.core.workflow import Workflow, WorkflowError
from anju.registry.models import Person, Project, Unit
from anju.rental import numbers, rules
from anju.rental.errors import RentalError
from anju.rental.models import (
    Category,
    Draw,
    Exit,
    ExitEvent,
    Filing,
    Household,
    HouseholdMember,
    Inspection,
    Kind,
    Lease,
    Payment,
    PaymentAllocation,
    Reminder,
    RentalUnit,
    RentBill,
    RentRate,
    Repair,
    Review,
    UnitStateChange,
)

CREATE, UPDATE = AuditEvent.Action.CREATE, AuditEvent.Action.UPDATE
HOUSEHOLD_CATEGORIES = (Category.DIBAO, Category.LOW_INCOME, Category.MIGRANT, Category.NEW_GRADUATE)
State = RentalUnit.State


class ExitStepError(WorkflowError, RentalError):
    """A refused step of an exit's workflow (codes ``workflow.*``)."""


# 经办 (rental handle) → 审核 (rental review) → 审批 (rental approve), steps in rules.EXIT_FLOW; then the notice.
EXIT_WORKFLOW = Workflow(
    module="rental",
    flow=rules.EXIT_FLOW,
    model=Exit,
    event_model=ExitEvent,
    event_record="exit",
    noun="清退",
    error=ExitStepError,
    path=("draft", "submitted", "reviewed", "approved", "notified", "completed"),
    labels={
        "create": "清退经办",
        "serve": "送达清退通知",
        "notice_again": "再次送达",
        "force": "申请强制执行",
        "complete": "清退完成",
    },
)


# --- units ------------------------------------------------------------------------------------------


@transaction.atomic
def register_estate(actor: User | None, project: Project, on: dt.date) -> int:
    """Bring a public-rental project's homes and shops under management (vacant); returns how many."""
    if project.kind != Project.Kind.PUBLIC_RENTAL:
        raise RentalError("该项目不是公租房项目")
    units = Unit.objects.filter(project=project, rental__isnull=True).exclude(use=Unit.Use.NON_RESIDENTIAL)
    rental_units = RentalUnit.objects.bulk_create(
        [
            RentalUnit(
                unit=unit,
                kind=Kind.SHOP if unit.use == Unit.Use.SHOP else Kind.HOME,
                state=State.VACANT,
                state_since=on,
            )
            for unit in units
        ],
        batch_size=1000,
    )
    if rental_units and rental_units[0].pk is None:  # a backend that does not return the keys
        rental_units = list(RentalUnit.objects.filter(unit__project=project, history__isnull=True))
    UnitStateChange.objects.bulk_create(
        [UnitStateChange(rental_unit=ru, state=State.VACANT, on=on, note="纳入公租房管理") for ru in rental_units],
        batch_size=1000,
    )
    created = len(rental_units)
    audit.record(actor, CREATE, project, after={"rental_units": created}, note="纳入公租房管理")
    return created


def _set_state(ru: RentalUnit, state: str, on: dt.date, note: str) -> None:
    ru.state, ru.state_since = state, on
    ru.save(update_fields=["state", "state_since"])
    UnitStateChange.objects.create(rental_unit=ru, state=state, on=on, note=note[:200])


@transaction.atomic
def set_unit_state(actor: User | None, ru: RentalUnit, state: str, on: dt.date, note: str = "") -> RentalUnit:
    """Mark a unit under repair, reserved or vacant by hand; letting goes through a lease."""
    ru = RentalUnit.objects.select_for_update().get(pk=ru.pk)
    if state not in (State.VACANT, State.REPAIR, State.RESERVED):
        raise RentalError("出租状态由租赁合同决定")
    if ru.state == State.LET:
        raise RentalError("房屋在租，请先终止合同")
    before = audit.snapshot(ru, ["state", "state_since"])
    _set_state(ru, state, on, note)
    audit.record_change(actor, ru, before, note=note)
    return ru


# --- rates ------------------------------------------------------------------------------------------


def rate_in_force(kind: str, category: str, on: dt.date) -> RentRate:
    rate = RentRate.objects.filter(kind=kind, category=category, valid_from__lte=on).order_by("-valid_from").first()
    if rate is None:
        raise RentalError(f"{on} 没有适用的租金标准（{Kind(kind).label} / {Category(category).label}）")
    return rate


@transaction.atomic
def set_rate(
    actor: User | None,
    *,
    kind: str,
    category: str,
    per_m2: Decimal,
    reduction_percent: Decimal,
    valid_from: dt.date,
    note: str = "",
) -> RentRate:
    if per_m2 <= 0 or not (0 <= reduction_percent <= 100):
        raise RentalError("租金标准须大于0，减免比例在0到100之间")
    if kind not in Kind.values or category not in Category.values:
        raise RentalError("房屋类型或租金类别无效")
    duplicate = f"{valid_from} 起已有{Kind(kind).label} / {Category(category).label}的租金标准"
    if RentRate.objects.filter(kind=kind, category=category, valid_from=valid_from).exists():
        raise RentalError(duplicate)
    try:
        with transaction.atomic():
            rate = RentRate.objects.create(
                kind=kind,
                category=category,
                per_m2=per_m2,
                reduction_percent=reduction_percent,
                valid_from=valid_from,
                note=note,
            )
    except IntegrityError as exc:  # the same standard saved at the same moment
        raise RentalError(duplicate) from exc
    audit.record(actor, CREATE, rate, after=audit.snapshot(rate))
    return rate


# --- households -------------------------------------------------------------------------------------


@transaction.atomic
def apply(
    actor: User | None,
    *,
    applicant: Person,
    category: str,
    monthly_income: Decimal,
    owns_home: bool,
    applied_on: dt.date,
    members: Sequence[tuple[Person, str]] = (),
) -> Household:
    """An application (申请): the household with its members, waiting for the eligibility decision."""
    if category not in HOUSEHOLD_CATEGORIES:
        raise RentalError("申请类别无效")
    if monthly_income < 0:
        raise RentalError("人均月收入不能为负")
    if Household.objects.filter(applicant=applicant).exclude(status__in=["rejected", "exited"]).exists():
        raise RentalError("该申请人已有在办或在租的申请")
    household = create_numbered(
        numbers.HOUSEHOLD,
        applied_on.year,
        applicant=applicant,
        category=category,
        members_count=1 + len(members),
        monthly_income=monthly_income,
        owns_home=owns_home,
        applied_on=applied_on,
    )
    for person, relation in members:
        HouseholdMember.objects.create(household=household, person=person, relation=relation)
    audit.record(actor, CREATE, household, after=audit.snapshot(household))
    return household


@transaction.atomic
def decide_eligibility(
    actor: User | None, household: Household, *, eligible: bool, on: dt.date, note: str = ""
) -> Household:
    """Eligible households join the waiting list (轮候) from the decision date; others are refused.
    Income and housing must have been checked, and an owner of a home in the city is never eligible."""
    household = Household.objects.select_for_update().get(pk=household.pk)
    if household.status != Household.Status.APPLIED:
        raise RentalError("只有待审核的申请可以作出资格决定")
    if eligible and not (household.income_checked and household.housing_checked):
        raise RentalError("收入和住房情况核查完成后才能认定资格")
    if eligible and household.owns_home:
        raise RentalError("在本市有住房的家庭不符合公租房保障条件")
    before = audit.snapshot(household)
    household.status = Household.Status.WAITING if eligible else Household.Status.REJECTED
    household.decided_on = on
    household.decision_note = note
    household.waiting_since = on if eligible else None
    household.save()
    audit.record_change(actor, household, before, note=note)
    return household


@transaction.atomic
def record_checks(actor: User | None, household: Household, *, income: bool, housing: bool) -> Household:
    before = audit.snapshot(household, ["income_checked", "housing_checked"])
    household.income_checked, household.housing_checked = income, housing
    household.save(update_fields=["income_checked", "housing_checked"])
    audit.record_change(actor, household, before, note="收入、住房核查")
    return household


def _set_household_status(actor: User | None, household: Household, status: str, note: str) -> None:
    before = audit.snapshot(household, ["status"])
    household.status = status
    household.save(update_fields=["status"])
    audit.record_change(actor, household, before, note=note)


# --- lottery ----------------------------------------------------------------------------------------


def _winners() -> set[str]:
    """Household numbers that won a home in a held draw: they take part in no later draw."""
    won: set[str] = set()
    for result in Draw.objects.filter(status=Draw.Status.HELD).values_list("result", flat=True):
        won.update(str(pick["household"]) for pick in result if pick.get("unit"))
    return won


@transaction.atomic
def announce_draw(
    actor: User | None,
    *,
    announced_on: dt.date,
    draw_on: dt.date,
    seed_source: str,
    units: Sequence[str] | None = None,
    note: str = "",
) -> Draw:
    """Announce a lottery (摇号公告): freeze its inputs before anyone can know the seed.

    The entrants are every household on the waiting list on the day (status waiting, waiting since on
    or before it) that has not won a home in an earlier draw; nobody is chosen. The homes offered (the
    vacant homes given, or all of them) are locked and reserved for the draw. The draw date, the named
    outside source of the seed and the SHA-256 of the inputs are published with them."""
    seed_source = seed_source.strip()
    if not seed_source:
        raise RentalError("请写明摇号当日种子的外部来源（如当日福利彩票开奖号码）")
    if draw_on < announced_on:
        raise RentalError("摇号日期不能早于公告日期")
    if Draw.objects.filter(status=Draw.Status.ANNOUNCED).exists():
        raise RentalError("已有公告未摇号的批次，请先完成该次摇号")
    won = _winners()
    entrants = sorted(
        number
        for number in Household.objects.filter(
            status=Household.Status.WAITING, waiting_since__lte=announced_on
        ).values_list("number", flat=True)
        if number not in won
    )
    vacant = RentalUnit.objects.select_for_update().filter(kind=Kind.HOME, state=State.VACANT)
    if units is not None:
        vacant = vacant.filter(unit__code__in=list(units))
    offered = {ru.unit.code: ru for ru in vacant.select_related("unit")}
    if units is not None and set(units) - set(offered):
        raise RentalError(f"不是空置住房：{'、'.join(sorted(set(units) - set(offered)))}")
    if not entrants or not offered:
        raise RentalError("没有轮候家庭或空置房源，无法摇号")
    homes = sorted(offered)
    draw = create_numbered(
        numbers.DRAW,
        draw_on.year,
        status=Draw.Status.ANNOUNCED,
        announced_on=announced_on,
        draw_on=draw_on,
        seed_source=seed_source,
        inputs_hash=rules.inputs_hash(draw_on, entrants, homes),
        households=entrants,
        units=homes,
        result=[],
        note=note,
        created_by=actor if actor is not None and actor.pk else None,
    )
    for code in homes:
        _set_state(offered[code], State.RESERVED, announced_on, f"摇号 {draw.number} 公告房源")
    audit.record(
        actor,
        CREATE,
        draw,
        after={
            "draw_on": str(draw_on),
            "seed_source": seed_source,
            "inputs_hash": draw.inputs_hash,
            "households": len(entrants),
            "units": len(homes),
        },
        note="摇号公告",
    )
    return draw


@transaction.atomic
def hold_draw(actor: User | None, draw: Draw, *, held_on: dt.date, external_value: str) -> Draw:
    """Hold an announced draw on or after its date with the outside value published that day: the seed
    is SHA-256(inputs hash | value); homes drawn stay reserved until their lease, the others are vacant."""
    draw = Draw.objects.select_for_update().get(pk=draw.pk)
    external_value = external_value.strip()
    if draw.status != Draw.Status.ANNOUNCED:
        raise RentalError("该批次已经摇号")
    if draw.draw_on is None or held_on < draw.draw_on:
        raise RentalError(f"摇号日期为 {draw.draw_on}，不能提前摇号")
    if not external_value:
        raise RentalError(f"请填写当日公布的种子值（{draw.seed_source}）")
    if rules.inputs_hash(draw.draw_on, draw.households, draw.units) != draw.inputs_hash:
        raise RentalError("公告的参加家庭或房源已被改动，与公告的摘要不符")
    before = audit.snapshot(draw, ["status", "held_on", "external_value", "seed"])
    seed = rules.draw_seed(draw.inputs_hash, external_value)
    picks = rules.draw(seed, draw.households, draw.units)
    draw.status, draw.held_on, draw.external_value, draw.seed = Draw.Status.HELD, held_on, external_value, seed
    draw.result = rules.draw_as_json(picks)
    draw.save(update_fields=["status", "held_on", "external_value", "seed", "result"])
    drawn = {p.unit for p in picks if p.unit}
    for ru in RentalUnit.objects.select_for_update().filter(unit__code__in=draw.units).select_related("unit"):
        if ru.unit.code in drawn:
            _set_state(ru, State.RESERVED, held_on, f"摇号 {draw.number} 配租")
        elif ru.state == State.RESERVED:
            _set_state(ru, State.VACANT, held_on, f"摇号 {draw.number} 未配出")
    audit.record_change(actor, draw, before, note="摇号")
    return draw


def verify_draw(draw: Draw) -> bool:
    """Re-run the draw from its published inputs: the inputs hash, the seed from it and the outside
    value (two-step draws), then the order; True when everything kept is the same."""
    if draw.status != Draw.Status.HELD:
        return False
    if draw.inputs_hash:
        if draw.draw_on is None or rules.inputs_hash(draw.draw_on, draw.households, draw.units) != draw.inputs_hash:
            return False
        if rules.draw_seed(draw.inputs_hash, draw.external_value) != draw.seed:
            return False
    return rules.draw_as_json(rules.draw(draw.seed, draw.households, draw.units)) == draw.result


# --- leases -----------------------------------------------------------------------------------------


def drawn_by(ru: RentalUnit) -> tuple[Draw, str] | None:
    """The latest draw that allocated this home, and the household number it went to."""
    code = ru.unit.code
    held = Draw.objects.filter(status=Draw.Status.HELD, held_on__gte=ru.state_since)
    for candidate in held.order_by("-held_on", "-pk"):
        for pick in candidate.result:
            if pick.get("unit") == code:
                return candidate, str(pick["household"])
    return None


@transaction.atomic
def sign_lease(
    actor: User | None,
    *,
    rental_unit: RentalUnit,
    start: dt.date,
    end: dt.date,
    household: Household | None = None,
    tenant_name: str = "",
    category: str | None = None,
    deposit: Decimal | None = None,
    draw: Draw | None = None,
    renewed_from: Lease | None = None,
) -> Lease:
    """A lease at the rate in force on the start date; a home goes to an eligible household, a shop to
    a named tenant at the commercial rate. The deposit defaults to two months' rent."""
    ru = RentalUnit.objects.select_for_update().select_related("unit").get(pk=rental_unit.pk)
    if end < start:
        raise RentalError("合同终止日期不能早于起始日期")
    if deposit is not None and deposit < 0:
        raise RentalError("押金不能为负")
    if ru.kind == Kind.HOME:
        if household is None:
            raise RentalError("住房须租给承租家庭")
        if renewed_from is None and household.status != Household.Status.WAITING:
            raise RentalError("只有资格审核通过、正在轮候的家庭可以配租")
        category = category or household.category
        tenant_name = household.applicant.name
    else:
        category = Category.COMMERCIAL
        if not tenant_name.strip():
            raise RentalError("请填写门面承租人")
    if renewed_from is None and (ru.state not in (State.VACANT, State.RESERVED) or ru.leases.filter(status="active")):
        raise RentalError("该房屋不是空置或预留状态，不能签约")
    if renewed_from is None and ru.kind == Kind.HOME and ru.state == State.RESERVED:
        for pending in Draw.objects.filter(status=Draw.Status.ANNOUNCED):
            if ru.unit.code in pending.units:
                raise RentalError(f"该房源已列入摇号 {pending.number} 的公告房源，摇号后按结果签约")
        won = drawn_by(ru)
        if won is not None and household is not None and won[1] != household.number:
            raise RentalError(f"该房源已由摇号 {won[0].number} 配租给 {won[1]}")
        draw = draw or (won[0] if won is not None else None)
    rate = rate_in_force(ru.kind, category, start)
    rent = rules.monthly_rent(ru.unit.area, rate.per_m2, rate.reduction_percent)
    lease = create_numbered(
        numbers.HOME_LEASE if ru.kind == Kind.HOME else numbers.SHOP_LEASE,
        start.year,
        kind=ru.kind,
        rental_unit=ru,
        household=household,
        tenant_name=tenant_name.strip(),
        category=category,
        area=ru.unit.area,
        rate=rate,
        monthly_rent=rent,
        deposit=deposit if deposit is not None else rent * 2,
        start=start,
        end=end,
        draw=draw,
        renewed_from=renewed_from,
    )
    if renewed_from is None:
        _set_state(ru, State.LET, start, f"签订合同 {lease.number}")
    audit.record(actor, CREATE, lease, after=audit.snapshot(lease))
    if household is not None and household.status != Household.Status.HOUSED:
        _set_household_status(actor, household, Household.Status.HOUSED, f"签订合同 {lease.number}")
    return lease


@transaction.atomic
def renew_lease(actor: User | None, lease: Lease, *, start: dt.date, end: dt.date) -> Lease:
    """A renewal (续租): the old lease ends the day before; the new one is at the rate then in force."""
    lease = Lease.objects.select_for_update().get(pk=lease.pk)
    if lease.status != Lease.Status.ACTIVE:
        raise RentalError("只有执行中的合同可以续签")
    if start <= lease.start:
        raise RentalError("续签起始日期须晚于原合同起始日期")
    note = _withdraw_bills_after(lease, start - dt.timedelta(days=1), "续签")
    before = audit.snapshot(lease, ["status", "ended_on"])
    lease.status, lease.ended_on = Lease.Status.ENDED, start - dt.timedelta(days=1)
    lease.save(update_fields=["status", "ended_on"])
    audit.record_change(actor, lease, before, note=note)
    category: str | None = None
    if lease.kind == Kind.HOME:
        # A household found over the limits at its latest review pays market rent from the renewal.
        latest = Review.objects.filter(household=lease.household).exclude(outcome=Review.Outcome.DUE)
        outcome = latest.order_by("-year").values_list("outcome", flat=True).first()
        category = Category.MARKET if outcome == Review.Outcome.MARKET else lease.category
    return sign_lease(
        actor,
        rental_unit=lease.rental_unit,
        household=lease.household,
        tenant_name=lease.tenant_name,
        category=category,
        start=start,
        end=end,
        deposit=lease.deposit,
        renewed_from=lease,
    )


def _withdraw_bills_after(lease: Lease, on: dt.date, note: str) -> str:
    """Delete the lease's bills of months after `on` (billed in advance); refuse when one is paid.
    Returns the note with the months withdrawn."""
    later = RentBill.objects.select_for_update().filter(lease=lease, month__gt=on)
    paid_later = [f"{bill.month:%Y-%m}" for bill in later if bill.paid > 0]
    if paid_later:
        raise RentalError(f"终止日期之后的月份已缴租金（{'、'.join(paid_later)}），请先办理退款")
    withdrawn = [f"{month:%Y-%m}" for month in later.values_list("month", flat=True)]
    if withdrawn:
        later.delete()
        note = f"{note}；撤销 {'、'.join(withdrawn)} 账单"
    return note


def _end_lease(actor: User | None, lease: Lease, on: dt.date, note: str) -> None:
    """End the lease on the day; bills already made for months after it (billed in advance) are
    withdrawn. A month after the end that has been paid refuses the ending: the payment would have
    to be refunded first (the bill is the payment's record)."""
    note = _withdraw_bills_after(lease, on, note)
    before = audit.snapshot(lease, ["status", "ended_on"])
    lease.status, lease.ended_on = Lease.Status.ENDED, on
    lease.save(update_fields=["status", "ended_on"])
    audit.record_change(actor, lease, before, note=note)
    _set_state(lease.rental_unit, State.VACANT, on, f"合同 {lease.number} 终止")


@transaction.atomic
def end_lease(actor: User | None, lease: Lease, *, on: dt.date, note: str = "") -> Lease:
    """End a shop lease (or a home lease outside an exit); the unit becomes vacant."""
    lease = Lease.objects.select_for_update().select_related("rental_unit").get(pk=lease.pk)
    if lease.status != Lease.Status.ACTIVE:
        raise RentalError("合同已终止")
    if on < lease.start:
        raise RentalError("终止日期不能早于合同起始日期")
    _end_lease(actor, lease, on, note or "终止合同")
    return lease


# --- rent -------------------------------------------------------------------------------------------


def bill_month(actor: User | None, month: dt.date) -> dict[str, int]:
    """Bill the month's rent of every lease in force on its first day in one INSERT … SELECT.

    Idempotent: a lease already billed for the month is skipped (ON CONFLICT DO NOTHING on the
    unique (lease, month)), so a second run creates nothing and concurrent runs cannot double-bill."""
    month = rules.month_start(month)
    due = rules.month_end(month)
    table = RentBill._meta.db_table
    lease_table = Lease._meta.db_table
    with transaction.atomic():
        existing = RentBill.objects.filter(month=month).count()
        with connection.cursor() as cursor:
            cursor.execute(
                f"""INSERT INTO {table} (lease_id, kind, month, due, amount, paid)
                SELECT l.id, l.kind, %s, %s, l.monthly_rent, 0 FROM {lease_table} l
                WHERE l.start <= %s AND (l.ended_on IS NULL OR l.ended_on >= %s)
                ON CONFLICT (lease_id, month) DO NOTHING""",
                [month, due, month, month],
            )
            created = max(cursor.rowcount, 0)
        credited = apply_credit(actor, month=month)
        audit.record(
            actor,
            AuditEvent.Action.IMPORT,
            model=RentBill._meta.label,
            object_repr=f"{month:%Y-%m}",
            after={"month": f"{month:%Y-%m}", "created": created, "existing": existing, "credited": str(credited)},
            note="生成月租金账单",
        )
    return {"created": created, "existing": existing}


def apply_credit(actor: User | None, month: dt.date | None = None, lease_ids: Collection[int] | None = None) -> Decimal:
    """Use the payments' unallocated remainders (prepaid rent, overpayments) for the open bills of the
    same lease: the oldest payment first, to the oldest bill first. Returns the amount applied.

    One query finds the payments with a remainder whose lease has an open bill (of `month` when
    given, the billing run's month; of the leases given), one reads those leases' open bills; the
    allocations are inserted and the bills updated in bulk."""
    open_bills = RentBill.objects.filter(lease=OuterRef("lease"), paid__lt=F("amount"))
    if month is not None:
        open_bills = open_bills.filter(month=month)
    payments = Payment.objects.filter(unallocated__gt=0)  # the partial index rental_payment_credit
    if lease_ids is not None:
        payments = payments.filter(lease_id__in=list(lease_ids))
    candidates = list(
        payments.filter(Exists(open_bills))
        .order_by("lease_id", "paid_on", "pk")
        .values_list("pk", "lease_id", "unallocated")
    )
    if not candidates:
        return Decimal("0.00")
    lease_ids = {lease_id for _, lease_id, _ in candidates}
    bills_by_lease: dict[int, list[RentBill]] = {}
    for bill in (
        RentBill.objects.select_for_update()
        .filter(lease_id__in=lease_ids, paid__lt=F("amount"))
        .order_by("lease_id", "month")
    ):
        bills_by_lease.setdefault(bill.lease_id, []).append(bill)
    allocations: list[PaymentAllocation] = []
    changed: dict[int, RentBill] = {}
    applied = Decimal("0.00")
    left_by_payment: dict[int, Decimal] = {}
    for payment_id, lease_id, left in candidates:
        for bill in bills_by_lease.get(lease_id, []):
            if left <= 0:
                break
            part = min(left, bill.amount - bill.paid)
            if part <= 0:
                continue
            allocations.append(PaymentAllocation(payment_id=payment_id, bill_id=bill.pk, amount=part))
            bill.paid += part
            changed[bill.pk] = bill
            left -= part
            applied += part
            left_by_payment[payment_id] = left
    PaymentAllocation.objects.bulk_create(allocations, batch_size=2000)
    RentBill.objects.bulk_update(list(changed.values()), ["paid"], batch_size=2000)
    Payment.objects.bulk_update(
        [Payment(pk=pk, unallocated=left) for pk, left in left_by_payment.items()], ["unallocated"], batch_size=2000
    )
    if applied:
        audit.record(
            actor,
            UPDATE,
            model=PaymentAllocation._meta.label,
            object_repr="预缴冲抵",
            after={"payments": len({a.payment_id for a in allocations}), "bills": len(changed), "amount": str(applied)},
            note="预缴余额冲抵账单",
        )
    return applied


def _allocate(payment: Payment) -> Decimal:
    """Apply the payment to the lease's open bills, oldest first; returns what is left as credit."""
    left = payment.amount
    bills = RentBill.objects.select_for_update().filter(lease=payment.lease, paid__lt=F("amount")).order_by("month")
    for bill in bills:
        if left <= 0:
            break
        part = min(left, bill.amount - bill.paid)
        PaymentAllocation.objects.create(payment=payment, bill=bill, amount=part)
        RentBill.objects.filter(pk=bill.pk).update(paid=F("paid") + to_fen(part))
        left -= part
    return left


@transaction.atomic
def receive_payment(
    actor: User | None,
    lease: Lease,
    *,
    amount: Decimal,
    paid_on: dt.date,
    channel: str = Payment.Channel.COUNTER,
    bank_txn: str | None = None,
    payer: str = "",
) -> tuple[Payment, bool]:
    """Rent received; (payment, created). A bank transaction id already recorded returns that payment
    (created False) so the same transfer is never counted twice."""
    if amount <= 0:
        raise RentalError("金额须大于0")
    bank_txn = (bank_txn or "").strip() or None
    if bank_txn is not None:
        existing = Payment.objects.filter(bank_txn=bank_txn).first()
        if existing is not None:
            if existing.lease_id != lease.pk or existing.amount != amount:
                raise RentalError(f"银行流水号 {bank_txn} 已用于另一笔缴款")
            return existing, False
    try:
        with transaction.atomic():
            payment = Payment.objects.create(
                lease=lease,
                kind=lease.kind,
                amount=amount,
                paid_on=paid_on,
                channel=channel,
                bank_txn=bank_txn,
                payer=payer or lease.tenant_name,
                created_by=actor if actor is not None and actor.pk else None,
            )
    except IntegrityError as exc:
        raise RentalError(f"银行流水号 {bank_txn} 已用于另一笔缴款") from exc
    credit = _allocate(payment)
    if credit:
        Payment.objects.filter(pk=payment.pk).update(unallocated=credit)
        payment.unallocated = credit
    audit.record(actor, CREATE, payment, after={**audit.snapshot(payment), "credit": str(credit)})
    return payment, True


@transaction.atomic
def issue_reminder(actor: User | None, lease: Lease, *, on: dt.date, days: int = 15) -> Reminder:
    """A rent reminder (催缴通知) for what the lease owes on the day; pay within `days` days."""
    owed = RentBill.objects.filter(lease=lease, due__lt=on).aggregate(
        owed=Sum(F("amount") - F("paid"), output_field=MoneyField())
    )["owed"]
    owed_amount = owed or Decimal("0.00")
    if owed_amount <= 0:
        raise RentalError("该合同没有欠缴租金")
    reminder = Reminder.objects.create(
        lease=lease,
        issued_on=on,
        owed=owed_amount,
        deadline=on + dt.timedelta(days=days),
        created_by=actor if actor is not None and actor.pk else None,
    )
    audit.record(actor, CREATE, reminder, after=audit.snapshot(reminder))
    return reminder


# --- reviews, inspections, exits -------------------------------------------------------------------


@transaction.atomic
def open_reviews(actor: User | None, year: int, on: dt.date) -> int:
    """Open the year's annual review (年审) on the day: one due review for every household with a home
    lease in force on it that has none for the year yet; returns how many were opened."""
    from anju.rental import queries

    if on.year != year:
        raise RentalError("开启日期须在年审年度内")
    in_force = queries.leases_in_force(on).exclude(household__isnull=True).values("household")
    due = Household.objects.filter(pk__in=in_force).exclude(reviews__year=year)
    reviews = [Review(household_id=pk, year=year) for pk in due.values_list("pk", flat=True)]
    Review.objects.bulk_create(reviews, batch_size=2000)
    audit.record(
        actor, CREATE, model=Review._meta.label, object_repr=str(year), after={"on": str(on), "opened": len(reviews)}
    )
    return len(reviews)


@transaction.atomic
def record_review(actor: User | None, review: Review, *, outcome: str, on: dt.date, note: str = "") -> Review:
    """The review's outcome: still eligible, market rent from the next lease, or exit."""
    if outcome == Review.Outcome.DUE:
        raise RentalError("请选择年审结论")
    review = Review.objects.select_for_update().get(pk=review.pk)
    before = audit.snapshot(review, ["outcome", "reviewed_on", "note"])
    review.outcome, review.reviewed_on, review.note = outcome, on, note
    review.save(update_fields=["outcome", "reviewed_on", "note"])
    audit.record_change(actor, review, before)
    return review


@transaction.atomic
def record_inspection(
    actor: User | None, lease: Lease, *, visit: str, on: dt.date, finding: str, inspector: str, note: str = ""
) -> Inspection:
    if lease.household_id is None:
        raise RentalError("入户调查只针对住房承租家庭")
    if (
        visit == Inspection.Visit.REINSPECTION
        and not Inspection.objects.filter(lease=lease, visit=Inspection.Visit.INSPECTION, visited_on__lte=on).exists()
    ):
        raise RentalError("复查前须先有入户调查记录")
    inspection = Inspection.objects.create(
        household_id=lease.household_id,
        lease=lease,
        visit=visit,
        visited_on=on,
        finding=finding,
        inspector=inspector,
        note=note,
    )
    audit.record(actor, CREATE, inspection, after=audit.snapshot(inspection))
    return inspection


EXIT_LIVE = (*rules.EXIT_OPEN, Exit.Status.APPROVED, Exit.Status.NOTIFIED)


@transaction.atomic
def prepare_exit(actor: User | None, lease: Lease, *, reason: str, note: str = "", on: dt.date | None = None) -> Exit:
    """Prepare an exit (清退经办) of a home lease in force: a draft that goes to 审核 and 审批 before its
    notice is served. One exit at a time per lease."""
    on = on or timezone.localdate()
    if lease.household_id is None or lease.status != Lease.Status.ACTIVE:
        raise RentalError("只能对执行中的住房合同办理清退")
    if reason not in Exit.Reason.values:
        raise RentalError("清退原因无效")
    if lease.exits.filter(status__in=EXIT_LIVE).exists():
        raise RentalError("该合同已有进行中的清退")
    exit_ = create_numbered(
        numbers.EXIT,
        on.year,
        lease=lease,
        household_id=lease.household_id,
        reason=reason,
        note=note.strip()[:300],
        status=Exit.Status.DRAFT,
        prepared_on=on,
        created_by=actor if actor is not None and actor.pk else None,
    )
    workflow.record(EXIT_WORKFLOW, actor, exit_, step="create", from_status="")
    audit.record(actor, CREATE, exit_, after=audit.snapshot(exit_))
    return exit_


def take_exit_step(actor: User | None, exit_: Exit, step: str, *, note: str = "") -> Exit:
    """An approval step of the exit (submit, review, approve, reject, send_back, withdraw)."""
    return workflow.take_step(EXIT_WORKFLOW, actor, exit_, step, note=note)


@transaction.atomic
def serve_exit(actor: User | None, exit_: Exit, *, notice_on: dt.date, deadline: dt.date) -> Exit:
    """Serve the notice (清退通知) of an approved exit with a deadline to move out."""
    locked = workflow.lock(EXIT_WORKFLOW, exit_, Exit.Status.APPROVED)
    if deadline < notice_on:
        raise RentalError("腾退期限不能早于通知日期")
    if locked.lease.status != Lease.Status.ACTIVE:
        raise RentalError("该合同已终止，不能送达清退通知")
    note = f"送达 {notice_on:%Y-%m-%d}，限 {deadline:%Y-%m-%d} 前腾退"
    workflow.move(
        EXIT_WORKFLOW,
        actor,
        locked,
        Exit.Status.NOTIFIED,
        step="serve",
        note=note,
        notice_on=notice_on,
        deadline=deadline,
    )
    return locked


@transaction.atomic
def serve_exit_notice_again(actor: User | None, exit_: Exit, *, on: dt.date) -> Exit:
    """Another notice (再次催告) served."""
    exit_ = workflow.lock(EXIT_WORKFLOW, exit_, Exit.Status.NOTIFIED)
    before = audit.snapshot(exit_, ["notices"])
    exit_.notices += 1
    exit_.save(update_fields=["notices"])
    audit.record_change(actor, exit_, before, note=f"{on} 再次送达清退通知")
    workflow.record(EXIT_WORKFLOW, actor, exit_, step="notice_again", note=f"{on:%Y-%m-%d} 第 {exit_.notices} 次送达")
    return exit_


@transaction.atomic
def force_exit(actor: User | None, exit_: Exit, *, note: str = "") -> Exit:
    """The deadline passed without moving out: forced exit (强制清退) through the courts."""
    exit_ = workflow.lock(EXIT_WORKFLOW, exit_, Exit.Status.NOTIFIED)
    before = audit.snapshot(exit_, ["forced", "note"])
    exit_.forced = True
    exit_.note = (exit_.note + " " + note).strip()[:300]
    exit_.save(update_fields=["forced", "note"])
    audit.record_change(actor, exit_, before, note="申请法院强制执行")
    workflow.record(EXIT_WORKFLOW, actor, exit_, step="force", note=note)
    return exit_


@transaction.atomic
def complete_exit(actor: User | None, exit_: Exit, *, on: dt.date) -> Exit:
    """The home is handed back: the lease ends, the home is vacant and the household has exited."""
    exit_ = workflow.lock(EXIT_WORKFLOW, exit_, Exit.Status.NOTIFIED)
    if exit_.notice_on is not None and on < exit_.notice_on:
        raise RentalError("完成日期不能早于通知日期")
    workflow.move(
        EXIT_WORKFLOW, actor, exit_, Exit.Status.COMPLETED, step="complete", note=f"{on:%Y-%m-%d}", completed_on=on
    )
    if exit_.lease.status == Lease.Status.ACTIVE:
        _end_lease(actor, exit_.lease, on, f"清退 {exit_.number}")
    _set_household_status(actor, exit_.household, Household.Status.EXITED, f"清退 {exit_.number}")
    return exit_


# --- repairs and filings ----------------------------------------------------------------------------


@transaction.atomic
def report_repair(actor: User | None, ru: RentalUnit, *, on: dt.date, description: str) -> Repair:
    repair = create_numbered(numbers.REPAIR, on.year, rental_unit=ru, reported_on=on, description=description)
    audit.record(actor, CREATE, repair, after=audit.snapshot(repair))
    return repair


@transaction.atomic
def assign_repair(actor: User | None, repair: Repair, *, vendor: str) -> Repair:
    repair = Repair.objects.select_for_update().get(pk=repair.pk)
    if repair.status == Repair.Status.DONE:
        raise RentalError("工单已完成")
    if not vendor.strip():
        raise RentalError("请填写维修单位")
    before = audit.snapshot(repair, ["vendor", "status"])
    repair.vendor, repair.status = vendor.strip(), Repair.Status.ASSIGNED
    repair.save(update_fields=["vendor", "status"])
    audit.record_change(actor, repair, before)
    return repair


@transaction.atomic
def complete_repair(actor: User | None, repair: Repair, *, on: dt.date, cost: Decimal) -> Repair:
    repair = Repair.objects.select_for_update().get(pk=repair.pk)
    if repair.status != Repair.Status.ASSIGNED:
        raise RentalError("工单须先派给维修单位")
    if cost < 0:
        raise RentalError("维修金额不能为负")
    if on < repair.reported_on:
        raise RentalError("完工日期不能早于报修日期")
    before = audit.snapshot(repair, ["status", "completed_on", "cost"])
    repair.status, repair.completed_on, repair.cost = Repair.Status.DONE, on, cost
    repair.save(update_fields=["status", "completed_on", "cost"])
    audit.record_change(actor, repair, before)
    return repair


@transaction.atomic
def file_rental(actor: User | None, **fields: Any) -> Filing:
    """Record a rental filing (房屋租赁备案); ID numbers are validated by the caller's form."""
    if fields["end"] < fields["start"]:
        raise RentalError("租赁终止日期不能早于起始日期")
    filing = create_numbered(numbers.FILING, fields["filed_on"].year, **fields)
    audit.record(actor, CREATE, filing, after=audit.snapshot(filing))
    return filing
