"""The rental API: Leases: sign, renew, end."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema

from anju.core.apikit import Area, ErrorOut, Money, Paging, page_schema, paginate
from anju.core.permissions import actor
from anju.rental import actions, queries, rules
from anju.rental.api.base import can_handle, can_view, lease_by_number
from anju.rental.models import Household, Lease, RentalUnit

router = Router()


class LeaseOut(Schema):
    number: str
    kind: str
    unit: str
    household: str | None
    tenant: str
    category: str
    area: Area
    monthly_rent: Money
    deposit: Money
    start: dt.date
    end: dt.date
    ended_on: dt.date | None
    status: str
    billed: Money
    paid: Money
    owed: Money


def _lease_out(lease: Lease) -> LeaseOut:
    """A lease with its balance: the three figures come from one computation, so no resolver each."""
    balance = queries.lease_balance(lease)
    return LeaseOut(
        number=lease.number,
        kind=lease.kind,
        unit=lease.rental_unit.unit.code,
        household=lease.household.number if lease.household else None,
        tenant=lease.tenant_name,
        category=lease.category,
        area=lease.area,
        monthly_rent=lease.monthly_rent,
        deposit=lease.deposit,
        start=lease.start,
        end=lease.end,
        ended_on=lease.ended_on,
        status=lease.status,
        billed=balance["billed"],
        paid=balance["paid"],
        owed=balance["owed"],
    )


class LeaseRow(Schema):
    number: str
    kind: str
    unit: str = Field(alias="rental_unit.unit.code")
    tenant: str = Field(alias="tenant_name")
    monthly_rent: Money
    start: dt.date
    end: dt.date
    status: str


LeasePage = page_schema(LeaseRow)


@router.get("/leases", response=LeasePage, summary="Leases")
def list_leases(
    request: HttpRequest, paging: Query[Paging], kind: str = "", status: str = "", q: str = ""
) -> dict[str, Any]:
    can_view(request)
    qs = Lease.objects.select_related("rental_unit__unit").order_by("-start", "-pk")
    if kind:
        qs = qs.filter(kind=kind)
    if status:
        qs = qs.filter(status=status)
    if q:
        qs = qs.filter(Q(number__istartswith=q) | Q(tenant_name__icontains=q))
    return paginate(qs, paging)


class LeaseIn(Schema):
    unit: str
    household: str | None = None
    tenant_name: str = ""
    start: dt.date
    end: dt.date
    deposit: Decimal | None = None


@router.post("/leases", response={200: LeaseOut, 400: ErrorOut}, summary="Sign a lease at the rate in force")
def sign_lease(request: HttpRequest, body: LeaseIn) -> Any:
    can_handle(request)
    ru = get_object_or_404(RentalUnit, unit__code=body.unit)
    household = get_object_or_404(Household, number=body.household) if body.household else None
    return _lease_out(
        actions.sign_lease(
            actor(request),
            rental_unit=ru,
            household=household,
            tenant_name=body.tenant_name,
            start=body.start,
            end=body.end,
            deposit=body.deposit.quantize(rules.FEN) if body.deposit is not None else None,
        )
    )


@router.get("/leases/{number}", response=LeaseOut, summary="A lease with what was billed, paid and is owed")
def get_lease(request: HttpRequest, number: str) -> LeaseOut:
    can_view(request)
    return _lease_out(lease_by_number(number))


class LeaseRenewIn(Schema):
    start: dt.date
    end: dt.date


@router.post("/leases/{number}/renew", response={200: LeaseOut, 400: ErrorOut}, summary="Renew (续租) at the rate then")
def renew_lease(request: HttpRequest, number: str, body: LeaseRenewIn) -> Any:
    can_handle(request)
    lease = lease_by_number(number)
    return _lease_out(actions.renew_lease(actor(request), lease, start=body.start, end=body.end))


class LeaseEndIn(Schema):
    on: dt.date
    note: str = ""


@router.post("/leases/{number}/end", response={200: LeaseOut, 400: ErrorOut}, summary="End a lease; the unit is vacant")
def end_lease(request: HttpRequest, number: str, body: LeaseEndIn) -> Any:
    can_handle(request)
    lease = lease_by_number(number)
    return _lease_out(actions.end_lease(actor(request), lease, on=body.on, note=body.note))
