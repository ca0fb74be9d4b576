"""Every write of inspection rectification: one verb per use case, atomic, audited, refused with a Chinese
message naming the field. A task's sign-off (销号) goes through the workflow kit with three different people:
the task's owner submits, the leading-group office checks (oversight:review), a leader approves
(oversight:approve), so the owner can never sign off their own task. Findings and tasks are written in bulk."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone

from anju.core import audit, workflow
from anju.core.models import AuditEvent, User
from anju.core.numbering import Scheme, next_numbers
from anju.core.workflow import Workflow
from anju.lib import dates
from anju.lib.workflow import APPROVE, PREPARE, REVIEW, Flow, Step
from anju.oversight import rules
from anju.oversight.errors import OversightError, TaskStepError
from anju.oversight.models import (
    Extension,
    Finding,
    FindingLink,
    Inspection,
    Progress,
    ReportPeriod,
    Task,
    TaskEvent,
)
from anju.worklog import actions as worklog
from anju.worklog.models import WorkRecord

A = AuditEvent.Action
S = Task.Status
MODULE = "oversight"
TASK_NUMBER = Scheme(Task, "ZG", 4)

TASK_FLOW = Flow(
    (
        Step("submit", "申请销号", (S.IN_PROGRESS,), S.SUBMITTED, "handle", duty=PREPARE, preparer_only=True),
        Step("check", "审核（领导小组办公室）", (S.SUBMITTED,), S.CHECKED, "review", duty=REVIEW, opinion=True),
        Step("sign_off", "销号（中心领导）", (S.CHECKED,), S.SIGNED_OFF, "approve", duty=APPROVE, opinion=True),
        Step("send_back", "退回整改", (S.SUBMITTED, S.CHECKED), S.IN_PROGRESS,
             {S.SUBMITTED: "review", S.CHECKED: "approve"}, reason=True),
    ),
    distinct=3,
)  # fmt: skip
TASK_WORKFLOW = Workflow(
    module=MODULE,
    flow=TASK_FLOW,
    model=Task,
    event_model=TaskEvent,
    event_record="task",
    noun="整改任务",
    error=TaskStepError,
    path=(S.NOT_STARTED, S.IN_PROGRESS, S.SUBMITTED, S.CHECKED, S.SIGNED_OFF),
    labels={"create": "分解下达", "progress": "报送进展", "extend": "延期"},
    creator="owner",  # the owner prepares: only they submit, and they neither check nor sign off
)


def _by(actor: User | None) -> User | None:
    return actor if actor is not None and actor.pk else None


def _not_future(day: dt.date, field: str, label: str) -> None:
    if day > timezone.localdate():
        raise OversightError(f"{label}不能晚于今天", code="future_date", field=field)


@transaction.atomic
def record_inspection(
    actor: User | None,
    *,
    kind: str,
    title: str,
    feedback_on: dt.date,
    body: str = "",
    entered_on: dt.date | None = None,
    report_due: dt.date | None = None,
) -> Inspection:
    """An inspection round (巡察、巡视、审计…) with the day its feedback was given; its report-back day, unless given,
    from the period of its kind in force that day (ReportPeriod)."""
    if kind not in Inspection.Kind.values:
        raise OversightError("请选择检查类型", code="bad_kind", field="kind")
    if not title.strip():
        raise OversightError("请填写名称", code="title_required", field="title")
    _not_future(feedback_on, "feedback_on", "反馈日期")
    if entered_on is not None and entered_on > feedback_on:
        raise OversightError("进驻日期不能晚于反馈日期", code="entered_after_feedback", field="entered_on")
    if report_due is not None and report_due < feedback_on:
        raise OversightError("整改情况报告期限不能早于反馈日期", code="due_before_feedback", field="report_due")
    if report_due is None:
        period = ReportPeriod.objects.filter(kind=kind, effective_from__lte=feedback_on).first()
        report_due = dates.add_months(feedback_on, period.months) if period else None
    inspection = Inspection.objects.create(kind=kind, title=title.strip(), body=body.strip(), entered_on=entered_on,
                                           feedback_on=feedback_on, report_due=report_due)  # fmt: skip
    audit.record(actor, A.CREATE, inspection, after=audit.snapshot(inspection))
    return inspection


@transaction.atomic
def record_decomposition(actor: User | None, inspection: Inspection, *, number: str, issued_on: dt.date) -> Inspection:
    """The task-decomposition notice (e.g. 怀住保字〔2024〕1号) and its date."""
    inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
    if not number.strip():
        raise OversightError("请填写文号", code="number_required", field="number")
    if issued_on < inspection.feedback_on:
        raise OversightError("任务分解通知日期不能早于反馈日期", code="before_feedback", field="issued_on")
    before = audit.snapshot(inspection, ["decomposition_number", "decomposition_on"])
    inspection.decomposition_number, inspection.decomposition_on = number.strip(), issued_on
    inspection.save(update_fields=["decomposition_number", "decomposition_on"])
    audit.record_change(actor, inspection, before)
    return inspection


@dataclass(frozen=True)
class NewFinding:
    text: str
    area: str
    origin: str = Finding.Origin.FEEDBACK
    severity: str = Finding.Severity.GENERAL


@transaction.atomic
def add_findings(actor: User | None, inspection: Inspection, findings: Sequence[NewFinding]) -> list[Finding]:
    """Findings numbered on after the inspection's last one, checked all before any is written."""
    for n, f in enumerate(findings, start=1):
        where = f"第{n}个问题：" if len(findings) > 1 else ""
        if not f.text.strip():
            raise OversightError(f"{where}请填写问题描述", code="text_required", field="text")
        if f.area not in Finding.Area.values:
            raise OversightError(f"{where}问题领域无效", code="bad_area", field="area")
        if f.origin not in Finding.Origin.values or f.severity not in Finding.Severity.values:
            raise OversightError(f"{where}问题来源或严重程度无效", code="bad_origin", field="origin")
    inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
    last = inspection.findings.aggregate(m=models.Max("number"))["m"] or 0
    created = Finding.objects.bulk_create(
        Finding(inspection=inspection, number=last + n, text=f.text.strip(), area=f.area, origin=f.origin,
                severity=f.severity)
        for n, f in enumerate(findings, start=1)
    )  # fmt: skip
    audit.record(actor, A.CREATE, inspection, after={"findings": len(created)}, note=f"登记问题{len(created)}个")
    return list(inspection.findings.filter(number__gt=last).order_by("number"))


