"""Rent: bills and the monthly billing run, payments, arrears with batch reminders, the printed reminder."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.db.models import F, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from anju.core import jobs
from anju.core.errors import refused
from anju.core.links import reverse
from anju.core.listing import (
    Action,
    BatchAction,
    ChoiceFilter,
    Column,
    HiddenFilter,
    Link,
    Search,
    YearFilter,
    back_to_list,
    label_of,
    selected_ids,
    valid_date,
    valid_month,
)
from anju.core.permissions import actor, require
from anju.lib.money import capitals
from anju.rental import actions, forms, queries, rules
from anju.rental.models import Lease, Payment, Reminder, RentBill
from anju.rental.views.base import KIND_FILTER, MODULE, form_page, list_page, param


def _month(qs: QuerySet[Any], raw: str) -> QuerySet[Any]:
    try:
        return qs.filter(month=rules.parse_month(raw))
    except ValueError:
        return qs


@require(MODULE, "view")
def bill_list(request: HttpRequest) -> HttpResponse:
    return list_page(
        request,
        title=_("Rent bills"),
        tab="bills",
        # The latest month first, each by lease number, from the bills' own index (`lease_number` is the lease's).
        queryset=RentBill.objects.select_related("lease").order_by("-month", "lease_number"),
        columns=[
            Column(
                _("Lease number"),
                lambda b: Link(b.lease.number, reverse("rental:lease", args=[b.lease_id])),
                "lease__number",
            ),
            Column(_("Tenant"), lambda b: b.lease.tenant_name, "lease__tenant_name"),
            Column(_("Kind"), lambda b: label_of(b, "kind"), "kind"),
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
        kept_totals=("rental_rentbill",),
    )


@require(MODULE, "view")
def payment_list(request: HttpRequest) -> HttpResponse:
    return list_page(
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
            Column(_("Kind"), lambda p: label_of(p, "kind"), "kind"),
            Column(_("Channel"), lambda p: label_of(p, "channel"), "channel"),
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
            # A month of the leaders' rent chart.
            HiddenFilter("month", lambda qs, m: qs.filter(paid_on__month=m), valid_month, tag=lambda m: f"{m}月"),
        ],
        filename="租金缴款",
        actions=[Action(_("Import bank file"), reverse("rental:payment_import"), "handle")],
        kept_totals=("rental_payment",),
    )


AGES = {"0-30": (0, 30), "31-90": (31, 90), "91-180": (91, 180), ">180": (181, None)}


@require(MODULE, "view")
def arrears_list(request: HttpRequest) -> HttpResponse:
    as_of = valid_date(param(request, "as_of")) or timezone.localdate()

    def aged(qs: QuerySet[Any], age: str) -> QuerySet[Any]:
        # By the oldest unpaid bill: days past due = as_of - due.
        low, high = AGES[age]
        qs = qs.filter(oldest_due__lte=as_of - dt.timedelta(days=low))
        return qs if high is None else qs.filter(oldest_due__gte=as_of - dt.timedelta(days=high))

    return list_page(
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
    issued = failed = 0
    for lease in Lease.objects.filter(pk__in=selected_ids(request)).order_by("number"):
        with refused(request) as outcome:  # the refusal names the lease
            actions.issue_reminder(who, lease, on=today)
        issued, failed = issued + outcome.ok, failed + (not outcome.ok)
    if issued:
        messages.success(request, _("%(count)s rent reminders issued.") % {"count": issued})
    if not issued and not failed:
        messages.error(request, _("Tick the leases to remind first."))
    return back_to_list(request, reverse("rental:arrears"))


@require(MODULE, "view")
def reminder_print(request: HttpRequest, pk: int) -> HttpResponse:
    """The rent reminder (催缴通知书) to hand over or post."""
    reminder = get_object_or_404(Reminder.objects.select_related("lease__rental_unit__unit__project"), pk=pk)
    bills = reminder.lease.bills.filter(due__lt=reminder.issued_on).order_by("month")
    owing = [{"bill": b, "owed": b.amount - b.paid} for b in bills if b.paid < b.amount]
    return render(
        request,
        "rental/reminder_print.html",
        {"r": reminder, "bills": owing, "capitals": capitals(reminder.owed), "printed": timezone.localdate()},
    )


@require(MODULE, "handle")
def bill_run(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    form = forms.BillForm(request.POST or None, initial={"month": f"{today:%Y-%m}"})
    if request.method == "POST" and form.is_valid():
        try:
            month = rules.parse_month(form.cleaned_data["month"])
        except ValueError as exc:
            form.add_error("month", str(exc))
        else:
            # A background job (anju.core.jobs): its page shows the progress; done already, back to the bills.
            job = jobs.submit(actor(request), "rental.bill_month", f"{month:%Y-%m} 月租金账单", month=f"{month:%Y-%m}")
            if job.status != job.Status.DONE:
                return redirect("core:job", job.pk)
            messages.success(
                request,
                gettext("%(month)s: %(created)d bills created, %(existing)d already there.") % job.result,
            )
            return redirect(reverse("rental:bills") + f"?month={month:%Y-%m}")
    return form_page(
        request,
        form,
        title=_("Bill a month"),
        cancel=reverse("rental:bills"),
        submit=_("Create the bills"),
        help=_(
            "Every lease in force on the month's first day is billed its monthly rent, due on the month's last day. "
            "Running it again for the same month creates nothing."
        ),
    )
