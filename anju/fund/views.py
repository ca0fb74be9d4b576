from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.dateparse import parse_date
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from anju.core.fields import MoneyField
from anju.core.links import reverse
from anju.core.listing import (
    ChoiceFilter,
    Column,
    DateRangeFilter,
    FlagFilter,
    HiddenFilter,
    Link,
    ListPage,
    Narrow,
    Search,
    Tag,
    TextFilter,
    choice_label,
    export_xlsx,
    label_of,
)
from anju.core.permissions import can, require
from anju.core.templatetags.anju import who
from anju.fund import kpis, queries, totals
from anju.fund.models import Account, JournalEntry, JournalLine
from anju.lib.ids import mask_id
from anju.lib.money import capitals
from anju.registry.models import Project

MODULE = "fund"


def _export_requested(request: HttpRequest) -> bool:
    if request.GET.get("export") != "xlsx":
        return False
    if not can(request.user, MODULE, "export"):
        raise PermissionDenied
    return True


@require(MODULE, "view")
def home(request: HttpRequest) -> HttpResponse:
    kept = totals.figures()
    fund_accounts = queries.fund_accounts().order_by("kind", "pk")
    recent = JournalEntry.objects.select_related("posted_by").order_by("-seq")[:15]
    return render(
        request,
        "fund/home.html",
        {
            "totals": queries.totals_of(kept.by_kind),
            "fund_accounts": fund_accounts,
            "recent": recent,
            "unit_accounts": kept.ledgers,
            "replenish": kept.replenish,
        },
    )