@dataclass(frozen=True)
class NewTask:
    """A rectification task as decomposed: unit, person, target, deadline and interim deadline."""

    finding: Finding
    kind: str
    unit: str
    owner: User | None
    target: str
    deadline: dt.date | None
    interim_deadline: dt.date | None = None
    assigned_on: dt.date | None = None


def _check_task(t: NewTask, where: str) -> None:
    if t.kind not in Task.Kind.values:
        raise OversightError(f"{where}请选择整改类型", code="bad_kind", field="kind")
    if not t.unit.strip():
        raise OversightError(f"{where}请填写责任单位", code="unit_required", field="unit")
    if t.owner is None:
        raise OversightError(f"{where}整改任务须有责任人", code="owner_required", field="owner")
    if not t.target.strip():
        raise OversightError(f"{where}请填写整改目标", code="target_required", field="target")
    if t.deadline is None:
        raise OversightError(f"{where}整改任务须有整改时限", code="deadline_required", field="deadline")
    assigned = t.assigned_on or timezone.localdate()
    _not_future(assigned, "assigned_on", f"{where}下达日期")
    if assigned < t.finding.inspection.feedback_on:
        raise OversightError(f"{where}下达日期不能早于反馈日期", code="before_feedback", field="assigned_on")
    if t.deadline < assigned:
        raise OversightError(f"{where}整改时限不能早于下达日期", code="deadline_before_assigned", field="deadline")
    if t.interim_deadline is not None and not assigned <= t.interim_deadline <= t.deadline:
        raise OversightError(f"{where}阶段性进展时限须在下达日期与整改时限之间", code="bad_interim",
                             field="interim_deadline")  # fmt: skip


@transaction.atomic
def assign_tasks(actor: User | None, tasks: Sequence[NewTask], *, meeting: WorkRecord | None = None) -> list[Task]:
    """Decompose findings into tasks (分解下达), all checked before any is written, numbered in bulk."""
    for n, t in enumerate(tasks, start=1):
        _check_task(t, f"第{n}项任务：" if len(tasks) > 1 else "")
    if not tasks:
        return []
    today = timezone.localdate()
    numbers = next_numbers(TASK_NUMBER, (tasks[0].assigned_on or today).year, len(tasks))
    created = Task.objects.bulk_create(
        Task(finding=t.finding, number=number, kind=t.kind, unit=t.unit.strip(), owner=t.owner, target=t.target.strip(),
             assigned_on=t.assigned_on or today, deadline=t.deadline, interim_deadline=t.interim_deadline,  # type: ignore[misc]
             meeting=meeting, created_by=_by(actor))
        for t, number in zip(tasks, numbers, strict=True)
    )  # fmt: skip
    saved = list(Task.objects.filter(number__in=numbers).order_by("number"))
    TaskEvent.objects.bulk_create(
        TaskEvent(task=task, actor=_by(actor), actor_name=audit.actor_label(actor), step="create",
                  from_status="", to_status=task.status)
        for task in saved
    )  # fmt: skip
    Finding.objects.filter(pk__in={t.finding.pk for t in tasks}).update(rectified_on=None)
    audit.record(actor, A.CREATE, model=Task._meta.label, object_repr="、".join(numbers)[:200],
                 after={"tasks": len(created)}, note=f"分解下达整改任务{len(created)}项")  # fmt: skip
    return saved


