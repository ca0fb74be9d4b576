"""The dashboard, record pages, workflow forms and printable documents of public rental housing."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

from django import forms as dj_forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from anju.core import attachments, kpis, workflow
from anju.core.models import AuditEvent
from anju.core.permissions import actor, can, check, require
from anju.lib.ids import mask_id
from anju.lib.money import capitals
from anju.rental import actions, forms, queries, rules
from anju.rental.errors import RentalError
from anju.rental.models import Draw, Exit, Filing, Household, Lease, Reminder, RentalUnit, RentBill, Repair, Review

MODULE = "rental"


def _events(obj: Any) -> Any:
    return AuditEvent.objects.filter(model=obj._meta.label, object_id=str(obj.pk)).order_by("at", "pk")


def _form_page(
    request: HttpRequest,
    form: dj_forms.Form,
    *,
    title: Any,
    cancel: str,
    help: Any = "",
    submit: Any = "",
    errors: Any = None,
) -> HttpResponse:
    context = {"form": form, "title": title, "cancel": cancel, "help": help, "errors": errors}
    if submit:
        context["submit"] = submit
    return render(request, "rental/form.html", context)


def _run(request: HttpRequest, form: dj_forms.Form, do: Callable[[dict[str, Any]], Any]) -> Any:
    """Run the action with the form's data; a refused action becomes a form error. None on failure."""
    if not form.is_valid():
        return None
    try:
        return do(form.cleaned_data)
    except RentalError as exc:
        form.add_error(None, str(exc))
        return None


# --- dashboard --------------------------------------------------------------------------------------


@require(MODULE, "view")
def home(request: HttpRequest) -> HttpResponse:
    year_text = request.GET.get("year", "")
    today = timezone.localdate()
    year = int(year_text) if year_text.isdigit() and 2000 < int(year_text) < 2100 else today.year - (today.month < 3)
    if not RentBill.objects.filter(month__year=year).exists():
        latest = RentBill.objects.order_by("-month").values_list("month", flat=True).first()
        year = latest.year if latest and not year_text else year
    figures = []
    for kpi in kpis.all_kpis(MODULE):
        value = kpi.compute(year)
        figures.append(
            {
                "kpi": kpi,
                "value": kpis.as_json(kpi, value),
                "url": kpi.records_url(year) if kpi.records_url else "",
            }
        )
    series = queries.monthly_series(year)
    as_of = min(today, dt.date(year, 12, 31)) if year < today.year else today
    ageing = queries.ageing(as_of)
    reviews_due = queries.reviews_due(year).count()
    reviews_done = queries.reviews_done(year).count()
    chart = {
        "months": [f"{m['month']}月" for m in series],
        "billed": [float(m["billed"]) for m in series],
        "paid": [float(m["paid"]) for m in series],
        "received": [float(m["received"]) for m in series],
    }
    return render(
        request,
        "rental/home.html",
        {
            "tab": "home",
            "year": year,
            "years": range(today.year, 2018, -1),
            "figures": figures,
            "occupancy": queries.occupancy(),
            "series": series,
            "chart_json": json.dumps(chart),
            "ageing": ageing,
            "ageing_total": sum(ageing.values()),
            "as_of": as_of,
            "reviews": {"due": reviews_due, "done": reviews_done, "rate": rules.percent(reviews_done, reviews_due)},
            "inspection": queries.inspection_progress(year),
            "waiting": queries.waiting_list().count(),
        },
    )


# --- units ------------------------------------------------------------------------------------------


@require(MODULE, "view")
def unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    ru = get_object_or_404(RentalUnit.objects.select_related("unit__project", "unit__building"), pk=pk)
    form = forms.UnitStateForm()
    if request.method == "POST":
        check(request.user, MODULE, "handle")
        form = forms.UnitStateForm(request.POST)
        if _run(request, form, lambda d: actions.set_unit_state(actor(request), ru, d["state"], d["on"], d["note"])):
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


# --- households -------------------------------------------------------------------------------------


