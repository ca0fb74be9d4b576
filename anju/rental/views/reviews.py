"""The annual review (年审) and home visits (入户调查)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from anju.core.links import reverse
from anju.core.listing import (
    Action,
    ChoiceFilter,
    Column,
    HiddenFilter,
    Link,
    Search,
    Tag,
    YearFilter,
    label_of,
)
from anju.core.permissions import actor, require
from anju.rental import actions, forms
from anju.rental.models import Inspection, Review
from anju.rental.views.base import MODULE, form_page, list_page, run_form


@require(MODULE, "view")
def review_list(request: HttpRequest) -> HttpResponse:
    return list_page(
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
            Column(_("Outcome"), lambda r: Tag(label_of(r, "outcome"), r.outcome), "outcome"),
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
    return list_page(
        request,
        title=_("Home inspections"),
        tab="inspections",
        queryset=Inspection.objects.select_related("household__applicant", "lease__rental_unit__unit").order_by(
            "-visited_on", "-pk"
        ),
        columns=[
            Column(_("Visited on"), lambda i: i.visited_on, "visited_on"),
            Column(_("Visit"), lambda i: label_of(i, "visit"), "visit"),
            Column(
                _("Household number"),
                lambda i: Link(i.household.number, reverse("rental:household", args=[i.household_id])),
                "household__number",
            ),
            Column(_("Applicant"), lambda i: i.household.applicant.name, "household__applicant__name"),
            Column(_("Unit code"), lambda i: i.lease.rental_unit.unit.code, "lease__rental_unit__unit__code"),
            Column(_("Finding"), lambda i: Tag(label_of(i, "finding"), i.finding), "finding"),
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


@require(MODULE, "handle")
def review_record(request: HttpRequest, pk: int) -> HttpResponse:
    review = get_object_or_404(Review.objects.select_related("household__applicant"), pk=pk)
    form = forms.ReviewForm(request.POST or None)
    if request.method == "POST":
        done = run_form(
            form,
            lambda d: actions.record_review(actor(request), review, outcome=d["outcome"], on=d["on"], note=d["note"]),
        )
        if done:
            messages.success(request, _("Review recorded."))
            return redirect("rental:household", review.household_id)
    return form_page(
        request,
        form,
        title=gettext("Annual review %(year)s: %(household)s") % {"year": review.year, "household": review.household},
        cancel=reverse("rental:household", args=[review.household_id]),
    )


@require(MODULE, "handle")
def reviews_open(request: HttpRequest) -> HttpResponse:
    form = forms.OpenReviewsForm(request.POST or None, initial={"year": timezone.localdate().year})
    if request.method == "POST":
        count = run_form(form, lambda d: actions.open_reviews(actor(request), d["year"], d["on"]))
        if count is not None:
            messages.success(request, gettext("%(count)d reviews opened.") % {"count": count})
            return redirect(reverse("rental:reviews") + f"?year={form.cleaned_data['year']}")
    return form_page(
        request,
        form,
        title=_("Open the annual review"),
        cancel=reverse("rental:reviews"),
        help=_("Opens a review for every household with a home lease in force on the day that has none for the year."),
    )


@require(MODULE, "handle")
def inspection_create(request: HttpRequest) -> HttpResponse:
    form = forms.InspectionForm(request.POST or None, initial={"lease": request.GET.get("lease", "")})
    if request.method == "POST":
        done = run_form(
            form,
            lambda d: actions.record_inspection(
                actor(request),
                d["lease"],
                visit=d["visit"],
                on=d["on"],
                finding=d["finding"],
                inspector=d["inspector"],
                note=d["note"],
            ),
        )
        if done:
            messages.success(request, _("Visit recorded."))
            return redirect("rental:inspections")
    return form_page(request, form, title=_("Record a home visit"), cancel=reverse("rental:inspections"))
