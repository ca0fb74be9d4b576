"""Legacy projects' pages: the 挂图作战 board (each project's stage, next milestone, overdue tasks), the list of
projects and of tasks (search, filters, export), registering a project, a project's page (milestones with plan
and slip, tasks, meetings, linked petitions, and the forms of its next steps) and a meeting with decisions."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anju.core import attachments, related
from anju.core.errors import refused
from anju.core.links import reverse
from anju.core.listing import (
    Action,
    ChoiceFilter,
    Column,
    FlagFilter,
    HiddenFilter,
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
from anju.legacy import actions, queries, rules
from anju.legacy.forms import (
    DECISIONS,
    BlockersForm,
    CertificatesForm,
    DecisionForm,
    DoneForm,
    MeetingForm,
    PlanForm,
    ProjectForm,
    ReachForm,
    TaskForm,
    WithdrawForm,
)
from anju.legacy.models import Milestone, Project, Stage, Task
from anju.worklog import queries as worklog

MODULE = "legacy"


def _list(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    return ListPage(module=MODULE, tabs="legacy/_tabs.html", **kwargs).render(request)


@require(MODULE, "view")
def home(request: HttpRequest) -> HttpResponse:
    return _board(request)


@require(MODULE, "view")
def board(request: HttpRequest) -> HttpResponse:
    return _board(request)


def _board(request: HttpRequest) -> HttpResponse:
    """挂图作战: every standing project by stage, its next milestone and its overdue tasks."""
    rows = queries.board()
    stages = list(Stage.objects.all())
    return render(request, "legacy/board.html", {
        "rows": rows, "stages": stages, "last": len(stages) or 1, "tab": "board",
        "late": sum(1 for r in rows if r.overdue_tasks or r.next_overdue),
    })  # fmt: skip


def _certified(on: Any) -> Exists:
    return Exists(Milestone.objects.filter(project=OuterRef("pk"), stage__code=rules.CERTIFICATION,
                                           reached_on__isnull=False, reached_on__lte=on))  # fmt: skip


@require(MODULE, "view")
def projects(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    return _list(
        request,
        title=_("Legacy projects"),
        tab="projects",
        queryset=Project.objects.select_related("stage", "developer", "registry_project"),
        columns=[
            link_column(_("Legacy project name"), "name", "legacy:project", export_label="项目名称"),
            Column(
                _("Original developer"),
                lambda p: p.developer.name if p.developer else Muted("—"),
                export_label="原开发企业",
            ),
            Column(
                _("Current stage"),
                lambda p: Tag(p.stage.name, "in-cert" if p.stage.order >= 15 else ""),
                "stage__order",
                export_label="当前阶段",
            ),
            Column(_("Households affected"), lambda p: p.households, "households", export_label="涉及户数"),
            Column(_("Households waiting for certificates"), lambda p: p.households_waiting, export_label="待办证户数"),
            Column(_("Registered on"), lambda p: p.registered_on, "registered_on", export_label="登记日期"),
        ],
        search=Search(["name__icontains", "developer__name__icontains"], _("Project or developer name")),
        filters=[
            ChoiceFilter(
                "stage", _("Current stage"), [(s.code, s.name) for s in Stage.objects.all()], field="stage__code"
            ),
            YearFilter(apply=lambda qs, y: qs.filter(pk__in=queries.projects(y))),
            ChoiceFilter(
                "certification",
                _("Certification"),
                [("1", _("In certification")), ("0", _("Not in certification"))],
                apply=lambda qs, v: qs.filter(_certified(today)) if v == "1" else qs.exclude(_certified(today)),
            ),
            HiddenFilter("entered", lambda qs, y: qs.filter(pk__in=queries.entered_certification(int(y))), valid_int),
        ],
        filename="历史遗留问题项目",
        actions=[
            Action(_("Register a legacy project"), reverse("legacy:project_create"), "handle"),
            Action(_("Record a meeting"), reverse("legacy:meeting_create"), "handle", primary=False),
        ],
        empty=_("No legacy projects match."),
        table_id="legacy-projects",
    )


@require(MODULE, "view")
def tasks(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()

    def state(t: Task) -> Tag:
        if t.done_on:
            return Tag(_("Done"), "done")
        return Tag(_("Overdue"), "overdue") if t.due_on < today else Tag(_("Open"), "")

    return _list(
        request,
        title=_("Legacy project tasks"),
        tab="tasks",
        queryset=Task.objects.select_related("project", "owner", "meeting"),
        columns=[
            Column(_("Legacy project"), lambda t: t.project.name, "project__name", export_label="项目"),
            Column(_("Agency"), lambda t: label_of(t, "agency"), "agency", export_label="责任单位"),
            Column(_("Task"), lambda t: t.title, export_label="任务"),
            Column(_("Task owner"), lambda t: str(t.owner), export_label="责任人"),
            Column(_("Deadline"), lambda t: t.due_on, "due_on", export_label="完成时限"),
            Column(_("Done on"), lambda t: t.done_on or Muted("—"), "done_on", export_label="完成日期"),
            Column(_("State"), state, export_label="状态", export_value=lambda t: str(state(t).text)),
            Column(
                _("Decided at meeting"), lambda t: t.meeting.title if t.meeting else Muted("—"), export_label="会议决定"
            ),
        ],
        search=Search(["title__icontains", "project__name__icontains"], _("Task or project")),
        filters=[
            ChoiceFilter("agency", _("Agency"), Task.Agency.choices),
            FlagFilter("overdue", _("Overdue"), apply=lambda qs, _v: qs.filter(due_on__lt=today, done_on__isnull=True)),
            FlagFilter("open", _("Not done"), apply=lambda qs, _v: qs.filter(done_on__isnull=True)),
            FlagFilter("mine", _("Mine"), apply=lambda qs, _v: qs.filter(owner_id=request.user.pk)),
        ],
        filename="历史遗留问题项目任务",
        empty=_("No tasks match."),
        table_id="legacy-tasks",
    )


@require(MODULE, "handle")
def project_create(request: HttpRequest) -> HttpResponse:
    form = ProjectForm(request.POST or None, initial={"registered_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        with refused(form) as outcome:
            project = actions.register_project(
                actor(request), name=d["name"], registered_on=d["registered_on"], entry_stage=d["entry_stage"].code,
                households=d["households"], registry_project=d["registry_code"], takeover_entity=d["takeover_entity"],
                blockers=d["blockers"],
            )  # fmt: skip
        if outcome.ok:
            return redirect(project)
    return render(
        request, "legacy/form.html", {"form": form, "title": _("Register a legacy project"), "tab": "projects"}
    )


def _post(request: HttpRequest, project: Project, forms: dict[str, Any]) -> bool:
    """Take the posted step (its form named by `step`); True when it was written."""
    step = request.POST.get("step", "")
    form = forms.get(step)
    if form is None or not form.is_valid():
        return False
    d, who = form.cleaned_data, actor(request)
    with refused(form) as outcome:
        if step == "reach":
            actions.reach_milestone(who, project, stage=d["stage"].code, reached_on=d["reached_on"],
                                    evidence=d["evidence"])  # fmt: skip
        elif step == "plan":
            actions.plan_milestone(who, project, stage=d["stage"].code, planned_on=d["planned_on"])
        elif step == "task":
            actions.assign_task(who, project, agency=d["agency"], title=d["title"], owner=d["owner"],
                                due_on=d["due_on"])  # fmt: skip
        elif step == "done":
            actions.complete_task(who, d["task"], done_on=d["done_on"], result=d["result"])
        elif step == "certificates":
            actions.record_certificates(who, project, issued=d["issued"])
        elif step == "blockers":
            actions.update_blockers(who, project, blockers=d["blockers"])
        elif step == "withdraw":
            actions.withdraw_project(who, project, on=d["on"], reason=d["reason"])
    return outcome.ok


@require(MODULE, "view")
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_object_or_404(Project.objects.select_related("stage", "developer", "registry_project"), pk=pk)
    data = request.POST if request.method == "POST" else None

    def bound(name: str, cls: type, **kw: Any) -> Any:
        return cls(data if data is not None and request.POST.get("step") == name else None, prefix=name, **kw)

    forms = {
        "reach": bound("reach", ReachForm), "plan": bound("plan", PlanForm), "task": bound("task", TaskForm),
        "done": bound("done", DoneForm, project=project),
        "certificates": bound("certificates", CertificatesForm, initial={"issued": project.certificates_issued}),
        "blockers": bound("blockers", BlockersForm, initial={"blockers": project.blockers}),
        "withdraw": bound("withdraw", WithdrawForm),
    }  # fmt: skip
    if request.method == "POST":
        if not can(request.user, MODULE, "handle"):
            raise PermissionDenied(f"{MODULE}:handle")
        if _post(request, project, forms):
            return redirect(project)
    today = timezone.localdate()
    milestones = [
        (m, rules.slip_days(m.first_planned_on, m.planned_on, m.reached_on),
         rules.overdue(m.planned_on, m.reached_on, today))
        for m in project.milestones.select_related("stage", "recorded_by").order_by("stage__order")
    ]  # fmt: skip
    return render(request, "legacy/project.html", {
        "attachments": attachments.for_record(project),
        "project": project, "milestones": milestones, "forms": forms, "today": today, "tab": "projects",
        "tasks": project.tasks.select_related("owner", "meeting").order_by("done_on", "due_on"),
        "meetings": worklog.about(project), "related": related.related_to(project),
        "may_handle": can(request.user, MODULE, "handle"),
    })  # fmt: skip


@require(MODULE, "handle")
def meeting_create(request: HttpRequest) -> HttpResponse:
    """A 调度会 or 联席会 with up to three decisions, each becoming a task (all or nothing)."""
    data = request.POST if request.method == "POST" else None
    form = MeetingForm(data, initial={"held_on": timezone.localdate()})
    decisions = [DecisionForm(data, prefix=f"d{n}") for n in range(DECISIONS)]
    if request.method == "POST" and form.is_valid() and all(d.is_valid() for d in decisions):
        d = form.cleaned_data
        chosen = [x.cleaned_data for x in decisions if x.cleaned_data.get("title")]
        with refused(form) as outcome:
            actions.hold_meeting(
                actor(request), category=d["category"], held_on=d["held_on"], title=d["title"],
                attendees=d["attendees"], minutes=d["minutes"], projects=[d["project"]],
                decisions=[actions.Decision(d["project"], c["agency"], c["title"], c["owner"], c["due_on"])
                           for c in chosen],
            )  # fmt: skip
        if outcome.ok:
            return redirect(d["project"])
    return render(request, "legacy/meeting_form.html", {"form": form, "decisions": decisions, "tab": "projects"})


@require(MODULE, "handle")
def attach(request: HttpRequest, pk: int) -> HttpResponse:
    """A project's documents (meeting minutes, acceptance records, the evidence of its milestones)."""
    project = get_object_or_404(Project, pk=pk)
    if request.method != "POST":
        raise PermissionDenied("POST")
    upload = request.FILES.get("file")
    if upload is not None:
        with refused(request):
            attachments.attach(project, upload, module=MODULE, kind="佐证材料", actor=actor(request))
    return redirect(project)
