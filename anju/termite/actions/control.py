"""Control (灭治): requests free under a running warranty, public or charged at the rate in force; treated,
followed up after 30 days and closed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction

from anju.core import audit, numbering
from anju.core.models import AuditEvent, User
from anju.lib import dates
from anju.termite import rules
from anju.termite.actions.base import (
    REQUESTS,
    not_future,
    positive_area,
    required_text,
)
from anju.termite.actions.prevention import fee_for, warranty_end
from anju.termite.errors import TermiteError
from anju.termite.models import (
    ZERO,
    ControlRequest,
    FeeRate,
    WarrantyBuilding,
)

# --- control --------------------------------------------------------------------------------------------


def _warranty_on(day: dt.date, warranty: WarrantyBuilding | None) -> bool:
    return warranty is not None and rules.under_warranty(day, warranty.accepted_on, warranty_end(warranty)[0])


def open_request(
    actor: User | None, *, received_on: dt.date, warranty: WarrantyBuilding | None, **values: Any
) -> ControlRequest:
    target = values["target"]
    quantity = values.get("area", ZERO) if target == ControlRequest.Target.HOUSE else Decimal(values.get("trees", 0))
    if _warranty_on(received_on, warranty):
        basis, fee = ControlRequest.Basis.WARRANTY, ZERO
    elif values["requester_kind"] in (ControlRequest.Requester.PARKS, ControlRequest.Requester.SCHOOL):
        basis, fee = ControlRequest.Basis.PUBLIC, ZERO
    else:
        kind = FeeRate.Kind.HOUSE_CONTROL if target == ControlRequest.Target.HOUSE else FeeRate.Kind.TREE_CONTROL
        # A house in the roll of prevention is charged at its structure's rate where there is one.
        structure = warranty.structure if warranty is not None and target == ControlRequest.Target.HOUSE else ""
        basis, fee = ControlRequest.Basis.PAID, fee_for(kind, [(structure, quantity)], received_on)
    return numbering.create_numbered(
        REQUESTS,
        received_on.year,
        received_on=received_on,
        warranty=warranty,
        basis=basis,
        fee=fee,
        created_by=actor,
        **values,
    )


@transaction.atomic
def open_control_request(
    actor: User | None,
    *,
    received_on: dt.date,
    requester_kind: str,
    requester_name: str,
    channel: str,
    target: str,
    address: str,
    area: Decimal = ZERO,
    trees: int = 0,
    species: str = "",
    phone: str = "",
    warranty: WarrantyBuilding | None = None,
    note: str = "",
) -> ControlRequest:
    """A request for control of a house (m²) or trees (棵): free under a running warranty on the day of the
    request, public for the parks and schools, else charged at the rate in force."""
    ControlRequest.Requester(requester_kind)
    ControlRequest.Channel(channel)
    ControlRequest.Target(target)
    not_future(received_on, "报治日期")
    if target == ControlRequest.Target.HOUSE:
        positive_area(area, "灭治面积")
        trees = 0
    elif trees <= 0:
        raise TermiteError("树木数量须大于0", code="trees_not_positive", field="trees")
    request = open_request(
        actor,
        received_on=received_on,
        warranty=warranty,
        requester_kind=requester_kind,
        requester_name=required_text(requester_name, "报治人", "requester_required"),
        channel=channel,
        target=target,
        address=required_text(address, "地址或位置", "address_required"),
        area=area if target == ControlRequest.Target.HOUSE else ZERO,
        trees=trees,
        species=(species or "").strip(),
        phone=(phone or "").strip(),
        note=(note or "").strip(),
    )
    audit.record(actor, AuditEvent.Action.CREATE, request, after={"basis": request.basis, "fee": str(request.fee)})
    return request


@transaction.atomic
def treat_control(
    actor: User | None,
    request: ControlRequest,
    *,
    on: dt.date,
    area: Decimal = ZERO,
    trees: int = 0,
    chemicals: str = "",
) -> ControlRequest:
    """The control treatment done: area or trees treated; the follow-up visit is due 30 days later."""
    request = ControlRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != ControlRequest.Status.OPEN:
        raise TermiteError(f"灭治申请{request.number}已处理", code="bad_state")
    not_future(on, "灭治日期")
    if on < request.received_on:
        raise TermiteError("灭治日期早于报治日期", code="before_request", field="treated_on")
    if request.target == ControlRequest.Target.HOUSE:
        request.treated_area = positive_area(area, "灭治面积")
    else:
        if trees <= 0:
            raise TermiteError("灭治树木数量须大于0", code="trees_not_positive", field="trees")
        request.trees_treated = trees
    request.status = ControlRequest.Status.TREATED
    request.treated_on = on
    request.chemicals = (chemicals or "").strip()
    request.follow_up_due = _follow_up(on)
    request.save()
    audit.record(actor, AuditEvent.Action.UPDATE, request, after={"status": "treated", "treated_on": str(on)})
    return request


def _follow_up(treated_on: dt.date) -> dt.date:
    """FOLLOW_UP_DAYS after the treatment (民法典 periods), past a rest day once the calendar is known."""
    try:
        return dates.add_days(treated_on, rules.FOLLOW_UP_DAYS)
    except dates.CalendarMissing:
        return treated_on + dt.timedelta(days=rules.FOLLOW_UP_DAYS)


@transaction.atomic
def close_control(
    actor: User | None, request: ControlRequest, *, followed_up_on: dt.date, note: str = ""
) -> ControlRequest:
    """The follow-up visit found the treatment effective: the request is closed."""
    request = ControlRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != ControlRequest.Status.TREATED:
        raise TermiteError(f"灭治申请{request.number}尚未灭治，不能结案", code="bad_state")
    if request.treated_on and followed_up_on < request.treated_on:
        raise TermiteError("复查日期早于灭治日期", code="before_treatment", field="followed_up_on")
    not_future(followed_up_on, "复查日期")
    request.status = ControlRequest.Status.CLOSED
    request.followed_up_on = request.closed_on = followed_up_on
    if note:
        request.note = note.strip()[:300]
    request.save()
    audit.record(actor, AuditEvent.Action.UPDATE, request, after={"status": "closed"})
    return request
