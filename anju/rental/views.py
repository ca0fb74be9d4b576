"""List pages of public rental housing: each with search, filters, pagination and .xlsx export.

Every list is described once (columns, filters, the row) and rendered by one template; the same row
function feeds the .xlsx export, so the page and the file cannot disagree."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import F, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from anju.core.listing import export_xlsx, paginate, querystring_without_page
from anju.core.permissions import can, require
from anju.lib.ids import mask_id
from anju.rental import queries, rules
from anju.rental.models import (
    Category,
    Draw,
    Exit,
    Filing,
    Household,
    Inspection,
    Kind,
    Lease,
    Payment,
    RentalUnit,
    RentBill,
    RentRate,
    Repair,
    Review,
)

MODULE = "rental"


@dataclass(frozen=True)
class Link:
    text: Any
    url: str

    def __str__(self) -> str:
        return str(self.text)


@dataclass(frozen=True)
class Tag:
    """A status shown as a coloured tag; exported as its label."""

    text: Any
    css: str

    def __str__(self) -> str:
        return str(self.text)


@dataclass(frozen=True)
class Filter:
    name: str
    label: str | Promise
    options: Sequence[tuple[str, Any]]


def _year_options() -> list[tuple[str, str]]:
    this = timezone.localdate().year
    return [(str(y), str(y)) for y in range(this, 2018, -1)]


def _param(request: HttpRequest, name: str) -> str:
    return request.GET.get(name, "").strip()


def _year(request: HttpRequest) -> int | None:
    value = _param(request, "year")
    return int(value) if value.isdigit() and 1990 < int(value) < 2200 else None


def _date(request: HttpRequest, name: str) -> dt.date | None:
    try:
        return parse_date(_param(request, name))
    except ValueError:
        return None


def _see_id(request: HttpRequest) -> bool:
    return can(request.user, MODULE, "see_id")


def _export_value(cell: Any) -> Any:
    if isinstance(cell, Link | Tag):
        return str(cell.text)
    if isinstance(cell, Decimal | int | dt.date) or cell is None:
        return cell
    return str(cell)


def display(cell: Any) -> dict[str, Any]:
    """A cell as the list template shows it: text, an optional link or tag, numbers right-aligned."""
    if isinstance(cell, Link):
        return {"text": cell.text, "url": cell.url}
    if isinstance(cell, Tag):
        return {"text": cell.text, "css": cell.css}
    if isinstance(cell, Decimal):
        return {"text": f"{cell:,.2f}", "num": True}
    if isinstance(cell, int) and not isinstance(cell, bool):
        return {"text": cell, "num": True}
    if isinstance(cell, dt.date):
        return {"text": cell.isoformat()}
    return {"text": "" if cell is None else cell}


def list_page(
    request: HttpRequest,
    *,
    title: str | Promise,
    tab: str,
    queryset: QuerySet[Any],
    headers: Sequence[str | Promise],
    row: Callable[[Any], list[Any]],
    filters: Sequence[Filter] = (),
    search_hint: str | Promise = "",
    filename: str,
    actions: Sequence[tuple[str | Promise, str]] = (),
    note: str | Promise = "",
) -> HttpResponse:
    if request.GET.get("export") == "xlsx":
        if not can(request.user, MODULE, "export"):
            raise PermissionDenied
        rows = ([_export_value(c) for c in row(obj)] for obj in queryset.iterator(chunk_size=2000))
        return export_xlsx(
            request, filename=f"{filename}.xlsx", title=filename, headers=[str(h) for h in headers], rows=rows
        )
    page = paginate(request, queryset)
    return render(
        request,
        "rental/list.html",
        {
            "title": title,
            "tab": tab,
            "headers": headers,
            "rows": [[display(c) for c in row(obj)] for obj in page.object_list],
            "page": page,
            "qs": querystring_without_page(request),
            "filters": [(f, _param(request, f.name)) for f in filters],
            "q": _param(request, "q"),
            "search_hint": search_hint,
            "actions": actions,
            "note": note,
        },
    )


def _search(qs: QuerySet[Any], request: HttpRequest, *fields: str) -> QuerySet[Any]:
    q = _param(request, "q")
    if not q:
        return qs
    cond = Q()
    for name in fields:
        cond |= Q(**{name: q})
    return qs.filter(cond)


def _choice(qs: QuerySet[Any], request: HttpRequest, name: str, field: str, values: Iterable[str]) -> QuerySet[Any]:
    value = _param(request, name)
    return qs.filter(**{field: value}) if value in set(values) else qs


def _can_handle(request: HttpRequest) -> bool:
    return can(request.user, MODULE, "handle")


KIND_FILTER = Filter("kind", _("Kind"), Kind.choices)
YEAR_FILTER_LABEL = _("Year")


# --- units ------------------------------------------------------------------------------------------


@require(MODULE, "view")
def unit_list(request: HttpRequest) -> HttpResponse:
    qs = RentalUnit.objects.select_related("unit__project").order_by("unit__code")
    qs = _search(qs, request, "unit__code__istartswith", "unit__project__name__icontains")
    qs = _choice(qs, request, "kind", "kind", Kind.values)
    qs = _choice(qs, request, "state", "state", RentalUnit.State.values)
    estates = [
        (p, n) for p, n in RentalUnit.objects.values_list("unit__project__code", "unit__project__name").distinct()
    ]
    qs = _choice(qs, request, "estate", "unit__project__code", [p for p, _n in estates])

    def row(ru: RentalUnit) -> list[Any]:
        return [
            Link(ru.unit.code, reverse("rental:unit", args=[ru.pk])),
            ru.unit.project.name,
            ru.get_kind_display(),
            ru.unit.area,
            Tag(ru.get_state_display(), ru.state),
            ru.state_since,
        ]

    return list_page(
        request,
        title=_("Homes and shops"),
        tab="units",
        queryset=qs,
        headers=[_("Unit code"), _("Estate"), _("Kind"), _("Area (m²)"), _("State"), _("Since")],
        row=row,
        filters=[
            Filter("estate", _("Estate"), estates),
            KIND_FILTER,
            Filter("state", _("State"), RentalUnit.State.choices),
        ],
        search_hint=_("Unit code or estate"),
        filename="公租房房源",
    )


# --- households -------------------------------------------------------------------------------------


@require(MODULE, "view")
def household_list(request: HttpRequest) -> HttpResponse:
    qs = Household.objects.select_related("applicant")
    see_id = _see_id(request)
    # Finding a household by its exact ID number would reveal the number to a role that sees it masked.
    by_id = ("applicant__id_number__iexact",) if see_id else ()
    qs = _search(qs, request, "number__istartswith", "applicant__name__icontains", *by_id)
    qs = _choice(qs, request, "status", "status", Household.Status.values)
    qs = _choice(qs, request, "category", "category", Category.values)
    waiting = _param(request, "status") == Household.Status.WAITING
    qs = qs.order_by("waiting_since", "number") if waiting else qs.order_by("-applied_on", "-number")

    def row(h: Household) -> list[Any]:
        number = h.applicant.id_number
        return [
            Link(h.number, reverse("rental:household", args=[h.pk])),
            h.applicant.name,
            number if see_id else mask_id(number),
            h.get_category_display(),
            h.members_count,
            h.monthly_income,
            h.applied_on,
            Tag(h.get_status_display(), h.status),
            h.waiting_since,
        ]

    actions = [(_("New application"), reverse("rental:household_create"))] if _can_handle(request) else []
    return list_page(
        request,
        title=_("Waiting list") if waiting else _("Tenant households"),
        tab="waiting" if waiting else "households",
        queryset=qs,
        headers=[
            _("Household number"),
            _("Applicant"),
            _("ID number"),
            _("Category"),
            _("Household size"),
            _("Monthly income per person"),
            _("Applied on"),
            _("Status"),
            _("Waiting since"),
        ],
        row=row,
        filters=[
            Filter("status", _("Status"), Household.Status.choices),
            Filter("category", _("Category"), Category.choices),
        ],
        search_hint=_("Household number, name or ID number"),
        filename="轮候家庭" if waiting else "承租家庭",
        actions=actions,
        note=_("The waiting list is in order of the eligibility decision.") if waiting else "",
    )


# --- draws ------------------------------------------------------------------------------------------


@require(MODULE, "view")
def draw_list(request: HttpRequest) -> HttpResponse:
    qs = _search(Draw.objects.all(), request, "number__istartswith", "seed__icontains")

    def row(d: Draw) -> list[Any]:
        won = sum(1 for p in d.result if p.get("unit"))
        return [
            Link(d.number, reverse("rental:draw", args=[d.pk])),
            d.draw_on,
            Tag(d.get_status_display(), d.status),
            d.seed,
            len(d.households),
            len(d.units),
            won,
        ]

    actions = [(_("New draw"), reverse("rental:draw_create"))] if _can_handle(request) else []
    return list_page(
        request,
        title=_("Lottery draws"),
        tab="draws",
        queryset=qs,
        headers=[
            _("Draw number"),
            _("Draw date"),
            _("Status"),
            _("Published seed"),
            _("Tenant households"),
            _("Homes"),
            _("Allocated"),
        ],
        row=row,
        search_hint=_("Draw number or seed"),
        filename="公租房摇号",
        actions=actions,
    )


# --- leases -----------------------------------------------------------------------------------------


@require(MODULE, "view")
def lease_list(request: HttpRequest) -> HttpResponse:
    qs = Lease.objects.select_related("rental_unit__unit", "household")
    qs = _search(qs, request, "number__istartswith", "tenant_name__icontains", "rental_unit__unit__code__istartswith")
    qs = _choice(qs, request, "kind", "kind", Kind.values)
    qs = _choice(qs, request, "status", "status", Lease.Status.values)
    qs = _choice(qs, request, "category", "category", Category.values)
    in_force = _date(request, "in_force")
    if in_force is not None:
        qs = qs.filter(pk__in=queries.leases_in_force(in_force, _param(request, "kind") or Kind.HOME).values("pk"))
    new_in = _param(request, "new_in")
    if new_in.isdigit():
        qs = qs.filter(pk__in=queries.new_allocations(int(new_in)).values("pk"))
    past_term = _date(request, "past_term")
    if past_term is not None:
        qs = qs.filter(pk__in=queries.past_term(past_term).values("pk"))

    def row(lease: Lease) -> list[Any]:
        return [
            Link(lease.number, reverse("rental:lease", args=[lease.pk])),
            lease.get_kind_display(),
            lease.rental_unit.unit.code,
            lease.tenant_name,
            lease.get_category_display(),
            lease.area,
            lease.monthly_rent,
            lease.start,
            lease.ended_on or lease.end,
            Tag(lease.get_status_display(), lease.status),
        ]

    actions = [(_("New lease"), reverse("rental:lease_create"))] if _can_handle(request) else []
    return list_page(
        request,
        title=_("Leases"),
        tab="leases",
        queryset=qs.order_by("-start", "-pk"),
        headers=[
            _("Lease number"),
            _("Kind"),
            _("Unit code"),
            _("Tenant"),
            _("Category"),
            _("Area (m²)"),
            _("Monthly rent"),
            _("Start"),
            _("End"),
            _("Status"),
        ],
        row=row,
        filters=[
            KIND_FILTER,
            Filter("status", _("Status"), Lease.Status.choices),
            Filter("category", _("Category"), Category.choices),
        ],
        search_hint=_("Lease number, tenant or unit code"),
        filename="租赁合同",
        actions=actions,
    )


# --- rent -------------------------------------------------------------------------------------------


@require(MODULE, "view")
def bill_list(request: HttpRequest) -> HttpResponse:
    qs = RentBill.objects.select_related("lease")
    qs = _search(qs, request, "lease__number__istartswith", "lease__tenant_name__icontains")
    qs = _choice(qs, request, "kind", "kind", Kind.values)
    year = _year(request)
    if year:
        qs = qs.filter(month__year=year)
    month = _param(request, "month")
    if month:
        try:
            qs = qs.filter(month=rules.parse_month(month))
        except ValueError:
            pass
    if _param(request, "unpaid"):
        qs = qs.filter(paid__lt=F("amount"))

    def row(b: RentBill) -> list[Any]:
        return [
            Link(b.lease.number, reverse("rental:lease", args=[b.lease_id])),
            b.lease.tenant_name,
            b.get_kind_display(),
            f"{b.month:%Y-%m}",
            b.due,
            b.amount,
            b.paid,
            b.amount - b.paid,
        ]

    actions = [(_("Bill a month"), reverse("rental:bill_run"))] if _can_handle(request) else []
    return list_page(
        request,
        title=_("Rent bills"),
        tab="bills",
        queryset=qs.order_by("-month", "lease__number"),
        headers=[
            _("Lease number"),
            _("Tenant"),
            _("Kind"),
            _("Month"),
            _("Due date"),
            _("Amount"),
            pgettext_lazy("rental", "Paid"),
            _("Owed"),
        ],
        row=row,
        filters=[
            Filter("year", YEAR_FILTER_LABEL, _year_options()),
            KIND_FILTER,
            Filter("unpaid", _("Unpaid"), [("1", _("Unpaid only"))]),
        ],
        search_hint=_("Lease number or tenant"),
        filename="租金账单",
        actions=actions,
    )


@require(MODULE, "view")
def payment_list(request: HttpRequest) -> HttpResponse:
    qs = Payment.objects.select_related("lease")
    qs = _search(qs, request, "lease__number__istartswith", "lease__tenant_name__icontains", "bank_txn__iexact")
    qs = _choice(qs, request, "kind", "kind", Kind.values)
    qs = _choice(qs, request, "channel", "channel", Payment.Channel.values)
    year = _year(request)
    if year:
        qs = qs.filter(paid_on__year=year)

    def row(p: Payment) -> list[Any]:
        return [
            p.paid_on,
            Link(p.lease.number, reverse("rental:lease", args=[p.lease_id])),
            p.lease.tenant_name,
            p.get_kind_display(),
            p.get_channel_display(),
            p.bank_txn or "",
            p.amount,
        ]

    actions = [(_("Import bank file"), reverse("rental:payment_import"))] if _can_handle(request) else []
    return list_page(
        request,
        title=_("Rent payments"),
        tab="payments",
        queryset=qs.order_by("-paid_on", "-pk"),
        headers=[
            pgettext_lazy("rental", "Paid on"),
            _("Lease number"),
            _("Tenant"),
            _("Kind"),
            _("Channel"),
            _("Bank transaction id"),
            _("Amount"),
        ],
        row=row,
        filters=[
            Filter("year", YEAR_FILTER_LABEL, _year_options()),
            KIND_FILTER,
            Filter("channel", _("Channel"), Payment.Channel.choices),
        ],
        search_hint=_("Lease number, tenant or bank transaction id"),
        filename="租金缴款",
        actions=actions,
    )


@require(MODULE, "view")
def arrears_list(request: HttpRequest) -> HttpResponse:
    as_of = _date(request, "as_of") or timezone.localdate()
    qs: QuerySet[Any] = queries.arrears_by_lease(as_of)  # annotated: owed, oldest_due, bills_owed, last_reminder
    qs = _search(qs, request, "number__istartswith", "tenant_name__icontains", "rental_unit__unit__code__istartswith")
    qs = _choice(qs, request, "kind", "kind", Kind.values)
    age = _param(request, "age")
    if age in rules.AGEING_BUCKETS:
        # By the oldest unpaid bill: days past due = as_of - due.
        low, high = {"0-30": (0, 30), "31-90": (31, 90), "91-180": (91, 180), ">180": (181, None)}[age]
        qs = qs.filter(oldest_due__lte=as_of - dt.timedelta(days=low))
        if high is not None:
            qs = qs.filter(oldest_due__gte=as_of - dt.timedelta(days=high))

    def row(lease: Any) -> list[Any]:
        days = (as_of - lease.oldest_due).days
        return [
            Link(lease.number, reverse("rental:lease", args=[lease.pk])),
            lease.tenant_name,
            lease.rental_unit.unit.code,
            lease.bills_owed,
            lease.owed,
            lease.oldest_due,
            rules.ageing_bucket(days),
            lease.last_reminder,
        ]

    return list_page(
        request,
        title=_("Arrears"),
        tab="arrears",
        queryset=qs,
        headers=[
            _("Lease number"),
            _("Tenant"),
            _("Unit code"),
            _("Bills owed"),
            _("Owed"),
            _("Oldest due date"),
            _("Age (days)"),
            _("Last reminder"),
        ],
        row=row,
        filters=[KIND_FILTER, Filter("age", _("Age (days)"), [(b, b) for b in rules.AGEING_BUCKETS])],
        search_hint=_("Lease number, tenant or unit code"),
        filename="租金欠缴",
        note=_("Bills past their due date (the last day of the month) and not fully paid, as of %(day)s.")
        % {"day": as_of.isoformat()},
    )


# --- reviews, inspections, exits, repairs, filings -------------------------------------------------


@require(MODULE, "view")
def review_list(request: HttpRequest) -> HttpResponse:
    qs = Review.objects.select_related("household__applicant")
    qs = _search(qs, request, "household__number__istartswith", "household__applicant__name__icontains")
    year = _year(request)
    if year:
        qs = qs.filter(year=year)
    qs = _choice(qs, request, "outcome", "outcome", Review.Outcome.values)
    if _param(request, "done"):
        qs = qs.exclude(outcome=Review.Outcome.DUE)

    def row(r: Review) -> list[Any]:
        return [
            r.year,
            Link(r.household.number, reverse("rental:household", args=[r.household_id])),
            r.household.applicant.name,
            Tag(r.get_outcome_display(), r.outcome),
            r.reviewed_on,
            r.note,
        ]

    return list_page(
        request,
        title=_("Annual reviews"),
        tab="reviews",
        queryset=qs.order_by("-year", "household__number"),
        headers=[_("Year"), _("Household number"), _("Applicant"), _("Outcome"), _("Reviewed on"), _("Note")],
        row=row,
        filters=[
            Filter("year", YEAR_FILTER_LABEL, _year_options()),
            Filter("outcome", _("Outcome"), Review.Outcome.choices),
        ],
        search_hint=_("Household number or applicant"),
        filename="年审",
    )


@require(MODULE, "view")
def inspection_list(request: HttpRequest) -> HttpResponse:
    qs = Inspection.objects.select_related("household__applicant", "lease__rental_unit__unit")
    qs = _search(qs, request, "household__number__istartswith", "household__applicant__name__icontains", "inspector")
    year = _year(request)
    if year:
        qs = qs.filter(visited_on__year=year)
    qs = _choice(qs, request, "visit", "visit", Inspection.Visit.values)
    qs = _choice(qs, request, "finding", "finding", Inspection.Finding.values)

    def row(i: Inspection) -> list[Any]:
        return [
            i.visited_on,
            i.get_visit_display(),
            Link(i.household.number, reverse("rental:household", args=[i.household_id])),
            i.household.applicant.name,
            i.lease.rental_unit.unit.code,
            Tag(i.get_finding_display(), i.finding),
            i.inspector,
            i.note,
        ]

    actions = [(_("Record a visit"), reverse("rental:inspection_create"))] if _can_handle(request) else []
    return list_page(
        request,
        title=_("Home inspections"),
        tab="inspections",
        queryset=qs.order_by("-visited_on", "-pk"),
        headers=[
            _("Visited on"),
            _("Visit"),
            _("Household number"),
            _("Applicant"),
            _("Unit code"),
            _("Finding"),
            _("Inspector"),
            _("Note"),
        ],
        row=row,
        filters=[
            Filter("year", YEAR_FILTER_LABEL, _year_options()),
            Filter("visit", _("Visit"), Inspection.Visit.choices),
            Filter("finding", _("Finding"), Inspection.Finding.choices),
        ],
        search_hint=_("Household number, applicant or inspector"),
        filename="入户调查",
        actions=actions,
    )


@require(MODULE, "view")
def exit_list(request: HttpRequest) -> HttpResponse:
    qs = Exit.objects.select_related("household__applicant", "lease__rental_unit__unit")
    qs = _search(
        qs, request, "number__istartswith", "household__number__istartswith", "household__applicant__name__icontains"
    )
    qs = _choice(qs, request, "status", "status", Exit.Status.values)
    qs = _choice(qs, request, "reason", "reason", Exit.Reason.values)
    year = _year(request)
    if year:
        qs = (
            qs.filter(completed_on__year=year)
            if _param(request, "status") == "completed"
            else qs.filter(notice_on__year=year)
        )
    if _param(request, "forced"):
        qs = qs.filter(forced=True)

    def row(e: Exit) -> list[Any]:
        return [
            Link(e.number, reverse("rental:exit", args=[e.pk])),
            e.household.applicant.name,
            e.lease.rental_unit.unit.code,
            e.get_reason_display(),
            e.notice_on,
            e.deadline,
            _("Yes") if e.forced else "",
            Tag(e.get_status_display(), e.status),
            e.completed_on,
        ]

    return list_page(
        request,
        title=_("Exits"),
        tab="exits",
        queryset=qs.order_by("-notice_on", "-pk"),
        headers=[
            _("Exit number"),
            _("Applicant"),
            _("Unit code"),
            _("Reason"),
            _("Notice served on"),
            _("Move out by"),
            _("Forced"),
            _("Status"),
            _("Completed on"),
        ],
        row=row,
        filters=[
            Filter("year", YEAR_FILTER_LABEL, _year_options()),
            Filter("status", _("Status"), Exit.Status.choices),
            Filter("reason", _("Reason"), Exit.Reason.choices),
            Filter("forced", _("Forced"), [("1", _("Forced exits only"))]),
        ],
        search_hint=_("Exit number, household number or name"),
        filename="清退",
    )


@require(MODULE, "view")
def repair_list(request: HttpRequest) -> HttpResponse:
    qs = Repair.objects.select_related("rental_unit__unit")
    qs = _search(qs, request, "number__istartswith", "rental_unit__unit__code__istartswith", "vendor__icontains")
    status = _param(request, "status")
    if status == "open":
        qs = qs.exclude(status=Repair.Status.DONE)
    else:
        qs = _choice(qs, request, "status", "status", Repair.Status.values)
    year = _year(request)
    if year:
        qs = qs.filter(completed_on__year=year) if status == Repair.Status.DONE else qs.filter(reported_on__year=year)

    def row(r: Repair) -> list[Any]:
        return [
            Link(r.number, reverse("rental:repair", args=[r.pk])),
            r.rental_unit.unit.code,
            r.reported_on,
            r.description,
            r.vendor,
            Tag(r.get_status_display(), r.status),
            r.completed_on,
            r.cost,
        ]

    actions = [(_("New work order"), reverse("rental:repair_create"))] if _can_handle(request) else []
    return list_page(
        request,
        title=_("Repairs"),
        tab="repairs",
        queryset=qs.order_by("-reported_on", "-pk"),
        headers=[
            _("Work order"),
            _("Unit code"),
            _("Reported on"),
            pgettext_lazy("rental", "Description"),
            _("Vendor"),
            _("Status"),
            _("Completed on"),
            pgettext_lazy("rental", "Cost"),
        ],
        row=row,
        filters=[
            Filter("year", YEAR_FILTER_LABEL, _year_options()),
            Filter("status", _("Status"), [("open", _("Open")), *Repair.Status.choices]),
        ],
        search_hint=_("Work order, unit code or vendor"),
        filename="维修工单",
        actions=actions,
    )


@require(MODULE, "view")
def filing_list(request: HttpRequest) -> HttpResponse:
    qs = _search(
        Filing.objects.all(),
        request,
        "number__istartswith",
        "lessor__icontains",
        "lessee__icontains",
        "address__icontains",
    )
    year = _year(request)
    if year:
        qs = qs.filter(filed_on__year=year)
    see_id = _see_id(request)

    def row(f: Filing) -> list[Any]:
        return [
            Link(f.number, reverse("rental:filing", args=[f.pk])),
            f.filed_on,
            f.lessor,
            f.lessor_id if see_id else mask_id(f.lessor_id),
            f.lessee,
            f.lessee_id if see_id else mask_id(f.lessee_id),
            f.address,
            f.area,
            f"{f.start} ~ {f.end}",
            f.monthly_rent,
        ]

    actions = [(_("New filing"), reverse("rental:filing_create"))] if _can_handle(request) else []
    return list_page(
        request,
        title=_("Rental filings"),
        tab="filings",
        queryset=qs.order_by("-filed_on", "-pk"),
        headers=[
            _("Filing number"),
            _("Filed on"),
            _("Lessor"),
            _("Lessor ID number"),
            _("Lessee"),
            _("Lessee ID number"),
            pgettext_lazy("rental", "Address"),
            _("Area (m²)"),
            _("Lease term"),
            _("Monthly rent"),
        ],
        row=row,
        filters=[Filter("year", YEAR_FILTER_LABEL, _year_options())],
        search_hint=_("Filing number, lessor, lessee or address"),
        filename="房屋租赁备案",
        actions=actions,
    )


@require(MODULE, "view")
def rate_list(request: HttpRequest) -> HttpResponse:
    qs = _choice(RentRate.objects.all(), request, "kind", "kind", Kind.values)

    def row(r: RentRate) -> list[Any]:
        effective = rules.monthly_rent(Decimal(1), r.per_m2, r.reduction_percent)
        return [
            r.get_kind_display(),
            r.get_category_display(),
            r.per_m2,
            r.reduction_percent,
            effective,
            r.valid_from,
            r.note,
        ]

    actions = [(_("New rent standard"), reverse("rental:rate_create"))] if _can_handle(request) else []
    return list_page(
        request,
        title=_("Rent standards"),
        tab="rates",
        queryset=qs.order_by("kind", "category", "-valid_from"),
        headers=[
            _("Kind"),
            _("Category"),
            _("Rent per m² per month"),
            _("Reduction (%)"),
            _("Rent per m² after reduction"),
            _("Valid from"),
            _("Note"),
        ],
        row=row,
        filters=[KIND_FILTER],
        filename="租金标准",
        actions=actions,
        note=_(
            "A lease's monthly rent is fixed at signing: area × the rate in force on its start date × (1 − reduction)."
        ),
    )
