"""The arrears JSON API: cases (list, detail, create), timeline actions, recoveries, targets, board data.

Permissions are those of the pages: fund `view` to read, `handle` to change. Money is a string with two
decimals (yuan)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Q
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status

from anju.core import kpis
from anju.core.permissions import actor, check
from anju.fund.arrears import actions, queries
from anju.fund.arrears.models import ZERO, CaseAction, Recovery, RecoveryCase, RecoveryTarget, Stage
from anju.fund.models import Account
from anju.registry.models import Project, Unit

MODULE = "fund"
YEARS = (2000, 2100)
router = Router(tags=["arrears"])


def money(value: Decimal | None) -> str:
    return f"{(value or Decimal(0)):.2f}"


class Paging(Schema):
    limit: int = 100
    offset: int = 0


class CaseOut(Schema):
    id: int
    number: str
    project: str
    project_code: str
    developer: str
    opened_on: dt.date
    households: int
    owed: str
    recovered: str
    outstanding: str
    stage: str


class CasePage(Schema):
    count: int
    items: list[CaseOut]


class ItemOut(Schema):
    unit: str
    amount: str
    recovered: str
    status: str


class ActionOut(Schema):
    id: int
    kind: str
    date: dt.date
    participants: str
    note: str
    amount: str | None


class EvidenceOut(Schema):
    id: int
    collected_on: dt.date
    description: str
    households: int
    amount: str
    units: list[str]


class RecoveryOut(Schema):
    id: int
    received_on: dt.date
    amount: str
    payer: str
    entry: int


class CaseDetail(CaseOut):
    items: list[ItemOut]
    actions: list[ActionOut]
    evidence: list[EvidenceOut]
    recoveries: list[RecoveryOut]


class ItemIn(Schema):
    unit: str
    amount: Decimal


class CaseIn(Schema):
    project: str
    opened_on: dt.date
    note: str = ""
    items: list[ItemIn] = []


class ActionIn(Schema):
    kind: str
    date: dt.date
    participants: str = ""
    note: str = ""
    amount: Decimal | None = None


class RecoveryIn(Schema):
    amount: Decimal
    received_on: dt.date
    # The bank's transaction id: the idempotency key (the same payment twice is refused).
    bank_txn_id: str = Field(min_length=1, max_length=64)
    bank_account_number: str = ""
    payer: str = ""


class TargetOut(Schema):
    year: int
    amount: str
    recovered: str
    rate: str
    issued_by: str
    document: str


class TargetIn(Schema):
    year: int = Field(ge=YEARS[0], le=YEARS[1])
    amount: Decimal
    issued_by: str = ""
    document: str = ""


class Error(Schema):
    detail: str


class StageCell(Schema):
    stage: str
    label: str
    cases: int
    owed: str
    recovered: str


class BoardRowOut(Schema):
    case: str
    project: str
    stage: str
    owed: str
    recovered: str


class BoardOut(Schema):
    year: int
    target: str
    recovered: str
    rate: str
    owed: str
    outstanding: str
    stages: list[StageCell]
    months: list[str]
    cumulative: list[str]
    rows: list[BoardRowOut]


def _case_out(case: RecoveryCase) -> CaseOut:
    return CaseOut(
        id=case.pk,
        number=case.number,
        project=case.project.name,
        project_code=case.project.code,
        developer=case.developer.name,
        opened_on=case.opened_on,
        households=case.households,
        owed=money(case.owed),
        recovered=money(case.recovered),
        outstanding=money(case.outstanding),
        stage=case.stage,
    )


def _detail(case: RecoveryCase) -> CaseDetail:
    return CaseDetail(
        **_case_out(case).dict(),
        items=[
            ItemOut(unit=i.unit.code, amount=money(i.amount), recovered=money(i.recovered), status=i.status)
            for i in case.items.select_related("unit").order_by("unit__code")
        ],
        actions=[_action_out(a) for a in case.actions.order_by("date", "pk")],
        evidence=[
            EvidenceOut(
                id=e.pk,
                collected_on=e.collected_on,
                description=e.description,
                households=e.households,
                amount=money(e.amount),
                units=sorted(item.unit.code for item in e.items.all()),
            )
            for e in case.evidence.prefetch_related("items__unit").order_by("collected_on", "pk")
        ],
        recoveries=[_recovery_out(r) for r in case.recoveries.select_related("entry").order_by("received_on", "pk")],
    )


def _action_out(action: CaseAction) -> ActionOut:
    return ActionOut(
        id=action.pk,
        kind=action.kind,
        date=action.date,
        participants=action.participants,
        note=action.note,
        amount=money(action.amount) if action.amount is not None else None,
    )


def _recovery_out(recovery: Recovery) -> RecoveryOut:
    return RecoveryOut(
        id=recovery.pk,
        received_on=recovery.received_on,
        amount=money(recovery.amount),
        payer=recovery.payer,
        entry=recovery.entry.seq,
    )


def _case(pk: int) -> RecoveryCase:
    return get_object_or_404(RecoveryCase.objects.select_related("project", "developer"), pk=pk)


@router.get("/cases", response=CasePage, summary="Recovery cases (追缴案件)")
def list_cases(request: HttpRequest, paging: Query[Paging], q: str = "", stage: str = "") -> CasePage:
    check(request.user, MODULE, "view")
    cases = RecoveryCase.objects.select_related("project", "developer").order_by("number")
    if q:
        cases = cases.filter(Q(number__icontains=q) | Q(project__name__icontains=q) | Q(developer__name__icontains=q))
    if stage in Stage.values:
        cases = cases.filter(stage=stage)
    limit, offset = max(1, min(paging.limit, 500)), max(0, paging.offset)
    return CasePage(count=cases.count(), items=[_case_out(c) for c in cases[offset : offset + limit]])


@router.get("/cases/{pk}", response=CaseDetail, summary="A case with its units, timeline, evidence and recoveries")
def case_detail(request: HttpRequest, pk: int) -> CaseDetail:
    check(request.user, MODULE, "view")
    return _detail(_case(pk))


@router.post("/cases", response={201: CaseDetail, 400: Error}, summary="Open a case for a project's developer")
def create_case(request: HttpRequest, payload: CaseIn) -> object:
    check(request.user, MODULE, "handle")
    project = Project.objects.select_related("developer").filter(code=payload.project).first()
    if project is None or project.developer is None:
        return Status(400, Error(detail=f"项目 {payload.project} 不存在或没有开发企业"))
    units = {u.code: u for u in Unit.objects.filter(code__in=[i.unit for i in payload.items])}
    missing = [i.unit for i in payload.items if i.unit not in units]
    if missing:
        return Status(400, Error(detail=f"房屋不存在：{'、'.join(missing[:20])}"))
    try:
        case = actions.open_case(
            actor(request),
            developer=project.developer,
            project=project,
            opened_on=payload.opened_on,
            note=payload.note,
            items=[(units[i.unit], i.amount) for i in payload.items],
        )
    except actions.ArrearsError as exc:
        return Status(400, Error(detail=str(exc)))
    return Status(201, _detail(_case(case.pk)))


@router.post("/cases/{pk}/actions", response={201: ActionOut, 400: Error}, summary="Add a step to a case's timeline")
def add_action(request: HttpRequest, pk: int, payload: ActionIn) -> object:
    check(request.user, MODULE, "handle")
    case = _case(pk)
    try:
        action = actions.add_action(
            actor(request),
            case,
            kind=payload.kind,
            date=payload.date,
            participants=payload.participants,
            note=payload.note,
            amount=payload.amount,
        )
    except actions.ArrearsError as exc:
        return Status(400, Error(detail=str(exc)))
    return Status(201, _action_out(action))


@router.post(
    "/cases/{pk}/recoveries", response={201: RecoveryOut, 400: Error}, summary="Record money recovered on a case"
)
def add_recovery(request: HttpRequest, pk: int, payload: RecoveryIn) -> object:
    check(request.user, MODULE, "handle")
    case = _case(pk)
    banks = Account.objects.filter(kind=Account.Kind.BANK, closed__isnull=True).order_by("pk")
    if payload.bank_account_number:
        banks = banks.filter(bank_account_number=payload.bank_account_number)
    found = list(banks[:2])
    if not found:
        return Status(400, Error(detail="没有这个维修资金专户"))
    if len(found) > 1:
        return Status(400, Error(detail="有多个维修资金专户，请填写入账专户账号（bank_account_number）"))
    bank = found[0]
    try:
        recovery = actions.record_recovery(
            actor(request),
            case,
            amount=payload.amount,
            received_on=payload.received_on,
            bank=bank,
            payer=payload.payer,
            bank_txn_id=payload.bank_txn_id,
        )
    except (actions.ArrearsError, ValueError) as exc:
        return Status(400, Error(detail=str(exc)))
    return Status(201, _recovery_out(recovery))


def _target_out(target: RecoveryTarget, recovered: Decimal) -> TargetOut:
    return TargetOut(
        year=target.year,
        amount=money(target.amount),
        recovered=money(recovered),
        rate=f"{kpis.rate(recovered, target.amount):.2f}",
        issued_by=target.issued_by,
        document=target.document,
    )


@router.get("/targets", response=list[TargetOut], summary="Yearly recovery targets with what was recovered")
def list_targets(request: HttpRequest) -> list[TargetOut]:
    check(request.user, MODULE, "view")
    recovered = queries.recovered_by_year()
    return [_target_out(t, recovered.get(t.year, ZERO)) for t in RecoveryTarget.objects.order_by("year")]


@router.post("/targets", response={201: TargetOut, 400: Error}, summary="Set a year's recovery target")
def set_target(request: HttpRequest, payload: TargetIn) -> object:
    check(request.user, MODULE, "handle")
    try:
        target = actions.set_target(
            actor(request),
            year=payload.year,
            amount=payload.amount,
            issued_by=payload.issued_by,
            document=payload.document,
        )
    except actions.ArrearsError as exc:
        return Status(400, Error(detail=str(exc)))
    return Status(201, _target_out(target, queries.recovered(target.year)))


@router.get("/board", response=BoardOut, summary="The recovery board (挂图作战) for a year (2000–2100)")
def board(request: HttpRequest, year: int = Query(..., ge=YEARS[0], le=YEARS[1])) -> BoardOut:
    check(request.user, MODULE, "view")
    data = queries.board(year)
    return BoardOut(
        year=year,
        target=money(data.target),
        recovered=money(data.recovered),
        rate=f"{data.rate:.2f}",
        owed=money(data.owed),
        outstanding=money(data.outstanding),
        stages=[
            StageCell(
                stage=str(c["stage"]),
                label=str(c["label"]),
                cases=int(c["cases"]),  # type: ignore[call-overload]
                owed=money(c["owed"]),  # type: ignore[arg-type]
                recovered=money(c["recovered"]),  # type: ignore[arg-type]
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
                owed=money(r.case.owed),
                recovered=money(r.case.recovered),
            )
            for r in data.rows
        ],
    )
