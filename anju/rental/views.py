"""List pages of public rental housing, each a `ListPage` (search, filters, sortable columns, pages, the
合计 row and the .xlsx export from the same columns), and the batch reminders for leases in arrears."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.db.models import F, QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_POST

from anju.core.listing import (
    Action,
    BatchAction,
    ChoiceFilter,
    Column,
    HiddenFilter,
    IdColumn,
    Link,
    ListPage,
    Search,
    Tag,
    YearFilter,
    back_to_list,
    selected_ids,
    valid_date,
    valid_int,
)
from anju.core.permissions import actor, require
from anju.rental import actions, queries, rules
from anju.rental.errors import RentalError
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
KIND_FILTER = ChoiceFilter("kind", _("Kind"), Kind.choices)


def _list(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    """A rental list: the module's breadcrumb and tabs around the declared list."""
    page = ListPage(
        module=MODULE, crumbs=[(_("Public rental housing"), reverse("rental:home"))], tabs="rental/_tabs.html", **kwargs
    )
    return page.render(request)


def _param(request: HttpRequest, name: str) -> str:
    return request.GET.get(name, "").strip()


# --- units ------------------------------------------------------------------------------------------


@require(MODULE, "view")
def unit_list(request: HttpRequest) -> HttpResponse:
    estates = [
        (p, n) for p, n in RentalUnit.objects.values_list("unit__project__code", "unit__project__name").distinct()
    ]
    return _list(
        request,
        title=_("Homes and shops"),
        tab="units",
        queryset=RentalUnit.objects.select_related("unit__project").order_by("unit__code"),
        columns=[
            Column(_("Unit code"), lambda ru: Link(ru.unit.code, reverse("rental:unit", args=[ru.pk])), "unit__code"),
            Column(_("Estate"), lambda ru: ru.unit.project.name, "unit__project__name"),
            Column(_("Kind"), lambda ru: ru.get_kind_display(), "kind"),
            Column(_("Area (m²)"), lambda ru: ru.unit.area, "unit__area"),
            Column(_("State"), lambda ru: Tag(ru.get_state_display(), ru.state), "state"),
            Column(_("Since"), lambda ru: ru.state_since, "state_since"),
        ],
        search=Search(
            ["unit__code__istartswith", "unit__project__name__icontains"],
            _("Unit code or estate"),
            initials=["unit__project__initials"],
        ),
        filters=[
            ChoiceFilter("estate", _("Estate"), estates, field="unit__project__code"),
            KIND_FILTER,
            ChoiceFilter("state", _("State"), RentalUnit.State.choices),
        ],
        filename="公租房房源",
    )


# --- households -------------------------------------------------------------------------------------


@require(MODULE, "view")
def household_list(request: HttpRequest) -> HttpResponse:
    waiting = _param(request, "status") == Household.Status.WAITING
    qs = Household.objects.select_related("applicant")
    qs = qs.order_by("waiting_since", "number") if waiting else qs.order_by("-applied_on", "-number")
    see_id = request.user.can(MODULE, "see_id")  # type: ignore[union-attr]
    # Finding a household by its exact ID number would reveal the number to a role that sees it masked.
    by_id = ["applicant__id_number__iexact"] if see_id else []
    return _list(
        request,
        title=_("Waiting list") if waiting else _("Tenant households"),
        tab="waiting" if waiting else "households",
        queryset=qs,
        columns=[
            Column(_("Household number"), lambda h: Link(h.number, reverse("rental:household", args=[h.pk])), "number"),
            Column(_("Applicant"), lambda h: h.applicant.name, "applicant__name"),
            IdColumn(_("ID number"), lambda h: h.applicant.id_number),
            Column(_("Category"), lambda h: h.get_category_display(), "category"),
            Column(_("Household size"), lambda h: h.members_count, "members_count"),
            Column(_("Monthly income per person"), lambda h: h.monthly_income, "monthly_income"),
            Column(_("Applied on"), lambda h: h.applied_on, "applied_on"),
            Column(_("Status"), lambda h: Tag(h.get_status_display(), h.status), "status"),
            Column(_("Waiting since"), lambda h: h.waiting_since, "waiting_since"),
        ],
        search=Search(
            ["number__istartswith", "applicant__name__icontains", *by_id],
            _("Household number, name or ID number"),
            initials=["applicant__initials"],
        ),
        filters=[
            ChoiceFilter("status", _("Status"), Household.Status.choices),
            ChoiceFilter("category", _("Category"), Category.choices),
        ],
        filename="轮候家庭" if waiting else "承租家庭",
        actions=[Action(_("New application"), reverse("rental:household_create"), "handle")],
        note=_("The waiting list is in order of the eligibility decision.") if waiting else "",
    )


