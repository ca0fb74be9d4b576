"""Every write of legacy projects: one verb per use case, atomic, audited, refused with a Chinese message naming
the field (a stage change that skips required stages, a date before the project's registration, a task without
owner or deadline)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from anju.core import audit
from anju.core.models import AuditEvent, User
from anju.legacy import rules
from anju.legacy.errors import LegacyError
from anju.legacy.models import Milestone, Project, Stage, Task
from anju.registry.models import Building, Enterprise
from anju.registry.models import Project as RegistryProject
from anju.worklog import actions as worklog
from anju.worklog.models import WorkRecord

A = AuditEvent.Action
LINE = "legacy"


def _by(actor: User | None) -> User | None:
    return actor if actor is not None and actor.pk else None


def _stage(code: str) -> Stage:
    stage = Stage.objects.filter(code=code).first()
    if stage is None:
        raise LegacyError(f"阶段“{code}”不存在", code="unknown_stage", field="stage")
    return stage


def _not_future(day: dt.date, field: str, label: str) -> None:
    if day > timezone.localdate():
        raise LegacyError(f"{label}不能晚于今天", code="future_date", field=field)


def _not_before_registration(project: Project, day: dt.date, field: str, label: str) -> None:
    if day < project.registered_on:
        raise LegacyError(
            f"{label}（{day:%Y-%m-%d}）不能早于项目登记日期（{project.registered_on:%Y-%m-%d}）",
            code="before_registration", field=field,
        )  # fmt: skip


@transaction.atomic
def register_project(
    actor: User | None,
    *,
    name: str,
    registered_on: dt.date,
    entry_stage: str,
    households: int = 0,
    registry_project: RegistryProject | None = None,
    developer: Enterprise | None = None,
    buildings: Sequence[Building] = (),
    takeover_entity: str = "",
    blockers: str = "",
    notes: str = "",
) -> Project:
    """A legacy project registered at the stage it has reached (its entry milestone dated the registration)."""
    name = name.strip()
    if not name:
        raise LegacyError("请填写项目名称", code="name_required", field="name")
    if Project.objects.filter(name=name).exists():
        raise LegacyError(f"历史遗留问题项目“{name}”已登记", code="duplicate", field="name")
    _not_future(registered_on, "registered_on", "登记日期")
    if households < 0:
        raise LegacyError("涉及户数不能为负数", code="bad_households", field="households")
    if registry_project is not None and developer is None:
        developer = registry_project.developer
    if any(b.project_id != getattr(registry_project, "pk", None) for b in buildings):
        raise LegacyError("所选楼栋不属于该项目", code="bad_building", field="buildings")
    stage = _stage(entry_stage)
    project = Project.objects.create(
        name=name, registry_project=registry_project, developer=developer, takeover_entity=takeover_entity.strip(),
        households=households, blockers=blockers.strip(), notes=notes.strip(), registered_on=registered_on,
        entry_stage=stage, stage=stage, created_by=_by(actor),
    )  # fmt: skip
    if buildings:
        project.buildings.set(buildings)
    Milestone.objects.create(project=project, stage=stage, reached_on=registered_on, evidence="项目登记",
                             recorded_by=_by(actor))  # fmt: skip
    audit.record(actor, A.CREATE, project, after=audit.snapshot(project))
    return project


def _locked(project: Project) -> Project:
    return Project.objects.select_for_update().select_related("entry_stage", "stage").get(pk=project.pk)


@transaction.atomic
def plan_milestone(actor: User | None, project: Project, *, stage: str, planned_on: dt.date) -> Milestone:
    """The planned date of a stage (预计); a later re-plan keeps the first plan, so a slip stays visible."""
    project = _locked(project)
    target = _stage(stage)
    _not_before_registration(project, planned_on, "planned_on", "计划日期")
    milestone, _created = Milestone.objects.get_or_create(project=project, stage=target)
    if milestone.reached_on is not None:
        raise LegacyError(f"“{target.name}”已于{milestone.reached_on:%Y-%m-%d}完成，不能再计划",
                          code="already_reached", field="stage")  # fmt: skip
    before = audit.snapshot(milestone, ["planned_on", "first_planned_on"])
    milestone.planned_on = planned_on
    milestone.first_planned_on = milestone.first_planned_on or planned_on
    milestone.recorded_by = _by(actor)
    milestone.save()
    audit.record(actor, A.UPDATE, milestone, before=before, after=audit.snapshot(milestone, before.keys()),
                 note=f"计划{target.name}")  # fmt: skip
    return milestone


@transaction.atomic
def reach_milestone(
    actor: User | None, project: Project, *, stage: str, reached_on: dt.date, evidence: str
) -> Milestone:
    """A stage reached on a day with its evidence; refused when it skips a required stage."""
    project = _locked(project)
    target = _stage(stage)
    if not evidence.strip():
        raise LegacyError("请填写佐证材料（文件、验收记录等）", code="evidence_required", field="evidence")
    _not_future(reached_on, "reached_on", "完成日期")
    _not_before_registration(project, reached_on, "reached_on", "完成日期")
    if target.order <= project.entry_stage.order:
        raise LegacyError(f"项目登记时已处于“{project.entry_stage.name}”，不能再登记此前的阶段“{target.name}”",
                          code="before_entry", field="stage")  # fmt: skip
    milestones = list(project.milestones.select_related("stage"))
    reached = [m.stage.order for m in milestones if m.reached_on is not None]
    if target.order in reached:
        raise LegacyError(f"“{target.name}”已登记完成", code="already_reached", field="stage")
    required = Stage.objects.filter(required=True).values_list("order", flat=True)
    skipped = rules.skipped_required(project.entry_stage.order, target.order, reached, required)
    if skipped:
        names = "、".join(Stage.objects.filter(order__in=skipped).order_by("order").values_list("name", flat=True))
        raise LegacyError(f"不能跳过必经阶段：{names}", code="skips_required", field="stage")
    previous = [m.reached_on for m in milestones if m.reached_on is not None and m.stage.order < target.order]
    if previous and reached_on < max(previous):
        raise LegacyError(f"完成日期不能早于此前阶段的完成日期（{max(previous):%Y-%m-%d}）",
                          code="before_previous", field="reached_on")  # fmt: skip
    milestone = next((m for m in milestones if m.stage_id == target.pk), None) or Milestone(
        project=project, stage=target
    )
    milestone.reached_on = reached_on
    milestone.evidence = evidence.strip()
    milestone.recorded_by = _by(actor)
    milestone.save()
    if target.order > project.stage.order:
        project.stage = target
        project.save(update_fields=["stage"])
    audit.record(actor, A.UPDATE, project, before=None, after={"stage": target.name, "reached_on": str(reached_on)},
                 note=f"阶段变更：{target.name}；佐证：{milestone.evidence}")  # fmt: skip
    return milestone


@transaction.atomic
def assign_task(
    actor: User | None,
    project: Project,
    *,
    agency: str,
    title: str,
    owner: User | None,
    due_on: dt.date | None,
    assigned_on: dt.date | None = None,
    meeting: WorkRecord | None = None,
) -> Task:
    """A task for an agency, with its owner (责任人) and deadline; refused without either."""
    if agency not in Task.Agency.values:
        raise LegacyError("请选择责任单位", code="agency_required", field="agency")
    if not title.strip():
        raise LegacyError("请填写任务内容", code="title_required", field="title")
    if owner is None:
        raise LegacyError("任务须有责任人", code="owner_required", field="owner")
    if due_on is None:
        raise LegacyError("任务须有完成时限", code="due_required", field="due_on")
    assigned_on = assigned_on or (meeting.held_on if meeting else timezone.localdate())
    _not_future(assigned_on, "assigned_on", "交办日期")
    _not_before_registration(project, assigned_on, "assigned_on", "交办日期")
    if due_on < assigned_on:
        raise LegacyError("完成时限不能早于交办日期", code="due_before_assigned", field="due_on")
    task = Task.objects.create(
        project=project, agency=agency, title=title.strip(), owner=owner, assigned_on=assigned_on, due_on=due_on,
        meeting=meeting, created_by=_by(actor),
    )  # fmt: skip
    audit.record(actor, A.CREATE, task, after=audit.snapshot(task))
    return task


@transaction.atomic
def complete_task(actor: User | None, task: Task, *, done_on: dt.date, result: str) -> Task:
    task = Task.objects.select_for_update().get(pk=task.pk)
    if task.done_on is not None:
        raise LegacyError("该任务已完成", code="already_done", field="done_on")
    if not result.strip():
        raise LegacyError("请填写完成情况", code="result_required", field="result")
    _not_future(done_on, "done_on", "完成日期")
    if done_on < task.assigned_on:
        raise LegacyError("完成日期不能早于交办日期", code="done_before_assigned", field="done_on")
    before = audit.snapshot(task, ["done_on", "result"])
    task.done_on, task.result = done_on, result.strip()
    task.save(update_fields=["done_on", "result"])
    audit.record_change(actor, task, before, note="任务完成")
    return task


@transaction.atomic
def record_certificates(actor: User | None, project: Project, *, issued: int) -> Project:
    """The count of households whose title certificates are issued (已办证户数)."""
    project = _locked(project)
    if issued < 0 or issued > project.households:
        raise LegacyError(f"已办证户数须在0到涉及户数{project.households}之间", code="bad_certificates",
                          field="certificates_issued")  # fmt: skip
    before = audit.snapshot(project, ["certificates_issued"])
    project.certificates_issued = issued
    project.save(update_fields=["certificates_issued"])
    audit.record_change(actor, project, before)
    return project


@transaction.atomic
def update_blockers(actor: User | None, project: Project, *, blockers: str) -> Project:
    project = _locked(project)
    before = audit.snapshot(project, ["blockers"])
    project.blockers = blockers.strip()
    project.save(update_fields=["blockers"])
    audit.record_change(actor, project, before)
    return project


@transaction.atomic
def withdraw_project(actor: User | None, project: Project, *, on: dt.date, reason: str) -> Project:
    """A project taken off the center's list (撤销, e.g. registered in error or handed to another body): it stops
    counting from the day on; its records stay."""
    project = _locked(project)
    if project.withdrawn_on is not None:
        raise LegacyError("该项目已撤销", code="already_withdrawn", field="on")
    if not reason.strip():
        raise LegacyError("请填写撤销理由", code="reason_required", field="reason")
    _not_future(on, "on", "撤销日期")
    _not_before_registration(project, on, "on", "撤销日期")
    before = audit.snapshot(project, ["withdrawn_on"])
    project.withdrawn_on = on
    project.notes = "\n".join(filter(None, [project.notes, f"{on:%Y-%m-%d} 撤销：{reason.strip()}"]))
    project.save(update_fields=["withdrawn_on", "notes"])
    audit.record_change(actor, project, before, note=f"撤销：{reason.strip()}")
    return project


@dataclass(frozen=True)
class Decision:
    """A decision of a meeting that becomes a task."""

    project: Project
    agency: str
    title: str
    owner: User | None
    due_on: dt.date | None


@transaction.atomic
def hold_meeting(
    actor: User | None,
    *,
    category: str,
    held_on: dt.date,
    title: str,
    attendees: str = "",
    minutes: str = "",
    projects: Sequence[Project] = (),
    decisions: Sequence[Decision] = (),
) -> WorkRecord:
    """A 调度会 or 联席会 on some projects; each decision becomes a task decided at it (all or nothing)."""
    about = list({p.pk: p for p in [*projects, *(d.project for d in decisions)]}.values())
    meeting = worklog.record_meeting(actor, category=category, line=LINE, held_on=held_on, title=title,
                                     attendees=attendees, minutes=minutes, about=about)  # fmt: skip
    for n, d in enumerate(decisions, start=1):
        try:
            assign_task(actor, d.project, agency=d.agency, title=d.title, owner=d.owner, due_on=d.due_on,
                        assigned_on=held_on, meeting=meeting)  # fmt: skip
        except LegacyError as error:
            raise LegacyError(f"第{n}项决定：{error.message}", code=error.reason, field=error.field) from error
    return meeting
