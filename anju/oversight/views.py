"""Rectification's pages: the year's figures with the overdue and due-soon lists, inspections (with their
findings, the decomposition notice, deployment meetings and the Word decomposition table), the findings list, a
finding's tasks and links, the rectification ledger (整改台账, exported as Excel) and a task's progress and
sign-off (the owner submits, the office checks, a leader signs off)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
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
)
from anju.core.permissions import actor, can, require
from anju.oversight import actions, documents, links, queries
from anju.oversight.forms import (
    DecompositionForm,
    ExtensionForm,
    FindingForm,
    InspectionForm,
    LinkForm,
    MeetingForm,
    ProgressForm,
    TaskForm,
)
from anju.oversight.models import Finding, Inspection, Progress, Task
from anju.worklog.models import WorkRecord

MODULE = "oversight"
S = Task.Status
DOCUMENT_KINDS = [("巡察反馈意见", "巡察反馈意见"), ("整改任务分解通知", "整改任务分解通知"), ("整改方案", "整改方案"),
                  ("整改情况报告", "整改情况报告")]  # fmt: skip


def _list(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    return ListPage(module=MODULE, tabs="oversight/_tabs.html", **kwargs).render(request)


def _year(request: HttpRequest) -> int:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return timezone.localdate().year
    return year if 2000 <= year <= 2100 else timezone.localdate().year


def _handle(request: HttpRequest) -> None:
    if not can(request.user, MODULE, "handle"):
        raise PermissionDenied(f"{MODULE}:handle")


@require(MODULE, "view")
def home(request: HttpRequest) -> HttpResponse:
    year, today = _year(request), timezone.localdate()
    figures = registry.kept_figures(registry.all_kpis(MODULE), year, queries.TABLES)
    tasks = Task.objects.select_related("finding__inspection", "owner")
    return render(request, "oversight/home.html", {
        "year": year, "figures": figures, "tab": "home",
        "overdue": tasks.filter(pk__in=queries.overdue_tasks(today)).order_by("deadline")[:50],
        "due_soon": tasks.filter(pk__in=queries.due_soon_tasks(today)).order_by("deadline")[:50],
    })  # fmt: skip


@require(MODULE, "view")
def inspections(request: HttpRequest) -> HttpResponse:
    return _list(
        request,
        title=_("Inspections"),
        tab="inspections",
        queryset=Inspection.objects.annotate(
            n=Count("findings", distinct=True),
            done=Count("findings", filter=Q(findings__rectified_on__isnull=False), distinct=True),
        ),
        columns=[
            link_column(_("Inspection title"), "title", "oversight:inspection", export_label="名称"),
            Column(_("Inspection kind"), lambda i: label_of(i, "kind"), "kind", export_label="类型"),
            Column(_("Feedback on"), lambda i: i.feedback_on, "feedback_on", export_label="反馈日期"),
            Column(_("Findings"), lambda i: i.n, "n", export_label="问题数"),
            Column(_("Rectified"), lambda i: i.done, "done", export_label="已整改到位"),
            Column(
                _("Task decomposition document number"),
                lambda i: i.decomposition_number or Muted("—"),
                export_label="任务分解文号",
            ),
        ],
        search=Search(["title__icontains", "body__icontains"], _("Inspection title or body")),
        filters=[
            ChoiceFilter("kind", _("Inspection kind"), Inspection.Kind.choices),
            YearFilter(apply=lambda qs, y: qs.filter(feedback_on__year=y)),
        ],
        filename="巡察巡视",
        actions=[Action(_("Record an inspection"), reverse("oversight:inspection_create"), "handle")],
        table_id="oversight-inspections",
    )


@require(MODULE, "handle")
def inspection_create(request: HttpRequest) -> HttpResponse:
    form = InspectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with refused(form) as outcome:
            inspection = actions.record_inspection(actor(request), **form.cleaned_data)
        if outcome.ok:
            return redirect(inspection)
    return render(request, "oversight/form.html", {"form": form, "title": _("Record an inspection"),
                                                   "tab": "inspections"})  # fmt: skip


def _bound(request: HttpRequest, name: str, cls: type, **kw: Any) -> Any:
    posted = request.method == "POST" and request.POST.get("form") == name
    return cls(request.POST if posted else None, prefix=name, **kw)


@require(MODULE, "view")
def inspection_detail(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = get_object_or_404(Inspection, pk=pk)
    forms = {"finding": _bound(request, "finding", FindingForm),
             "decomposition": _bound(request, "decomposition", DecompositionForm),
             "meeting": _bound(request, "meeting", MeetingForm)}  # fmt: skip
    if request.method == "POST":
        _handle(request)
        name = request.POST.get("form", "")
        form = forms.get(name)
        if form is not None and form.is_valid():
            d, who = form.cleaned_data, actor(request)
            with refused(form) as outcome:
                if name == "finding":
                    actions.add_findings(who, inspection, [actions.NewFinding(**d)])
                elif name == "decomposition":
                    actions.record_decomposition(who, inspection, **d)
                else:
                    actions.hold_meeting(who, findings=list(inspection.findings.all()), **d)
            if outcome.ok:
                return redirect(inspection)
    today = timezone.localdate()
    late = queries.overdue_tasks(today).filter(finding=OuterRef("pk"))
    findings = inspection.findings.annotate(tasks_n=Count("tasks"), late=Exists(late))
    decided = WorkRecord.objects.filter(rectification_tasks__finding__inspection=inspection)
    meetings = decided | WorkRecord.objects.filter(
        links__content_type__app_label="oversight", links__content_type__model="finding",
        links__object_id__in=inspection.findings.values("pk"))  # fmt: skip
    return render(request, "oversight/inspection.html", {
        "attachments": attachments.for_record(inspection), "kinds": DOCUMENT_KINDS,
        "inspection": inspection, "findings": findings, "forms": forms, "tab": "inspections",
        "meetings": meetings.distinct().order_by("held_on"), "may_handle": can(request.user, MODULE, "handle"),
    })  # fmt: skip


@require(MODULE, "export")
def decomposition_docx(request: HttpRequest, pk: int) -> HttpResponse:
    return documents.decomposition_response(request, get_object_or_404(Inspection, pk=pk))


def _finding_state(on: dt.date) -> Any:
    def narrow(qs: QuerySet[Finding], state: str) -> QuerySet[Finding]:
        if state == "rectified":
            return qs.filter(rectified_on__lte=on)
        late = queries.overdue_tasks(on).filter(finding=OuterRef("pk"))
        if state == "overdue":
            return qs.filter(Exists(late))
        return qs.exclude(rectified_on__lte=on)

    return narrow


@require(MODULE, "view")
def findings(request: HttpRequest) -> HttpResponse:
    year = request.GET.get("year", "")
    on = queries.year_end(int(year)) if year.isdigit() and 2000 <= int(year) <= 2100 else timezone.localdate()
    return _list(
        request,
        title=_("Findings"),
        tab="findings",
        queryset=Finding.objects.select_related("inspection").annotate(tasks_n=Count("tasks")),
        columns=[
            Column(_("Inspection"), lambda f: f.inspection.title, "inspection__feedback_on", export_label="来源"),
            Column(
                _("Finding number"),
                lambda f: Link(f.number, reverse("oversight:finding", args=[f.pk])),
                "number",
                export_label="序号",
                export_value=lambda f: f.number,
            ),
            Column(_("Finding"), lambda f: f.text, export_label="问题描述"),
            Column(_("Area"), lambda f: label_of(f, "area"), "area", export_label="问题领域"),
            Column(_("Origin"), lambda f: label_of(f, "origin"), "origin", export_label="问题来源"),
            Column(_("Tasks"), lambda f: f.tasks_n, "tasks_n", export_label="整改任务数"),
            Column(
                _("Rectified on"), lambda f: f.rectified_on or Muted("—"), "rectified_on", export_label="整改到位日期"
            ),
        ],
        search=Search(["text__icontains", "inspection__title__icontains"], _("Finding or inspection")),
        filters=[
            ChoiceFilter("area", _("Area"), Finding.Area.choices),
            ChoiceFilter("origin", _("Origin"), Finding.Origin.choices),
            ChoiceFilter(
                "state",
                _("State"),
                [("rectified", _("Rectified")), ("open", _("Rectifying")), ("overdue", _("Overdue"))],
                apply=_finding_state(on),
            ),
            YearFilter(apply=lambda qs, y: qs.filter(inspection__feedback_on__year=y)),
            HiddenFilter("city", lambda qs, _v: qs.filter(inspection__kind__in=queries.CITY_KINDS), valid_int),
            ChoiceFilter("kind", _("Inspection kind"), Inspection.Kind.choices, field="inspection__kind"),
        ],
        filename="巡察反馈问题",
        table_id="oversight-findings",
    )


@require(MODULE, "view")
def finding_detail(request: HttpRequest, pk: int) -> HttpResponse:
    finding = get_object_or_404(Finding.objects.select_related("inspection"), pk=pk)
    form = _bound(request, "task", TaskForm, initial={"assigned_on": timezone.localdate()})
    link_form = _bound(request, "link", LinkForm)
    if request.method == "POST":
        _handle(request)
        posted = link_form if request.POST.get("form") == "link" else form
        if posted.is_valid():
            d = posted.cleaned_data
            with refused(posted) as outcome:
                if posted is link_form:
                    record, label = links.find(d["kind"], d["text"])
                    actions.link_finding(actor(request), finding, record, role=d["role"], label=label)
                else:
                    actions.assign_tasks(actor(request), [actions.NewTask(finding=finding, **d)])
            if outcome.ok:
                return redirect(finding)
    return render(request, "oversight/finding.html", {
        "finding": finding, "form": form, "link_form": link_form, "tab": "findings",
        "may_handle": can(request.user, MODULE, "handle"),
        "tasks": finding.tasks.select_related("owner").order_by("number"),
        "links": finding.links.select_related("content_type").order_by("role", "pk"),
    })  # fmt: skip


def _latest_progress() -> Subquery:
    return Subquery(Progress.objects.filter(task=OuterRef("pk")).order_by("-on", "-pk").values("text")[:1])


def _state(today: dt.date) -> Any:
    def state(t: Task) -> Tag:
        if t.status != S.SIGNED_OFF and t.deadline < today:
            return Tag(_("Overdue"), "overdue")
        return Tag(t.get_status_display(), t.status)

    return state


@require(MODULE, "view")
def ledger(request: HttpRequest) -> HttpResponse:
    """整改台账: every task with its finding, unit, person, target, deadlines, latest progress and state."""
    today = timezone.localdate()
    state = _state(today)
    return _list(
        request,
        title=_("Rectification ledger"),
        tab="ledger",
        queryset=queries.ledger().annotate(latest=_latest_progress()),
        columns=[
            link_column(_("Task number"), "number", "oversight:task", export_label="任务编号"),
            Column(_("Inspection"), lambda t: t.finding.inspection.title, export_label="问题来源"),
            Column(
                _("Finding"),
                lambda t: f"{t.finding.number}. {t.finding.text}",
                "finding__number",
                export_label="问题描述",
            ),
            Column(_("Area"), lambda t: label_of(t.finding, "area"), export_label="问题领域"),
            Column(_("Rectification kind"), lambda t: label_of(t, "kind"), "kind", export_label="整改类型"),
            Column(_("Rectification target"), lambda t: t.target, export_label="整改目标（措施）"),
            Column(_("Responsible unit"), lambda t: t.unit, "unit", export_label="责任单位"),
            Column(_("Responsible person"), lambda t: str(t.owner), export_label="责任人"),
            Column(_("Rectification deadline"), lambda t: t.deadline, "deadline", export_label="整改时限"),
            Column(
                _("Interim progress deadline"),
                lambda t: t.interim_deadline or Muted("—"),
                "interim_deadline",
                export_label="阶段性进展时限",
            ),
            Column(_("Latest progress"), lambda t: t.latest or Muted("—"), export_label="整改进展"),
            Column(_("State"), state, export_label="整改状态", export_value=lambda t: str(state(t).text)),
            Column(
                _("Signed off on"), lambda t: t.signed_off_on or Muted("—"), "signed_off_on", export_label="销号日期"
            ),
        ],
        search=Search(
            ["number__icontains", "finding__text__icontains", "target__icontains", "unit__icontains"],
            _("Task, finding, target or unit"),
        ),
        filters=[
            ChoiceFilter("status", _("Status"), S.choices),
            ChoiceFilter("kind", _("Rectification kind"), Task.Kind.choices),
            YearFilter(apply=lambda qs, y: qs.filter(finding__inspection__feedback_on__year=y)),
            FlagFilter("overdue", _("Overdue"), apply=lambda qs, _v: qs.filter(pk__in=queries.overdue_tasks(today))),
            FlagFilter(
                "due_soon", _("Due within 7 days"), apply=lambda qs, _v: qs.filter(pk__in=queries.due_soon_tasks(today))
            ),
            FlagFilter("mine", _("Mine"), apply=lambda qs, _v: qs.filter(owner_id=request.user.pk)),
            HiddenFilter("interim", lambda qs, y: qs.filter(interim_deadline__year=y), valid_int),
        ],
        filename="整改台账",
        sheet="整改台账",
        table_id="oversight-ledger",
    )


@require(MODULE, "view")
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    task = get_object_or_404(Task.objects.select_related("finding__inspection", "owner", "meeting"), pk=pk)
    url = reverse("oversight:task", args=[pk])
    form = _bound(request, "progress", ProgressForm, initial={"on": timezone.localdate()})
    extension_form = _bound(request, "extension", ExtensionForm)
    if request.method == "POST":
        if request.POST.get("form") == "extension":
            if not actions.may_report(request.user, task):  # type: ignore[arg-type]
                raise PermissionDenied(f"{MODULE}:handle")
            if extension_form.is_valid():
                with refused(extension_form) as outcome:
                    actions.request_extension(
                        actor(request), task, on=timezone.localdate(), **extension_form.cleaned_data
                    )
                if outcome.ok:
                    return redirect(url)
        elif request.POST.get("form") == "decide":
            if not can(request.user, MODULE, "approve"):
                raise PermissionDenied(f"{MODULE}:approve")
            pending = get_object_or_404(
                task.extensions, pk=request.POST.get("extension", "0") or 0, approved__isnull=True
            )
            with refused(request):
                actions.decide_extension(actor(request), pending, approve=request.POST.get("approve") == "1",
                                         on=timezone.localdate())  # fmt: skip
            return redirect(url)
        elif request.POST.get("form") == "progress":
            if not actions.may_report(request.user, task):  # type: ignore[arg-type]
                raise PermissionDenied(f"{MODULE}:handle")
            if form.is_valid():
                with refused(form) as outcome:
                    actions.record_progress(actor(request), task, **form.cleaned_data)
                if outcome.ok:
                    return redirect(url)
        elif workflow.post_step(actions.TASK_WORKFLOW, request, task, actions.take):
            return redirect(url)
        else:
            return redirect(url)
    return render(request, "oversight/task.html", {
        "attachments": attachments.for_record(task),
        "extensions": task.extensions.select_related("requested_by", "decided_by"),
        "extension_form": extension_form, "may_decide": can(request.user, MODULE, "approve"),
        "task": task, "form": form, "tab": "ledger", "progress": task.progress.select_related("by"),
        "wf": workflow.page(actions.TASK_WORKFLOW, task, request.user, step_url=url),
        "may_report": task.status in (S.NOT_STARTED, S.IN_PROGRESS) and actions.may_report(request.user, task),  # type: ignore[arg-type]
    })  # fmt: skip


@require(MODULE, "view")
def meetings(request: HttpRequest) -> HttpResponse:
    return _list(
        request,
        title=_("Rectification deployment meetings"),
        tab="meetings",
        queryset=WorkRecord.objects.filter(line=MODULE).annotate(decided=Count("rectification_tasks")),
        columns=[
            Column(_("Held on"), lambda m: m.held_on, "held_on", export_label="会议日期"),
            Column(_("Meeting title"), lambda m: m.title, "title", export_label="会议名称"),
            Column(_("Attendees"), lambda m: m.attendees, export_label="参会人员"),
            Column(_("Minutes"), lambda m: m.minutes, export_label="会议纪要"),
            Column(_("Tasks decided"), lambda m: m.decided, "decided", export_label="决定任务数"),
        ],
        search=Search(["title__icontains", "minutes__icontains"], _("Meeting title or minutes")),
        filters=[YearFilter(apply=lambda qs, y: qs.filter(held_on__year=y))],
        filename="巡察整改工作部署会议",
        table_id="oversight-meetings",
    )


@require(MODULE, "view")
def attach_inspection(request: HttpRequest, pk: int) -> HttpResponse:
    """The inspection's documents: the feedback, the decomposition notice (怀住保字〔2024〕1号)."""
    inspection = get_object_or_404(Inspection, pk=pk)
    _handle(request)
    _upload(request, inspection, request.POST.get("kind") or "巡察反馈意见")
    return redirect(inspection)


@require(MODULE, "view")
def attach_task(request: HttpRequest, pk: int) -> HttpResponse:
    """A task's evidence (documents, new rules, photos), by its owner or the office."""
    task = get_object_or_404(Task, pk=pk)
    if not actions.may_report(request.user, task):  # type: ignore[arg-type]
        raise PermissionDenied(f"{MODULE}:handle")
    _upload(request, task, "整改佐证材料")
    return redirect(task)


def _upload(request: HttpRequest, record: Inspection | Task, kind: str) -> None:
    if request.method != "POST":
        raise PermissionDenied("POST")
    upload = request.FILES.get("file")
    if upload is not None:
        with refused(request):
            attachments.attach(record, upload, module=MODULE, kind=kind[:40], actor=actor(request))
