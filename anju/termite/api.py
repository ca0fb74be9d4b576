"""The termite JSON API: applications, contracts, buildings under warranty, revisits and control requests
(list and detail), the year's revisit plan, and creating a control request (the 12345 hotline's
integration). Permissions are the pages': termite `view` to read, `handle` to create. Areas and money are
strings with two decimals."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status

from anju.core.apikit import Area, ErrorOut, Money, Paging, Year, page_schema, paginate
from anju.core.permissions import actor, check
from anju.lib import dates
from anju.termite import actions, queries
from anju.termite.errors import TermiteError
from anju.termite.models import Application, ApplicationBuilding, Contract, ControlRequest, Revisit, WarrantyBuilding

MODULE = "termite"
router = Router(tags=["termite"])


class TermiteApplicationBuildingOut(Schema):
    building_no: str
    structure: str
    area: Area


class TermiteApplicationOut(Schema):
    id: int
    number: str
    developer: str = Field(alias="developer_name")
    project: str = Field(alias="project_name")
    permit_number: str
    received_on: dt.date
    status: str
    accepted_on: dt.date | None
    area: Area
    fee: Money


class TermiteApplicationDetailOut(TermiteApplicationOut):
    return_reason: str
    buildings: list[TermiteApplicationBuildingOut]

    @staticmethod
    def resolve_buildings(obj: Application) -> QuerySet[ApplicationBuilding]:
        return obj.buildings.order_by("building_no")


class WarrantyBuildingOut(Schema):
    id: int
    contract: str = Field(alias="contract.number")
    project: str = Field(alias="contract.project_name")
    building_no: str
    area: Area
    accepted_on: dt.date | None
    nominal_end: dt.date | None
    warranty_end: dt.date | None = Field(
        None, description="The last day, past rest days once the year's calendar is known"
    )
    warranty_end_final: bool = Field(False, description="False until the holiday calendar of the end's year is loaded")
    certificate_number: str

    @staticmethod
    def resolve_warranty_end(obj: WarrantyBuilding) -> dt.date | None:
        return _end(obj)[0]

    @staticmethod
    def resolve_warranty_end_final(obj: WarrantyBuilding) -> bool:
        return _end(obj)[1]


def _end(building: WarrantyBuilding) -> tuple[dt.date | None, bool]:
    """The warranty's end as `_with_ends` computed it for a page of buildings, else on its own."""
    known = getattr(building, "warranty_end_known", None)
    return known if known is not None else actions.warranty_end(building)


def _with_ends(buildings: list[WarrantyBuilding]) -> list[WarrantyBuilding]:
    """A page of buildings with their warranty ends, by one holiday calendar read once."""
    calendar = dates.default_calendar() if buildings else None
    for building in buildings:
        building.warranty_end_known = actions.warranty_end(building, calendar)  # type: ignore[attr-defined]
    return buildings


class TermiteContractOut(Schema):
    id: int
    number: str
    developer: str = Field(alias="developer_name")
    project: str = Field(alias="project_name")
    signed_on: dt.date | None
    warranty_years: int
    imported: bool
    buildings: list[WarrantyBuildingOut]

    @staticmethod
    def resolve_buildings(obj: Contract) -> list[WarrantyBuilding]:
        return list(obj.buildings.all())  # prefetched, their ends set by `_with_ends`


class TermiteRevisitOut(Schema):
    id: int
    building: int = Field(alias="building_id")
    date: dt.date
    inspector: str
    area_checked: Area
    finding: str
    control_request: int | None = Field(None, alias="control_request_id")


class ControlRequestOut(Schema):
    id: int
    number: str
    received_on: dt.date
    requester_kind: str
    requester_name: str
    channel: str
    target: str
    address: str
    area: Area
    trees: int
    species: str
    basis: str
    fee: Money
    status: str
    treated_on: dt.date | None
    treated_area: Area
    trees_treated: int
    follow_up_due: dt.date | None
    closed_on: dt.date | None
    warranty: int | None = Field(None, alias="warranty_id")


class ControlRequestIn(Schema):
    received_on: dt.date
    requester_kind: str = Field(description="resident, property, school or parks")
    requester_name: str
    channel: str = Field(description="phone, counter or petition")
    target: str = Field(description="house (with area) or trees (with trees)")
    address: str
    area: Decimal = Decimal(0)
    trees: int = 0
    species: str = ""
    phone: str = ""
    warranty: int | None = Field(None, description="id of the building under warranty, when the house is one")
    note: str = ""


class RevisitPlanOut(Schema):
    year: int
    buildings: int
    area: Area
    revisited_area: Area
    rate: str | None


TermiteApplicationPage = page_schema(TermiteApplicationOut)
WarrantyBuildingPage = page_schema(WarrantyBuildingOut)
TermiteRevisitPage = page_schema(TermiteRevisitOut)
ControlRequestPage = page_schema(ControlRequestOut)
TermiteContractPage = page_schema(TermiteContractOut)


def _contracts() -> QuerySet[Contract]:
    buildings = WarrantyBuilding.objects.select_related("contract").order_by("building_no")
    return Contract.objects.prefetch_related(Prefetch("buildings", queryset=buildings))


@router.get("/applications", response=TermiteApplicationPage, summary="Prevention applications (白蚁预防申请)")
def list_applications(
    request: HttpRequest, paging: Query[Paging], q: str = "", status: str = "", year: Year | None = None
) -> dict[str, Any]:
    check(request.user, MODULE, "view")
    rows = Application.objects.order_by("-received_on", "-number")
    if q:
        rows = rows.filter(Q(number__icontains=q) | Q(developer_name__icontains=q) | Q(project_name__icontains=q))
    if status in Application.Status.values:
        rows = rows.filter(status=status)
    if year is not None:
        rows = rows.filter(received_on__year=year)
    return paginate(rows, paging)