def may_report(actor: User | None, task: Task) -> bool:
    """The task's owner, or whoever handles oversight (the command line may)."""
    return actor is None or actor.pk == task.owner_id or actor.can(MODULE, "handle")


@transaction.atomic
def record_progress(actor: User | None, task: Task, *, on: dt.date, text: str, evidence: str = "") -> Progress:
    """A progress entry with its evidence; the first one starts the task (未启动 → 整改中)."""
    task = workflow.lock(TASK_WORKFLOW, task, S.NOT_STARTED, S.IN_PROGRESS)
    if not may_report(actor, task):
        raise OversightError("只有责任人或整改工作人员可以报送进展", code="not_permitted")
    if not text.strip():
        raise OversightError("请填写整改进展", code="text_required", field="text")
    _not_future(on, "on", "进展日期")
    if on < task.assigned_on:
        raise OversightError("进展日期不能早于任务下达日期", code="before_assigned", field="on")
    entry = Progress.objects.create(task=task, on=on, text=text.strip(), evidence=evidence.strip(), by=_by(actor))
    if task.status == S.NOT_STARTED:
        workflow.move(TASK_WORKFLOW, actor, task, S.IN_PROGRESS, step="progress", note=text)
    else:
        workflow.record(TASK_WORKFLOW, actor, task, step="progress", note=text)
    audit.record(actor, A.CREATE, entry, object_repr=f"{task.number} 进展 {on:%Y-%m-%d}")
    return entry


def _dated(on: dt.date, task: Task, after: dt.date | None) -> None:
    _not_future(on, "on", "日期")
    if on < (after or task.assigned_on):
        raise OversightError("日期不能早于上一步的日期", code="before_previous", field="on")


def submit(actor: User | None, task: Task, *, on: dt.date, note: str = "") -> Task:
    """The owner asks for sign-off (申请销号): only with progress reported."""

    def check(locked: Task) -> None:
        if not locked.progress.exists():
            raise OversightError("尚未报送整改进展，不能申请销号", code="no_progress")
        _dated(on, locked, locked.progress.aggregate(m=models.Max("on"))["m"])

    with transaction.atomic():
        return workflow.take_step(TASK_WORKFLOW, actor, task, "submit", note=note, check=check, submitted_on=on)


def check(actor: User | None, task: Task, *, on: dt.date, note: str = "") -> Task:
    """The leading-group office checks the evidence (审核)."""
    with transaction.atomic():
        return workflow.take_step(TASK_WORKFLOW, actor, task, "check", note=note,
                                  check=lambda t: _dated(on, t, t.submitted_on), checked_on=on)  # fmt: skip


def sign_off(actor: User | None, task: Task, *, on: dt.date, note: str = "") -> Task:
    """A center leader signs the task off (销号); its finding is rectified when all its tasks are."""
    with transaction.atomic():
        done = workflow.take_step(TASK_WORKFLOW, actor, task, "sign_off", note=note,
                                  check=lambda t: _dated(on, t, t.checked_on), signed_off_on=on)  # fmt: skip
        _update_rectified([done.finding_id])
        return done


def send_back(actor: User | None, task: Task, *, note: str) -> Task:
    with transaction.atomic():
        return workflow.take_step(TASK_WORKFLOW, actor, task, "send_back", note=note, submitted_on=None,
                                  checked_on=None)  # fmt: skip


def _update_rectified(finding_ids: Sequence[int]) -> None:
    days: dict[int, list[dt.date | None]] = {pk: [] for pk in finding_ids}
    for finding_id, day in Task.objects.filter(finding_id__in=finding_ids).values_list("finding_id", "signed_off_on"):
        days[finding_id].append(day)
    for finding_id, values in days.items():
        Finding.objects.filter(pk=finding_id).update(rectified_on=rules.rectified_on(values))


@transaction.atomic
def link_finding(
    actor: User | None, finding: Finding, record: models.Model, *, role: str, label: str = ""
) -> FindingLink:
    """Link a finding to a record it concerns, or to a change made as evidence (a new rule version …)."""
    if role not in FindingLink.Role.values:
        raise OversightError("关联类型无效", code="bad_role", field="role")
    content_type = ContentType.objects.get_for_model(record)
    link, created = FindingLink.objects.get_or_create(
        finding=finding, role=role, content_type=content_type, object_id=record.pk,
        defaults={"label": (label or str(record))[:200]},
    )  # fmt: skip
    if not created:
        raise OversightError("该记录已关联", code="already_linked", field="record")
    audit.record(actor, A.CREATE, link, object_repr=f"{finding} → {link.label}"[:200])
    return link


