"""The arrears JSON API: cases (list, detail, create), timeline actions, recoveries, targets, board data.

Permissions are those of the pages: fund `view` to read, `handle` to change. Money is a string with two
decimals (yuan)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status

from anju.core import kpis
from anju.core.apikit import ErrorOut, Money, MoneyIn, OptionalMoney, Paging, page_schema, paginate
from anju.core.permissions import actor, check
from anju.fund import queries as fund_queries
from anju.fund.arrears import actions, queries
from anju.fund.arrears.errors import ArrearsError
from anju.fund.arrears.models import (
    ZERO,
    ArrearsItem,
    CaseAction,
    Evidence,
    Recovery,
    RecoveryCase,
    RecoveryTarget,
    Stage,
)
from anju.registry.models import Project, Unit

MODULE = "fund"
YEARS = (2000, 2100)
router = Router(tags=["arrears"])


class CaseOut(Schema):
    id: int
    number: str
    project: str = Field(alias="project.name")
    project_code: str = Field(alias="project.code")
    developer: str = Field(alias="developer.name")
    opened_on: dt.date
    households: int
    owed: Money
    recovered: Money
    outstanding: Money
    stage: str


class ArrearsItemOut(Schema):
    unit: str = Field(alias="unit.code")
    amount: Money
    recovered: Money
    status: str


class CaseActionOut(Schema):
    id: int
    kind: str
    date: dt.date
    participants: str
    note: str
    amount: OptionalMoney


class EvidenceOut(Schema):
    id: int
    collected_on: dt.date
    description: str
    households: int
    amount: Money
    units: list[str]

    @staticmethod
    def resolve_units(obj: Evidence) -> list[str]:
        return sorted(item.unit.code for item in obj.items.all())


class RecoveryOut(Schema):
    id: int
    received_on: dt.date
    amount: Money
    payer: str
    entry: int = Field(alias="entry.seq")


CasePage = page_schema(CaseOut)


class CaseDetailOut(CaseOut):
    items: list[ArrearsItemOut]
    actions: list[CaseActionOut]
    evidence: list[EvidenceOut]
    recoveries: list[RecoveryOut]

    @staticmethod
    def resolve_items(obj: RecoveryCase) -> QuerySet[ArrearsItem]:
        return obj.items.select_related("unit").order_by("unit__code")

    @staticmethod
    def resolve_actions(obj: RecoveryCase) -> QuerySet[CaseAction]:
        return obj.actions.order_by("date", "pk")

    @staticmethod
    def resolve_evidence(obj: RecoveryCase) -> QuerySet[Evidence]:
        return obj.evidence.prefetch_related("items__unit").order_by("collected_on", "pk")

    @staticmethod
    def resolve_recoveries(obj: RecoveryCase) -> QuerySet[Recovery]:
        return obj.recoveries.select_related("entry").order_by("received_on", "pk")


class ArrearsItemIn(Schema):
    unit: str
    amount: MoneyIn


class CaseIn(Schema):
    project: str
    opened_on: dt.date
    note: str = ""
    items: list[ArrearsItemIn] = []


class CaseActionIn(Schema):
    kind: str
    date: dt.date
    participants: str = ""
    note: str = ""
    amount: MoneyIn | None = None


class RecoveryIn(Schema):
    amount: MoneyIn
    received_on: dt.date
    # The bank's transaction id: the idempotency key (the same payment twice is refused).
    bank_txn_id: str = Field(min_length=1, max_length=64)
    bank_account_number: str = ""
    payer: str = ""


class TargetOut(Schema):
    year: int
    amount: Money
    recovered: Money
    rate: str
    issued_by: str
    document: str


class TargetIn(Schema):
    year: int = Field(ge=YEARS[0], le=YEARS[1])
    amount: MoneyIn
    issued_by: str = ""
    document: str = ""


class StageCell(Schema):
    stage: str
    label: str
    cases: int
    owed: Money
    recovered: Money


class BoardRowOut(Schema):
    case: str
    project: str
    stage: str
    owed: Money
    recovered: Money


class BoardOut(Schema):
    year: int
    target: Money
    recovered: Money
    rate: str
    owed: Money
    outstanding: Money
    stages: list[StageCell]
    months: list[str]
    cumulative: list[str]
    rows: list[BoardRowOut]


def _case(pk: int) -> RecoveryCase:
    return get_object_or_404(RecoveryCase.objects.select_related("project", "developer"), pk=pk)


@router.get("/cases", response=CasePage, summary="Recovery cases (追缴案件)")
def list_cases(request: HttpRequest, paging: Query[Paging], q: str = "", stage: str = "") -> dict[str, Any]:
    check(request.user, MODULE, "view")
    cases = RecoveryCase.objects.select_related("project", "developer").order_by("number")
    if q:
        cases = cases.filter(Q(number__icontains=q) | Q(project__name__icontains=q) | Q(developer__name__icontains=q))
    if stage in Stage.values:
        cases = cases.filter(stage=stage)
    return paginate(cases, paging)


@router.get("/cases/{pk}", response=CaseDetailOut, summary="A case with its units, timeline, evidence and recoveries")
def case_detail(request: HttpRequest, pk: int) -> CaseDetailOut:
    check(request.user, MODULE, "view")
    return CaseDetailOut.from_orm(_case(pk))


@router.post("/cases", response={201: CaseDetailOut, 400: ErrorOut}, summary="Open a case for a project's developer")
def create_case(request: HttpRequest, payload: CaseIn) -> object:
    check(request.user, MODULE, "handle")
    project = Project.objects.select_related("developer").filter(code=payload.project).first()
    if project is None or project.developer is None:
        raise ArrearsError(f"项目 {payload.project} 不存在或没有开发企业", code="project_unknown", field="project")
    units = {u.code: u for u in Unit.objects.filter(code__in=[i.unit for i in payload.items])}
    missing = [i.unit for i in payload.items if i.unit not in units]
    if missing:
        raise ArrearsError(f"房屋不存在：{'、'.join(missing[:20])}", code="unit_unknown", field="items")
    case = actions.open_case(
        actor(request),
        developer=project.developer,
        project=project,
        opened_on=payload.opened_on,
        note=payload.note,
        items=[(units[i.unit], i.amount) for i in payload.items],
    )
    return Status(201, CaseDetailOut.from_orm(_case(case.pk)))


@router.post(
    "/cases/{pk}/actions", response={201: CaseActionOut, 400: ErrorOut}, summary="Add a step to a case's timeline"
)
def add_action(request: HttpRequest, pk: int, payload: CaseActionIn) -> object:
    check(request.user, MODULE, "handle")
    case = _case(pk)
    action = actions.add_action(
        actor(request),
        case,
        kind=payload.kind,
        date=payload.date,
        participants=payload.participants,
        note=payload.note,
        amount=payload.amount,
    )
    return Status(201, CaseActionOut.from_orm(action))


@router.post(
    "/cases/{pk}/recoveries", response={201: RecoveryOut, 400: ErrorOut}, summary="Record money recovered on a case"
)
def add_recovery(request: HttpRequest, pk: int, payload: RecoveryIn) -> object:
    check(request.user, MODULE, "handle")
    case = _case(pk)
    bank = fund_queries.special_account(payload.bank_account_number, purpose="入账")
    recovery = actions.record_recovery(
        actor(request),
        case,
        amount=payload.amount,
        received_on=payload.received_on,
        bank=bank,
        payer=payload.payer,
        bank_txn_id=payload.bank_txn_id,
    )
    return Status(201, RecoveryOut.from_orm(recovery))


def _target_out(target: RecoveryTarget, recovered: Decimal) -> TargetOut:
    return TargetOut(
        year=target.year,
        amount=target.amount,
        recovered=recovered,
        rate=f"{kpis.rate(recovered, target.amount):.2f}",
        issued_by=target.issued_by,
        document=target.document,
    )


@router.get("/targets", response=list[TargetOut], summary="Yearly recovery targets with what was recovered")
def list_targets(request: HttpRequest) -> list[TargetOut]:
    check(request.user, MODULE, "view")
    recovered = queries.recovered_by_year()
    return [_target_out(t, recovered.get(t.year, ZERO)) for t in RecoveryTarget.objects.order_by("year")]


@router.post("/targets", response={201: TargetOut, 400: ErrorOut}, summary="Set a year's recovery target")
def set_target(request: HttpRequest, payload: TargetIn) -> object:
    check(request.user, MODULE, "handle")
    target = actions.set_target(
        actor(request),
        year=payload.year,
        amount=payload.amount,
        issued_by=payload.issued_by,
        document=payload.document,
    )
    return Status(201, _target_out(target, queries.recovered(target.year)))


@router.get("/board", response=BoardOut, summary="The recovery board (挂图作战) for a year (2000–2100)")
def board(request: HttpRequest, year: int = Query(..., ge=YEARS[0], le=YEARS[1])) -> BoardOut:
    check(request.user, MODULE, "view")
    data = queries.board(year)
    return BoardOut(
        year=year,
        target=data.target,
        recovered=data.recovered,
        rate=f"{data.rate:.2f}",
        owed=data.owed,
        outstanding=data.outstanding,
        stages=[
            StageCell(
                stage=str(c["stage"]),
                label=str(c["label"]),
                cases=int(c["cases"]),  # type: ignore[call-overload]
                owed=c["owed"],  # type: ignore[arg-type]
                recovered=c["recovered"],  # type: ignore[arg-type]
            )
            for c in data.columns
        ],
        months=data.months,
        cumulative=data.cumulative,
        rows=[
            BoardRowOut(
                case=r.case.number,
                project=r.case.project.name,
                stage=r.case.stage,
                owed=r.case.owed,
                recovered=r.case.recovered,
            )
            for r in data.rows
        ],
    )