# --- draws ------------------------------------------------------------------------------------------


@require(MODULE, "view")
def draw_list(request: HttpRequest) -> HttpResponse:
    return _list(
        request,
        title=_("Lottery draws"),
        tab="draws",
        queryset=Draw.objects.all(),
        columns=[
            Column(_("Draw number"), lambda d: Link(d.number, reverse("rental:draw", args=[d.pk])), "number"),
            Column(_("Draw date"), lambda d: d.draw_on, "draw_on"),
            Column(_("Status"), lambda d: Tag(d.get_status_display(), d.status), "status"),
            Column(_("Published seed"), lambda d: d.seed),
            Column(_("Tenant households"), lambda d: len(d.households)),
            Column(_("Homes"), lambda d: len(d.units)),
            Column(_("Allocated"), lambda d: sum(1 for p in d.result if p.get("unit"))),
        ],
        search=Search(["number__istartswith", "seed__icontains"], _("Draw number or seed")),
        filename="公租房摇号",
        actions=[Action(_("New draw"), reverse("rental:draw_create"), "handle")],
    )


# --- leases -----------------------------------------------------------------------------------------


@require(MODULE, "view")
def lease_list(request: HttpRequest) -> HttpResponse:
    kind = _param(request, "kind") or Kind.HOME

    def in_force(qs: QuerySet[Any], day: dt.date) -> QuerySet[Any]:
        return qs.filter(pk__in=queries.leases_in_force(day, kind).values("pk"))

    return _list(
        request,
        title=_("Leases"),
        tab="leases",
        queryset=Lease.objects.select_related("rental_unit__unit", "household").order_by("-start", "-pk"),
        columns=[
            Column(_("Lease number"), lambda le: Link(le.number, reverse("rental:lease", args=[le.pk])), "number"),
            Column(_("Kind"), lambda le: le.get_kind_display(), "kind"),
            Column(_("Unit code"), lambda le: le.rental_unit.unit.code, "rental_unit__unit__code"),
            Column(_("Tenant"), lambda le: le.tenant_name, "tenant_name"),
            Column(_("Category"), lambda le: le.get_category_display(), "category"),
            Column(_("Area (m²)"), lambda le: le.area, "area"),
            Column(_("Monthly rent"), lambda le: le.monthly_rent, "monthly_rent", total=True),
            Column(_("Start"), lambda le: le.start, "start"),
            Column(_("End"), lambda le: le.ended_on or le.end),
            Column(_("Status"), lambda le: Tag(le.get_status_display(), le.status), "status"),
        ],
        search=Search(
            ["number__istartswith", "tenant_name__icontains", "rental_unit__unit__code__istartswith"],
            _("Lease number, tenant or unit code"),
        ),
        filters=[
            KIND_FILTER,
            ChoiceFilter("status", _("Status"), Lease.Status.choices),
            ChoiceFilter("category", _("Category"), Category.choices),
            HiddenFilter("in_force", in_force, valid_date),
            HiddenFilter("new_in", lambda qs, y: qs.filter(pk__in=queries.new_allocations(y).values("pk")), valid_int),
            HiddenFilter("past_term", lambda qs, d: qs.filter(pk__in=queries.past_term(d).values("pk")), valid_date),
        ],
        filename="租赁合同",
        actions=[Action(_("New lease"), reverse("rental:lease_create"), "handle")],
    )


