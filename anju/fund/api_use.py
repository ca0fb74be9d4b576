"""API endpoints for fund use applications: list, detail, create, workflow steps, votes, payments.

Permissions are those of the pages: fund `view` to read, `handle` to create, vote and pay, and for a
step the permission its row of `rules.USE_FLOW` names (review for 审核, approve for 领导审批). Money is a
string with two decimals (yuan)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, File, Query, Router, Schema, Status, UploadedFile

from anju.core import workflow
from anju.core.permissions import actor, check
from anju.core.workflow import WorkflowEventOut
from anju.fund import use
from anju.fund.models import Account, UseApplication, UsePayment
from anju.lib.tabular import ImportRejected
from anju.registry.models import Enterprise, Project

MODULE = "fund"
router = Router(tags=["fund use"])


def money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


class ItemIO(Schema):
    name: str
    budget: Decimal


class ApplicationIn(Schema):
    kind: Literal["ordinary", "emergency"] = "ordinary"
    title: str
    project_code: str
    applicant_kind: Literal["property_company", "owners_committee", "center"]
    applicant_name: str = ""
    applicant_credit_code: str = ""
    emergency_reason: str = ""
    scope_kind: Literal["project", "buildings", "range", "list"]
    scope_spec: str = ""
    items: list[ItemIO]
    contractor_credit_code: str = ""
    contractor_bank: str = ""
    contractor_account_number: str = ""


class ApplicationOut(Schema):
    id: int
    number: str
    kind: str
    emergency: bool
    title: str
    project: str
    applicant: str
    status: str
    budget: str
    final_cost: str | None
    vote_passed: bool | None
    created: dt.datetime


class ScopeUnitOut(Schema):
    unit: str
    owner: str
    area: str
    vote: str
    share: str
    balance: str
    shortfall: str
    paid_fund: str
    paid_self: str


class PaymentOut(Schema):
    id: int
    application: str
    kind: str
    amount: str
    from_fund: str
    self_funded: str
    value_date: dt.date
    entry_seq: int | None


class DetailOut(ApplicationOut):
    scope_kind: str
    scope_spec: str
    items: list[ItemIO]
    contractor: str
    contractor_account_number: str
    vote: dict[str, object] | None
    scope: list[ScopeUnitOut]
    events: list[WorkflowEventOut]
    payments: list[PaymentOut]


class ApplicationPage(Schema):
    count: int
    items: list[ApplicationOut]


class Paging(Schema):
    limit: int = 100
    offset: int = 0


def _out(a: UseApplication) -> ApplicationOut:
    return ApplicationOut(
        id=a.pk,
        number=a.number,
        kind=a.kind,
        emergency=a.is_emergency,
        title=a.title,
        project=a.project.code,
        applicant=a.applicant_name,
        status=a.status,
        budget=f"{a.budget:.2f}",
        final_cost=money(a.final_cost),
        vote_passed=None if a.is_emergency else a.vote_passed,
        created=a.created,
    )


def _payment_out(p: UsePayment) -> PaymentOut:
    return PaymentOut(
        id=p.pk,
        application=p.application.number,
        kind=p.kind,
        amount=f"{p.amount:.2f}",
        from_fund=f"{p.from_fund:.2f}",
        self_funded=f"{p.self_funded:.2f}",
        value_date=p.value_date,
        entry_seq=p.entry.seq if p.entry else None,
    )


def _detail(a: UseApplication) -> DetailOut:
    return DetailOut(
        **_out(a).model_dump(),
        scope_kind=a.scope_kind,
        scope_spec=a.scope_spec,
        items=[ItemIO(name=i.name, budget=i.budget) for i in a.items.all()],
        contractor=a.contractor.name if a.contractor else "",
        contractor_account_number=a.contractor_account_number,
        vote=a.vote,
        scope=[
            ScopeUnitOut(
                unit=r.scope_unit.unit.code,
                owner=r.scope_unit.owner_name,
                area=f"{r.scope_unit.area:.2f}",
                vote=r.scope_unit.vote,
                share=f"{r.share:.2f}",
                balance=f"{r.balance:.2f}",
                shortfall=f"{r.shortfall:.2f}",
                paid_fund=f"{r.scope_unit.paid_fund:.2f}",
                paid_self=f"{r.scope_unit.paid_self:.2f}",
            )
            for r in use.split(a)
        ],
        events=workflow.events_out(use.WORKFLOW, a),
        payments=[_payment_out(p) for p in a.payments.select_related("entry", "application").order_by("pk")],
    )


def _get(pk: int) -> UseApplication:
    return get_object_or_404(use.applications(), pk=pk)


@router.get("/use/applications", response=ApplicationPage, summary="Use applications (使用申请)")
def list_applications(
    request: HttpRequest,
    paging: Query[Paging],
    q: str = "",
    status: str = "",
    kind: str = "",
    project: str = "",
    year: int | None = None,
) -> ApplicationPage:
    check(request.user, MODULE, "view")
    qs = use.search(use.applications(), q).order_by("-created", "-pk")
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    if project:
        qs = qs.filter(project__code=project)
    if year:
        qs = qs.filter(created__year=year)
    limit, offset = max(1, min(paging.limit, 500)), max(0, paging.offset)
    return ApplicationPage(count=qs.count(), items=[_out(a) for a in qs[offset : offset + limit]])


@router.get("/use/applications/{pk}", response=DetailOut, summary="A use application with scope, split, votes")
def application_detail(request: HttpRequest, pk: int) -> DetailOut:
    check(request.user, MODULE, "view")
    return _detail(_get(pk))


def _enterprise(code: str) -> Enterprise | None:
    if not code:
        return None
    enterprise = Enterprise.objects.filter(uscc=code.strip().upper()).first()
    if enterprise is None:
        raise use.UseError(f"没有统一社会信用代码为 {code} 的企业")
    return enterprise


@router.post(
    "/use/applications", response={200: DetailOut, 400: dict[str, str]}, summary="Create a draft use application"
)
def create_application(request: HttpRequest, body: ApplicationIn) -> object:
    check(request.user, MODULE, "handle")
    project = get_object_or_404(Project, code=body.project_code)
    try:
        data = use.ApplicationData(
            kind=body.kind,
            title=body.title,
            project=project,
            applicant_kind=body.applicant_kind,
            applicant_name=body.applicant_name,
            applicant_enterprise=_enterprise(body.applicant_credit_code),
            emergency_reason=body.emergency_reason,
            scope_kind=body.scope_kind,
            scope_spec=body.scope_spec,
            items=[(i.name, i.budget) for i in body.items],
            contractor=_enterprise(body.contractor_credit_code),
            contractor_bank=body.contractor_bank,
            contractor_account_number=body.contractor_account_number,
        )
        application = use.create_application(actor(request), data)
    except use.UseError as exc:
        return Status(400, {"detail": str(exc)})
    return _detail(_get(application.pk))


class StepIn(Schema):
    step: Literal["submit", "review", "approve", "send_back", "withdraw", "close"]
    note: str = ""


@router.post(
    "/use/applications/{pk}/steps",
    response={200: ApplicationOut, 400: dict[str, str]},
    summary="Take a workflow step: submit, review, approve, send_back, withdraw, close",
)
def take_step(request: HttpRequest, pk: int, body: StepIn) -> object:
    application = _get(pk)
    workflow.require_step(use.WORKFLOW, request.user, application, body.step)
    try:
        use.take_step(actor(request), application, body.step, note=body.note)
    except use.UseError as exc:
        return Status(400, {"detail": str(exc)})
    return _out(_get(pk))


class VoteRow(Schema):
    unit: str
    vote: Literal["agree", "oppose", "abstain", "not_voted"]


class VotesOut(Schema):
    votes: list[VoteRow]
    result: dict[str, object] | None


def _votes(application: UseApplication) -> VotesOut:
    rows = application.scope_units.select_related("unit").order_by("unit__code")
    return VotesOut(
        votes=[VoteRow(unit=s.unit.code, vote=s.vote) for s in rows],  # type: ignore[arg-type]
        result=application.vote,
    )


@router.get("/use/applications/{pk}/votes", response=VotesOut, summary="The owner votes and their result")
def get_votes(request: HttpRequest, pk: int) -> VotesOut:
    check(request.user, MODULE, "view")
    return _votes(_get(pk))


@router.put(
    "/use/applications/{pk}/votes",
    response={200: VotesOut, 400: dict[str, str]},
    summary="Set votes by unit code (units not listed keep theirs)",
)
def put_votes(request: HttpRequest, pk: int, body: list[VoteRow]) -> object:
    check(request.user, MODULE, "handle")
    application = _get(pk)
    try:
        use.record_votes(actor(request), application, {row.unit: row.vote for row in body})
    except use.UseError as exc:
        return Status(400, {"detail": str(exc)})
    return _votes(_get(pk))


class RowErrorOut(Schema):
    row: int
    column: str
    message: str


class ImportErrorsOut(Schema):
    errors: list[RowErrorOut]


@router.post(
    "/use/applications/{pk}/votes/import",
    response={200: VotesOut, 400: ImportErrorsOut},
    summary="Import votes (.xlsx/.csv, headers 房屋编码, 表决意见): all or nothing",
)
def import_votes(request: HttpRequest, pk: int, file: File[UploadedFile]) -> object:
    check(request.user, MODULE, "handle")
    application = _get(pk)
    try:
        use.import_votes(actor(request), application, file.name or "votes", file.read())
    except ImportRejected as exc:
        return Status(400, ImportErrorsOut(errors=[RowErrorOut(**e.as_dict()) for e in exc.errors]))
    except use.UseError as exc:
        return Status(400, ImportErrorsOut(errors=[RowErrorOut(row=0, column="", message=str(exc))]))
    return _votes(_get(pk))


class PaymentIn(Schema):
    kind: Literal["advance", "settlement"]
    value_date: dt.date
    amount: Decimal | None = None
    final_cost: Decimal | None = None
    bank_account_number: str = ""
    # How many payments the application had when the client decided to pay (GET .../payments): a retried
    # request finds one more and is refused (400) instead of paying twice.
    expected_payments: int = Field(ge=0)


@router.get("/use/applications/{pk}/payments", response=list[PaymentOut], summary="An application's payments")
def list_payments(request: HttpRequest, pk: int) -> list[PaymentOut]:
    check(request.user, MODULE, "view")
    application = _get(pk)
    return [_payment_out(p) for p in application.payments.select_related("entry", "application").order_by("pk")]


@router.post(
    "/use/applications/{pk}/payments",
    response={200: PaymentOut, 400: dict[str, str]},
    summary="Pay an advance or the settlement on the audited final cost",
)
def create_payment(request: HttpRequest, pk: int, body: PaymentIn) -> object:
    check(request.user, MODULE, "handle")
    application = _get(pk)
    bank = None
    if body.bank_account_number:
        bank = get_object_or_404(Account, kind=Account.Kind.BANK, bank_account_number=body.bank_account_number)
    try:
        payment = use.pay(
            actor(request),
            application,
            kind=body.kind,
            value_date=body.value_date,
            amount=body.amount,
            final_cost=body.final_cost,
            bank=bank,
            expected_payments=body.expected_payments,
        )
    except use.UseError as exc:
        return Status(400, {"detail": str(exc)})
    return _payment_out(UsePayment.objects.select_related("entry", "application").get(pk=payment.pk))
