"""Pages for the bank receipts: the receipts list and matching suspense (待查) by hand (the import is
`anju.core.imports_views.import_page` with `bank.ReceiptsImport`)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from anju.core.listing import export_xlsx, paginate, querystring_without_page
from anju.core.permissions import can, require
from anju.fund import bank, deposits
from anju.fund.models import Account, BankReceipt
from anju.registry.models import Unit

MODULE = "fund"
RECEIPT_HEADERS = ["交易流水号", "交易日期", "金额", "房屋编码", "付款人", "摘要", "状态", "入账房屋", "专户账号"]


def _export_requested(request: HttpRequest) -> bool:
    if request.GET.get("export") != "xlsx":
        return False
    if not can(request.user, MODULE, "export"):
        raise PermissionDenied
    return True


def _filtered(request: HttpRequest, receipts: QuerySet[BankReceipt]) -> QuerySet[BankReceipt]:
    q = request.GET.get("q", "").strip()
    if q:
        receipts = receipts.filter(
            Q(txn_id__icontains=q)
            | Q(unit_code__istartswith=q)
            | Q(payer__icontains=q)
            | Q(memo__icontains=q)
            | Q(unit_account__unit__code__istartswith=q)
        )
    start = parse_date(request.GET.get("from", "") or "")
    if start:
        receipts = receipts.filter(txn_date__gte=start)
    end = parse_date(request.GET.get("to", "") or "")
    if end:
        receipts = receipts.filter(txn_date__lte=end)
    number = request.GET.get("bank", "").strip()
    if number:
        receipts = receipts.filter(bank_account__bank_account_number=number)
    return receipts.order_by("-txn_date", "-pk")


def _export(request: HttpRequest, receipts: QuerySet[BankReceipt], filename: str, title: str) -> HttpResponse:
    rows = (
        [
            r.txn_id,
            r.txn_date,
            r.amount,
            r.unit_code,
            r.payer,
            r.memo,
            r.get_status_display(),
            r.unit_account.unit.code if r.unit_account and r.unit_account.unit else "",
            r.bank_account.bank_account_number,
        ]
        for r in receipts.iterator(chunk_size=2000)
    )
    return export_xlsx(request, filename=filename, title=title, headers=RECEIPT_HEADERS, rows=rows)


@require(MODULE, "view")
def receipts(request: HttpRequest) -> HttpResponse:
    rows = _filtered(request, BankReceipt.objects.select_related("unit_account__unit", "bank_account", "notice"))
    status = request.GET.get("status", "")
    if status:
        rows = rows.filter(status=status)
    if _export_requested(request):
        return _export(request, rows, "银行到账.xlsx", "银行到账")
    return render(
        request,
        "fund/bank_receipts.html",
        {
            "page": paginate(request, rows),
            "qs": querystring_without_page(request),
            "filters": request.GET,
            "statuses": BankReceipt.Status.choices,
            "banks": Account.objects.filter(kind=Account.Kind.BANK),
            "can_handle": can(request.user, MODULE, "handle"),
        },
    )


@require(MODULE, "view")
def suspense(request: HttpRequest) -> HttpResponse:
    rows = _filtered(
        request,
        BankReceipt.objects.filter(status=BankReceipt.Status.SUSPENSE).select_related("bank_account", "unit_account"),
    )
    if _export_requested(request):
        return _export(request, rows, "待查到账.xlsx", "待查到账")
    return render(
        request,
        "fund/bank_suspense.html",
        {
            "page": paginate(request, rows),
            "qs": querystring_without_page(request),
            "filters": request.GET,
            "can_handle": can(request.user, MODULE, "handle"),
            "suspense_account": Account.objects.filter(kind=Account.Kind.SUSPENSE).first(),
        },
    )


@require(MODULE, "handle")
def suspense_match(request: HttpRequest, pk: int) -> HttpResponse:
    receipt = get_object_or_404(BankReceipt, pk=pk)
    back = redirect("fund:suspense")
    if request.method != "POST":
        return back
    code = request.POST.get("unit", "").strip()
    if not code:
        messages.error(request, f"到账 {receipt.txn_id}：请填写房屋编码")
        return back
    unit = Unit.objects.filter(code=code).first()
    if unit is None:
        messages.error(request, f"到账 {receipt.txn_id}：房屋编码“{code}”不存在")
        return back
    try:
        bank.match_suspense(request.user, receipt, deposits.unit_account_of(unit))  # type: ignore[arg-type]
    except bank.MatchError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Receipt %(txn)s matched to %(unit)s.") % {"txn": receipt.txn_id, "unit": code})
    return back
