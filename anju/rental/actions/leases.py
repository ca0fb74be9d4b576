"""Leases: sign at the rate in force, renew, end (bills after the end withdrawn)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction

from anju.core import audit
from anju.core.models import User
from anju.core.numbering import create_numbered
from anju.rental import numbers, rules
from anju.rental.actions.base import CREATE, State
from anju.rental.actions.households import _set_household_status
from anju.rental.actions.units import _set_state, rate_in_force
from anju.rental.errors import RentalError
from anju.rental.models import (
    Category,
    Draw,
    Household,
    Kind,
    Lease,
    RentalUnit,
    RentBill,
    Review,
)


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
        raise RentalError("合同终止日期不能早于起始日期", code="end_before_start")
    if deposit is not None and deposit < 0:
        raise RentalError("押金不能为负", code="negative_deposit")
    if ru.kind == Kind.HOME:
        if household is None:
            raise RentalError("住房须租给承租家庭", code="household_required")
        if renewed_from is None and household.status != Household.Status.WAITING:
            raise RentalError("只有资格审核通过、正在轮候的家庭可以配租", code="not_waiting")
        category = category or household.category
        tenant_name = household.applicant.name
    else:
        category = Category.COMMERCIAL
        if not tenant_name.strip():
            raise RentalError("请填写门面承租人", code="tenant_required")
    if renewed_from is None and (ru.state not in (State.VACANT, State.RESERVED) or ru.leases.filter(status="active")):
        raise RentalError("该房屋不是空置或预留状态，不能签约", code="unit_not_available")
    if renewed_from is None and ru.kind == Kind.HOME and ru.state == State.RESERVED:
        for pending in Draw.objects.filter(status=Draw.Status.ANNOUNCED):
            if ru.unit.code in pending.units:
                raise RentalError(
                    f"该房源已列入摇号 {pending.number} 的公告房源，摇号后按结果签约", code="unit_in_draw"
                )
        won = drawn_by(ru)
        if won is not None and household is not None and won[1] != household.number:
            raise RentalError(f"该房源已由摇号 {won[0].number} 配租给 {won[1]}", code="unit_drawn_by_other")
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
        raise RentalError("只有执行中的合同可以续签", code="lease_not_active")
    if start <= lease.start:
        raise RentalError("续签起始日期须晚于原合同起始日期", code="renewal_too_early")
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
        raise RentalError(f"终止日期之后的月份已缴租金（{'、'.join(paid_later)}），请先办理退款", code="paid_after_end")
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
        raise RentalError("合同已终止", code="lease_not_active")
    if on < lease.start:
        raise RentalError("终止日期不能早于合同起始日期", code="end_before_start")
    _end_lease(actor, lease, on, note or "终止合同")
    return lease
