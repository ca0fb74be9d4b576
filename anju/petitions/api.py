"""The petitions JSON API: cases (list, detail with deadlines and history, registering one from an integration),
and an Open311 GeoReport v2 set for the 12345 platform (services, a request created with an API key, a
request's status with `expected_datetime` and `status_notes`).

Permissions are the pages': petitions `view` to read, `handle` to create. Petitioners' names and phones are
masked unless the user has petitions `see_id` (each full answer is in the audit log). Open311 clients pass
their API key (`anju create-api-token`) as `api_key` in the query or the form, or as a bearer token."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Form, Query, Router, Schema, Status

from anju.core import workflow
from anju.core.api_auth import BearerTokenAuth, SessionAuth
from anju.core.apikit import ErrorOut, Paging, Year, page_schema, paginate
from anju.core.permissions import actor, check
from anju.lib.ids import mask_id
from anju.petitions import actions, rules
from anju.petitions.errors import PetitionError
from anju.petitions.models import Case, CaseDeadline, Category, Channel, Petitioner

MODULE = "petitions"
HOTLINE = "hotline12345"
router = Router(tags=["petitions"])


def _mask_name(name: str) -> str:
    return (name[:1] + "*" * max(1, len(name) - 1)) if name else ""


class PetitionerOut(Schema):
    name: str
    phone: str


class DeadlineOut(Schema):
    step: str
    starts_on: dt.date
    nominal: dt.date = Field(description="The last day as counted")
    due: dt.date = Field(description="Overdue after this day (past rest days)")
    met_on: dt.date | None


class PetitionCaseOut(Schema):
    id: int
    number: str
    channel: str = Field(alias="channel.code")
    reference: str
    received_at: dt.datetime
    category: str
    subject: str
    head_count: int
    status: str
    handler: str | None = None
    replied_on: dt.date | None
    closed_on: dt.date | None
    closure_kind: str
    repeat_of: int | None = Field(None, alias="repeat_of_id")

    @staticmethod
    def resolve_handler(obj: Case) -> str | None:
        return obj.handler.username if obj.handler_id and obj.handler else None


class PetitionCaseDetailOut(PetitionCaseOut):
    content: str
    reply: str
    petitioners: list[PetitionerOut]
    deadlines: list[DeadlineOut]
    history: list[workflow.WorkflowEventOut]

    @staticmethod
    def resolve_petitioners(obj: Case, context: dict[str, Any]) -> list[PetitionerOut]:
        request = context["request"]
        full = request.user.can(MODULE, "see_id") or obj.handler_id == request.user.pk
        people = Petitioner.objects.filter(case=obj)
        if full and people:
            actions.show_identity(request.user, obj)
        return [
            PetitionerOut(name=p.name if full else _mask_name(p.name), phone=p.phone if full else mask_id(p.phone))
            for p in people
        ]

    @staticmethod
    def resolve_deadlines(obj: Case) -> QuerySet[CaseDeadline]:
        return CaseDeadline.objects.filter(case=obj).order_by("due", "pk")

    @staticmethod
    def resolve_history(obj: Case) -> list[workflow.WorkflowEventOut]:
        return workflow.events_out(actions.CASE_WORKFLOW, obj)


class PetitionerIn(Schema):
    name: str = ""
    phone: str = ""
    id_number: str = ""


class PetitionCaseIn(Schema):
    channel: str = Field(description="Channel code, e.g. hotline12345, governor, letter")
    reference: str = Field("", description="The channel's own number (a 12345 work order number)")
    received_at: dt.datetime
    category: str = Field(description="fund, rental, termite, subsidy, legacy, property or other")
    subject: str
    content: str
    petitioners: list[PetitionerIn] = []
    head_count: int = 1
    complete_limit: int | None = Field(None, description="The platform's own completion limit in working days")


CasePage = page_schema(PetitionCaseOut, "PetitionCasePage")


def _cases() -> QuerySet[Case]:
    return Case.objects.select_related("channel", "handler").order_by("-received_at", "-number")


@router.get("/cases", response=CasePage, summary="Petition cases (信访件)")
def list_cases(
    request: HttpRequest,
    paging: Query[Paging],
    q: str = "",
    status: str = "",
    channel: str = "",
    year: Year | None = None,
) -> dict[str, Any]:
    check(request.user, MODULE, "view")
    rows = _cases()
    if q:
        rows = rows.filter(Q(number__icontains=q) | Q(subject__icontains=q) | Q(reference__icontains=q))
    if status in Case.Status.values:
        rows = rows.filter(status=status)
    if channel:
        rows = rows.filter(channel__code=channel)
    if year is not None:
        rows = rows.filter(received_on__year=year)
    return paginate(rows, paging)


@router.get("/cases/{pk}", response=PetitionCaseDetailOut, summary="A case with its deadlines and history")
def case_detail(request: HttpRequest, pk: int) -> Case:
    case = get_object_or_404(_cases(), pk=pk)
    if not (request.user.can(MODULE, "view") or case.handler_id == request.user.pk):  # type: ignore[union-attr]
        check(request.user, MODULE, "view")
    return case


def _channel(code: str) -> Channel:
    channel = Channel.objects.filter(code=code).first()
    if channel is None:
        raise PetitionError(f"渠道代码无效：{code}", code="bad_channel", field="channel")
    return channel


@router.post("/cases", response={201: PetitionCaseDetailOut, 400: ErrorOut}, summary="Register a case (an integration)")
def create_case(request: HttpRequest, payload: PetitionCaseIn) -> Status:
    check(request.user, MODULE, "handle")
    if payload.category not in Category.values:
        raise PetitionError(f"诉求类别无效：{payload.category}", code="bad_category", field="category")
    case = actions.register_case(
        actor(request),
        actions.NewCase(
            channel=_channel(payload.channel), received_at=payload.received_at, category=payload.category,
            subject=payload.subject, content=payload.content, reference=payload.reference,
            petitioners=[actions.NewPetitioner(p.name, p.phone, p.id_number) for p in payload.petitioners],
            head_count=max(payload.head_count, len(payload.petitioners) or 1), complete_limit=payload.complete_limit,
        ),
    )  # fmt: skip
    return Status(201, case)


# --- Open311 GeoReport v2 -------------------------------------------------------------------------------


class Open311Key(BearerTokenAuth):
    """An API key as Open311 passes it: `api_key` in the query string or the form (or a bearer token)."""

    openapi_scheme = "bearer"

    def __call__(self, request: HttpRequest) -> Any:
        key = request.GET.get("api_key") or request.POST.get("api_key")
        if key:
            return self.authenticate(request, key)
        return super().__call__(request)


open311 = Router(tags=["open311"], auth=[Open311Key(), SessionAuth()])


class ServiceOut(Schema):
    service_code: str
    service_name: str
    description: str
    metadata: bool = False
    type: str = "realtime"
    keywords: str = ""
    group: str = "住房保障"


class RequestCreatedOut(Schema):
    service_request_id: str
    service_notice: str = ""
    account_id: str | None = None


class RequestStatusOut(Schema):
    service_request_id: str
    status: str = Field(description="open or closed")
    status_notes: str
    service_name: str
    service_code: str
    description: str
    agency_responsible: str = ""
    service_notice: str = ""
    requested_datetime: dt.datetime
    updated_datetime: dt.datetime | None
    expected_datetime: dt.datetime | None = Field(description="The end of the completion deadline's day")
    address: str = ""
    zipcode: str = ""
    lat: float | None = None
    long: float | None = None
    media_url: str = ""


class Open311Error(Schema):
    code: int
    description: str


@open311.get("/services.json", response=list[ServiceOut], summary="Open311: the services (诉求类别)")
def services(request: HttpRequest) -> list[ServiceOut]:
    check(request.user, MODULE, "view")
    return [
        ServiceOut(service_code=code, service_name=str(label), description=f"住房保障服务中心受理的{label}类诉求")
        for code, label in Category.choices
    ]


@open311.post(
    "/requests.json",
    response={201: list[RequestCreatedOut], 400: ErrorOut},
    summary="Open311: create a request (a 12345 work order)",
)
def create_request(
    request: HttpRequest,
    service_code: Form[str],
    description: Form[str],
    first_name: Form[str] = "",
    last_name: Form[str] = "",
    phone: Form[str] = "",
    email: Form[str] = "",
    address_string: Form[str] = "",
    order_number: Form[str] = "",
    requested_datetime: Form[dt.datetime | None] = None,
    limit_working_days: Form[int | None] = None,
) -> Status:
    """An order number already registered answers the case it made (the platform may retry)."""
    check(request.user, MODULE, "handle")
    channel = _channel(HOTLINE)
    if service_code not in Category.values:
        raise PetitionError(f"service_code 无效：{service_code}", code="bad_category", field="service_code")
    if order_number:
        known = Case.objects.filter(channel=channel, reference=order_number).first()
        if known is not None:
            return Status(201, [RequestCreatedOut(service_request_id=known.number)])
    name = f"{last_name}{first_name}".strip()
    content = description + (f"\n地址：{address_string}" if address_string else "")
    case = actions.register_case(
        actor(request),
        actions.NewCase(
            channel=channel, received_at=requested_datetime or timezone.now(), category=service_code,
            subject=description.strip()[:60] or "12345工单", content=content, reference=order_number,
            petitioners=[actions.NewPetitioner(name=name, phone=phone)] if name or phone else [],
            complete_limit=limit_working_days,
        ),
    )  # fmt: skip
    return Status(201, [RequestCreatedOut(service_request_id=case.number, service_notice="已登记，按期办理答复")])


def _status(case: Case) -> RequestStatusOut:
    complete = CaseDeadline.objects.filter(case=case, step=rules.Step.COMPLETE).first()
    expected = None
    if complete is not None:
        expected = timezone.make_aware(dt.datetime.combine(complete.due, dt.time(23, 59, 59)))
    last = case.events.order_by("-at", "-pk").first()
    closed = case.status in (Case.Status.CLOSED, Case.Status.NOT_ACCEPTED, Case.Status.FORWARDED)
    notes = case.reply or case.decision_note or (actions.CASE_WORKFLOW.state_label(case.status))
    return RequestStatusOut(
        service_request_id=case.number,
        status="closed" if closed else "open",
        status_notes=notes,
        service_name=case.get_category_display(),
        service_code=case.category,
        description=case.subject,
        agency_responsible=case.department.name if case.department else "",
        requested_datetime=case.received_at,
        updated_datetime=last.at if last else None,
        expected_datetime=expected,
    )


@open311.get(
    "/requests/{service_request_id}.json",
    response={200: list[RequestStatusOut], 404: list[Open311Error]},
    summary="Open311: a request's status",
)
def request_status(request: HttpRequest, service_request_id: str) -> Any:
    check(request.user, MODULE, "view")
    case = (
        Case.objects.select_related("department")
        .filter(Q(number=service_request_id) | Q(channel__code=HOTLINE, reference=service_request_id))
        .first()
    )
    if case is None:
        return Status(404, [Open311Error(code=404, description=f"没有编号为{service_request_id}的工单")])
    return [_status(case)]
