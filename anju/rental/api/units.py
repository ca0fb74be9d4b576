"""The rental API: Homes and shops of the estates with their state."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from anju.core.apikit import Area, Paging, page_schema, paginate
from anju.rental.api.base import can_view
from anju.rental.models import RentalUnit

router = Router()


class RentalUnitOut(Schema):
    code: str = Field(alias="unit.code")
    estate: str = Field(alias="unit.project.name")
    kind: str
    area: Area = Field(alias="unit.area")
    state: str
    since: dt.date = Field(alias="state_since")


RentalUnitPage = page_schema(RentalUnitOut)


@router.get("/units", response=RentalUnitPage, summary="Homes and shops of the estates with their state")
def list_units(
    request: HttpRequest, paging: Query[Paging], kind: str = "", state: str = "", q: str = ""
) -> dict[str, Any]:
    can_view(request)
    qs = RentalUnit.objects.select_related("unit__project").order_by("unit__code")
    if kind:
        qs = qs.filter(kind=kind)
    if state:
        qs = qs.filter(state=state)
    if q:
        qs = qs.filter(unit__code__istartswith=q)
    return paginate(qs, paging)
