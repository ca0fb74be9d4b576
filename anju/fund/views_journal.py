"""The journal (记账凭证) list: entries by kind, value-date range, account or project; the records behind
each fund KPI figure (?kpi=fund.disbursed&year=2023)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet, Sum
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from anju.core.fields import MoneyField
from anju.core.listing import ChoiceFilter, Column, DateRangeFilter, HiddenFilter, Link, Narrow, Search, TextFilter
from anju.core.permissions import require
from anju.fund import kpis
from anju.fund.models import Account, JournalEntry
from anju.fund.views import fund_list

MODULE = "fund"


def _bank_amount(entry: JournalEntry) -> object:
    return getattr(entry, "bank_amount", None) or ""


def _document(entry: JournalEntry) -> object:
    payment = getattr(entry, "use_payment", None)  # the reverse one-to-one raises when there is none
    if payment is not None:
        return Link(payment.application.number, reverse("fund:use", args=[payment.application.pk]))
    return entry.document


def _with_lines(lookup: str) -> Narrow:
    """Entries with a line matching `lookup`. A subquery, not a join: joined, the lines would be cut to
    the unit's own and the special account's amount would sum nothing."""

    def narrow(qs: QuerySet[Any], value: str) -> QuerySet[Any]:
        return qs.filter(pk__in=JournalEntry.objects.filter(**{lookup: value}).values("pk"))

    return narrow


@require(MODULE, "view")
def journal(request: HttpRequest) -> HttpResponse:
    code, year = request.GET.get("kpi", ""), request.GET.get("year", "")
    title, figure = "", None
    if code in kpis.BY_CODE and year.isdigit():
        entries = kpis.records(code, int(year))
        title = f"{kpis.BY_CODE[code].name} {year}"
        figure = kpis.BY_CODE[code].compute(int(year))
    else:
        entries = JournalEntry.objects.all()
    entries = entries.annotate(
        bank_amount=Sum("lines__amount", filter=Q(lines__account__kind=Account.Kind.BANK), output_field=MoneyField())
    ).select_related("use_payment__application")
    return fund_list(
        request,
        title=_("Journal entries"),
        tab="journal",
        template="fund/journal.html",
        context={"kpi_title": title, "kpi_figure": figure},
        queryset=entries.order_by("-seq"),
        columns=[
            Column(_("No."), lambda e: e.seq, "seq", export_label="凭证号"),
            Column(_("Value date"), lambda e: e.value_date, "value_date", export_label="记账日期"),
            Column(_("Kind"), lambda e: e.get_kind_display(), export_label="类型"),
            Column(_("Memo"), lambda e: e.memo, export_label="摘要"),
            Column(_("Document"), _document, export_label="业务单据", export_value=lambda e: e.document),
            Column(
                _("Special account"),
                lambda e: e.bank_amount,
                export_label="专户发生额",
                export_value=_bank_amount,
            ),
            Column(_("Posted by"), lambda e: e.posted_by_name, export_label="记账人"),
        ],
        search=Search(["memo__icontains", "document__icontains", "bank_txn_id"], _("Memo or document")),
        filters=[
            ChoiceFilter("kind", _("Kind"), JournalEntry.Kind.choices, everything=_("All kinds")),
            DateRangeFilter("value_date"),
            TextFilter("unit", _("Unit code"), apply=_with_lines("lines__account__unit__code")),
            TextFilter("project", _("Project code"), apply=_with_lines("lines__account__project__code")),
            HiddenFilter("kpi", lambda qs, _code: qs),
            HiddenFilter("year", lambda qs, _year: qs),
        ],
        filename="维修资金记账凭证",
        sheet="记账凭证",
        empty=_("No entries match."),
        table_id="journal-entries",
        # Millions of entries: the page counts them but sums nothing (the KPI figure above is the sum).
        totals=False,
    )
