"""The journal (记账凭证) list: entries by kind, value-date range, account or project; the records behind
each fund KPI figure (?kpi=fund.disbursed&year=2023)."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.dateparse import parse_date

from anju.core.fields import MoneyField
from anju.core.listing import export_xlsx, paginate, querystring_without_page
from anju.core.permissions import can, require
from anju.fund import kpis
from anju.fund.models import Account, JournalEntry

MODULE = "fund"


def _entries(request: HttpRequest) -> tuple[QuerySet[JournalEntry], str, Decimal | None]:
    """The filtered entries and, for a KPI's records, the KPI's name and figure."""
    code = request.GET.get("kpi", "")
    year = request.GET.get("year", "")
    title, figure = "", None
    if code in kpis.BY_CODE and year.isdigit():
        entries = kpis.records(code, int(year))
        title = f"{kpis.BY_CODE[code].name} {year}"
        figure = kpis.BY_CODE[code].compute(int(year))
    else:
        entries = JournalEntry.objects.all()
    kind = request.GET.get("kind", "")
    if kind in JournalEntry.Kind.values:
        entries = entries.filter(kind=kind)
    start = parse_date(request.GET.get("from", "") or "")
    if start:
        entries = entries.filter(value_date__gte=start)
    end = parse_date(request.GET.get("to", "") or "")
    if end:
        entries = entries.filter(value_date__lte=end)
    unit = request.GET.get("unit", "").strip()
    if unit:
        # A subquery, not a join: joined, the lines would be cut to the unit's own and the special
        # account's amount below would sum nothing.
        entries = entries.filter(pk__in=JournalEntry.objects.filter(lines__account__unit__code=unit).values("pk"))
    project = request.GET.get("project", "").strip()
    if project:
        entries = entries.filter(pk__in=JournalEntry.objects.filter(lines__account__project__code=project).values("pk"))
    q = request.GET.get("q", "").strip()
    if q:
        entries = entries.filter(Q(memo__icontains=q) | Q(document__icontains=q) | Q(bank_txn_id=q))
    entries = entries.annotate(
        bank_amount=Sum("lines__amount", filter=Q(lines__account__kind=Account.Kind.BANK), output_field=MoneyField())
    ).select_related("use_payment__application")
    return entries.order_by("-seq"), title, figure


def _bank_amount(entry: JournalEntry) -> object:
    return getattr(entry, "bank_amount", None) or ""


@require(MODULE, "view")
def journal(request: HttpRequest) -> HttpResponse:
    entries, title, figure = _entries(request)
    if request.GET.get("export") == "xlsx":
        if not can(request.user, MODULE, "export"):
            raise PermissionDenied
        rows = (
            [e.seq, e.value_date, e.get_kind_display(), e.memo, e.document, _bank_amount(e), e.posted_by_name]
            for e in entries.iterator(chunk_size=2000)
        )
        return export_xlsx(
            request,
            filename="维修资金记账凭证.xlsx",
            title="记账凭证",
            headers=["凭证号", "记账日期", "类型", "摘要", "业务单据", "专户发生额", "记账人"],
            rows=rows,
        )
    return render(
        request,
        "fund/journal.html",
        {
            "page": paginate(request, entries),
            "qs": querystring_without_page(request),
            "filters": request.GET,
            "kinds": JournalEntry.Kind.choices,
            "kpi_title": title,
            "kpi_figure": figure,
        },
    )