@transaction.atomic
def hold_meeting(
    actor: User | None,
    *,
    held_on: dt.date,
    title: str,
    attendees: str = "",
    minutes: str = "",
    findings: Sequence[Finding] = (),
    decisions: Sequence[NewTask] = (),
) -> WorkRecord:
    """A rectification deployment meeting (巡察整改工作部署会议); its decisions become tasks decided at it."""
    about = list({f.pk: f for f in [*findings, *(d.finding for d in decisions)]}.values())
    meeting = worklog.record_meeting(actor, category=WorkRecord.Category.RECTIFICATION, line=MODULE, held_on=held_on,
                                     title=title, attendees=attendees, minutes=minutes, about=about)  # fmt: skip
    assign_tasks(actor, [NewTask(**{**d.__dict__, "assigned_on": d.assigned_on or held_on}) for d in decisions],
                 meeting=meeting)  # fmt: skip
    return meeting


def take(actor: User | None, task: Task, step: str, *, note: str = "", on: dt.date | None = None) -> Task:
    """A sign-off step by name (the pages' buttons): 申请销号, 审核, 销号 or 退回整改, dated today unless given."""
    day = on or timezone.localdate()
    if step == "submit":
        return submit(actor, task, on=day, note=note)
    if step == "check":
        return check(actor, task, on=day, note=note)
    if step == "sign_off":
        return sign_off(actor, task, on=day, note=note)
    if step == "send_back":
        return send_back(actor, task, note=note)
    raise TaskStepError(f"未知的办理步骤：{step}", code="unknown_step")


@transaction.atomic
def request_extension(actor: User | None, task: Task, *, on: dt.date, new_deadline: dt.date, reason: str) -> Extension:
    """The owner asks for a later deadline, with a reason; one open request at a time."""
    task = workflow.lock(TASK_WORKFLOW, task, S.NOT_STARTED, S.IN_PROGRESS)
    if not may_report(actor, task):
        raise OversightError("只有责任人或整改工作人员可以申请延期", code="not_permitted")
    if not reason.strip():
        raise OversightError("请填写延期理由", code="reason_required", field="reason")
    _not_future(on, "on", "申请日期")
    if new_deadline <= task.deadline:
        raise OversightError(f"延期后的时限须晚于现时限（{task.deadline:%Y-%m-%d}）", code="not_later",
                             field="new_deadline")  # fmt: skip
    if task.extensions.filter(approved__isnull=True).exists():
        raise OversightError("已有待审批的延期申请", code="extension_open")
    extension = Extension.objects.create(
        task=task, requested_on=on, old_deadline=task.deadline, new_deadline=new_deadline, reason=reason.strip(),
        requested_by=_by(actor),
    )  # fmt: skip
    workflow.record(TASK_WORKFLOW, actor, task, step="extend", note=f"申请延期至{new_deadline:%Y-%m-%d}：{reason}")
    audit.record(actor, A.CREATE, extension)
    return extension


@transaction.atomic
def decide_extension(
    actor: User | None, extension: Extension, *, approve: bool, on: dt.date, note: str = ""
) -> Extension:
    """A leader (oversight approve), not the task's owner nor who asked, approves or refuses; approval moves the
    deadline."""
    extension = Extension.objects.select_for_update().select_related("task").get(pk=extension.pk)
    if extension.approved is not None:
        raise OversightError("该延期申请已审批", code="already_decided")
    if actor is not None:
        if not actor.can(MODULE, "approve"):
            raise OversightError("只有中心领导可以审批延期", code="not_permitted")
        if actor.pk in (extension.task.owner_id, extension.requested_by_id):
            raise OversightError("审批人不能是该整改任务的责任人或申请人", code="same_person")
    if on < extension.requested_on:
        raise OversightError("审批日期不能早于申请日期", code="before_request", field="on")
    extension.approved, extension.decided_by, extension.decided_on = approve, _by(actor), on
    extension.save(update_fields=["approved", "decided_by", "decided_on"])
    task = extension.task
    if approve:
        Task.objects.filter(pk=task.pk).update(deadline=extension.new_deadline)
    verdict = "同意" if approve else "不同意"
    workflow.record(
        TASK_WORKFLOW,
        actor,
        task,
        step="extend",
        note=f"{verdict}延期至{extension.new_deadline:%Y-%m-%d}{'：' + note if note else ''}",
    )
    audit.record(actor, A.UPDATE, extension, after={"approved": approve}, note=f"{verdict}延期")
    return extension