def fund_list(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    """A fund list: the fund's breadcrumb (unless the list names a longer trail) and tabs."""
    kwargs.setdefault("crumbs", [(_("Maintenance fund"), reverse("fund:home"))])
    return ListPage(module=MODULE, tabs="fund/_tabs.html", **kwargs).render(request)


def _kept_sums(wanted: dict[int, Column], kept: dict[str, Any]) -> dict[str, Any] | None:
    """The 合计 row's sums from the fund's kept figures (`anju.fund.totals`), if it has every total column's."""
    if not all(column.total is True and column.sort in kept for column in wanted.values()):
        return None
    return {f"c{index}": kept[str(column.sort)] for index, column in wanted.items()}


class _UnitLedgers(ListPage):
    """The unit ledger list. Unfiltered, its 合计 row is the unit ledgers' sums the fund keeps per version
    of the accounts (`anju.fund.totals`), not a sum over all the ledgers a view."""

    whole = False

    def _sums(self, queryset: QuerySet[Any], columns: Sequence[Column], sort: str | None) -> dict[str, Any] | None:
        wanted = self._total_columns(columns)
        if not (self.whole and self.totals and wanted):
            return super()._sums(queryset, columns, sort)
        kept = totals.figures()
        sums = _kept_sums(wanted, {"balance": kept.balance, "first_deposit": kept.first_deposit})
        if sums is None:
            sums = queries.unit_accounts().aggregate(**{f"c{i}": column.sum() for i, column in wanted.items()})
        return sums


@require(MODULE, "view")
def account_list(request: HttpRequest) -> HttpResponse:
    listing = _UnitLedgers(
        module=MODULE,
        tabs="fund/_tabs.html",
        crumbs=[(_("Maintenance fund"), reverse("fund:home"))],
        title=_("Unit ledgers"),
        tab="accounts",
        # The unit ledgers are the accounts with a unit (a check constraint: kind "unit" if and only if a
        # unit): joined to their units by that, not by the kind, the page reads the units' code index in
        # order and stops at its LIMIT, where a filter on the kind sorts all 250k ledgers first.
        queryset=queries.ledgers_by_unit_code().select_related("project"),
        columns=[
            Column(
                _("Unit code"),
                lambda a: (
                    Link(a.unit.code, reverse("fund:statement", args=[a.unit.code])),
                    Tag(_("Closed"), "delete") if a.closed else None,
                ),
                "unit__code",
                export_label="房屋编码",
                export_value=lambda a: a.unit.code if a.unit else "",
            ),
            Column(
                _("Project"),
                lambda a: a.project.name if a.project else "",
                "project__name",
                export_label="项目",
            ),
            Column(
                _("Floor area (m²)"), lambda a: a.unit.area if a.unit else "", "unit__area", export_label="建筑面积"
            ),
            Column(_("First deposit"), lambda a: a.first_deposit, "first_deposit", total=True, export_label="首期交存"),
            Column(_("Balance"), lambda a: a.balance, "balance", total=True, export_label="余额"),
        ],
        search=Search(hint=_("Unit code or project name"), apply=lambda qs, q: qs.filter(queries.ledgers_matching(q))),
        filters=[
            TextFilter("project", _("Project code"), "project__code"),
            HiddenFilter("building", lambda qs, number: qs.filter(building__number=number)),
            FlagFilter(
                "replenish",
                # The catalog holds this msgid as templates write it, with the percent sign doubled.
                _("Below 30%% of the first deposit") % {},
                apply=lambda qs, _v: qs.filter(pk__in=queries.replenishment_due().values("pk")),
            ),
        ],
        filename="分户账余额",
        sheet="分户账",
        empty=_("No ledgers match."),
    )
    listing.whole = not any(request.GET.get(name) for name in ("q", "project", "building", "replenish"))
    return listing.render(request)


@require(MODULE, "view")
def unit_statement(request: HttpRequest, code: str) -> HttpResponse:
    account = get_object_or_404(Account.objects.select_related("unit", "project", "building"), unit__code=code)
    start = parse_date(request.GET.get("from", "") or "")
    end = parse_date(request.GET.get("to", "") or "")
    opening, rows = queries.statement(account, start, end)
    owner = account.unit.current_ownership() if account.unit else None
    see_id = can(request.user, MODULE, "see_id")
    owner_id = ""
    if owner and owner.person:
        owner_id = owner.person.id_number if see_id else mask_id(owner.person.id_number)
    if _export_requested(request):
        # Money as numbers, dates as dates (a spreadsheet sums and sorts them); the opening balance first.
        data = [["", None, "期初余额", "", None, opening]] + [
            [r.seq, r.value_date, r.kind, r.memo, r.amount, r.balance] for r in rows
        ]
        return export_xlsx(
            request,
            filename=f"分户账明细-{code}.xlsx",
            title="分户账明细",
            headers=["凭证号", "日期", "类型", "摘要", "发生额", "余额"],
            rows=data,
        )
    return render(
        request,
        "fund/statement.html",
        {
            "account": account,
            "opening": opening,
            "rows": rows,
            "owner": owner,
            "owner_id": owner_id,
            "interest": queries.interest_total(account),
            "balance_capitals": capitals(account.balance),
            "filters": request.GET,
        },
    )


def _project_ledgers(field: str) -> Subquery:
    """A project's unit ledgers counted ("id") or summed (a money field), for the project of the outer row."""
    ledgers = queries.unit_accounts().filter(project=OuterRef("pk")).order_by().values("project")
    if field == "id":
        return Subquery(ledgers.annotate(n=Count("id")).values("n"), output_field=IntegerField())
    return Subquery(ledgers.annotate(s=Sum(field)).values("s"), output_field=MoneyField())


class _ProjectBalances(ListPage):
    """The 合计 row of the project list: one sum over the unit ledgers of the listed projects (not the
    per-project subqueries of every project); unsearched, all the ledgers with a project, whose sums the
    fund keeps per version of the accounts (`anju.fund.totals`)."""

    whole = False

    def _annotate_page(self, objects: list[Any], *, skip: str | None) -> None:
        """The page's projects' ledgers counted and summed by one grouped read of their ledgers (the three
        per-row subqueries read each project's ledgers three times: 17 → 10 ms on PostgreSQL)."""
        if not objects:
            return
        ledgers = queries.unit_totals_by("project", project__in=[obj.pk for obj in objects]).order_by()
        found = {row["project"]: row for row in ledgers}
        for obj in objects:
            row = found.get(obj.pk, {})
            for name in self.per_row:
                if name != skip:
                    setattr(obj, name, row.get(name))

    def _sums(self, queryset: QuerySet[Any], columns: Sequence[Column], sort: str | None) -> dict[str, Any] | None:
        wanted = self._total_columns(columns)
        if not (self.totals and wanted):
            return None
        sums = _kept_sums(wanted, totals.figures().in_projects) if self.whole else None
        if sums is None:
            ledgers = queries.unit_accounts().filter(project__in=queryset.order_by().values("pk"))
            sums = ledgers.aggregate(**{f"c{index}": column.sum() for index, column in wanted.items()})
        return sums


@require(MODULE, "view")
def project_balances(request: HttpRequest) -> HttpResponse:
    """Balances per project (项目), the level of the annual disclosure; each links to its buildings. The
    projects with unit ledgers, in code order; each shown project's ledgers counted and summed for the
    page's rows only (never the 250k ledgers grouped before the LIMIT)."""
    projects = Project.objects.filter(Exists(queries.unit_accounts().filter(project=OuterRef("pk"))))
    listing = _ProjectBalances(
        module=MODULE,
        tabs="fund/_tabs.html",
        crumbs=[(_("Maintenance fund"), reverse("fund:home"))],
        title=_("Balances by project"),
        tab="projects",
        queryset=projects.order_by("code"),
        per_row={
            "accounts": _project_ledgers("id"),
            "balance": _project_ledgers("balance"),
            "first_deposit": _project_ledgers("first_deposit"),
        },
        columns=[
            Column(
                _("Project code"),
                lambda r: Link(r.code, reverse("fund:project", args=[r.code])),
                "code",
                export_label="项目编码",
            ),
            Column(_("Project"), lambda r: r.name, "name", export_label="项目名称"),
            Column(_("Unit ledgers"), lambda r: r.accounts, "accounts", export_label="分户数"),
            Column(
                _("First deposit"),
                lambda r: r.first_deposit,
                "first_deposit",
                total=True,
                export_label="首期交存合计",
            ),
            Column(_("Balance"), lambda r: r.balance, "balance", total=True, export_label="余额合计"),
        ],
        search=Search(["code__istartswith", "name__icontains"], _("Project code or name")),
        filename="项目维修资金余额",
        sheet="项目余额",
        empty=_("No ledgers match."),
    )
    listing.whole = not request.GET.get("q", "").strip()
    return listing.render(request)


@require(MODULE, "view")
def building_balances(request: HttpRequest, code: str) -> HttpResponse:
    """Balances per building (幢) of one project."""
    project = get_object_or_404(Project, code=code)
    rows = (
        queries.unit_totals_by("building", project=project)
        .values("building", "building__number", "accounts", "balance", "first_deposit")
        .order_by("building__number")
    )
    total = queries.unit_totals_by("project", project=project).order_by("project").first()
    return render(request, "fund/building_balances.html", {"project": project, "rows": rows, "total": total})


def _bank_amount(entry: JournalEntry) -> object:
    return getattr(entry, "bank_amount", None) or ""


# A journal entry's source document as stored ("arrears_case:90"): the kind of record and the page that
# shows it. People read the kind, linked to the record (issue 19); the export keeps the stored reference.
DOCUMENT_KINDS: dict[str, tuple[Any, str | None]] = {
    "arrears_case": (_("Arrears case"), "arrears:case"),
    "refund": (_("Refund application"), "fund:refund"),
    "lift_policy": (_("Lift insurance policy"), "lifts:policy"),
    "use_application": (_("Use of the fund"), "fund:use"),
    "bank_receipt": (_("Bank receipt"), None),
}


def document_shown(document: str) -> object:
    """A stored document reference as people read it: a link to the record (or its kind), an interest
    allocation's year, the entry a reversal reverses; other documents (a bank's reference) as stored."""
    kind, _sep, ref = document.partition(":")
    if not ref.isdigit():
        return document
    if kind == "interest":
        return gettext("Interest allocation %(year)s") % {"year": ref}
    if kind == "reversal":
        return Link(gettext("Journal entry %(seq)s") % {"seq": ref}, reverse("fund:journal_entry", args=[int(ref)]))
    if kind not in DOCUMENT_KINDS:
        return document
    label, url_name = DOCUMENT_KINDS[kind]
    return Link(str(label), reverse(url_name, args=[int(ref)])) if url_name else str(label)


def _document(entry: JournalEntry) -> object:
    payment = getattr(entry, "use_payment", None)  # the reverse one-to-one raises when there is none
    if payment is not None:
        return Link(payment.application.number, reverse("fund:use", args=[payment.application.pk]))
    return document_shown(entry.document)


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
    return fund_list(
        request,
        title=_("Journal entries"),
        tab="journal",
        template="fund/journal.html",
        context={"kpi_title": title, "kpi_figure": figure},
        queryset=entries.select_related("use_payment__application", "posted_by").order_by("-seq"),
        # Each entry's special-account amount, summed over the shown entries' lines only (not over the
        # millions of lines of the whole journal before the LIMIT).
        per_row={
            "bank_amount": Sum(
                "lines__amount", filter=Q(lines__account__kind=Account.Kind.BANK), output_field=MoneyField()
            )
        },
        columns=[
            Column(
                _("No."),
                lambda e: Link(str(e.seq), reverse("fund:journal_entry", args=[e.seq])),
                "seq",
                export_label="凭证号",
                export_value=lambda e: e.seq,
                fields=["seq"],
            ),
            Column(
                _("Value date"), lambda e: e.value_date, "value_date", export_label="记账日期", fields=["value_date"]
            ),
            Column(
                _("Kind"),
                lambda e: label_of(e, "kind"),
                export_label="类型",
                fields=["kind"],
                from_fields=choice_label(JournalEntry.Kind.choices),
            ),
            Column(_("Memo"), lambda e: e.memo, export_label="摘要", fields=["memo"]),
            Column(
                _("Document"),
                _document,
                export_label="业务单据",
                export_value=lambda e: e.document,
                fields=["document"],
            ),
            Column(
                _("Special account"),
                lambda e: e.bank_amount,
                export_label="专户发生额",
                export_value=_bank_amount,
                fields=["bank_amount"],
                from_fields=lambda amount: amount or "",
            ),
            Column(
                _("Posted by"),
                lambda e: who(e.posted_by_name, e.posted_by),
                export_label="记账人",
                export_value=lambda e: e.posted_by_name,
                fields=["posted_by_name"],
            ),
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


def _line_account(line: JournalLine) -> object:
    account = line.account
    if account.unit is not None:
        return Link(account.unit.code, reverse("fund:statement", args=[account.unit.code]))
    if account.kind == Account.Kind.BANK:
        return f"{account.bank_name} {account.bank_account_number}".strip() or account.name
    return account.name or account.get_kind_display()


@require(MODULE, "view")
def journal_entry(request: HttpRequest, seq: int) -> HttpResponse:
    """One 记账凭证: who posted it and when, the source document, the entry it reverses or that reverses it, and
    its lines (paginated: an interest allocation has a line per unit)."""
    entry = get_object_or_404(JournalEntry.objects.select_related("reverses", "posted_by"), seq=seq)
    reversed_by = JournalEntry.objects.filter(reverses=entry).only("seq").first()
    lines = entry.lines.select_related("account__unit").order_by("id")
    return fund_list(
        request,
        title=_("Journal entry %(seq)s") % {"seq": entry.seq},
        tab="journal",
        template="fund/journal_entry.html",
        crumbs=[(_("Maintenance fund"), reverse("fund:home")), (_("Journal entries"), reverse("fund:journal"))],
        context={"entry": entry, "document": _document(entry), "reversed_by": reversed_by},
        queryset=lines,
        columns=[
            Column(
                _("Account"),
                _line_account,
                export_label="账户",
                export_value=lambda ln: ln.account.unit.code if ln.account.unit else ln.account.name,
            ),
            Column(_("Account kind"), lambda ln: label_of(ln.account, "kind"), export_label="账户类型"),
            Column(_("Debit side"), lambda ln: ln.amount if ln.amount > 0 else None, export_label="借方"),
            Column(_("Credit side"), lambda ln: -ln.amount if ln.amount < 0 else None, export_label="贷方"),
        ],
        filename=f"记账凭证{entry.seq}",
        sheet="分录明细",
        totals=False,
        table_id="entry-lines",
    )
