"""The rental API: The annual review (年审) and home visits (入户调查)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema

from anju.core.apikit import ErrorOut, Paging, Year
from anju.core.permissions import actor
from anju.rental import actions
from anju.rental.api.base import can_handle, can_view, lease_by_number, window
from anju.rental.errors import RentalError
from anju.rental.models import Inspection, Review

router = Router()


class RentalReviewOut(Schema):
    id: int
    household: str = Field(alias="household.number")
    year: int
    outcome: str
    reviewed_on: dt.date | None


@router.get("/reviews", response=list[RentalReviewOut], summary="Annual reviews of a year")
def list_reviews(request: HttpRequest, paging: Query[Paging], year: Year, outcome: str = "") -> QuerySet[Review]:
    can_view(request)
    qs = Review.objects.filter(year=year).select_related("household").order_by("household__number")
    if outcome:
        qs = qs.filter(outcome=outcome)
    return window(qs, paging)


class RentalYearIn(Schema):
    year: Year
    on: dt.date | None = None  # the opening day; 1 January of the year by default


@router.post("/reviews/open", response=dict[str, int], summary="Open the year's review for every housed household")
def open_reviews(request: HttpRequest, body: RentalYearIn) -> Any:
    can_handle(request)
    on = body.on or dt.date(body.year, 1, 1)
    n = actions.open_reviews(actor(request), body.year, on)
    return {"opened": n}


class RentalReviewIn(Schema):
    outcome: str
    on: dt.date
    note: str = ""


@router.post(
    "/reviews/{review_id}", response={200: RentalReviewOut, 400: ErrorOut}, summary="Record a review's outcome"
)
def record_review(request: HttpRequest, review_id: int, body: RentalReviewIn) -> Any:
    can_handle(request)
    review = get_object_or_404(Review.objects.select_related("household"), pk=review_id)
    if body.outcome not in Review.Outcome.values:
        raise RentalError("年审结论无效", code="bad_outcome", field="outcome")
    r = actions.record_review(actor(request), review, outcome=body.outcome, on=body.on, note=body.note)
    return RentalReviewOut.from_orm(Review.objects.select_related("household").get(pk=r.pk))


class InspectionIn(Schema):
    lease: str
    visit: str
    on: dt.date
    finding: str
    inspector: str
    note: str = ""


class InspectionOut(Schema):
    id: int
    household: str = Field(alias="household.number")
    lease: str = Field(alias="lease.number")
    visit: str
    visited_on: dt.date
    finding: str
    inspector: str


@router.get("/inspections", response=list[InspectionOut], summary="Home visits of a year")
def list_inspections(request: HttpRequest, paging: Query[Paging], year: Year, visit: str = "") -> QuerySet[Inspection]:
    can_view(request)
    qs = Inspection.objects.filter(visited_on__year=year).select_related("household", "lease").order_by("-visited_on")
    if visit:
        qs = qs.filter(visit=visit)
    return window(qs, paging)


@router.post("/inspections", response={200: InspectionOut, 400: ErrorOut}, summary="Record a home visit")
def record_inspection(request: HttpRequest, body: InspectionIn) -> Any:
    can_handle(request)
    lease = lease_by_number(body.lease)
    if body.visit not in Inspection.Visit.values or body.finding not in Inspection.Finding.values:
        raise RentalError("调查类型或调查结果无效", code="bad_inspection")
    i = actions.record_inspection(
        actor(request),
        lease,
        visit=body.visit,
        on=body.on,
        finding=body.finding,
        inspector=body.inspector,
        note=body.note,
    )
    return InspectionOut.from_orm(Inspection.objects.select_related("household", "lease").get(pk=i.pk))