# --- rent -------------------------------------------------------------------------------------------


def _month(qs: QuerySet[Any], raw: str) -> QuerySet[Any]:
    try:
        return qs.filter(month=rules.parse_month(raw))
    except ValueError:
        return qs


@require(MODULE, "view")
def bill_list(request: HttpRequest) -> HttpResponse:
    return _list(
        request,
        title=_("Rent bills"),
        tab="bills",
        queryset=RentBill.objects.select_related("lease").order_by("-month", "lease__number"),
        columns=[
            Column(
                _("Lease number"),
                lambda b: Link(b.lease.number, reverse("rental:lease", args=[b.lease_id])),
                "lease__number",
            ),
            Column(_("Tenant"), lambda b: b.lease.tenant_name, "lease__tenant_name"),
            Column(_("Kind"), lambda b: b.get_kind_display(), "kind"),
            Column(_("Month"), lambda b: f"{b.month:%Y-%m}", "month"),
            Column(_("Due date"), lambda b: b.due, "due"),
            Column(_("Amount"), lambda b: b.amount, "amount", total=True),
            Column(pgettext_lazy("rental", "Paid"), lambda b: b.paid, "paid", total=True),
            Column(_("Owed"), lambda b: b.amount - b.paid, total=F("amount") - F("paid")),
        ],
        search=Search(["lease__number__istartswith", "lease__tenant_name__icontains"], _("Lease number or tenant")),
        filters=[
            YearFilter("month__year"),
            KIND_FILTER,
            ChoiceFilter(
                "unpaid", _("Unpaid"), [("1", _("Unpaid only"))], apply=lambda qs, _v: qs.filter(paid__lt=F("amount"))
            ),
            HiddenFilter("month", _month),
        ],
        filename="租金账单",
        actions=[Action(_("Bill a month"), reverse("rental:bill_run"), "handle")],
    )


@require(MODULE, "view")
def payment_list(request: HttpRequest) -> HttpResponse:
    return _list(
        request,
        title=_("Rent payments"),
        tab="payments",
        queryset=Payment.objects.select_related("lease").order_by("-paid_on", "-pk"),
        columns=[
            Column(pgettext_lazy("rental", "Paid on"), lambda p: p.paid_on, "paid_on"),
            Column(
                _("Lease number"),
                lambda p: Link(p.lease.number, reverse("rental:lease", args=[p.lease_id])),
                "lease__number",
            ),
            Column(_("Tenant"), lambda p: p.lease.tenant_name, "lease__tenant_name"),
            Column(_("Kind"), lambda p: p.get_kind_display(), "kind"),
            Column(_("Channel"), lambda p: p.get_channel_display(), "channel"),
            Column(_("Bank transaction id"), lambda p: p.bank_txn or "", "bank_txn"),
            Column(_("Amount"), lambda p: p.amount, "amount", total=True),
        ],
        search=Search(
            ["lease__number__istartswith", "lease__tenant_name__icontains", "bank_txn__iexact"],
            _("Lease number, tenant or bank transaction id"),
        ),
        filters=[
            YearFilter("paid_on__year"),
            KIND_FILTER,
            ChoiceFilter("channel", _("Channel"), Payment.Channel.choices),
        ],
        filename="租金缴款",
        actions=[Action(_("Import bank file"), reverse("rental:payment_import"), "handle")],
    )


AGES = {"0-30": (0, 30), "31-90": (31, 90), "91-180": (91, 180), ">180": (181, None)}


