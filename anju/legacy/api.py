"""The legacy projects JSON API: projects (list with their stage, detail with milestones and tasks) and a stage
reached. Permissions are the pages': legacy `view` to read, `handle` to write."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status

from anju.core.apikit import ErrorOut, Paging, page_schema, paginate
from anju.core.permissions import actor, check
from anju.legacy import actions
from anju.legacy.models import Milestone, Project, Task

MODULE = "legacy"
router = Router(tags=["legacy"])


class LegacyProjectOut(Schema):
    id: int
    name: str
    stage: str = Field(alias="stage.code")
    stage_name: str = Field(alias="stage.name")
    households: int
    certificates_issued: int
    households_waiting: int
    registered_on: dt.date
    takeover_entity: str
    developer: str | None = None

    @staticmethod
    def resolve_developer(obj: Project) -> str | None:
        return obj.developer.name if obj.developer else None


class LegacyMilestoneOut(Schema):
    stage: str = Field(alias="stage.code")
    stage_name: str = Field(alias="stage.name")
    first_planned_on: dt.date | None
    planned_on: dt.date | None
    reached_on: dt.date | None
    evidence: str


class LegacyTaskOut(Schema):
    id: int
    agency: str
    title: str
    owner: str = Field(alias="owner.username")
    assigned_on: dt.date
    due_on: dt.date
    done_on: dt.date | None
    meeting_id: int | None


class LegacyProjectDetailOut(LegacyProjectOut):
    blockers: str
    milestones: list[LegacyMilestoneOut]
    tasks: list[LegacyTaskOut]

    @staticmethod
    def resolve_milestones(obj: Project) -> QuerySet[Milestone]:
        return obj.milestones.select_related("stage").order_by("stage__order")

    @staticmethod
    def resolve_tasks(obj: Project) -> QuerySet[Task]:
        return obj.tasks.select_related("owner").order_by("due_on", "pk")


class LegacyReachIn(Schema):
    stage: str = Field(description="Stage code, e.g. structure, acceptance, certification")
    reached_on: dt.date
    evidence: str


ProjectPage = page_schema(LegacyProjectOut, "LegacyProjectPage")


def _projects() -> QuerySet[Project]:
    return Project.objects.select_related("stage", "developer").order_by("name")


@router.get("/projects", response=ProjectPage, summary="Legacy projects (历史遗留问题项目)")
def list_projects(request: HttpRequest, paging: Query[Paging], q: str = "", stage: str = "") -> dict[str, Any]:
    check(request.user, MODULE, "view")
    rows = _projects()
    if q:
        rows = rows.filter(name__icontains=q)
    if stage:
        rows = rows.filter(stage__code=stage)
    return paginate(rows, paging)


@router.get("/projects/{pk}", response=LegacyProjectDetailOut, summary="A legacy project with its milestones and tasks")
def project_detail(request: HttpRequest, pk: int) -> Project:
    check(request.user, MODULE, "view")
    return get_object_or_404(_projects(), pk=pk)


@router.post(
    "/projects/{pk}/milestones",
    response={201: LegacyMilestoneOut, 400: ErrorOut},
    summary="A stage reached, with evidence",
)
def reach_milestone(request: HttpRequest, pk: int, payload: LegacyReachIn) -> Status:
    check(request.user, MODULE, "handle")
    project = get_object_or_404(Project, pk=pk)
    milestone = actions.reach_milestone(actor(request), project, stage=payload.stage, reached_on=payload.reached_on,
                                        evidence=payload.evidence)  # fmt: skip
    return Status(201, milestone)
