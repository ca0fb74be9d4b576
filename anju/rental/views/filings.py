"""Rental filings (房屋租赁备案): the list, the form and the printed certificate."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from anju.core.links import reverse
from anju.core.listing import (
    Action,
    Column,
    IdColumn,
    Search,
    YearFilter,
    link_column,
)
from anju.core.permissions import actor, can, require
from anju.lib.ids import mask_id
from anju.rental import actions, forms
from anju.rental.models import Filing
from anju.rental.views.base import MODULE, form_page, list_page, run_form


@require(MODULE, "view")
def filing_list(request: HttpRequest) -> HttpResponse:
    return list_page(
        request,
        title=_("Rental filings"),
        tab="filings",
        queryset=Filing.objects.order_by("-filed_on", "-pk"),
        columns=[
            link_column(_("Filing number"), "number", "rental:filing"),
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
def filing_print(request: HttpRequest, pk: int) -> HttpResponse:
    """The filing certificate (房屋租赁登记备案证明)."""
    filing = get_object_or_404(Filing, pk=pk)
    see_id = can(request.user, MODULE, "see_id")
    return render(
        request,
        "rental/filing_print.html",
        {
            "f": filing,
            "lessor_id": filing.lessor_id if see_id else mask_id(filing.lessor_id),
            "lessee_id": filing.lessee_id if see_id else mask_id(filing.lessee_id),
            "printed": timezone.localdate(),
        },
    )


@require(MODULE, "handle")
def filing_create(request: HttpRequest) -> HttpResponse:
    form = forms.FilingForm(request.POST or None)
    if request.method == "POST":
        filing = run_form(form, lambda d: actions.file_rental(actor(request), **d))
        if filing:
            messages.success(request, gettext("Filing %(number)s recorded.") % {"number": filing.number})
            return redirect("rental:filings")
    return form_page(request, form, title=_("New rental filing"), cancel=reverse("rental:filings"))
