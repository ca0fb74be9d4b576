"""Repair work orders (报修 → 派单 → 完工) and rental filings (房屋租赁备案)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction

from anju.core import audit
from anju.core.models import User
from anju.core.numbering import create_numbered
from anju.rental import numbers
from anju.rental.actions.base import CREATE
from anju.rental.errors import RentalError
from anju.rental.models import Filing, RentalUnit, Repair


@transaction.atomic
def report_repair(actor: User | None, ru: RentalUnit, *, on: dt.date, description: str) -> Repair:
    repair = create_numbered(numbers.REPAIR, on.year, rental_unit=ru, reported_on=on, description=description)
    audit.record(actor, CREATE, repair, after=audit.snapshot(repair))
    return repair


@transaction.atomic
def assign_repair(actor: User | None, repair: Repair, *, vendor: str) -> Repair:
    repair = Repair.objects.select_for_update().get(pk=repair.pk)
    if repair.status == Repair.Status.DONE:
        raise RentalError("工单已完成", code="repair_done")
    if not vendor.strip():
        raise RentalError("请填写维修单位", code="vendor_required")
    before = audit.snapshot(repair, ["vendor", "status"])
    repair.vendor, repair.status = vendor.strip(), Repair.Status.ASSIGNED
    repair.save(update_fields=["vendor", "status"])
    audit.record_change(actor, repair, before)
    return repair


@transaction.atomic
def complete_repair(actor: User | None, repair: Repair, *, on: dt.date, cost: Decimal) -> Repair:
    repair = Repair.objects.select_for_update().get(pk=repair.pk)
    if repair.status != Repair.Status.ASSIGNED:
        raise RentalError("工单须先派给维修单位", code="repair_not_assigned")
    if cost < 0:
        raise RentalError("维修金额不能为负", code="negative_cost")
    if on < repair.reported_on:
        raise RentalError("完工日期不能早于报修日期", code="done_before_report")
    before = audit.snapshot(repair, ["status", "completed_on", "cost"])
    repair.status, repair.completed_on, repair.cost = Repair.Status.DONE, on, cost
    repair.save(update_fields=["status", "completed_on", "cost"])
    audit.record_change(actor, repair, before)
    return repair


@transaction.atomic
def file_rental(actor: User | None, **fields: Any) -> Filing:
    """Record a rental filing (房屋租赁备案); ID numbers are validated by the caller's form."""
    if fields["end"] < fields["start"]:
        raise RentalError("租赁终止日期不能早于起始日期", code="end_before_start")
    filing = create_numbered(numbers.FILING, fields["filed_on"].year, **fields)
    audit.record(actor, CREATE, filing, after=audit.snapshot(filing))
    return filing
