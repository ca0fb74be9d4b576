"""The rental API: The rental KPIs of a year and the dashboard."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema

from anju.core import kpis
from anju.core.apikit import Year, money_text
from anju.rental import queries
from anju.rental.api.base import MODULE, can_view

router = Router()


class RentalKpiOut(Schema):
    code: str
    name: str
    unit: str
    value: int | str | list[int | str]


@router.get("/kpis", response=list[RentalKpiOut], summary="The rental KPIs of a year, computed from records")
def list_kpis(request: HttpRequest, year: Year) -> list[RentalKpiOut]:
    can_view(request)
    return [
        RentalKpiOut(code=k.code, name=k.name, unit=k.unit, value=kpis.as_json(k, k.compute(year)))
        for k in kpis.all_kpis(MODULE)
    ]


class RentalDashboardOut(Schema):
    year: int
    occupancy: dict[str, int]
    months: list[dict[str, Any]]
    ageing: dict[str, str]
    reviews_due: int
    reviews_done: int
    inspected: int
    reinspected: int


@router.get("/dashboard", response=RentalDashboardOut, summary="Occupancy, rent by month, arrears ageing, progress")
def dashboard(request: HttpRequest, year: Year, as_of: dt.date | None = None) -> RentalDashboardOut:
    can_view(request)
    progress = queries.inspection_progress(year)
    return RentalDashboardOut(
        year=year,
        occupancy=queries.occupancy(),
        months=[
            {
                "month": m["month"],
                "billed": money_text(m["billed"]),
                "paid": money_text(m["paid"]),
                "received": money_text(m["received"]),
            }
            for m in queries.monthly_series(year)
        ],
        ageing={k: money_text(v) for k, v in queries.ageing(as_of or timezone.localdate()).items()},
        reviews_due=queries.reviews_due(year).count(),
        reviews_done=queries.reviews_done(year).count(),
        inspected=progress["inspected"],
        reinspected=progress["reinspected"],
    )
