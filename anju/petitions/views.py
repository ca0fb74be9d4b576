"""Petitions' pages: the year's figures with the deadlines board, the lists of cases (search, filters, export),
registering a case, a case's page (its deadlines, timeline, documents, links, attachments and the forms of its
next steps), the board of due and overdue deadlines, campaigns, and channels with their dated rules.

Privacy: petitioners' names and phones are masked everywhere except on the case's page for the petitions role
(see_id) or the case's own handler, and each time they are shown there it is in the audit log."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anju.core import attachments, workflow
from anju.core import kpis as registry
from anju.core.errors import refused
from anju.core.links import reverse
from anju.core.listing import (
    Action,
    ChoiceFilter,
    Column,
    FlagFilter,
    HiddenFilter,
    Link,
    ListPage,
    Muted,
    Search,
    Tag,
    YearFilter,
    label_of,
    link_column,
    valid_int,
    valid_month,
)
from anju.core.models import Role, User
from anju.core.permissions import actor, can, login_required, require
from anju.lib import dates
from anju.lib.ids import mask_id
from anju.petitions import actions, documents, links, queries, rules
from anju.petitions.forms import (
    AssignForm,
    CampaignForm,
    CaseForm,
    CloseForm,
    CommitmentForm,
    ContactForm,
    ConvertForm,
    DayForm,
    ExtendForm,
    ForwardForm,
    IncidentForm,
    LinkForm,
    RejectForm,
    ReplyForm,
    ReviewDecisionForm,
    ReviewRequestForm,
    RuleForm,
    SatisfactionForm,
)
from anju.petitions.models import (
    Campaign,
    Case,
    CaseDeadline,
    Category,
    Channel,
    Commitment,
    DeadlineRule,
    Petitioner,
)

MODULE = "petitions"
YEARS = (2000, 2100)
S = Case.Status


def _year(request: HttpRequest) -> int:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        year = timezone.localdate().year
    return min(max(year, YEARS[0]), YEARS[1])


def _closed_month(month: int) -> str:
    return f"{month}月办结"


def mask_name(name: str) -> str:
    """The first character and asterisks: 王** for 王建国."""
    return (name[:1] + "*" * max(1, len(name) - 1)) if name else ""


def may_view(user: Any, case: Case) -> bool:
    return can(user, MODULE, "view") or (case.handler_id is not None and case.handler_id == user.pk)


def may_see_identity(user: Any, case: Case) -> bool:
    """The petitions role (see_id) or the case's own handler."""
    return can(user, MODULE, "see_id") or (case.handler_id is not None and case.handler_id == user.pk)


