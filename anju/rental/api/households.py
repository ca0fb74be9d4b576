"""The rental API: Households: the applications, the checks, the eligibility decision."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema

from anju.core.apikit import ErrorOut, Money, Paging, page_schema, paginate
from anju.core.permissions import actor
from anju.lib.ids import mask_id, normalize_resident_id
from anju.registry.models import Person
from anju.rental import actions, rules
from anju.rental.api.base import IdNumber, can_handle, can_view
from anju.rental.errors import RentalError
from anju.rental.models import Household

router = Router()


class HouseholdOut(Schema):
    number: str
    applicant: str = Field(alias="applicant.name")
    id_number: IdNumber = Field(alias="applicant.id_number")
    category: str
    members: int = Field(alias="members_count")
    monthly_income: Money
    owns_home: bool
    status: str
    applied_on: dt.date
    waiting_since: dt.date | None


HouseholdPage = page_schema(HouseholdOut)


@router.get("/households", response=HouseholdPage, summary="Households; status=waiting is the waiting list in order")
def list_households(request: HttpRequest, paging: Query[Paging], status: str = "", q: str = "") -> dict[str, Any]:
    can_view(request)
    qs = Household.objects.select_related("applicant")
    if status:
        qs = qs.filter(status=status)
    if q:
        qs = qs.filter(Q(number__istartswith=q) | Q(applicant__name__icontains=q))
    qs = qs.order_by("waiting_since", "number") if status == "waiting" else qs.order_by("-applied_on", "-number")
    return paginate(qs, paging)


class HouseholdMemberIn(Schema):
    id_number: str
    relation: str = "家庭成员"


class HouseholdApplicationIn(Schema):
    applicant_id_number: str
    category: str
    monthly_income: Decimal
    owns_home: bool = False
    applied_on: dt.date
    members: list[HouseholdMemberIn] = []


def _person(number: str) -> Person:
    try:
        normalized = normalize_resident_id(number.strip().upper())
    except ValueError as exc:
        raise RentalError(str(exc), code="bad_id_number") from exc
    person = Person.objects.filter(id_type=Person.IdType.RESIDENT, id_number=normalized).first()
    if person is None:
        raise RentalError(f"人员库中没有证件号码为 {mask_id(normalized)} 的人员", code="unknown_person")
    return person


@router.post("/households", response={200: HouseholdOut, 400: ErrorOut}, summary="A new application (申请)")
def apply(request: HttpRequest, body: HouseholdApplicationIn) -> Any:
    can_handle(request)
    h = actions.apply(
        actor(request),
        applicant=_person(body.applicant_id_number),
        category=body.category,
        monthly_income=body.monthly_income.quantize(rules.FEN),
        owns_home=body.owns_home,
        applied_on=body.applied_on,
        members=[(_person(m.id_number), m.relation) for m in body.members],
    )
    return HouseholdOut.from_orm(h)


class HouseholdChecksIn(Schema):
    income: bool
    housing: bool


@router.post(
    "/households/{number}/checks", response={200: HouseholdOut, 400: ErrorOut}, summary="Income/housing checks"
)
def record_checks(request: HttpRequest, number: str, body: HouseholdChecksIn) -> Any:
    can_handle(request)
    household = get_object_or_404(Household, number=number)
    h = actions.record_checks(actor(request), household, income=body.income, housing=body.housing)
    return HouseholdOut.from_orm(h)


class HouseholdDecisionIn(Schema):
    eligible: bool
    on: dt.date
    note: str = ""


@router.post(
    "/households/{number}/decision", response={200: HouseholdOut, 400: ErrorOut}, summary="Eligibility decision"
)
def decide(request: HttpRequest, number: str, body: HouseholdDecisionIn) -> Any:
    can_handle(request)
    household = get_object_or_404(Household, number=number)
    h = actions.decide_eligibility(actor(request), household, eligible=body.eligible, on=body.on, note=body.note)
    return HouseholdOut.from_orm(h)
