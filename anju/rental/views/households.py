"""Households: the list (and waiting list), the application, the record page and its documents."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _

from anju.core import attachments, workflow
from anju.core.errors import refused
from anju.core.links import reverse
from anju.core.listing import (
    Action,
    ChoiceFilter,
    Column,
    IdColumn,
    Search,
    Tag,
    label_of,
    link_column,
)
from anju.core.permissions import actor, can, check, require
from anju.lib.ids import mask_id
from anju.rental import actions, forms, queries
from anju.rental.models import Category, Household
from anju.rental.views.base import MODULE, events, form_page, list_page, param, run_form


@require(MODULE, "view")
def household_list(request: HttpRequest) -> HttpResponse:
    waiting = param(request, "status") == Household.Status.WAITING
    qs = Household.objects.select_related("applicant")
    qs = qs.order_by("waiting_since", "number") if waiting else qs.order_by("-applied_on", "-number")
    see_id = request.user.can(MODULE, "see_id")  # type: ignore[union-attr]
    # Finding a household by its exact ID number would reveal the number to a role that sees it masked.
    by_id = ["applicant__id_number__iexact"] if see_id else []
    return list_page(
        request,
        title=_("Waiting list") if waiting else _("Tenant households"),
        tab="waiting" if waiting else "households",
        queryset=qs,
        columns=[
            link_column(_("Household number"), "number", "rental:household"),
            Column(_("Applicant"), lambda h: h.applicant.name, "applicant__name"),
            IdColumn(_("ID number"), lambda h: h.applicant.id_number),
            Column(_("Category"), lambda h: label_of(h, "category"), "category"),
            Column(_("Household size"), lambda h: h.members_count, "members_count"),
            Column(_("Monthly income per person"), lambda h: h.monthly_income, "monthly_income"),
            Column(_("Applied on"), lambda h: h.applied_on, "applied_on"),
            Column(_("Status"), lambda h: Tag(label_of(h, "status"), h.status), "status"),
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


@require(MODULE, "handle")
def household_create(request: HttpRequest) -> HttpResponse:
    form = forms.ApplicationForm(request.POST or None)
    if request.method == "POST":
        household = run_form(
            form,
            lambda d: actions.apply(
                actor(request),
                applicant=d["applicant"],
                category=d["category"],
                monthly_income=d["monthly_income"],
                owns_home=d["owns_home"],
                applied_on=d["applied_on"],
                members=d["members"],
            ),
        )
        if household:
            messages.success(request, _("Application recorded."))
            return redirect("rental:household", household.pk)
    return form_page(
        request,
        form,
        title=_("New application"),
        cancel=reverse("rental:households"),
        help=_("The applicant and members must be in the person registry (add them there first)."),
    )


S = Household.Status
APPLICATION_PATH = (S.APPLIED, S.WAITING, S.HOUSED, S.EXITED)


def _status_label(status: str) -> str:
    return str(Household.Status(status).label)


@require(MODULE, "view")
def household_detail(request: HttpRequest, pk: int) -> HttpResponse:
    household = get_object_or_404(Household.objects.select_related("applicant"), pk=pk)
    checks_form = forms.ChecksForm(initial={"income": household.income_checked, "housing": household.housing_checked})
    decision_form = forms.DecisionForm()
    if request.method == "POST":
        check(request.user, MODULE, "handle")
        who = actor(request)
        if request.POST.get("action") == "checks":
            checks_form = forms.ChecksForm(request.POST)
            done = run_form(
                checks_form,
                lambda d: actions.record_checks(who, household, income=d["income"], housing=d["housing"]),
            )
        else:
            decision_form = forms.DecisionForm(request.POST)
            done = run_form(
                decision_form,
                lambda d: actions.decide_eligibility(
                    who, household, eligible=d["eligible"], on=d["on"], note=d["note"]
                ),
            )
        if done:
            messages.success(request, _("Saved."))
            return redirect("rental:household", pk)
    see_id = can(request.user, MODULE, "see_id")
    members = [
        {
            "name": m.person.name,
            "relation": m.relation,
            "id": m.person.id_number if see_id else mask_id(m.person.id_number),
        }
        for m in household.members.select_related("person")
    ]
    number = household.applicant.id_number
    position = None
    if household.status == Household.Status.WAITING:
        position = (
            queries.waiting_list().filter(waiting_since__lt=household.waiting_since).count()
            + queries.waiting_list().filter(waiting_since=household.waiting_since, number__lt=household.number).count()
            + 1
        )
    return render(
        request,
        "rental/household.html",
        {
            "h": household,
            # 申请 → 资格审核通过（轮候） → 配租 → 退出 (不符合条件 ends the bar).
            "wf": {"bar": workflow.status_bar(APPLICATION_PATH, household.status, _status_label)},
            "applicant_id": number if see_id else mask_id(number),
            "members": members,
            "leases": household.leases.select_related("rental_unit__unit").order_by("-start"),
            "reviews": household.reviews.order_by("-year"),
            "inspections": household.inspections.order_by("-visited_on"),
            "exits": household.exits.order_by("-notice_on"),
            "events": events(household),
            "checks_form": checks_form,
            "decision_form": decision_form,
            "position": position,
            "attachments": attachments.for_record(household),
            "upload_url": reverse("rental:household_document", args=[pk])
            if can(request.user, MODULE, "handle")
            else "",
            "kinds": [(k, k) for k in DOCUMENT_KINDS],
        },
    )


DOCUMENT_KINDS = ["身份证明", "户口簿", "收入证明", "住房情况证明", "低保证", "劳动合同", "其他"]


@require(MODULE, "handle")
def household_document(request: HttpRequest, pk: int) -> HttpResponse:
    """Attach a document (ID, household register, income or housing certificate...) to a household."""
    household = get_object_or_404(Household, pk=pk)
    upload = request.FILES.get("file")
    kind = request.POST.get("kind", "")
    if request.method != "POST" or upload is None or kind not in DOCUMENT_KINDS:
        messages.error(request, _("Choose a file and its kind."))
        return redirect("rental:household", pk)
    with refused(request) as outcome:
        attachments.attach(household, upload, module=MODULE, kind=kind, actor=actor(request))
    if outcome.ok:
        messages.success(request, _("Document attached."))
    return redirect("rental:household", pk)
