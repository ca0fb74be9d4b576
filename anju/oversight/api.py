"""The rectification JSON API: findings, the ledger's tasks (with their progress and sign-off history) and a
progress entry. Permissions are the pages': oversight `view` to read; a task's owner or oversight `handle` reports
progress."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from anju.core import workflow
from anju.core.apikit import ErrorOut, Paging, Year, page_schema, paginate
from anju.core.permissions import actor, check
from anju.oversight import actions, queries
from anju.oversight.models import Finding, Progress, Task

MODULE = "oversight"
router = Router(tags=["oversight"])


class OversightFindingOut(Schema):
    id: int
    inspection: str = Field(alias="inspection.title")
    feedback_on: dt.date = Field(alias="inspection.feedback_on")
    number: int
    text: str
    area: str
    origin: str
    rectified_on: dt.date | None


class RectificationProgressOut(Schema):
    on: dt.date
    text: str
    evidence: str


class RectificationTaskOut(Schema):
    id: int
    number: str
    finding_id: int
    kind: str
    unit: str
    owner: str = Field(alias="owner.username")
    target: str
    assigned_on: dt.date
    deadline: dt.date
    interim_deadline: dt.date | None
    status: str
    signed_off_on: dt.date | None


class RectificationTaskDetailOut(RectificationTaskOut):
    progress: list[RectificationProgressOut]
    history: list[workflow.WorkflowEventOut]

    @staticmethod
    def resolve_progress(obj: Task) -> QuerySet[Progress]:
        return obj.progress.order_by("on", "pk")

    @staticmethod
    def resolve_history(obj: Task) -> list[workflow.WorkflowEventOut]:
        return workflow.events_out(actions.TASK_WORKFLOW, obj)


class RectificationProgressIn(Schema):
    on: dt.date
    text: str
    evidence: str = ""


FindingPage = page_schema(OversightFindingOut, "OversightFindingPage")
TaskPage = page_schema(RectificationTaskOut, "OversightTaskPage")


@router.get("/findings", response=FindingPage, summary="Inspection findings (巡察反馈问题)")
def list_findings(
    request: HttpRequest, paging: Query[Paging], year: Year | None = None, area: str = ""
) -> dict[str, Any]:
    check(request.user, MODULE, "view")
    rows = (queries.findings(year) if year is not None else Finding.objects.all()).select_related("inspection")
    if area:
        rows = rows.filter(area=area)
    return paginate(rows.order_by("inspection__feedback_on", "inspection_id", "number"), paging)


@router.get("/tasks", response=TaskPage, summary="The rectification ledger's tasks (整改台账)")
def list_tasks(request: HttpRequest, paging: Query[Paging], status: str = "", overdue: bool = False) -> dict[str, Any]:
    check(request.user, MODULE, "view")
    rows = queries.ledger()
    if status:
        rows = rows.filter(status=status)
    if overdue:
        rows = rows.filter(pk__in=queries.overdue_tasks(timezone.localdate()))
    return paginate(rows, paging)


@router.get("/tasks/{pk}", response=RectificationTaskDetailOut, summary="A task with its progress and sign-off history")
def task_detail(request: HttpRequest, pk: int) -> Task:
    check(request.user, MODULE, "view")
    return get_object_or_404(Task.objects.select_related("owner"), pk=pk)


@router.post("/tasks/{pk}/progress", response={201: RectificationProgressOut, 400: ErrorOut}, summary="Report progress")
def report_progress(request: HttpRequest, pk: int, payload: RectificationProgressIn) -> Status:
    task = get_object_or_404(Task, pk=pk)
    if not actions.may_report(request.user, task):  # type: ignore[arg-type]
        raise PermissionDenied(f"{MODULE}:handle")
    entry = actions.record_progress(actor(request), task, on=payload.on, text=payload.text, evidence=payload.evidence)
    return Status(201, entry)
