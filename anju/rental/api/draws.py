"""The rental API: The lottery (摇号): announce, hold, verify."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from anju.core.apikit import ErrorOut
from anju.core.permissions import actor
from anju.rental import actions
from anju.rental.api.base import can_handle, can_view
from anju.rental.models import Draw

router = Router()


class RentalDrawOut(Schema):
    number: str
    status: str
    announced_on: dt.date | None
    draw_on: dt.date | None
    seed_source: str
    inputs_hash: str
    external_value: str
    held_on: dt.date | None
    seed: str
    households: list[str]
    units: list[str]
    result: list[dict[str, Any]]


class DrawAnnounceIn(Schema):
    announced_on: dt.date
    draw_on: dt.date
    seed_source: str
    units: list[str] | None = None
    note: str = ""


class DrawHoldIn(Schema):
    held_on: dt.date
    external_value: str


@router.get("/draws", response=list[RentalDrawOut], summary="Lottery draws with their seed, inputs and result")
def list_draws(request: HttpRequest) -> QuerySet[Draw]:
    can_view(request)
    return Draw.objects.all()[:100]


@router.post(
    "/draws",
    response={200: RentalDrawOut, 400: ErrorOut},
    summary="Announce a draw: every waiting household and the homes offered (all vacant unless listed) are frozen",
)
def announce_draw(request: HttpRequest, body: DrawAnnounceIn) -> Any:
    can_handle(request)
    return RentalDrawOut.from_orm(
        actions.announce_draw(
            actor(request),
            announced_on=body.announced_on,
            draw_on=body.draw_on,
            seed_source=body.seed_source,
            units=body.units,
            note=body.note,
        )
    )


@router.post(
    "/draws/{number}/hold",
    response={200: RentalDrawOut, 400: ErrorOut},
    summary="Hold an announced draw with the outside value published on the draw date",
)
def hold_draw(request: HttpRequest, number: str, body: DrawHoldIn) -> Any:
    can_handle(request)
    draw = get_object_or_404(Draw, number=number)
    return RentalDrawOut.from_orm(
        actions.hold_draw(actor(request), draw, held_on=body.held_on, external_value=body.external_value)
    )


@router.get("/draws/{number}", response=RentalDrawOut, summary="One draw")
def get_draw(request: HttpRequest, number: str) -> RentalDrawOut:
    can_view(request)
    return RentalDrawOut.from_orm(get_object_or_404(Draw, number=number))


@router.post("/draws/{number}/verify", response=dict[str, Any], summary="Re-run the draw from its seed and compare")
def verify_draw(request: HttpRequest, number: str) -> dict[str, Any]:
    can_view(request)
    draw = get_object_or_404(Draw, number=number)
    return {"draw": draw.number, "verified": actions.verify_draw(draw)}
