"""The home-purchase subsidy JSON API: programs, applications (create with the counter's checks and duplicate
detection; list; detail with buyers, flags and history), batches with their payments, and the bank's
results. Permissions are the pages': subsidy `view` to read, `handle` to write. ID numbers are masked
unless the role has `see_id`; money is a string with two decimals."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from django.db.models import Exists, OuterRef, Q
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, File, Query, Router, Schema, Status
from ninja.files import UploadedFile

from anju.core.apikit import ErrorOut, ImportErrorOut, Money, Paging, page_schema, paginate
from anju.core.ids import MaskedId
from anju.core.permissions import actor, check
from anju.core.workflow import WorkflowEventOut, events_out
from anju.subsidy import actions, queries
from anju.subsidy.errors import SubsidyError
from anju.subsidy.models import Application, Batch, Buyer, Flag, Payment, Program
from anju.subsidy.results import import_results

MODULE = "subsidy"
router = Router(tags=["subsidy"])
SubsidyId = Annotated[str, MaskedId(MODULE)]


class SubsidyApplicationOut(Schema):
    id: int
    number: str
    program: str = Field(alias="program.code")
    buyer_name: str
    buyer_id_number: SubsidyId
    address: str
    unit_code: str
    contract_number: str
    contract_date: dt.date
    area: str
    price: Money
    tax_voucher: str
    deed_tax: Money
    amount: Money
    applied_on: dt.date
    status: str
    flagged: bool = Field(False, description="Has a possible-duplicate flag not yet cleared")

    @staticmethod
    def resolve_area(obj: Application) -> str:
        return f"{obj.area:.2f}"

    @staticmethod
    def resolve_flagged(obj: Application) -> bool:
        known = getattr(obj, "flagged", None)
        return bool(known) if known is not None else obj.flags.filter(cleared_at__isnull=True).exists()


class SubsidyBuyerOut(Schema):
    id_number: SubsidyId
    main: bool


class SubsidyFlagOut(Schema):
    id: int
    reason: str
    other: str = Field(alias="other.number")
    created: dt.datetime
    cleared: bool
    cleared_at: dt.datetime | None
    clear_reason: str

    @staticmethod
    def resolve_cleared(obj: Flag) -> bool:
        return obj.cleared_at is not None


class SubsidyApplicationDetailOut(SubsidyApplicationOut):
    formula: str
    payee_name: str
    payee_account: SubsidyId
    payee_bank: str
    buyers: list[SubsidyBuyerOut]
    flags: list[SubsidyFlagOut]
    history: list[WorkflowEventOut]

    @staticmethod
    def resolve_formula(obj: Application) -> str:
        return obj.formula()

    @staticmethod
    def resolve_buyers(obj: Application) -> list[Buyer]:
        return list(obj.buyers.order_by("-main", "id"))

    @staticmethod
    def resolve_flags(obj: Application) -> list[Flag]:
        return list(queries.flags_of(obj))

    @staticmethod
    def resolve_history(obj: Application) -> list[WorkflowEventOut]:
        return events_out(actions.WORKFLOW, obj)


class SubsidyApplicationIn(Schema):
    program: str = Field(description="The program's code")
    number: str = ""
    buyer_name: str
    buyer_id: str
    co_buyer_ids: list[str] = []
    address: str
    unit_code: str
    contract_number: str
    contract_date: dt.date
    area: str
    price: str
    tax_voucher: str
    deed_tax: str
    payee_name: str
    payee_account: str
    payee_bank: str
    applied_on: dt.date


class SubsidyPaymentOut(Schema):
    reference: str
    application: str = Field(alias="application.number")
    payee_name: str
    amount: Money
    state: str
    result_on: dt.date | None


class SubsidyBatchOut(Schema):
    id: int
    number: str
    ordinal: int
    label: str
    program: str = Field(alias="program.code")
    formed_on: dt.date
    state: str
    count: int
    total: Money
    file_sha256: str


class SubsidyBatchDetailOut(SubsidyBatchOut):
    payments: list[SubsidyPaymentOut]

    @staticmethod
    def resolve_payments(obj: Batch) -> list[Payment]:
        return list(obj.payments.select_related("application").order_by("reference"))


class SubsidyResultsOut(Schema):
    paid: int
    failed: int
    skipped: int


SubsidyApplicationPage = page_schema(SubsidyApplicationOut)
SubsidyBatchPage = page_schema(SubsidyBatchOut)


@router.get("/programs", response=list[dict[str, Any]], summary="Subsidy programs and their eligibility windows")
def list_programs(request: HttpRequest) -> list[dict[str, Any]]:
    """As `anju subsidy programs`: code, name, from, to (contracts signed in the window), document, one claim."""
    check(request.user, MODULE, "view")
    return [
        {
            "code": p.code,
            "name": p.name,
            "from": p.window_from.isoformat(),
            "to": p.window_to.isoformat(),
            "document": p.document,
            "one_claim": p.one_claim,
        }
        for p in Program.objects.order_by("window_from", "code")
    ]


@router.get("/applications", response=SubsidyApplicationPage, summary="Subsidy applications")
def list_applications(
    request: HttpRequest,
    paging: Query[Paging],
    program: str = "",
    status: str = "",
    flagged: bool | None = None,
    q: str = "",
) -> dict[str, Any]:
    check(request.user, MODULE, "view")
    rows = queries.applications().order_by("-applied_on", "-number")
    if program:
        rows = rows.filter(program__code=program)
    if status:
        rows = rows.filter(status=status)
    if flagged is not None:
        rows = rows.filter(flagged=flagged)  # type: ignore[misc]
    if q:
        rows = rows.filter(Q(number__icontains=q) | Q(buyer_name__icontains=q) | Q(unit_code__icontains=q))
    return paginate(rows, paging)


def _detail(pk: int) -> Application:
    open_ = Flag.objects.filter(application=OuterRef("pk"), cleared_at__isnull=True)
    return get_object_or_404(
        Application.objects.select_related("program", "rule").annotate(flagged=Exists(open_)), pk=pk
    )


@router.get("/applications/{pk}", response=SubsidyApplicationDetailOut, summary="An application with flags and history")
def application_detail(request: HttpRequest, pk: int) -> Application:
    check(request.user, MODULE, "view")
    return _detail(pk)


@router.post(
    "/applications",
    response={201: SubsidyApplicationDetailOut, 400: ErrorOut},
    summary="Register an application (the counter's checks; a duplicate is registered and flagged)",
)
def create_application(request: HttpRequest, payload: SubsidyApplicationIn) -> Status:
    check(request.user, MODULE, "handle")
    program = Program.objects.filter(code=payload.program).first()
    if program is None:
        raise SubsidyError(f"没有代码为“{payload.program}”的补贴项目", code="program_unknown", field="program")
    data = payload.dict()
    data.pop("program")
    for name, label in (("area", "建筑面积"), ("price", "成交总价"), ("deed_tax", "契税税额")):
        try:
            data[name] = Decimal(str(data[name]))
        except Exception:
            raise SubsidyError(f"{label}应为数字", code="not_a_number", field=name) from None
    data["co_buyer_ids"] = tuple(data["co_buyer_ids"])
    app = actions.register_application(actor(request), program, actions.NewApplication(**data))
    return Status(201, _detail(app.pk))


@router.get("/batches", response=SubsidyBatchPage, summary="Payment batches")
def list_batches(request: HttpRequest, paging: Query[Paging]) -> dict[str, Any]:
    check(request.user, MODULE, "view")
    return paginate(Batch.objects.select_related("program").order_by("program__code", "ordinal"), paging)


@router.get("/batches/{pk}", response=SubsidyBatchDetailOut, summary="A batch with its payments")
def batch_detail(request: HttpRequest, pk: int) -> Batch:
    check(request.user, MODULE, "view")
    return get_object_or_404(Batch.objects.select_related("program"), pk=pk)


@router.post(
    "/results",
    response={200: SubsidyResultsOut, 400: ImportErrorOut},
    summary="Import the bank's results of a payment file (all lines or none; a line recorded again is skipped)",
)
def post_results(request: HttpRequest, file: File[UploadedFile]) -> dict[str, int]:
    check(request.user, MODULE, "handle")
    return import_results(actor(request), file.name or "results.csv", file.read()).as_dict()