@router.get("/applications/{pk}", response=TermiteApplicationDetailOut, summary="An application with its buildings")
def application_detail(request: HttpRequest, pk: int) -> TermiteApplicationDetailOut:
    check(request.user, MODULE, "view")
    return TermiteApplicationDetailOut.from_orm(get_object_or_404(Application, pk=pk))


@router.get("/contracts", response=TermiteContractPage, summary="Prevention contracts with their buildings")
def list_contracts(request: HttpRequest, paging: Query[Paging], q: str = "") -> dict[str, Any]:
    check(request.user, MODULE, "view")
    rows = _contracts().order_by("-signed_on", "number")
    if q:
        rows = rows.filter(Q(number__icontains=q) | Q(project_name__icontains=q) | Q(developer_name__icontains=q))
    page = paginate(rows, paging)
    _with_ends([b for contract in page["items"] for b in contract.buildings.all()])
    return page


@router.get("/contracts/{pk}", response=TermiteContractOut, summary="A contract with its buildings")
def contract_detail(request: HttpRequest, pk: int) -> TermiteContractOut:
    check(request.user, MODULE, "view")
    contract = get_object_or_404(_contracts(), pk=pk)
    _with_ends(list(contract.buildings.all()))
    return TermiteContractOut.from_orm(contract)


@router.get(
    "/buildings",
    response=WarrantyBuildingPage,
    summary="Buildings under prevention; `on=` those under warranty that day",
)
def list_buildings(request: HttpRequest, paging: Query[Paging], on: dt.date | None = None) -> dict[str, Any]:
    check(request.user, MODULE, "view")
    rows = WarrantyBuilding.objects.select_related("contract").order_by("contract__number", "building_no")
    if on is not None:
        rows = rows.filter(pk__in=queries.under_warranty_on(on))
    page = paginate(rows, paging)
    page["items"] = _with_ends(page["items"])
    return page


@router.get("/buildings/{pk}", response=WarrantyBuildingOut, summary="A building under prevention")
def building_detail(request: HttpRequest, pk: int) -> WarrantyBuildingOut:
    check(request.user, MODULE, "view")
    return WarrantyBuildingOut.from_orm(get_object_or_404(WarrantyBuilding.objects.select_related("contract"), pk=pk))


@router.get("/plan/{year}", response=RevisitPlanOut, summary="A year's revisit plan: buildings, area due and revisited")
def plan(request: HttpRequest, year: Year) -> dict[str, Any]:
    check(request.user, MODULE, "view")
    if not 2000 <= year <= 2100:
        raise TermiteError("年度应在2000至2100之间", code="bad_year", field="year")
    rate = queries.revisit_rate(year) if queries.revisit_due_area(year) else None
    return {
        "year": year,
        "buildings": queries.revisit_plan(year).count(),
        "area": queries.revisit_due_area(year),
        "revisited_area": queries.revisit_area(year),
        "rate": None if rate is None else f"{rate:.2f}",
    }


@router.get("/revisits", response=TermiteRevisitPage, summary="Revisits (回访复查)")
def list_revisits(request: HttpRequest, paging: Query[Paging], year: Year | None = None) -> dict[str, Any]:
    check(request.user, MODULE, "view")
    rows = Revisit.objects.order_by("-date", "pk")
    if year is not None:
        rows = rows.filter(date__year=year)
    return paginate(rows, paging)


@router.get("/requests", response=ControlRequestPage, summary="Control requests (灭治)")
def list_requests(request: HttpRequest, paging: Query[Paging], status: str = "", target: str = "") -> dict[str, Any]:
    check(request.user, MODULE, "view")
    rows = ControlRequest.objects.order_by("-received_on", "-number")
    if status in ControlRequest.Status.values:
        rows = rows.filter(status=status)
    if target in ControlRequest.Target.values:
        rows = rows.filter(target=target)
    return paginate(rows, paging)


@router.get("/requests/{pk}", response=ControlRequestOut, summary="A control request")
def request_detail(request: HttpRequest, pk: int) -> ControlRequest:
    check(request.user, MODULE, "view")
    return get_object_or_404(ControlRequest, pk=pk)


@router.post(
    "/requests",
    response={201: ControlRequestOut, 400: ErrorOut},
    summary="Register a control request (the 12345 hotline)",
)
def create_request(request: HttpRequest, payload: ControlRequestIn) -> Status:
    check(request.user, MODULE, "handle")
    warranty = None
    if payload.warranty is not None:
        warranty = WarrantyBuilding.objects.filter(pk=payload.warranty).first()
        if warranty is None:
            raise TermiteError(f"白蚁预防房屋 {payload.warranty} 不存在", code="building_unknown", field="warranty")
    for name, enum in (
        ("requester_kind", ControlRequest.Requester),
        ("channel", ControlRequest.Channel),
        ("target", ControlRequest.Target),
    ):
        if getattr(payload, name) not in enum.values or getattr(payload, name) in ("revisit",):
            raise TermiteError(f"{name} 的取值无效：{getattr(payload, name)}", code="bad_choice", field=name)
    created = actions.open_control_request(
        actor(request),
        received_on=payload.received_on,
        requester_kind=payload.requester_kind,
        requester_name=payload.requester_name,
        channel=payload.channel,
        target=payload.target,
        address=payload.address,
        area=payload.area,
        trees=payload.trees,
        species=payload.species,
        phone=payload.phone,
        warranty=warranty,
        note=payload.note,
    )
    return Status(201, created)
