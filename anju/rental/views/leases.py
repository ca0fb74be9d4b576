"""Leases: the list, signing, the record page (payments, renewal, end, exit) and the printed contract."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anju.core.errors import refused
from anju.core.links import reverse
from anju.core.listing import (
    Action,
    ChoiceFilter,
    Column,
    HiddenFilter,
    Link,
    Search,
    Tag,
    label_of,
    valid_date,
    valid_int,
)
from anju.core.permissions import actor, can, check, require
from anju.lib.ids import mask_id
from anju.lib.money import capitals
from anju.rental import actions, forms, queries
from anju.rental.models import Category, Kind, Lease
from anju.rental.views.base import KIND_FILTER, MODULE, events, form_page, list_page, param, run_form


@require(MODULE, "view")
def lease_list(request: HttpRequest) -> HttpResponse:
    kind = param(request, "kind") or Kind.HOME

    def in_force(qs: QuerySet[Any], day: dt.date) -> QuerySet[Any]:
        return qs.filter(pk__in=queries.leases_in_force(day, kind).values("pk"))

    return list_page(
        request,
        title=_("Leases"),
        tab="leases",
        queryset=Lease.objects.select_related("rental_unit__unit", "household").order_by("-start", "-pk"),
        columns=[
            Column(_("Lease number"), lambda le: Link(le.number, reverse("rental:lease", args=[le.pk])), "number"),
            Column(_("Kind"), lambda le: label_of(le, "kind"), "kind"),
            Column(_("Unit code"), lambda le: le.rental_unit.unit.code, "rental_unit__unit__code"),
            Column(_("Tenant"), lambda le: le.tenant_name, "tenant_name"),
            Column(_("Category"), lambda le: label_of(le, "category"), "category"),
            Column(_("Area (m²)"), lambda le: le.area, "area"),
            Column(_("Monthly rent"), lambda le: le.monthly_rent, "monthly_rent", total=True),
            Column(_("Start"), lambda le: le.start, "start"),
            Column(_("End"), lambda le: le.ended_on or le.end),
            Column(_("Status"), lambda le: Tag(label_of(le, "status"), le.status), "status"),
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


@require(MODULE, "handle")
def lease_create(request: HttpRequest) -> HttpResponse:
    initial = {"unit": request.GET.get("unit", ""), "household": request.GET.get("household", "")}
    form = forms.LeaseForm(request.POST or None, initial=initial)
    if request.method == "POST":
        lease = run_form(
            form,
            lambda d: actions.sign_lease(
                actor(request),
                rental_unit=d["unit"],
                household=d["household"],
                tenant_name=d["tenant_name"],
                start=d["start"],
                end=d["end"],
                deposit=d["deposit"],
            ),
        )
        if lease:
            messages.success(request, _("Lease signed."))
            return redirect("rental:lease", lease.pk)
    return form_page(
        request,
        form,
        title=_("New lease"),
        cancel=reverse("rental:leases"),
        help=_("The monthly rent is the unit's area × the rent standard in force on the start date for the category."),
    )


@require(MODULE, "view")
def lease_detail(request: HttpRequest, pk: int) -> HttpResponse:
    lease = get_object_or_404(
        Lease.objects.select_related("rental_unit__unit", "household__applicant", "rate", "draw"), pk=pk
    )
    payment_form = forms.PaymentForm()
    renew_form = forms.RenewForm()
    end_form = forms.EndForm()
    exit_form = forms.ExitForm()
    if request.method == "POST":
        check(request.user, MODULE, "handle")
        who = actor(request)
        action = request.POST.get("action", "")
        done: Any = None
        if action == "pay":
            payment_form = forms.PaymentForm(request.POST)
            done = run_form(
                payment_form,
                lambda d: actions.receive_payment(
                    who,
                    lease,
                    amount=d["amount"],
                    paid_on=d["paid_on"],
                    channel=d["channel"],
                    bank_txn=d["bank_txn"],
                    payer=d["payer"],
                ),
            )
        elif action == "renew":
            renew_form = forms.RenewForm(request.POST)
            done = run_form(renew_form, lambda d: actions.renew_lease(who, lease, start=d["start"], end=d["end"]))
            if done:
                messages.success(request, _("Lease renewed."))
                return redirect("rental:lease", done.pk)
        elif action == "end":
            end_form = forms.EndForm(request.POST)
            done = run_form(end_form, lambda d: actions.end_lease(who, lease, on=d["on"], note=d["note"]))
        elif action == "exit":
            exit_form = forms.ExitForm(request.POST)
            done = run_form(exit_form, lambda d: actions.prepare_exit(who, lease, reason=d["reason"], note=d["note"]))
            if done:
                messages.success(request, _("Exit prepared: submit it for review."))
                return redirect("rental:exit", done.pk)
        elif action == "remind":
            with refused(request) as outcome:
                reminder = actions.issue_reminder(who, lease, on=timezone.localdate())
            return redirect("rental:reminder", reminder.pk) if outcome.ok else redirect("rental:lease", pk)
        if done:
            messages.success(request, _("Saved."))
            return redirect("rental:lease", pk)
    return render(
        request,
        "rental/lease.html",
        {
            "lease": lease,
            "balance": queries.lease_balance(lease),
            "bills": lease.bills.order_by("-month")[:36],
            "payments": lease.payments.order_by("-paid_on", "-pk")[:36],
            "reminders": lease.reminders.order_by("-issued_on"),
            "exits": lease.exits.order_by("-notice_on"),
            "payment_form": payment_form,
            "renew_form": renew_form,
            "end_form": end_form,
            "exit_form": exit_form,
            "events": events(lease),
        },
    )


@require(MODULE, "view")
def lease_print(request: HttpRequest, pk: int) -> HttpResponse:
    """The lease contract (租赁合同) for signing: parties, home, rent, deposit and term."""
    lease = get_object_or_404(
        Lease.objects.select_related("rental_unit__unit__project", "household__applicant", "rate"), pk=pk
    )
    tenant_id = ""
    if lease.household is not None:
        number = lease.household.applicant.id_number
        tenant_id = number if can(request.user, MODULE, "see_id") else mask_id(number)
    return render(
        request,
        "rental/lease_print.html",
        {
            "lease": lease,
            "tenant_id": tenant_id,
            "rent_capitals": capitals(lease.monthly_rent),
            "deposit_capitals": capitals(lease.deposit),
            "printed": timezone.localdate(),
        },
    )
