"""API endpoints for fund use applications: list, detail, create, workflow steps, votes, payments.

Permissions are those of the pages: fund `view` to read, `handle` to create, vote and pay, and for a
step the permission its row of `rules.USE_FLOW` names (review for 审核, approve for 领导审批). Money is a
string with two decimals (yuan)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, File, Query, Router, Schema, UploadedFile

from anju.core import workflow
from anju.core.apikit import (
    Area,
    ErrorOut,
    ImportErrorOut,
    Money,
    MoneyIn,
    OptionalMoney,
    Paging,
    Year,
    page_schema,
    paginate,
)
from anju.core.permissions import actor, check
from anju.core.workflow import WorkflowEventOut
from anju.fund.models import Account, RepairItem, UseApplication, UsePayment
from anju.fund.use import actions as use
from anju.fund.use import queries as use_queries
from anju.fund.use import votes_import
from anju.registry.models import Enterprise, Project

MODULE = "fund"
router = Router(tags=["fund use"])


class UseItemIO(Schema):
    name: str
    budget: MoneyIn


class UseApplicationIn(Schema):
    kind: Literal["ordinary", "emergency"] = "ordinary"
    title: str
    project_code: str
    applicant_kind: Literal["property_company", "owners_committee", "center"]
    applicant_name: str = ""
    applicant_credit_code: str = ""
    emergency_reason: str = ""
    scope_kind: Literal["project", "buildings", "range", "list"]
    scope_spec: str = ""
    items: list[UseItemIO]
    contractor_credit_code: str = ""
    contractor_bank: str = ""
    contractor_account_number: str = ""


class UseApplicationOut(Schema):
    id: int
    number: str
    kind: str
    emergency: bool = Field(alias="is_emergency")
    title: str
    project: str = Field(alias="project.code")
    applicant: str = Field(alias="applicant_name")
    status: str
    budget: Money
    final_cost: OptionalMoney
    vote_passed: bool | None
    created: dt.datetime

    @staticmethod
    def resolve_vote_passed(obj: UseApplication) -> bool | None:
        return None if obj.is_emergency else obj.vote_passed


class UseScopeUnitOut(Schema):
    unit: str
    owner: str
    area: Area
    vote: str
    share: Money
    balance: Money
    shortfall: Money
    paid_fund: Money
    paid_self: Money


class UsePaymentOut(Schema):
    id: int
    application: str = Field(alias="application.number")
    kind: str
    amount: Money
    from_fund: Money
    self_funded: Money
    value_date: dt.date
    entry_seq: int | None

    @staticmethod
    def resolve_entry_seq(obj: UsePayment) -> int | None:
        return obj.entry.seq if obj.entry else None


class UseApplicationDetailOut(UseApplicationOut):
    scope_kind: str
    scope_spec: str
    items: list[UseItemIO]
    contractor: str
    contractor_account_number: str
    vote: dict[str, object] | None
    scope: list[UseScopeUnitOut]
    events: list[WorkflowEventOut]
    payments: list[UsePaymentOut]

    @staticmethod
    def resolve_items(obj: UseApplication) -> QuerySet[RepairItem]:
        return obj.items.all()

    @staticmethod
    def resolve_contractor(obj: UseApplication) -> str:
        return obj.contractor.name if obj.contractor else ""

    @staticmethod
    def resolve_scope(obj: UseApplication) -> list[UseScopeUnitOut]:
        return [
            UseScopeUnitOut(
                unit=r.scope_unit.unit.code,
                owner=r.scope_unit.owner_name,
                area=r.scope_unit.area,
                vote=r.scope_unit.vote,
                share=r.share,
                balance=r.balance,
                shortfall=r.shortfall,
                paid_fund=r.scope_unit.paid_fund,
                paid_self=r.scope_unit.paid_self,
            )
            for r in use_queries.split(obj)
        ]

    @staticmethod
    def resolve_events(obj: UseApplication) -> list[WorkflowEventOut]:
        return workflow.events_out(use.WORKFLOW, obj)

    @staticmethod
    def resolve_payments(obj: UseApplication) -> QuerySet[UsePayment]:
        return obj.payments.select_related("entry", "application").order_by("pk")


UseApplicationPage = page_schema(UseApplicationOut)


def _get(pk: int) -> UseApplication:
    return get_object_or_404(use_queries.applications(), pk=pk)


@router.get("/use/applications", response=UseApplicationPage, summary="Use applications (使用申请)")
def list_applications(
    request: HttpRequest,
    paging: Query[Paging],
    q: str = "",
    status: str = "",
    kind: str = "",
    project: str = "",
    year: Year | None = None,
) -> dict[str, Any]:
    check(request.user, MODULE, "view")
    qs = use_queries.search(use_queries.applications(), q).order_by("-created", "-pk")
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    if project:
        qs = qs.filter(project__code=project)
    if year:
        qs = qs.filter(created__year=year)
    return paginate(qs, paging)


@router.get(
    "/use/applications/{pk}", response=UseApplicationDetailOut, summary="A use application with scope, split, votes"
)
def application_detail(request: HttpRequest, pk: int) -> UseApplicationDetailOut:
    check(request.user, MODULE, "view")
    return UseApplicationDetailOut.from_orm(_get(pk))


def _enterprise(code: str) -> Enterprise | None:
    if not code:
        return None
    enterprise = Enterprise.objects.filter(uscc=code.strip().upper()).first()
    if enterprise is None:
        raise use.UseError(f"没有统一社会信用代码为 {code} 的企业", code="enterprise_unknown")
    return enterprise


@router.post(
    "/use/applications",
    response={200: UseApplicationDetailOut, 400: ErrorOut},
    summary="Create a draft use application",
)
def create_application(request: HttpRequest, body: UseApplicationIn) -> object:
    check(request.user, MODULE, "handle")
    project = get_object_or_404(Project, code=body.project_code)
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
    return UseApplicationDetailOut.from_orm(_get(application.pk))


class UseStepIn(Schema):
    step: Literal["submit", "review", "approve", "send_back", "withdraw", "close"]
    note: str = ""


@router.post(
    "/use/applications/{pk}/steps",
    response={200: UseApplicationOut, 400: ErrorOut},
    summary="Take a workflow step: submit, review, approve, send_back, withdraw, close",
)
def take_step(request: HttpRequest, pk: int, body: UseStepIn) -> object:
    application = _get(pk)
    workflow.require_step(use.WORKFLOW, request.user, application, body.step)
    use.take_step(actor(request), application, body.step, note=body.note)
    return UseApplicationOut.from_orm(_get(pk))


class UseVoteRow(Schema):
    unit: str
    vote: Literal["agree", "oppose", "abstain", "not_voted"]


class UseVotesOut(Schema):
    votes: list[UseVoteRow]
    result: dict[str, object] | None


def _votes(application: UseApplication) -> UseVotesOut:
    rows = application.scope_units.select_related("unit").order_by("unit__code")
    return UseVotesOut(
        votes=[UseVoteRow(unit=s.unit.code, vote=s.vote) for s in rows],  # type: ignore[arg-type]
        result=application.vote,
    )


@router.get("/use/applications/{pk}/votes", response=UseVotesOut, summary="The owner votes and their result")
def get_votes(request: HttpRequest, pk: int) -> UseVotesOut:
    check(request.user, MODULE, "view")
    return _votes(_get(pk))


@router.put(
    "/use/applications/{pk}/votes",
    response={200: UseVotesOut, 400: ErrorOut},
    summary="Set votes by unit code (units not listed keep theirs)",
)
def put_votes(request: HttpRequest, pk: int, body: list[UseVoteRow]) -> object:
    check(request.user, MODULE, "handle")
    application = _get(pk)
    use.record_votes(actor(request), application, {row.unit: row.vote for row in body})
    return _votes(_get(pk))


@router.post(
    "/use/applications/{pk}/votes/import",
    response={200: UseVotesOut, 400: ImportErrorOut},
    summary="Import votes (.xlsx/.csv, headers 房屋编码, 表决意见): all or nothing",
)
def import_votes(request: HttpRequest, pk: int, file: File[UploadedFile]) -> object:
    check(request.user, MODULE, "handle")
    application = _get(pk)
    votes_import.import_votes(actor(request), application, file.name or "votes", file.read())
    return _votes(_get(pk))


class UsePaymentIn(Schema):
    kind: Literal["advance", "settlement"]
    value_date: dt.date
    amount: MoneyIn | None = None
    final_cost: MoneyIn | None = None
    bank_account_number: str = ""
    # How many payments the application had when the client decided to pay (GET .../payments): a retried
    # request finds one more and is refused (400) instead of paying twice.
    expected_payments: int = Field(ge=0)


@router.get("/use/applications/{pk}/payments", response=list[UsePaymentOut], summary="An application's payments")
def list_payments(request: HttpRequest, pk: int) -> QuerySet[UsePayment]:
    check(request.user, MODULE, "view")
    application = _get(pk)
    return application.payments.select_related("entry", "application").order_by("pk")


@router.post(
    "/use/applications/{pk}/payments",
    response={200: UsePaymentOut, 400: ErrorOut},
    summary="Pay an advance or the settlement on the audited final cost",
)
def create_payment(request: HttpRequest, pk: int, body: UsePaymentIn) -> object:
    check(request.user, MODULE, "handle")
    application = _get(pk)
    bank = None
    if body.bank_account_number:
        bank = get_object_or_404(Account, kind=Account.Kind.BANK, bank_account_number=body.bank_account_number)
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
    return UsePaymentOut.from_orm(UsePayment.objects.select_related("entry", "application").get(pk=payment.pk))
