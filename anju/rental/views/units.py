"""Homes and shops: the list, a unit's page, and the rent standards."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _

from anju.core.links import reverse
from anju.core.listing import (
    Action,
    ChoiceFilter,
    Column,
    Link,
    Search,
    Tag,
    label_of,
)
from anju.core.permissions import actor, check, require
from anju.rental import actions, forms, queries, rules
from anju.rental.models import RentalUnit, RentRate
from anju.rental.views.base import KIND_FILTER, MODULE, form_page, list_page, run_form


@require(MODULE, "view")
def unit_list(request: HttpRequest) -> HttpResponse:
    estates = queries.estates()
    return list_page(
        request,
        title=_("Homes and shops"),
        tab="units",
        queryset=RentalUnit.objects.select_related("unit__project").order_by("unit__code"),
        columns=[
            Column(_("Unit code"), lambda ru: Link(ru.unit.code, reverse("rental:unit", args=[ru.pk])), "unit__code"),
            Column(_("Estate"), lambda ru: ru.unit.project.name, "unit__project__name"),
            Column(_("Kind"), lambda ru: label_of(ru, "kind"), "kind"),
            Column(_("Area (m²)"), lambda ru: ru.unit.area, "unit__area"),
            Column(_("State"), lambda ru: Tag(label_of(ru, "state"), ru.state), "state"),
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


@require(MODULE, "view")
def rate_list(request: HttpRequest) -> HttpResponse:
    return list_page(
        request,
        title=_("Rent standards"),
        tab="rates",
        queryset=RentRate.objects.order_by("kind", "category", "-valid_from"),
        columns=[
            Column(_("Kind"), lambda r: label_of(r, "kind"), "kind"),
            Column(_("Category"), lambda r: label_of(r, "category"), "category"),
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


@require(MODULE, "view")
def unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    ru = get_object_or_404(RentalUnit.objects.select_related("unit__project", "unit__building"), pk=pk)
    form = forms.UnitStateForm()
    if request.method == "POST":
        check(request.user, MODULE, "handle")
        form = forms.UnitStateForm(request.POST)
        if run_form(form, lambda d: actions.set_unit_state(actor(request), ru, d["state"], d["on"], d["note"])):
            messages.success(request, _("State changed."))
            return redirect("rental:unit", pk)
    return render(
        request,
        "rental/unit.html",
        {
            "ru": ru,
            "history": ru.history.order_by("-on", "-pk"),
            "leases": ru.leases.select_related("household").order_by("-start"),
            "repairs": ru.repairs.order_by("-reported_on"),
            "form": form,
        },
    )


@require(MODULE, "handle")
def rate_create(request: HttpRequest) -> HttpResponse:
    form = forms.RateForm(request.POST or None)
    if request.method == "POST":
        rate = run_form(form, lambda d: actions.set_rate(actor(request), **d))
        if rate:
            messages.success(request, _("Rent standard saved."))
            return redirect("rental:rates")
    return form_page(
        request,
        form,
        title=_("New rent standard"),
        cancel=reverse("rental:rates"),
        help=_("A new standard applies to leases signed or renewed from its date; existing leases keep their rent."),
    )
