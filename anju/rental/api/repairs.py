"""The rental API: Repair work orders."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema

from anju.core.apikit import ErrorOut, Money, Paging
from anju.core.permissions import actor
from anju.rental import actions, rules
from anju.rental.api.base import can_handle, can_view, window
from anju.rental.errors import RentalError
from anju.rental.models import RentalUnit, Repair

router = Router()


class RentalRepairOut(Schema):
    number: str
    unit: str = Field(alias="rental_unit.unit.code")
    reported_on: dt.date
    description: str
    vendor: str
    status: str
    completed_on: dt.date | None
    cost: Money


class RentalRepairIn(Schema):
    unit: str
    on: dt.date
    description: str


class RentalVendorIn(Schema):
    vendor: str


class RentalRepairDoneIn(Schema):
    on: dt.date
    cost: Decimal


def _repair_written(r: Repair) -> RentalRepairOut:
    return RentalRepairOut.from_orm(Repair.objects.select_related("rental_unit__unit").get(pk=r.pk))


@router.get("/repairs", response=list[RentalRepairOut], summary="Repair work orders")
def list_repairs(request: HttpRequest, paging: Query[Paging], status: str = "") -> QuerySet[Repair]:
    can_view(request)
    qs = Repair.objects.select_related("rental_unit__unit").order_by("-reported_on", "-pk")
    if status:
        qs = qs.filter(status=status)
    return window(qs, paging)


@router.post("/repairs", response={200: RentalRepairOut, 400: ErrorOut}, summary="Report a repair")
def report_repair(request: HttpRequest, body: RentalRepairIn) -> Any:
    can_handle(request)
    ru = get_object_or_404(RentalUnit, unit__code=body.unit)
    return _repair_written(actions.report_repair(actor(request), ru, on=body.on, description=body.description))


@router.post("/repairs/{number}/assign", response={200: RentalRepairOut, 400: ErrorOut}, summary="Assign to a vendor")
def assign_repair(request: HttpRequest, number: str, body: RentalVendorIn) -> Any:
    can_handle(request)
    repair = get_object_or_404(Repair, number=number)
    return _repair_written(actions.assign_repair(actor(request), repair, vendor=body.vendor))


@router.post(
    "/repairs/{number}/complete", response={200: RentalRepairOut, 400: ErrorOut}, summary="Complete with the cost"
)
def complete_repair(request: HttpRequest, number: str, body: RentalRepairDoneIn) -> Any:
    can_handle(request)
    repair = get_object_or_404(Repair, number=number)
    if body.cost != body.cost.quantize(rules.FEN):
        raise RentalError("金额最多两位小数", code="bad_amount", field="amount")
    return _repair_written(actions.complete_repair(actor(request), repair, on=body.on, cost=body.cost))
