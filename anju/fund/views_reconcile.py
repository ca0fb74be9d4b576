"""Pages for the bank statement import, the reconciliation and the annual disclosure."""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote

from django.core.exceptions import PermissionDenied
from django.db.models import Min
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone, translation
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from anju.core import audit
from anju.core.listing import client_ip, export_xlsx, xlsx_response
from anju.core.models import AuditEvent, User
from anju.core.permissions import can, require
from anju.fund import disclosure as disclosures
from anju.fund import queries, reconcile
from anju.fund.models import Account, JournalEntry
from anju.registry.models import Project

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
    start, end = reconcile.default_range(bank)
    start = _date_param(request, "from") or start
    end = _date_param(request, "to") or end
    if end < start:
        start, end = end, start
    result = reconcile.reconcile(bank, start, end)
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
        )
    context.update(result=result, days=days, start=start, end=end)
    return render(request, "fund/reconcile.html", context)


def _years() -> list[int]:
    first = JournalEntry.objects.aggregate(d=Min("value_date"))["d"]
    this_year = timezone.localdate().year
    return list(range(this_year, (first.year if first else this_year) - 1, -1))


def _year_param(request: HttpRequest) -> int:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return timezone.localdate().year - 1
    if not 1990 <= year <= timezone.localdate().year:
        return timezone.localdate().year - 1
    return year


@require(MODULE, "view")
def disclosure_view(request: HttpRequest) -> HttpResponse:
    projects = Project.objects.order_by("code").only("code", "name")
    code = request.GET.get("project", "").strip()
    year = _year_param(request)
    context: dict[str, object] = {"projects": projects, "code": code, "year": year, "years": _years()}
    if code:
        project = Project.objects.filter(code=code).first()
        if project is None:
            context["not_found"] = True
        else:
            context["d"] = disclosures.project_disclosure(project, year)
    return render(request, "fund/disclosure.html", context)


def _download(request: HttpRequest, code: str, year: int) -> disclosures.Disclosure:
    if not can(request.user, MODULE, "export"):
        raise PermissionDenied
    if not 1990 <= year <= timezone.localdate().year:
        raise Http404
    project = get_object_or_404(Project, code=code)
    return disclosures.project_disclosure(project, year)


def _audit_export(request: HttpRequest, name: str) -> None:
    actor: User = request.user  # type: ignore[assignment]
    audit.record(actor, AuditEvent.Action.EXPORT, model="年度公示", object_repr=name, ip=client_ip(request))


@require(MODULE, "view")
def disclosure_xlsx(request: HttpRequest, code: str, year: int) -> HttpResponse:
    d = _download(request, code, year)
    name = disclosures.filename(d, "xlsx")
    _audit_export(request, name)
    return xlsx_response(name, disclosures.xlsx_bytes(d))


@require(MODULE, "view")
def disclosure_pdf(request: HttpRequest, code: str, year: int) -> HttpResponse:
    d = _download(request, code, year)
    name = disclosures.filename(d, "pdf")
    with translation.override("zh-hans"):
        issuer = _("Housing Security Service Center")
    data = disclosures.pdf_bytes(d, issuer=issuer)
    _audit_export(request, name)
    response = HttpResponse(data, content_type=PDF_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response