@require(MODULE, "view")
def arrears_list(request: HttpRequest) -> HttpResponse:
    as_of = valid_date(_param(request, "as_of")) or timezone.localdate()

    def aged(qs: QuerySet[Any], age: str) -> QuerySet[Any]:
        # By the oldest unpaid bill: days past due = as_of - due.
        low, high = AGES[age]
        qs = qs.filter(oldest_due__lte=as_of - dt.timedelta(days=low))
        return qs if high is None else qs.filter(oldest_due__gte=as_of - dt.timedelta(days=high))

    return _list(
        request,
        title=_("Arrears"),
        tab="arrears",
        # Annotated: owed, oldest_due, bills_owed, last_reminder.
        queryset=queries.arrears_by_lease(as_of),
        columns=[
            Column(_("Lease number"), lambda le: Link(le.number, reverse("rental:lease", args=[le.pk])), "number"),
            Column(_("Tenant"), lambda le: le.tenant_name, "tenant_name"),
            Column(_("Unit code"), lambda le: le.rental_unit.unit.code, "rental_unit__unit__code"),
            Column(_("Bills owed"), lambda le: le.bills_owed, "bills_owed"),
            Column(_("Owed"), lambda le: le.owed, "owed", total=True),
            Column(_("Oldest due date"), lambda le: le.oldest_due, "oldest_due"),
            Column(_("Age (days)"), lambda le: rules.ageing_bucket((as_of - le.oldest_due).days)),
            Column(_("Last reminder"), lambda le: le.last_reminder, "last_reminder"),
        ],
        search=Search(
            ["number__istartswith", "tenant_name__icontains", "rental_unit__unit__code__istartswith"],
            _("Lease number, tenant or unit code"),
        ),
        filters=[
            KIND_FILTER,
            ChoiceFilter("age", _("Age (days)"), [(b, b) for b in rules.AGEING_BUCKETS], apply=aged),
            HiddenFilter("as_of", lambda qs, _day: qs, valid_date),
        ],
        filename="租金欠缴",
        batch=[BatchAction(_("Issue rent reminders"), reverse("rental:arrears_remind"))],
        note=_("Bills past their due date (the last day of the month) and not fully paid, as of %(day)s.")
        % {"day": as_of.isoformat()},
    )


@require_POST
@require(MODULE, "handle")
def arrears_remind(request: HttpRequest) -> HttpResponse:
    """The batch action of the arrears list: a rent reminder (催缴通知) for each ticked lease, dated today."""
    who, today = actor(request), timezone.localdate()
    issued, refused = 0, []
    for lease in Lease.objects.filter(pk__in=selected_ids(request)).order_by("number"):
        try:
            actions.issue_reminder(who, lease, on=today)
        except RentalError as exc:
            refused.append(f"{lease.number}：{exc}")
        else:
            issued += 1
    if issued:
        messages.success(request, _("%(count)s rent reminders issued.") % {"count": issued})
    for line in refused:
        messages.error(request, line)
    if not issued and not refused:
        messages.error(request, _("Tick the leases to remind first."))
    return back_to_list(request, reverse("rental:arrears"))


# --- reviews, inspections, exits, repairs, filings -------------------------------------------------


@require(MODULE, "view")
def review_list(request: HttpRequest) -> HttpResponse:
    return _list(
        request,
        title=_("Annual reviews"),
        tab="reviews",
        queryset=Review.objects.select_related("household__applicant").order_by("-year", "household__number"),
        columns=[
            Column(_("Year"), lambda r: r.year, "year"),
            Column(
                _("Household number"),
                lambda r: Link(r.household.number, reverse("rental:household", args=[r.household_id])),
                "household__number",
            ),
            Column(_("Applicant"), lambda r: r.household.applicant.name, "household__applicant__name"),
            Column(_("Outcome"), lambda r: Tag(r.get_outcome_display(), r.outcome), "outcome"),
            Column(_("Reviewed on"), lambda r: r.reviewed_on, "reviewed_on"),
            Column(_("Note"), lambda r: r.note),
        ],
        search=Search(
            ["household__number__istartswith", "household__applicant__name__icontains"],
            _("Household number or applicant"),
            initials=["household__applicant__initials"],
        ),
        filters=[
            YearFilter("year"),
            ChoiceFilter("outcome", _("Outcome"), Review.Outcome.choices),
            HiddenFilter("done", lambda qs, _v: qs.exclude(outcome=Review.Outcome.DUE)),
        ],
        filename="年审",
    )