@require(MODULE, "handle")
def household_create(request: HttpRequest) -> HttpResponse:
    form = forms.ApplicationForm(request.POST or None)
    if request.method == "POST":
        household = _run(
            request,
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
    return _form_page(
        request,
        form,
        title=_("New application"),
        cancel=reverse("rental:households"),
        help=_("The applicant and members must be in the person registry (add them there first)."),
    )


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
            done = _run(
                request,
                checks_form,
                lambda d: actions.record_checks(who, household, income=d["income"], housing=d["housing"]),
            )
        else:
            decision_form = forms.DecisionForm(request.POST)
            done = _run(
                request,
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
            "applicant_id": number if see_id else mask_id(number),
            "members": members,
            "leases": household.leases.select_related("rental_unit__unit").order_by("-start"),
            "reviews": household.reviews.order_by("-year"),
            "inspections": household.inspections.order_by("-visited_on"),
            "exits": household.exits.order_by("-notice_on"),
            "events": _events(household),
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
    try:
        attachments.attach(household, upload, module=MODULE, kind=kind, actor=actor(request))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Document attached."))
    return redirect("rental:household", pk)


# --- lottery ----------------------------------------------------------------------------------------


@require(MODULE, "handle")
def draw_create(request: HttpRequest) -> HttpResponse:
    form = forms.DrawForm(request.POST or None)
    if request.method == "POST":
        draw = _run(
            request,
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
    return _form_page(
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
        held = _run(
            request,
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
            "events": _events(draw),
        },
    )


# --- leases -----------------------------------------------------------------------------------------


@require(MODULE, "handle")
def lease_create(request: HttpRequest) -> HttpResponse:
    initial = {"unit": request.GET.get("unit", ""), "household": request.GET.get("household", "")}
    form = forms.LeaseForm(request.POST or None, initial=initial)
    if request.method == "POST":
        lease = _run(
            request,
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
    return _form_page(
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
            done = _run(
                request,
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
            done = _run(request, renew_form, lambda d: actions.renew_lease(who, lease, start=d["start"], end=d["end"]))
            if done:
                messages.success(request, _("Lease renewed."))
                return redirect("rental:lease", done.pk)
        elif action == "end":
            end_form = forms.EndForm(request.POST)
            done = _run(request, end_form, lambda d: actions.end_lease(who, lease, on=d["on"], note=d["note"]))
        elif action == "exit":
            exit_form = forms.ExitForm(request.POST)
            done = _run(
                request, exit_form, lambda d: actions.prepare_exit(who, lease, reason=d["reason"], note=d["note"])
            )
            if done:
                messages.success(request, _("Exit prepared: submit it for review."))
                return redirect("rental:exit", done.pk)
        elif action == "remind":
            try:
                done = actions.issue_reminder(who, lease, on=timezone.localdate())
            except RentalError as exc:
                messages.error(request, str(exc))
                return redirect("rental:lease", pk)
            return redirect("rental:reminder", done.pk)
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
            "events": _events(lease),
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


# --- rent -------------------------------------------------------------------------------------------


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
            result = actions.bill_month(actor(request), month)
            messages.success(
                request,
                gettext("%(month)s: %(created)d bills created, %(existing)d already there.")
                % {"month": f"{month:%Y-%m}", **result},
            )
            return redirect(reverse("rental:bills") + f"?month={month:%Y-%m}")
    return _form_page(
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


# --- reviews, inspections --------------------------------------------------------------------------


@require(MODULE, "handle")
def review_record(request: HttpRequest, pk: int) -> HttpResponse:
    review = get_object_or_404(Review.objects.select_related("household__applicant"), pk=pk)
    form = forms.ReviewForm(request.POST or None)
    if request.method == "POST":
        done = _run(
            request,
            form,
            lambda d: actions.record_review(actor(request), review, outcome=d["outcome"], on=d["on"], note=d["note"]),
        )
        if done:
            messages.success(request, _("Review recorded."))
            return redirect("rental:household", review.household_id)
    return _form_page(
        request,
        form,
        title=gettext("Annual review %(year)s: %(household)s") % {"year": review.year, "household": review.household},
        cancel=reverse("rental:household", args=[review.household_id]),
    )


@require(MODULE, "handle")
def reviews_open(request: HttpRequest) -> HttpResponse:
    form = forms.OpenReviewsForm(request.POST or None, initial={"year": timezone.localdate().year})
    if request.method == "POST":
        count = _run(request, form, lambda d: actions.open_reviews(actor(request), d["year"], d["on"]))
        if count is not None:
            messages.success(request, gettext("%(count)d reviews opened.") % {"count": count})
            return redirect(reverse("rental:reviews") + f"?year={form.cleaned_data['year']}")
    return _form_page(
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
        done = _run(
            request,
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
    return _form_page(request, form, title=_("Record a home visit"), cancel=reverse("rental:inspections"))


# --- exits ------------------------------------------------------------------------------------------


@require(MODULE, "view")
def exit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    exit_ = get_object_or_404(Exit.objects.select_related("lease__rental_unit__unit", "household__applicant"), pk=pk)
    serve_form, date_form, note_form = forms.ServeForm(), forms.DateForm(), forms.NoteForm()
    action = request.POST.get("action", "") if request.method == "POST" else ""
    if request.method == "POST" and not action:
        workflow.post_step(actions.EXIT_WORKFLOW, request, exit_, actions.take_exit_step)
        return redirect("rental:exit", pk)
    if action:
        check(request.user, MODULE, "handle")
        who = actor(request)
        done: Any = None
        if action == "serve":
            serve_form = forms.ServeForm(request.POST)
            done = _run(
                request,
                serve_form,
                lambda d: actions.serve_exit(who, exit_, notice_on=d["notice_on"], deadline=d["deadline"]),
            )
        elif action in ("notice", "complete"):
            date_form = forms.DateForm(request.POST)
            verb = actions.serve_exit_notice_again if action == "notice" else actions.complete_exit
            done = _run(request, date_form, lambda d: verb(who, exit_, on=d["on"]))
        elif action == "force":
            note_form = forms.NoteForm(request.POST)
            done = _run(request, note_form, lambda d: actions.force_exit(who, exit_, note=d["note"]))
        if done:
            messages.success(request, _("Saved."))
            return redirect("rental:exit", pk)
    step_url = reverse("rental:exit", args=[pk])
    return render(
        request,
        "rental/exit.html",
        {
            "e": exit_,
            "wf": workflow.page(actions.EXIT_WORKFLOW, exit_, request.user, step_url=step_url),
            "serve_form": serve_form,
            "date_form": date_form,
            "note_form": note_form,
        },
    )


@require(MODULE, "view")
def exit_notice(request: HttpRequest, pk: int) -> HttpResponse:
    """The exit notice (清退通知书), once served."""
    exit_ = get_object_or_404(
        Exit.objects.select_related("lease__rental_unit__unit__project", "household__applicant"), pk=pk
    )
    if exit_.notice_on is None:
        messages.error(request, _("The exit notice is printed once the approved exit is served."))
        return redirect("rental:exit", pk)
    return render(request, "rental/exit_notice.html", {"e": exit_, "printed": timezone.localdate()})


# --- repairs, filings, rates ------------------------------------------------------------------------


@require(MODULE, "handle")
def repair_create(request: HttpRequest) -> HttpResponse:
    form = forms.RepairForm(request.POST or None, initial={"unit": request.GET.get("unit", "")})
    if request.method == "POST":
        repair = _run(
            request,
            form,
            lambda d: actions.report_repair(actor(request), d["unit"], on=d["on"], description=d["description"]),
        )
        if repair:
            messages.success(request, _("Work order created."))
            return redirect("rental:repair", repair.pk)
    return _form_page(request, form, title=_("New work order"), cancel=reverse("rental:repairs"))


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
            done = _run(request, assign_form, lambda d: actions.assign_repair(who, repair, vendor=d["vendor"]))
        else:
            complete_form = forms.CompleteRepairForm(request.POST)
            done = _run(
                request, complete_form, lambda d: actions.complete_repair(who, repair, on=d["on"], cost=d["cost"])
            )
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
            "events": _events(repair),
            "printed": timezone.localdate(),
        },
    )


@require(MODULE, "handle")
def filing_create(request: HttpRequest) -> HttpResponse:
    form = forms.FilingForm(request.POST or None)
    if request.method == "POST":
        filing = _run(request, form, lambda d: actions.file_rental(actor(request), **d))
        if filing:
            messages.success(request, gettext("Filing %(number)s recorded.") % {"number": filing.number})
            return redirect("rental:filings")
    return _form_page(request, form, title=_("New rental filing"), cancel=reverse("rental:filings"))


@require(MODULE, "handle")
def rate_create(request: HttpRequest) -> HttpResponse:
    form = forms.RateForm(request.POST or None)
    if request.method == "POST":
        rate = _run(request, form, lambda d: actions.set_rate(actor(request), **d))
        if rate:
            messages.success(request, _("Rent standard saved."))
            return redirect("rental:rates")
    return _form_page(
        request,
        form,
        title=_("New rent standard"),
        cancel=reverse("rental:rates"),
        help=_("A new standard applies to leases signed or renewed from its date; existing leases keep their rent."),
    )
