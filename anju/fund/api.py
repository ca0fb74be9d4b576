"""API endpoints of the maintenance fund: accounts, statements, receipts, notices, suspense matching.

Permissions are those of the pages: fund `view` to read, `handle` to import receipts, issue notices
and match suspense. Money is a string with two decimals (yuan)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from django.db.models import Q
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, File, Query, Router, Schema, Status, UploadedFile

from anju.core.listing import client_ip
from anju.core.permissions import actor, check
from anju.fund import bank, deposits, queries
from anju.fund.api_refunds import router as refunds_router
from anju.fund.api_use import router as use_router
from anju.fund.models import Account, BankReceipt, DepositNotice
from anju.lib.money import capitals
from anju.lib.tabular import ImportRejected
from anju.registry.models import Project, Unit

MODULE = "fund"
router = Router(tags=["fund"])
# Use applications (使用申请) and refunds (退款) live in their own modules, under /api/fund/use/ and /refunds/.
router.add_router("", use_router)
router.add_router("", refunds_router)


def money(value: Decimal | None) -> str:
    return f"{(value or Decimal(0)):.2f}"


class Paging(Schema):
    limit: int = 100
    offset: int = 0


class AccountOut(Schema):
    unit: str
    project: str
    area: str
    first_deposit: str
    balance: str
    closed: dt.date | None


class AccountPage(Schema):
    count: int
    items: list[AccountOut]


def _account_out(account: Account) -> AccountOut:
    unit = account.unit
    return AccountOut(
        unit=unit.code if unit else "",
        project=account.project.name if account.project else "",
        area=f"{unit.area:.2f}" if unit else "",
        first_deposit=money(account.first_deposit),
        balance=money(account.balance),
        closed=account.closed,
    )


def _page(limit: int, offset: int) -> tuple[int, int]:
    return max(1, min(limit, 500)), max(0, offset)


@router.get("/accounts", response=AccountPage, summary="Unit ledgers (分户账) with balances")
def list_accounts(
    request: HttpRequest, paging: Query[Paging], q: str = "", project: str = "", replenish: bool = False
) -> AccountPage:
    check(request.user, MODULE, "view")
    accounts = queries.unit_accounts().select_related("unit", "project").order_by("unit__code")
    if q:
        accounts = accounts.filter(Q(unit__code__istartswith=q) | Q(project__name__icontains=q))
    if project:
        accounts = accounts.filter(project__code=project)
    if replenish:
        accounts = accounts.filter(pk__in=queries.replenishment_due().values("pk"))
    limit, offset = _page(paging.limit, paging.offset)
    return AccountPage(count=accounts.count(), items=[_account_out(a) for a in accounts[offset : offset + limit]])


class MovementOut(Schema):
    seq: int
    value_date: dt.date
    kind: str
    memo: str
    amount: str
    balance: str


class StatementOut(Schema):
    account: AccountOut
    interest: str
    opening: str
    movements: list[MovementOut]


def _unit_account(code: str) -> Account:
    return get_object_or_404(Account.objects.select_related("unit", "project"), unit__code=code)


@router.get("/accounts/{code}", response=StatementOut, summary="A unit's statement (分户账明细) with running balance")
def account_statement(
    request: HttpRequest, code: str, start: dt.date | None = None, end: dt.date | None = None
) -> StatementOut:
    check(request.user, MODULE, "view")
    account = _unit_account(code)
    opening, rows = queries.statement(account, start, end)
    return StatementOut(
        account=_account_out(account),
        interest=money(queries.interest_total(account)),
        opening=money(opening),
        movements=[
            MovementOut(
                seq=r.seq,
                value_date=r.value_date,
                kind=r.kind,
                memo=r.memo,
                amount=money(r.amount),
                balance=money(r.balance),
            )
            for r in rows
        ],
    )


class TotalsOut(Schema):
    bank: str
    receivable: str
    unit: str
    pooled: str
    suspense: str
    assets: str
    liabilities: str
    balanced: bool


@router.get("/totals", response=TotalsOut, summary="Fund totals and the balance equation")
def totals(request: HttpRequest) -> TotalsOut:
    check(request.user, MODULE, "view")
    t = queries.fund_totals()
    return TotalsOut(
        **{k: money(t[k]) for k in ("bank", "receivable", "unit", "pooled", "suspense", "assets", "liabilities")},
        balanced=t["assets"] == t["liabilities"],
    )


class ReceiptOut(Schema):
    id: int
    txn_id: str
    txn_date: dt.date
    amount: str
    unit_code: str
    payer: str
    memo: str
    status: str = Field(description="posted, suspense or matched")
    unit: str | None


class ReceiptPage(Schema):
    count: int
    items: list[ReceiptOut]


def _receipt_out(r: BankReceipt) -> ReceiptOut:
    unit = r.unit_account.unit if r.unit_account and r.unit_account.unit else None
    return ReceiptOut(
        id=r.pk,
        txn_id=r.txn_id,
        txn_date=r.txn_date,
        amount=money(r.amount),
        unit_code=r.unit_code,
        payer=r.payer,
        memo=r.memo,
        status=r.status,
        unit=unit.code if unit else None,
    )


@router.get("/receipts", response=ReceiptPage, summary="Bank receipts; status=suspense lists 待查")
def list_receipts(
    request: HttpRequest,
    paging: Query[Paging],
    status: Literal["posted", "suspense", "matched"] | None = None,
    q: str = "",
) -> ReceiptPage:
    check(request.user, MODULE, "view")
    receipts = BankReceipt.objects.select_related("unit_account__unit").order_by("-txn_date", "-id")
    if status:
        receipts = receipts.filter(status=status)
    if q:
        receipts = receipts.filter(Q(txn_id=q) | Q(unit_code__istartswith=q) | Q(payer__icontains=q))
    limit, offset = _page(paging.limit, paging.offset)
    return ReceiptPage(count=receipts.count(), items=[_receipt_out(r) for r in receipts[offset : offset + limit]])


class RowErrorOut(Schema):
    row: int
    column: str
    message: str


class ImportErrorsOut(Schema):
    errors: list[RowErrorOut]


class ImportSummaryOut(Schema):
    posted: int
    duplicates: int
    suspense: int


@router.post(
    "/receipts/import",
    response={200: ImportSummaryOut, 400: ImportErrorsOut},
    summary="Import a bank receipts file (.xlsx/.csv): all or nothing, idempotent on 交易流水号",
)
def import_receipts(request: HttpRequest, file: File[UploadedFile], bank_number: str = "") -> object:
    check(request.user, MODULE, "handle")
    try:
        summary = bank.import_receipts(
            actor(request), file.name or "receipts", file.read(), bank_number=bank_number, ip=client_ip(request)
        )
    except ImportRejected as exc:
        return Status(400, ImportErrorsOut(errors=[RowErrorOut(**e.as_dict()) for e in exc.errors]))
    return summary.as_dict()


class MatchIn(Schema):
    unit_code: str


@router.post(
    "/receipts/{receipt_id}/match",
    response={200: ReceiptOut, 400: dict[str, str]},
    summary="Match a receipt in suspense (待查) to a unit",
)
def match_receipt(request: HttpRequest, receipt_id: int, body: MatchIn) -> object:
    check(request.user, MODULE, "handle")
    receipt = get_object_or_404(BankReceipt, pk=receipt_id)
    account = Account.objects.filter(unit__code=body.unit_code).first()
    if account is None:
        return Status(400, {"detail": f"房屋 {body.unit_code} 没有分户账"})
    try:
        matched = bank.match_suspense(actor(request), receipt, account)
    except bank.MatchError as exc:
        return Status(400, {"detail": str(exc)})
    return _receipt_out(BankReceipt.objects.select_related("unit_account__unit").get(pk=matched.pk))


class NoticeOut(Schema):
    number: str
    kind: str = Field(description="first, developer or replenish")
    status: str = Field(description="issued, paid or cancelled")
    unit: str
    payer: str
    area: str
    rate: str | None
    amount: str
    amount_capitals: str
    issued_on: dt.date


class NoticePage(Schema):
    count: int
    items: list[NoticeOut]


def _notice_out(n: DepositNotice) -> NoticeOut:
    return NoticeOut(
        number=n.number,
        kind=n.kind,
        status=n.status,
        unit=n.account.unit.code if n.account.unit else "",
        payer=n.payer,
        area=f"{n.area:.2f}",
        rate=f"{n.rate:.2f}" if n.rate is not None else None,
        amount=money(n.amount),
        amount_capitals=capitals(n.amount),
        issued_on=n.issued_on,
    )


@router.get("/notices", response=NoticePage, summary="Deposit notices (交存通知书)")
def list_notices(
    request: HttpRequest,
    paging: Query[Paging],
    status: Literal["issued", "paid", "cancelled"] | None = None,
    project: str = "",
    unit: str = "",
) -> NoticePage:
    check(request.user, MODULE, "view")
    notices = DepositNotice.objects.select_related("account__unit").order_by("-issued_on", "-id")
    if status:
        notices = notices.filter(status=status)
    if project:
        notices = notices.filter(account__project__code=project)
    if unit:
        notices = notices.filter(account__unit__code=unit)
    limit, offset = _page(paging.limit, paging.offset)
    return NoticePage(count=notices.count(), items=[_notice_out(n) for n in notices[offset : offset + limit]])


class NoticeIn(Schema):
    unit_code: str


@router.post(
    "/notices", response={200: NoticeOut, 400: dict[str, str]}, summary="Issue a first-deposit notice for one unit"
)
def issue_notice(request: HttpRequest, body: NoticeIn) -> object:
    check(request.user, MODULE, "handle")
    unit = get_object_or_404(Unit, code=body.unit_code)
    try:
        notice = deposits.issue_notice(actor(request), unit)
    except deposits.DepositError as exc:
        return Status(400, {"detail": str(exc)})
    return _notice_out(DepositNotice.objects.select_related("account__unit").get(pk=notice.pk))


class BatchIn(Schema):
    project_code: str


class BatchOut(Schema):
    issued: int
    total: str


@router.post(
    "/notices/batch",
    response={200: BatchOut, 400: dict[str, str]},
    summary="Issue first-deposit notices for every unit of a project not yet asked",
)
def issue_batch(request: HttpRequest, body: BatchIn) -> object:
    check(request.user, MODULE, "handle")
    project = get_object_or_404(Project, code=body.project_code)
    try:
        batch = deposits.issue_batch(actor(request), project)
    except deposits.DepositError as exc:
        return Status(400, {"detail": str(exc)})
    notices = list(batch.notices.all())
    return BatchOut(issued=len(notices), total=money(sum((n.amount for n in notices), Decimal(0))))
