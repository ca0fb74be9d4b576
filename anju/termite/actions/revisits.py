"""Revisits (回访复查) of buildings under warranty, one or a round in bulk; a finding of termites opens a
control request free of charge."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction

from anju.core import audit
from anju.core.models import AuditEvent, User
from anju.lib import dates
from anju.termite import rules
from anju.termite.actions.base import (
    not_future,
    positive_area,
    required_text,
)
from anju.termite.actions.control import open_request
from anju.termite.actions.prevention import warranty_end
from anju.termite.errors import TermiteError
from anju.termite.models import (
    ControlRequest,
    Revisit,
    WarrantyBuilding,
)

# --- revisits -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RevisitRow:
    building: WarrantyBuilding
    date: dt.date
    inspector: str
    area_checked: Decimal
    finding: str
    note: str = ""


def _check_revisit(row: RevisitRow, calendar: dates.Calendar) -> None:
    positive_area(row.area_checked, "复查面积")
    not_future(row.date, "回访日期")
    Revisit.Finding(row.finding)
    required_text(row.inspector, "回访人员", "inspector_required")
    end, _final = warranty_end(row.building, calendar)
    if not rules.under_warranty(row.date, row.building.accepted_on, end):
        raise TermiteError(
            f"{row.building}在{row.date:%Y-%m-%d}不在白蚁预防包治期内，不能登记回访",
            code="not_under_warranty",
            field="date",
        )
    if row.area_checked > row.building.area:
        raise TermiteError(
            f"复查面积{row.area_checked}超过该幢建筑面积{row.building.area}",
            code="area_over_building",
            field="area_checked",
        )


@transaction.atomic
def record_revisits(actor: User | None, rows: Sequence[RevisitRow]) -> list[Revisit]:
    """Revisits, in bulk (a day's round or a paper record imported): each building under warranty on the
    day; a finding of termites opens a control request free of charge."""
    calendar = dates.default_calendar()
    for row in rows:
        _check_revisit(row, calendar)
    revisits = Revisit.objects.bulk_create(
        Revisit(
            building=row.building,
            date=row.date,
            inspector=row.inspector.strip(),
            area_checked=row.area_checked,
            finding=row.finding,
            note=row.note,
            recorded_by=actor,
        )
        for row in rows
    )
    found = [
        (revisit, row) for revisit, row in zip(revisits, rows, strict=True) if row.finding == Revisit.Finding.TERMITES
    ]
    for revisit, row in found:
        request = open_request(
            actor,
            received_on=row.date,
            requester_kind=ControlRequest.Requester.REVISIT,
            requester_name=row.inspector.strip(),
            channel=ControlRequest.Channel.REVISIT,
            target=ControlRequest.Target.HOUSE,
            address=f"{row.building.contract.project_name}{row.building.building_no}幢",
            area=row.area_checked,
            warranty=row.building,
        )
        revisit.control_request = request
        revisit.save(update_fields=["control_request"])
    audit.record(
        actor,
        AuditEvent.Action.CREATE,
        model="termite.Revisit",
        after={"revisits": len(revisits), "termites_found": len(found)},
        note=f"登记回访复查{len(revisits)}幢",
    )
    return revisits


def record_revisit(actor: User | None, building: WarrantyBuilding, **values: Any) -> Revisit:
    return record_revisits(actor, [RevisitRow(building=building, **values)])[0]