def _list(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    kwargs.setdefault("crumbs", [(_("Petitions and public opinion"), reverse("petitions:home"))])
    return ListPage(module=MODULE, tabs="petitions/_tabs.html", **kwargs).render(request)


# --- the board -----------------------------------------------------------------------------------------


def _due_soon_until(today: dt.date) -> dt.date:
    """The last due day that counts as "due within 3 working days" (calendar days without the year's calendar)."""
    try:
        return dates.add_working_days(today, rules.DUE_SOON_WORKING_DAYS)
    except dates.CalendarMissing:
        return today + dt.timedelta(days=rules.DUE_SOON_WORKING_DAYS)


def _state_filter(today: dt.date) -> Callable[[QuerySet[CaseDeadline], str], QuerySet[CaseDeadline]]:
    soon = Q(due__gte=today) & (Q(nominal__lte=today) | Q(due__lte=_due_soon_until(today)))

    def narrow(qs: QuerySet[CaseDeadline], state: str) -> QuerySet[CaseDeadline]:
        if state == rules.State.OVERDUE:
            return qs.filter(due__lt=today)
        if state == rules.State.DUE_SOON:
            return qs.filter(soon)
        return qs.filter(due__gte=today).exclude(soon)

    return narrow


STATE_LABELS = {
    rules.State.ON_TIME: _("On time"),
    rules.State.DUE_SOON: _("Due within 3 working days"),
    rules.State.OVERDUE: _("Past due"),
}


@require(MODULE, "view")
def home(request: HttpRequest) -> HttpResponse:
    """The year's figures (each linked to its cases) and the open deadlines by department and handler."""
    year = _year(request)
    figures = [
        (kpi, kpi.compute(year), kpi.records_url(year) if kpi.records_url else "") for kpi in registry.all_kpis(MODULE)
    ]
    today = timezone.localdate()
    soon = Q(due__gte=today) & (Q(nominal__lte=today) | Q(due__lte=_due_soon_until(today)))
    by_owner = (
        queries.open_deadlines()
        .values("case__department__name", "case__handler__full_name", "case__handler__username", "case__handler_id")
        .annotate(
            total=Count("pk"),
            overdue=Count("pk", filter=Q(due__lt=today)),
            soon=Count("pk", filter=soon),
        )
        .order_by("case__department__name", "case__handler__full_name")
    )
    form = IncidentForm(request.POST or None, initial={"occurred_on": today})
    if request.method == "POST":
        if not can(request.user, MODULE, "handle"):
            raise PermissionDenied(f"{MODULE}:handle")
        if form.is_valid():
            with refused(form) as outcome:
                incident = actions.record_incident(actor(request), **form.cleaned_data)
            if outcome.ok:
                messages.success(request, _("Saved."))
                return redirect(reverse("petitions:home") + f"?year={incident.occurred_on.year}")
    return render(
        request,
        "petitions/home.html",
        {
            "year": year,
            "figures": figures,
            "owners": list(by_owner),
            "incidents": queries.incidents(year),
            "incident_form": form,
            "may_handle": can(request.user, MODULE, "handle"),
            "tab": "home",
        },
    )


@require(MODULE, "view")
def board(request: HttpRequest) -> HttpResponse:
    """Open deadlines by due date: on time, due within 3 working days, overdue; per department and handler."""
    today = timezone.localdate()
    calendar = dates.default_calendar()  # read once for the page's rows

    def state(d: CaseDeadline) -> Tag:
        value = d.state(today, calendar)
        return Tag(str(STATE_LABELS.get(value, value)), str(value))

    handlers = User.objects.filter(pk__in=Case.objects.filter(status__in=queries.OPEN).values("handler_id"))
    return _list(
        request,
        title=_("Deadlines board"),
        tab="board",
        queryset=queries.open_deadlines(),
        columns=[
            Column(
                _("Petition case number"),
                lambda d: Link(d.case.number, reverse("petitions:case", args=[d.case_id])),
                "case__number",
                export_label="编号",
            ),
            Column(_("Subject"), lambda d: d.case.subject, "case__subject", export_label="事由"),
            Column(_("Petition channel"), lambda d: d.case.channel.name, "case__channel__order", export_label="渠道"),
            Column(_("Deadline step"), lambda d: label_of(d, "step"), "step", export_label="环节"),
            Column(_("Due on"), lambda d: d.due, "due", export_label="期限"),
            Column(_("State"), state, export_label="状态", export_value=lambda d: str(state(d).text)),
            Column(
                _("Department"),
                lambda d: d.case.department.name if d.case.department else Muted("—"),
                "case__department__name",
                export_label="承办部门",
            ),
            Column(_("Handler"), lambda d: _handler_name(d.case) or Muted("—"), export_label="承办人"),
        ],
        search=Search(["case__number__icontains", "case__subject__icontains"], _("Case number or subject")),
        filters=[
            ChoiceFilter("state", _("State"), list(STATE_LABELS.items()), apply=_state_filter(today)),
            ChoiceFilter(
                "department",
                _("Department"),
                [(r.pk, r.name) for r in Role.objects.filter(kind=Role.Kind.DEPARTMENT)],
                field="case__department_id",
            ),
            ChoiceFilter(
                "handler", _("Handler"), [(u.pk, u.full_name or u.username) for u in handlers], field="case__handler_id"
            ),
        ],
        filename="信访件期限",
        empty=_("No open deadlines."),
        table_id="petitions-board",
    )


def _handler_name(case: Case) -> str:
    handler = case.handler
    return (handler.full_name or handler.username) if handler else ""


# --- cases ---------------------------------------------------------------------------------------------


def _petitioner_cell(case: Case) -> str:
    people = list(case.petitioners.all())
    if not people:
        return "匿名"
    first = mask_name(people[0].name) or mask_id(people[0].phone)
    return first + (f" 等{case.head_count}人" if case.head_count > 1 else "")


def _closure_filter(qs: QuerySet[Case], kind: str) -> QuerySet[Case]:
    return qs.filter(closure_kind=kind)


def _case_queryset() -> QuerySet[Case]:
    complete = CaseDeadline.objects.filter(case=OuterRef("pk"), step=rules.Step.COMPLETE).values("due")[:1]
    return (
        Case.objects.select_related("channel", "handler", "department")
        .prefetch_related("petitioners")
        .annotate(complete_due=Subquery(complete))
        .order_by("-received_at", "-number")
    )


def _case_columns() -> list[Column]:
    return [
        link_column(_("Petition case number"), "number", "petitions:case", export_label="编号"),
        Column(
            _("Received at"),
            lambda c: timezone.localtime(c.received_at).strftime("%Y-%m-%d %H:%M"),
            "received_at",
            export_label="收件时间",
        ),
        Column(_("Petition channel"), lambda c: c.channel.name, "channel__order", export_label="渠道"),
        Column(_("Reference"), lambda c: c.reference or Muted("—"), "reference", export_label="渠道编号"),
        Column(_("Subject category"), lambda c: label_of(c, "category"), "category", export_label="类别"),
        Column(_("Subject"), lambda c: c.subject, "subject", export_label="事由"),
        Column(_("Petitioner"), _petitioner_cell, export_label="信访人"),
        Column(_("Handler"), lambda c: _handler_name(c) or Muted("—"), export_label="承办人"),
        Column(_("Completion due"), lambda c: c.complete_due or Muted("—"), "complete_due", export_label="办结期限"),
        Column(_("Status"), lambda c: Tag(label_of(c, "status"), c.status), "status", export_label="状态"),
        Column(
            _("Closure kind"),
            lambda c: label_of(c, "closure_kind") or Muted("—"),
            "closure_kind",
            export_label="办结方式",
        ),
    ]


@require(MODULE, "view")
def cases(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    missed = CaseDeadline.objects.filter(case=OuterRef("pk")).filter(
        Q(met_on__gt=F("due")) | Q(met_on__isnull=True, due__lt=today)
    )
    kinds = [("online", _("Online public opinion")), ("referral", _("Referred by the inspection team"))]
    return _list(
        request,
        title=_("Petition cases"),
        tab="cases",
        queryset=_case_queryset(),
        columns=_case_columns(),
        search=Search(
            ["number__icontains", "subject__icontains", "reference__icontains"], _("Number, subject or reference")
        ),
        filters=[
            ChoiceFilter("status", _("Status"), S.choices, everything=_("All statuses")),
            ChoiceFilter(
                "channel", _("Petition channel"), [(c.pk, c.name) for c in Channel.objects.all()], field="channel_id"
            ),
            ChoiceFilter("category", _("Subject category"), Category.choices),
            ChoiceFilter(
                "kind",
                _("Kind"),
                kinds,
                apply=lambda qs, k: (
                    qs.filter(channel__online=True) if k == "online" else qs.filter(channel__referral=True)
                ),
            ),
            YearFilter(apply=lambda qs, y: qs.filter(received_on__year=y)),
            ChoiceFilter("closure", _("Closure kind"), Case.Closure.choices, apply=_closure_filter),
            FlagFilter("overdue", _("Past due"), apply=lambda qs, _v: qs.filter(Exists(missed))),
            FlagFilter("repeat", _("Repeat petitions"), apply=lambda qs, _v: qs.filter(repeat_of__isnull=False)),
            FlagFilter("mine", _("Assigned to me"), apply=lambda qs, _v: qs.filter(handler_id=request.user.pk)),
            HiddenFilter("replied", lambda qs, _v: qs.filter(replied_on__isnull=False), valid_int),
            HiddenFilter("commitment", lambda qs, _v: qs.filter(commitments__isnull=False).distinct(), valid_int),
            HiddenFilter("closed", lambda qs, y: qs.filter(closed_on__year=y), valid_int),
            HiddenFilter("closed_month", lambda qs, m: qs.filter(closed_on__month=m), valid_month, tag=_closed_month),
        ],
        filename="信访件",
        actions=[
            Action(_("Register a case"), reverse("petitions:case_create"), "handle"),
            Action(_("Import 12345 work orders"), reverse("petitions:orders_import"), "handle", primary=False),
        ],
        empty=_("No petition cases match."),
        table_id="petitions-cases",
    )


@require(MODULE, "handle")
def case_create(request: HttpRequest) -> HttpResponse:
    now = timezone.localtime().replace(second=0, microsecond=0, tzinfo=None)
    form = CaseForm(request.POST or None, initial={"received_at": now, "head_count": 1})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        with refused(form) as outcome:
            case = actions.register_case(
                actor(request),
                actions.NewCase(
                    channel=d["channel"], received_at=d["received_at"], category=d["category"], subject=d["subject"],
                    content=d["content"], reference=d["reference"], petitioners=d["petitioners"],
                    head_count=max(d["head_count"], len(d["petitioners"]) or 1),
                ),
            )  # fmt: skip
        if outcome.ok:
            messages.success(request, _("Case %(number)s registered.") % {"number": case.number})
            return redirect("petitions:case", case.pk)
    return render(request, "petitions/form.html", {"form": form, "title": _("Register a case"), "tab": "cases"})


@login_required
def my_cases(request: HttpRequest) -> HttpResponse:
    """The cases assigned to the signed-in user: a handler of another department reaches them here without
    the petitions role's lists."""
    return _list(
        request,
        title=_("Petition cases assigned to me"),
        tab="mine",
        queryset=_case_queryset().filter(handler_id=request.user.pk),
        columns=_case_columns(),
        search=Search(["number__icontains", "subject__icontains"], _("Case number or subject")),
        filters=[ChoiceFilter("status", _("Status"), S.choices, everything=_("All statuses"))],
        filename="我承办的信访件",
        empty=_("No petition cases match."),
        table_id="petitions-mine",
    )


# A case's page posts one of several small forms (`step`): the form and the action it runs.
Step = tuple[type[django_forms.Form], Callable[[dict[str, Any]], object]]


def _steps(request: HttpRequest, case: Case) -> dict[str, Step]:
    who = actor(request)

    def commitment(d: dict[str, Any]) -> object:
        made = actions.record_commitment(who, case, signed_on=d["signed_on"], signer=d["signer"])
        if d.get("file"):
            attachments.attach(made, d["file"], module=MODULE, kind="息访罢诉承诺书", actor=who)
        return made

    def link(d: dict[str, Any]) -> object:
        return actions.link_record(who, case, links.find(d["kind"], d["text"]))

    return {
        "accept": (DayForm, lambda d: actions.accept_case(who, case, on=d["on"], note=d["note"])),
        "reject": (RejectForm, lambda d: actions.reject_case(who, case, on=d["on"], reason=d["reason"])),
        "assign": (AssignForm, lambda d: actions.assign_case(who, case, **d)),
        "forward": (ForwardForm, lambda d: actions.forward_case(who, case, **d)),
        "contact": (ContactForm, lambda d: actions.record_contact(who, case, **d)),
        "reply": (ReplyForm, lambda d: actions.reply_case(who, case, **d)),
        "close": (CloseForm, lambda d: actions.close_case(who, case, **d)),
        "extend": (ExtendForm, lambda d: actions.extend_case(who, case, **d)),
        "commitment": (CommitmentForm, commitment),
        "review": (ReviewRequestForm, lambda d: actions.request_review(who, case, on=d["on"])),
        "decide": (ReviewDecisionForm, lambda d: actions.decide_review(who, case, **d)),
        "satisfaction": (SatisfactionForm, lambda d: actions.record_satisfaction(who, case, **d)),
        "convert": (ConvertForm, lambda d: actions.convert_to_substantive(who, case, **d)),
        "link": (LinkForm, link),
    }


def _post_step(request: HttpRequest, case: Case, forms: dict[str, Any]) -> bool:
    """On a POST: the permission (the petitions role, the handler, or a leader for an extension), the step's
    form bound (shown with its errors as `<step>_form`) and its action run inside `refused()`."""
    if request.method != "POST":
        return False
    step = request.POST.get("step") or ""
    steps = _steps(request, case)
    if step not in steps:
        return False
    allowed = can(request.user, MODULE, "approve") if step == "extend" else actions.may_handle(actor(request), case)
    if not allowed:
        raise PermissionDenied(f"{MODULE}:handle")
    form_class, act = steps[step]
    form = form_class(request.POST, request.FILES)
    forms[f"{step}_form"] = form
    if not form.is_valid():
        return False
    with refused(form) as outcome:
        act(dict(form.cleaned_data))
    if not outcome.ok:  # also above the page: the step's form may not be shown in the case's state
        messages.error(request, outcome.message)
    return outcome.ok


@login_required
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_object_or_404(Case.objects.select_related("channel", "handler", "department", "repeat_of"), pk=pk)
    if not may_view(request.user, case):
        raise PermissionDenied(f"{MODULE}:view")
    today = timezone.localdate()
    forms: dict[str, Any] = {
        "accept_form": DayForm(initial={"on": today}),
        "reject_form": RejectForm(initial={"on": today}),
        "assign_form": AssignForm(initial={"on": today}),
        "forward_form": ForwardForm(initial={"on": today}),
        "contact_form": ContactForm(initial={"at": timezone.localtime().replace(second=0, microsecond=0, tzinfo=None)}),
        "reply_form": ReplyForm(initial={"on": today}),
        "close_form": CloseForm(initial={"on": today}),
        "extend_form": ExtendForm(),
        "commitment_form": CommitmentForm(initial={"signed_on": today}),
        "review_form": ReviewRequestForm(initial={"on": today}),
        "decide_form": ReviewDecisionForm(initial={"on": today}),
        "satisfaction_form": SatisfactionForm(),
        "convert_form": ConvertForm(initial={"on": today}),
        "link_form": LinkForm(),
    }
    if _post_step(request, case, forms):
        messages.success(request, _("Saved."))
        return redirect("petitions:case", case.pk)
    case.refresh_from_db()
    identity = request.GET.get("identity") == "1" and may_see_identity(request.user, case)
    if identity:
        actions.show_identity(actor(request), case)
    petitioners = [
        {
            "name": p.name if identity else mask_name(p.name),
            "phone": p.phone if identity else mask_id(p.phone),
            "id_number": p.id_number if identity else mask_id(p.id_number),
        }
        for p in Petitioner.objects.filter(case=case)
    ]
    calendar = dates.default_calendar()
    deadlines = [(d, d.state(today, calendar)) for d in CaseDeadline.objects.filter(case=case).select_related("rule")]
    case_links = [
        (link, links.kind_label(link.content_type), links.url(link.content_type, link.record))
        for link in case.links.select_related("content_type")
    ]
    return render(
        request,
        "petitions/case.html",
        {
            "case": case,
            "petitioners": petitioners,
            "identity": identity,
            "may_see_identity": may_see_identity(request.user, case),
            "may_handle": actions.may_handle(actor(request), case),
            "may_approve": can(request.user, MODULE, "approve"),
            "deadlines": deadlines,
            "state_labels": STATE_LABELS,
            "wf": workflow.page(actions.CASE_WORKFLOW, case, request.user, step_url=""),
            "contacts": case.contacts.select_related("recorded_by"),
            "commitments": Commitment.objects.filter(case=case),
            "reviews": case.reviews.all(),
            "links": case_links,
            "repeats": case.repeats.only("pk", "number", "received_on"),
            "notices": documents.available(case),
            "attachments": attachments.for_record(case),
            "upload_url": reverse("petitions:attach", args=[case.pk]),
            "tab": "cases",
            **forms,
        },
    )


@login_required
def attach(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_object_or_404(Case, pk=pk)
    if request.method != "POST" or not actions.may_handle(actor(request), case):
        raise PermissionDenied(f"{MODULE}:handle")
    upload = request.FILES.get("file")
    if upload is not None:
        with refused(request):
            attachments.attach(case, upload, module=MODULE, kind="信访材料", actor=actor(request))
    return redirect("petitions:case", case.pk)


@login_required
def notice(request: HttpRequest, pk: int, kind: str, fmt: str) -> HttpResponse:
    case = get_object_or_404(Case.objects.select_related("channel"), pk=pk)
    if not may_view(request.user, case):
        raise PermissionDenied(f"{MODULE}:view")
    return documents.notice_response(request, case, kind, fmt)


# --- campaigns -----------------------------------------------------------------------------------------


@require(MODULE, "view")
def campaigns(request: HttpRequest) -> HttpResponse:
    form = CampaignForm(request.POST or None)
    if request.method == "POST":
        if not can(request.user, MODULE, "handle"):
            raise PermissionDenied(f"{MODULE}:handle")
        if form.is_valid():
            d = form.cleaned_data
            with refused(form) as outcome:
                campaign = actions.create_campaign(
                    actor(request), name=d["name"], starts_on=d["starts_on"], ends_on=d["ends_on"], target=d["target"],
                    cases=d["numbers"],
                )  # fmt: skip
            if outcome.ok:
                return redirect("petitions:campaign", campaign.pk)
    rows = [(c, queries.campaign_progress(c)) for c in Campaign.objects.all()]
    return render(
        request,
        "petitions/campaigns.html",
        {"rows": rows, "form": form, "may_handle": can(request.user, MODULE, "handle"), "tab": "campaigns"},
    )


@require(MODULE, "view")
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_object_or_404(Campaign, pk=pk)
    members = campaign.cases.select_related("channel", "handler").order_by("number")
    return render(
        request,
        "petitions/campaign.html",
        {"campaign": campaign, "progress": queries.campaign_progress(campaign), "members": members, "tab": "campaigns"},
    )


# --- channels and rules --------------------------------------------------------------------------------


@require(MODULE, "view")
def channels(request: HttpRequest) -> HttpResponse:
    """The channels and their dated rules; a leader adds a rule from a day on (deadlines given stay)."""
    form = RuleForm(request.POST or None, initial={"effective_from": timezone.localdate()})
    may_edit = can(request.user, MODULE, "approve")
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied(f"{MODULE}:approve")
        if form.is_valid():
            d = form.cleaned_data
            with refused(form) as outcome:
                actions.set_rule(actor(request), d.pop("channel"), **d)
            if outcome.ok:
                messages.success(request, _("Saved."))
                return redirect("petitions:channels")
    rules_by_channel = actions.channel_rules(Channel.objects.values_list("pk", flat=True))
    rows = [
        (c, sorted(rules_by_channel.get(c.pk, []), key=lambda r: (r.step, r.effective_from)))
        for c in Channel.objects.all()
    ]
    return render(
        request,
        "petitions/channels.html",
        {"rows": rows, "form": form, "may_edit": may_edit, "steps": dict(DeadlineRule.Step.choices), "tab": "channels"},
    )