@require(MODULE, "view")
def inspection_list(request: HttpRequest) -> HttpResponse:
    return _list(
        request,
        title=_("Home inspections"),
        tab="inspections",
        queryset=Inspection.objects.select_related("household__applicant", "lease__rental_unit__unit").order_by(
            "-visited_on", "-pk"
        ),
        columns=[
            Column(_("Visited on"), lambda i: i.visited_on, "visited_on"),
            Column(_("Visit"), lambda i: i.get_visit_display(), "visit"),
            Column(
                _("Household number"),
                lambda i: Link(i.household.number, reverse("rental:household", args=[i.household_id])),
                "household__number",
            ),
            Column(_("Applicant"), lambda i: i.household.applicant.name, "household__applicant__name"),
            Column(_("Unit code"), lambda i: i.lease.rental_unit.unit.code, "lease__rental_unit__unit__code"),
            Column(_("Finding"), lambda i: Tag(i.get_finding_display(), i.finding), "finding"),
            Column(_("Inspector"), lambda i: i.inspector, "inspector"),
            Column(_("Note"), lambda i: i.note),
        ],
        search=Search(
            ["household__number__istartswith", "household__applicant__name__icontains", "inspector"],
            _("Household number, applicant or inspector"),
            initials=["household__applicant__initials"],
        ),
        filters=[
            YearFilter("visited_on__year"),
            ChoiceFilter("visit", _("Visit"), Inspection.Visit.choices),
            ChoiceFilter("finding", _("Finding"), Inspection.Finding.choices),
        ],
        filename="入户调查",
        actions=[Action(_("Record a visit"), reverse("rental:inspection_create"), "handle")],
    )


@require(MODULE, "view")
def exit_list(request: HttpRequest) -> HttpResponse:
    # The year of a completed exit is the year it was completed; of any other, the year of its notice.
    year_field = "completed_on__year" if _param(request, "status") == "completed" else "notice_on__year"
    return _list(
        request,
        title=_("Exits"),
        tab="exits",
        queryset=Exit.objects.select_related("household__applicant", "lease__rental_unit__unit").order_by(
            "-notice_on", "-pk"
        ),
        columns=[
            Column(_("Exit number"), lambda e: Link(e.number, reverse("rental:exit", args=[e.pk])), "number"),
            Column(_("Applicant"), lambda e: e.household.applicant.name, "household__applicant__name"),
            Column(_("Unit code"), lambda e: e.lease.rental_unit.unit.code, "lease__rental_unit__unit__code"),
            Column(_("Reason"), lambda e: e.get_reason_display(), "reason"),
            Column(_("Notice served on"), lambda e: e.notice_on, "notice_on"),
            Column(_("Move out by"), lambda e: e.deadline, "deadline"),
            Column(_("Forced"), lambda e: _("Yes") if e.forced else "", "forced"),
            Column(_("Status"), lambda e: Tag(e.get_status_display(), e.status), "status"),
            Column(_("Completed on"), lambda e: e.completed_on, "completed_on"),
        ],
        search=Search(
            ["number__istartswith", "household__number__istartswith", "household__applicant__name__icontains"],
            _("Exit number, household number or name"),
            initials=["household__applicant__initials"],
        ),
        filters=[
            YearFilter(year_field),
            ChoiceFilter("status", _("Status"), Exit.Status.choices),
            ChoiceFilter("reason", _("Reason"), Exit.Reason.choices),
            ChoiceFilter(
                "forced", _("Forced"), [("1", _("Forced exits only"))], apply=lambda qs, _v: qs.filter(forced=True)
            ),
        ],
        filename="清退",
    )


