"""Pages for the bank statement import, the reconciliation and the annual disclosure."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.dateparse import parse_date

from anju.core.listing import export_xlsx
from anju.core.permissions import can, require
from anju.fund import queries
from anju.fund.models import Account
from anju.fund.reconcile import queries as reconcile_queries

MODULE = "fund"
ERRORS_SHOWN = 1000
PDF_TYPE = "application/pdf"


def _bank_accounts() -> list[Account]:
    return list(Account.objects.filter(kind=Account.Kind.BANK).order_by("pk"))


def _chosen_bank(request: HttpRequest, banks: list[Account]) -> Account | None:
    wanted = request.POST.get("bank") or request.GET.get("bank") or ""
    for bank in banks:
        if str(bank.pk) == wanted:
            return bank
    return banks[0] if len(banks) == 1 and not wanted else None


def _date_param(request: HttpRequest, name: str) -> dt.date | None:
    try:
        return parse_date(request.GET.get(name, "") or "")
    except ValueError:
        return None


@require(MODULE, "view")
def reconcile_view(request: HttpRequest) -> HttpResponse:
    banks = _bank_accounts()
    bank = _chosen_bank(request, banks) or (banks[0] if banks else None)
    context: dict[str, object] = {"banks": banks, "bank": bank, "totals": queries.fund_totals(), "filters": request.GET}
    if bank is None:
        return render(request, "fund/reconcile.html", context)
    start, end = reconcile_queries.default_range(bank)
    start = _date_param(request, "from") or start
    end = _date_param(request, "to") or end
    if end < start:
        start, end = end, start
    result = reconcile_queries.reconcile(bank, start, end)
    days = result.differing_days if request.GET.get("diff") else result.days
    if request.GET.get("export") == "xlsx":
        if not can(request.user, MODULE, "export"):
            raise PermissionDenied
        rows = [
            [
                r.day,
                r.bank_in,
                r.bank_out,
                r.bank_net,
                r.journal_in,
                r.journal_out,
                r.journal_net,
                r.difference,
                r.bank_closing,
                r.journal_closing,
                r.closing_difference,
            ]
            for r in days
        ]
        return export_xlsx(
            request,
            filename=f"对账-{bank.bank_account_number}-{start}-{end}.xlsx",
            title="银行对账",
            headers=[
                "日期",
                "银行收入",
                "银行支出",
                "银行净额",
                "账簿收入",
                "账簿支出",
                "账簿净额",
                "净额差异",
                "银行日终余额",
                "账簿日终余额",
                "余额差异",
            ],
            rows=rows,
            # The days' flows add up; the day-end balances do not.
            totals=[False, True, True, True, True, True, True, True, False, False, False],
        )
    context.update(result=result, days=days, start=start, end=end)
    return render(request, "fund/reconcile.html", context)
