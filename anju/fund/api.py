"""API endpoints of the maintenance fund: accounts, statements, receipts, notices, suspense matching.

Permissions are those of the pages: fund `view` to read, `handle` to import receipts, issue notices
and match suspense. Money is a string with two decimals (yuan)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from django.db.models import Q
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, File, Query, Router, Schema, UploadedFile

from anju.core.apikit import ErrorOut, ImportErrorOut, Money, Paging, page_schema, paginate
from anju.core.client_address import client_ip
from anju.core.permissions import actor, check
from anju.fund import queries
from anju.fund import totals as kept
from anju.fund.bank import actions as bank
from anju.fund.deposits import actions as deposits
from anju.fund.errors import MatchError
from anju.fund.models import Account, BankReceipt, DepositNotice
from anju.fund.refunds.api import router as refunds_router
from anju.fund.use.api import router as use_router
from anju.lib.money import capitals
from anju.registry.models import Project, Unit

MODULE = "fund"
router = Router(tags=["fund"])
# Use applications (使用申请) and refunds (退款) live in their own modules, under /api/fund/use/ and /refunds/.
router.add_router("", use_router)
router.add_router("", refunds_router)


class AccountOut(Schema):
    unit: str
    project: str
    area: str
    first_deposit: Money
    balance: Money
    closed: dt.date | None

    @staticmethod
    def resolve_unit(obj: Account) -> str:
        return obj.unit.code if obj.unit else ""

    @staticmethod
    def resolve_project(obj: Account) -> str:
        return obj.project.name if obj.project else ""

    @staticmethod
    def resolve_area(obj: Account) -> str:
        return f"{obj.unit.area:.2f}" if obj.unit else ""


AccountPage = page_schema(AccountOut)


@router.get("/accounts", response=AccountPage, summary="Unit ledgers (分户账) with balances")
def list_accounts(
    request: HttpRequest, paging: Query[Paging], q: str = "", project: str = "", replenish: bool = False
) -> dict[str, Any]:
    check(request.user, MODULE, "view")
    # Through the units' code index in order (queries.ledgers_by_unit_code), not all ledgers sorted a page.
    accounts = queries.ledgers_by_unit_code().select_related("project")
    if q:
        accounts = accounts.filter(queries.ledgers_matching(q))
    if project:
        accounts = accounts.filter(project__code=project)
    if replenish:
        accounts = accounts.filter(pk__in=queries.replenishment_due().values("pk"))
    # Unfiltered, the count is the unit ledgers' the fund keeps per version of the accounts, not a count
    # of all of them a request.
    count = None if q or project or replenish else kept.figures().ledgers
    return paginate(accounts, paging, count=count)


class MovementOut(Schema):
    seq: int
    value_date: dt.date
    kind: str
    memo: str
    amount: Money
    balance: Money


class StatementOut(Schema):
    account: AccountOut
    interest: Money
    opening: Money
    movements: list[MovementOut]


def _unit_account(code: str) -> Account:
    return get_object_or_404(Account.objects.select_related("unit", "project"), unit__code=code)


@router.get("/accounts/{code}", response=StatementOut, summary="A unit's statement (分户账明细) with running balance")
def account_statement(
    request: HttpRequest, code: str, start: dt.date | None = None, end: dt.date | None = None
) -> dict[str, Any]:
    check(request.user, MODULE, "view")
    account = _unit_account(code)
    opening, rows = queries.statement(account, start, end)
    return {"account": account, "interest": queries.interest_total(account), "opening": opening, "movements": rows}


class TotalsOut(Schema):
    bank: Money
    receivable: Money
    unit: Money
    pooled: Money
    suspense: Money
    assets: Money
    liabilities: Money
    balanced: bool


@router.get("/totals", response=TotalsOut, summary="Fund totals and the balance equation")
def totals(request: HttpRequest) -> TotalsOut:
    check(request.user, MODULE, "view")
    t = kept.fund_totals()
    return TotalsOut(
        **{k: t[k] for k in ("bank", "receivable", "unit", "pooled", "suspense", "assets", "liabilities")},
        balanced=t["assets"] == t["liabilities"],
    )


class ReceiptOut(Schema):
    id: int
    txn_id: str
    txn_date: dt.date
    amount: Money
    unit_code: str
    payer: str
    memo: str
    status: str = Field(description="posted, suspense or matched")
    unit: str | None

    @staticmethod
    def resolve_unit(obj: BankReceipt) -> str | None:
        unit = obj.unit_account.unit if obj.unit_account else None
        return unit.code if unit else None


ReceiptPage = page_schema(ReceiptOut)


@router.get("/receipts", response=ReceiptPage, summary="Bank receipts; status=suspense lists 待查")
def list_receipts(
    request: HttpRequest,
    paging: Query[Paging],
    status: Literal["posted", "suspense", "matched"] | None = None,
    q: str = "",
) -> dict[str, Any]:
    check(request.user, MODULE, "view")
    receipts = BankReceipt.objects.select_related("unit_account__unit").order_by("-txn_date", "-id")
    if status:
        receipts = receipts.filter(status=status)
    if q:
        receipts = receipts.filter(Q(txn_id=q) | Q(unit_code__istartswith=q) | Q(payer__icontains=q))
    return paginate(receipts, paging)


class ReceiptImportOut(Schema):
    posted: int
    duplicates: int
    suspense: int


@router.post(
    "/receipts/import",
    response={200: ReceiptImportOut, 400: ImportErrorOut},
    summary="Import a bank receipts file (.xlsx/.csv): all or nothing, idempotent on 交易流水号",
)
def import_receipts(request: HttpRequest, file: File[UploadedFile], bank_number: str = "") -> object:
    check(request.user, MODULE, "handle")
    summary = bank.import_receipts(
        actor(request), file.name or "receipts", file.read(), bank_number=bank_number, ip=client_ip(request)
    )
    return summary.as_dict()


class MatchIn(Schema):
    unit_code: str


@router.post(
    "/receipts/{receipt_id}/match",
    response={200: ReceiptOut, 400: ErrorOut},
    summary="Match a receipt in suspense (待查) to a unit",
)
def match_receipt(request: HttpRequest, receipt_id: int, body: MatchIn) -> object:
    check(request.user, MODULE, "handle")
    receipt = get_object_or_404(BankReceipt, pk=receipt_id)
    account = Account.objects.filter(unit__code=body.unit_code).first()
    if account is None:
        raise MatchError(f"房屋 {body.unit_code} 没有分户账", code="no_ledger", field="unit_code")
    matched = bank.match_suspense(actor(request), receipt, account)
    return ReceiptOut.from_orm(BankReceipt.objects.select_related("unit_account__unit").get(pk=matched.pk))


class NoticeOut(Schema):
    number: str
    kind: str = Field(description="first, developer or replenish")
    status: str = Field(description="issued, paid or cancelled")
    unit: str
    payer: str
    area: str
    rate: str | None
    amount: Money
    amount_capitals: str
    issued_on: dt.date

    @staticmethod
    def resolve_unit(obj: DepositNotice) -> str:
        return obj.account.unit.code if obj.account.unit else ""

    @staticmethod
    def resolve_area(obj: DepositNotice) -> str:
        return f"{obj.area:.2f}"

    @staticmethod
    def resolve_rate(obj: DepositNotice) -> str | None:
        return f"{obj.rate:.2f}" if obj.rate is not None else None

    @staticmethod
    def resolve_amount_capitals(obj: DepositNotice) -> str:
        return capitals(obj.amount)


NoticePage = page_schema(NoticeOut)


@router.get("/notices", response=NoticePage, summary="Deposit notices (交存通知书)")
def list_notices(
    request: HttpRequest,
    paging: Query[Paging],
    status: Literal["issued", "paid", "cancelled"] | None = None,
    project: str = "",
    unit: str = "",
) -> dict[str, Any]:
    check(request.user, MODULE, "view")
    notices = DepositNotice.objects.select_related("account__unit").order_by("-issued_on", "-id")
    if status:
        notices = notices.filter(status=status)
    if project:
        notices = notices.filter(account__project__code=project)
    if unit:
        notices = notices.filter(account__unit__code=unit)
    return paginate(notices, paging)


class NoticeIn(Schema):
    unit_code: str


@router.post("/notices", response={200: NoticeOut, 400: ErrorOut}, summary="Issue a first-deposit notice for one unit")
def issue_notice(request: HttpRequest, body: NoticeIn) -> object:
    check(request.user, MODULE, "handle")
    unit = get_object_or_404(Unit, code=body.unit_code)
    notice = deposits.issue_notice(actor(request), unit)
    return NoticeOut.from_orm(DepositNotice.objects.select_related("account__unit").get(pk=notice.pk))


class BatchIn(Schema):
    project_code: str


class BatchOut(Schema):
    issued: int
    total: Money


@router.post(
    "/notices/batch",
    response={200: BatchOut, 400: ErrorOut},
    summary="Issue first-deposit notices for every unit of a project not yet asked",
)
def issue_batch(request: HttpRequest, body: BatchIn) -> object:
    check(request.user, MODULE, "handle")
    project = get_object_or_404(Project, code=body.project_code)
    batch = deposits.issue_batch(actor(request), project)
    notices = list(batch.notices.all())
    return BatchOut(issued=len(notices), total=sum((n.amount for n in notices), Decimal(0)))
