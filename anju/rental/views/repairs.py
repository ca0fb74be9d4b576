"""Repair work orders."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from anju.core.links import reverse
from anju.core.listing import (
    Action,
    ChoiceFilter,
    Column,
    Search,
    Tag,
    YearFilter,
    label_of,
    link_column,
)
from anju.core.permissions import actor, check, require
from anju.rental import actions, forms
from anju.rental.models import Repair
from anju.rental.views.base import MODULE, events, form_page, list_page, param, run_form


@require(MODULE, "view")
def repair_list(request: HttpRequest) -> HttpResponse:
    status = param(request, "status")
    year_field = "completed_on__year" if status == Repair.Status.DONE else "reported_on__year"

    def by_status(qs: QuerySet[Any], value: str) -> QuerySet[Any]:
        return qs.exclude(status=Repair.Status.DONE) if value == "open" else qs.filter(status=value)

    return list_page(
        request,
        title=_("Repairs"),
        tab="repairs",
        queryset=Repair.objects.select_related("rental_unit__unit").order_by("-reported_on", "-pk"),
        columns=[
            link_column(_("Work order"), "number", "rental:repair"),
            Column(_("Unit code"), lambda r: r.rental_unit.unit.code, "rental_unit__unit__code"),
            Column(_("Reported on"), lambda r: r.reported_on, "reported_on"),
            Column(pgettext_lazy("rental", "Description"), lambda r: r.description),
            Column(_("Vendor"), lambda r: r.vendor, "vendor"),
            Column(_("Status"), lambda r: Tag(label_of(r, "status"), r.status), "status"),
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


@require(MODULE, "handle")
def repair_create(request: HttpRequest) -> HttpResponse:
    form = forms.RepairForm(request.POST or None, initial={"unit": request.GET.get("unit", "")})
    if request.method == "POST":
        repair = run_form(
            form,
            lambda d: actions.report_repair(actor(request), d["unit"], on=d["on"], description=d["description"]),
        )
        if repair:
            messages.success(request, _("Work order created."))
            return redirect("rental:repair", repair.pk)
    return form_page(request, form, title=_("New work order"), cancel=reverse("rental:repairs"))


@require(MODULE, "view")
def repair_detail(request: HttpRequest, pk: int) -> HttpResponse:
    repair = get_object_or_404(Repair.objects.select_related("rental_unit__unit__project"), pk=pk)
    assign_form = forms.AssignForm()
    complete_form = forms.CompleteRepairForm()
    if request.method == "POST":
        check(request.user, MODULE, "handle")
        who = actor(request)
        done: Any = None
        if request.POST.get("action") == "assign":
            assign_form = forms.AssignForm(request.POST)
            done = run_form(assign_form, lambda d: actions.assign_repair(who, repair, vendor=d["vendor"]))
        else:
            complete_form = forms.CompleteRepairForm(request.POST)
            done = run_form(complete_form, lambda d: actions.complete_repair(who, repair, on=d["on"], cost=d["cost"]))
        if done:
            messages.success(request, _("Saved."))
            return redirect("rental:repair", pk)
    return render(
        request,
        "rental/repair.html",
        {
            "r": repair,
            "assign_form": assign_form,
            "complete_form": complete_form,
            "events": events(repair),
            "printed": timezone.localdate(),
        },
    )