@require(MODULE, "view")
def repair_list(request: HttpRequest) -> HttpResponse:
    status = _param(request, "status")
    year_field = "completed_on__year" if status == Repair.Status.DONE else "reported_on__year"

    def by_status(qs: QuerySet[Any], value: str) -> QuerySet[Any]:
        return qs.exclude(status=Repair.Status.DONE) if value == "open" else qs.filter(status=value)

    return _list(
        request,
        title=_("Repairs"),
        tab="repairs",
        queryset=Repair.objects.select_related("rental_unit__unit").order_by("-reported_on", "-pk"),
        columns=[
            Column(_("Work order"), lambda r: Link(r.number, reverse("rental:repair", args=[r.pk])), "number"),
            Column(_("Unit code"), lambda r: r.rental_unit.unit.code, "rental_unit__unit__code"),
            Column(_("Reported on"), lambda r: r.reported_on, "reported_on"),
            Column(pgettext_lazy("rental", "Description"), lambda r: r.description),
            Column(_("Vendor"), lambda r: r.vendor, "vendor"),
            Column(_("Status"), lambda r: Tag(r.get_status_display(), r.status), "status"),
            Column(_("Completed on"), lambda r: r.completed_on, "completed_on"),
            Column(pgettext_lazy("rental", "Cost"), lambda r: r.cost, "cost", total=True),
        ],
        search=Search(
            ["number__istartswith", "rental_unit__unit__code__istartswith", "vendor__icontains"],
            _("Work order, unit code or vendor"),
        ),
        filters=[
            YearFilter(year_field),
            ChoiceFilter("status", _("Status"), [("open", _("Open")), *Repair.Status.choices], apply=by_status),
        ],
        filename="维修工单",
        actions=[Action(_("New work order"), reverse("rental:repair_create"), "handle")],
    )


@require(MODULE, "view")
def filing_list(request: HttpRequest) -> HttpResponse:
    return _list(
        request,
        title=_("Rental filings"),
        tab="filings",
        queryset=Filing.objects.order_by("-filed_on", "-pk"),
        columns=[
            Column(_("Filing number"), lambda f: Link(f.number, reverse("rental:filing", args=[f.pk])), "number"),
            Column(_("Filed on"), lambda f: f.filed_on, "filed_on"),
            Column(_("Lessor"), lambda f: f.lessor, "lessor"),
            IdColumn(_("Lessor ID number"), lambda f: f.lessor_id),
            Column(_("Lessee"), lambda f: f.lessee, "lessee"),
            IdColumn(_("Lessee ID number"), lambda f: f.lessee_id),
            Column(pgettext_lazy("rental", "Address"), lambda f: f.address),
            Column(_("Area (m²)"), lambda f: f.area, "area"),
            Column(_("Lease term"), lambda f: f"{f.start} ~ {f.end}", "start"),
            Column(_("Monthly rent"), lambda f: f.monthly_rent, "monthly_rent", total=True),
        ],
        search=Search(
            ["number__istartswith", "lessor__icontains", "lessee__icontains", "address__icontains"],
            _("Filing number, lessor, lessee or address"),
        ),
        filters=[YearFilter("filed_on__year")],
        filename="房屋租赁备案",
        actions=[Action(_("New filing"), reverse("rental:filing_create"), "handle")],
    )


@require(MODULE, "view")
def rate_list(request: HttpRequest) -> HttpResponse:
    return _list(
        request,
        title=_("Rent standards"),
        tab="rates",
        queryset=RentRate.objects.order_by("kind", "category", "-valid_from"),
        columns=[
            Column(_("Kind"), lambda r: r.get_kind_display(), "kind"),
            Column(_("Category"), lambda r: r.get_category_display(), "category"),
            Column(_("Rent per m² per month"), lambda r: r.per_m2, "per_m2"),
            Column(_("Reduction (%)"), lambda r: r.reduction_percent, "reduction_percent"),
            Column(
                _("Rent per m² after reduction"),
                lambda r: rules.monthly_rent(Decimal(1), r.per_m2, r.reduction_percent),
            ),
            Column(_("Valid from"), lambda r: r.valid_from, "valid_from"),
            Column(_("Note"), lambda r: r.note),
        ],
        filters=[KIND_FILTER],
        filename="租金标准",
        actions=[Action(_("New rent standard"), reverse("rental:rate_create"), "handle")],
        note=_(
            "A lease's monthly rent is fixed at signing: area × the rate in force on its start date × (1 − reduction)."
        ),
    )
