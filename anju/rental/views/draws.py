"""The lottery (摇号): the list, the announcement and a draw's page."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anju.core.links import reverse
from anju.core.listing import Action, Column, Search, Tag, label_of, link_column
from anju.core.permissions import actor, check, require
from anju.rental import actions, forms, rules
from anju.rental.models import Draw, Household
from anju.rental.views.base import MODULE, events, form_page, list_page, run_form


@require(MODULE, "view")
def draw_list(request: HttpRequest) -> HttpResponse:
    return list_page(
        request,
        title=_("Lottery draws"),
        tab="draws",
        queryset=Draw.objects.all(),
        columns=[
            link_column(_("Draw number"), "number", "rental:draw"),
            Column(_("Draw date"), lambda d: d.draw_on, "draw_on"),
            Column(_("Status"), lambda d: Tag(label_of(d, "status"), d.status), "status"),
            Column(_("Published seed"), lambda d: d.seed),
            Column(_("Tenant households"), lambda d: len(d.households)),
            Column(_("Homes"), lambda d: len(d.units)),
            Column(_("Allocated"), lambda d: sum(1 for p in d.result if p.get("unit"))),
        ],
        search=Search(["number__istartswith", "seed__icontains"], _("Draw number or seed")),
        filename="公租房摇号",
        actions=[Action(_("New draw"), reverse("rental:draw_create"), "handle")],
    )


@require(MODULE, "handle")
def draw_create(request: HttpRequest) -> HttpResponse:
    form = forms.DrawForm(request.POST or None)
    if request.method == "POST":
        draw = run_form(
            form,
            lambda d: actions.announce_draw(
                actor(request),
                announced_on=d["announced_on"],
                draw_on=d["draw_on"],
                seed_source=d["seed_source"],
                units=d["units"],
                note=d["note"],
            ),
        )
        if draw:
            messages.success(request, _("Draw announced; the entrants and the homes are frozen."))
            return redirect("rental:draw", draw.pk)
    return form_page(
        request,
        form,
        title=_("Announce a lottery draw"),
        cancel=reverse("rental:draws"),
        submit=_("Announce"),
        help=_(
            "Every household on the waiting list on the announcement day takes part (winners of earlier draws "
            "excepted); the homes offered are reserved. On the draw date, the value published by the named source "
            "gives the seed: SHA-256 of “inputs hash|value”. Each household is ranked by SHA-256 of "
            "“seed|household number”, each home by SHA-256 of “seed|unit code”; rank k gets home k."
        ),
    )


@require(MODULE, "view")
def draw_detail(request: HttpRequest, pk: int) -> HttpResponse:
    draw = get_object_or_404(Draw, pk=pk)
    verified = None
    hold_form = forms.HoldDrawForm(
        request.POST if request.POST.get("action") == "hold" else None, initial={"held_on": draw.draw_on}
    )
    if request.method == "POST" and request.POST.get("action") == "hold":
        check(request.user, MODULE, "handle")
        held = run_form(
            hold_form,
            lambda d: actions.hold_draw(actor(request), draw, held_on=d["held_on"], external_value=d["external_value"]),
        )
        if held:
            messages.success(request, _("Draw held; the homes drawn are reserved."))
            return redirect("rental:draw", draw.pk)
    elif request.method == "POST":
        verified = actions.verify_draw(draw)
    leases = {lease.household.number: lease for lease in draw.leases.select_related("household") if lease.household}
    households = {h.number: h for h in Household.objects.filter(number__in=draw.households).select_related("applicant")}
    rows = [
        {
            "rank": pick["rank"],
            "household": households.get(pick["household"]),
            "number": pick["household"],
            "unit": pick["unit"],
            "key": rules.lottery_key(draw.seed, pick["household"]),
            "lease": leases.get(pick["household"]),
        }
        for pick in draw.result
    ]
    entrants = [{"number": n, "household": households.get(n)} for n in draw.households]
    return render(
        request,
        "rental/draw.html",
        {
            "draw": draw,
            "rows": rows,
            "entrants": entrants,
            "hold_form": hold_form if draw.status == Draw.Status.ANNOUNCED else None,
            "verified": verified,
            "printed": timezone.localdate(),
            "events": events(draw),
        },
    )
