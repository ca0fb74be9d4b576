"""The rental API: Rental filings (房屋租赁备案)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Query, Router, Schema

from anju.core.apikit import Area, ErrorOut, Money, Paging, Year
from anju.core.permissions import actor
from anju.lib.ids import normalize_resident_id, normalize_uscc
from anju.rental import actions, rules
from anju.rental.api.base import IdNumber, can_handle, can_view, window
from anju.rental.errors import RentalError
from anju.rental.models import Filing

router = Router()


class FilingIn(Schema):
    filed_on: dt.date
    lessor: str
    lessor_id: str
    lessee: str
    lessee_id: str
    address: str
    area: Decimal
    start: dt.date
    end: dt.date
    monthly_rent: Decimal


class FilingOut(Schema):
    number: str
    filed_on: dt.date
    lessor: str
    lessor_id: IdNumber
    lessee: str
    lessee_id: IdNumber
    address: str
    area: Area
    start: dt.date
    end: dt.date
    monthly_rent: Money


@router.get("/filings", response=list[FilingOut], summary="Rental filings (房屋租赁备案)")
def list_filings(request: HttpRequest, paging: Query[Paging], year: Year | None = None) -> QuerySet[Filing]:
    can_view(request)
    qs = Filing.objects.order_by("-filed_on", "-pk")
    if year:
        qs = qs.filter(filed_on__year=year)
    return window(qs, paging)


def _id_number(number: str) -> str:
    text = number.strip().upper()
    try:
        return normalize_resident_id(text)
    except ValueError as exc:
        try:
            return normalize_uscc(text)
        except ValueError:
            raise RentalError(str(exc), code="bad_id_number") from exc


@router.post("/filings", response={200: FilingOut, 400: ErrorOut}, summary="Record a rental filing")
def file_rental(request: HttpRequest, body: FilingIn) -> Any:
    can_handle(request)
    if body.area <= 0 or body.monthly_rent < 0:
        raise RentalError("面积须大于0，租金不能为负", code="bad_filing")
    f = actions.file_rental(
        actor(request),
        filed_on=body.filed_on,
        lessor=body.lessor.strip(),
        lessor_id=_id_number(body.lessor_id),
        lessee=body.lessee.strip(),
        lessee_id=_id_number(body.lessee_id),
        address=body.address.strip(),
        area=body.area.quantize(rules.FEN),
        start=body.start,
        end=body.end,
        monthly_rent=body.monthly_rent.quantize(rules.FEN),
    )
    return FilingOut.from_orm(f)
