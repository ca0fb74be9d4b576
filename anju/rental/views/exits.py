"""Exits (清退): the list, an exit's workflow page and its printed notice."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anju.core import workflow
from anju.core.links import reverse
from anju.core.listing import (
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
from anju.rental.models import Exit
from anju.rental.views.base import MODULE, list_page, param, run_form


@require(MODULE, "view")
def exit_list(request: HttpRequest) -> HttpResponse:
    # The year of a completed exit is the year it was completed; of any other, the year of its notice.
    year_field = "completed_on__year" if param(request, "status") == "completed" else "notice_on__year"
    return list_page(
        request,
        title=_("Exits"),
        tab="exits",
        queryset=Exit.objects.select_related("household__applicant", "lease__rental_unit__unit").order_by(
            "-notice_on", "-pk"
        ),
        columns=[
            link_column(_("Exit number"), "number", "rental:exit"),
            Column(_("Applicant"), lambda e: e.household.applicant.name, "household__applicant__name"),
            Column(_("Unit code"), lambda e: e.lease.rental_unit.unit.code, "lease__rental_unit__unit__code"),
            Column(_("Reason"), lambda e: label_of(e, "reason"), "reason"),
            Column(_("Notice served on"), lambda e: e.notice_on, "notice_on"),
            Column(_("Move out by"), lambda e: e.deadline, "deadline"),
            Column(_("Forced"), lambda e: _("Yes") if e.forced else "", "forced"),
            Column(_("Status"), lambda e: Tag(label_of(e, "status"), e.status), "status"),
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
            done = run_form(
                serve_form,
                lambda d: actions.serve_exit(who, exit_, notice_on=d["notice_on"], deadline=d["deadline"]),
            )
        elif action in ("notice", "complete"):
            date_form = forms.DateForm(request.POST)
            verb = actions.serve_exit_notice_again if action == "notice" else actions.complete_exit
            done = run_form(date_form, lambda d: verb(who, exit_, on=d["on"]))
        elif action == "force":
            note_form = forms.NoteForm(request.POST)
            done = run_form(note_form, lambda d: actions.force_exit(who, exit_, note=d["note"]))
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
