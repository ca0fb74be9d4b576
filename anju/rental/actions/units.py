"""Homes and shops under management, their state, and the rent standards."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import IntegrityError, transaction

from anju.core import audit
from anju.core.models import User
from anju.registry.models import Project, Unit
from anju.rental.actions.base import CREATE, State
from anju.rental.errors import RentalError
from anju.rental.models import (
    Category,
    Kind,
    RentalUnit,
    RentRate,
    UnitStateChange,
)


@transaction.atomic
def register_estate(actor: User | None, project: Project, on: dt.date) -> int:
    """Bring a public-rental project's homes and shops under management (vacant); returns how many."""
    if project.kind != Project.Kind.PUBLIC_RENTAL:
        raise RentalError("该项目不是公租房项目", code="not_public_rental")
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
        raise RentalError("出租状态由租赁合同决定", code="state_by_lease")
    if ru.state == State.LET:
        raise RentalError("房屋在租，请先终止合同", code="unit_let")
    before = audit.snapshot(ru, ["state", "state_since"])
    _set_state(ru, state, on, note)
    audit.record_change(actor, ru, before, note=note)
    return ru


# --- rates ------------------------------------------------------------------------------------------


def rate_in_force(kind: str, category: str, on: dt.date) -> RentRate:
    rate = RentRate.objects.filter(kind=kind, category=category, valid_from__lte=on).order_by("-valid_from").first()
    if rate is None:
        raise RentalError(f"{on} 没有适用的租金标准（{Kind(kind).label} / {Category(category).label}）", code="no_rate")
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
        raise RentalError("租金标准须大于0，减免比例在0到100之间", code="bad_rate")
    if kind not in Kind.values or category not in Category.values:
        raise RentalError("房屋类型或租金类别无效", code="bad_rate")
    duplicate = f"{valid_from} 起已有{Kind(kind).label} / {Category(category).label}的租金标准"
    if RentRate.objects.filter(kind=kind, category=category, valid_from=valid_from).exists():
        raise RentalError(duplicate, code="rate_exists")
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
        raise RentalError(duplicate, code="rate_exists") from exc
    audit.record(actor, CREATE, rate, after=audit.snapshot(rate))
    return rate
