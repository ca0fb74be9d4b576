"""The rental API: Exits (清退) and their workflow."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.db.models import F, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema

from anju.core import workflow
from anju.core.apikit import ErrorOut, Paging
from anju.core.permissions import actor
from anju.core.workflow import WorkflowEventOut
from anju.rental import actions
from anju.rental.actions import EXIT_WORKFLOW
from anju.rental.api.base import can_handle, can_view, lease_by_number, window
from anju.rental.errors import RentalError
from anju.rental.models import Exit

router = Router()


class ExitPrepareIn(Schema):
    lease: str
    reason: str
    note: str = ""


class ExitIn(Schema):
    notice_on: dt.date
    deadline: dt.date


class ExitOut(Schema):
    number: str
    lease: str = Field(alias="lease.number")
    household: str = Field(alias="household.number")
    reason: str
    prepared_on: dt.date | None
    notice_on: dt.date | None
    deadline: dt.date | None
    notices: int
    forced: bool
    status: str
    completed_on: dt.date | None


class ExitDetailOut(ExitOut):
    note: str
    events: list[WorkflowEventOut]

    @staticmethod
    def resolve_events(obj: Exit) -> list[WorkflowEventOut]:
        return workflow.events_out(EXIT_WORKFLOW, obj)


def _exit_written(e: Exit) -> ExitDetailOut:
    return ExitDetailOut.from_orm(Exit.objects.select_related("lease", "household").get(pk=e.pk))


@router.get("/exits", response=list[ExitOut], summary="Exits (清退)")
def list_exits(request: HttpRequest, paging: Query[Paging], status: str = "") -> QuerySet[Exit]:
    can_view(request)
    qs = Exit.objects.select_related("lease", "household").order_by(F("notice_on").desc(nulls_last=True), "-pk")
    if status:
        qs = qs.filter(status=status)
    return window(qs, paging)


@router.get("/exits/{number}", response=ExitDetailOut, summary="An exit with its workflow history")
def exit_detail(request: HttpRequest, number: str) -> ExitDetailOut:
    can_view(request)
    return _exit_written(get_object_or_404(Exit, number=number))


@router.post("/exits", response={200: ExitDetailOut, 400: ErrorOut}, summary="Prepare an exit (清退经办)")
def prepare_exit(request: HttpRequest, body: ExitPrepareIn) -> Any:
    can_handle(request)
    lease = lease_by_number(body.lease)
    return _exit_written(actions.prepare_exit(actor(request), lease, reason=body.reason, note=body.note))


class ExitStepIn(Schema):
    step: Literal["submit", "review", "approve", "reject", "send_back", "withdraw"]
    note: str = ""


@router.post(
    "/exits/{number}/steps",
    response={200: ExitDetailOut, 400: ErrorOut},
    summary="Take an exit's approval step: submit, review, approve, reject, send_back, withdraw",
    description="Permissions: rental `handle` to submit and withdraw, `review` to review (审核), `approve` to "
    "approve or reject (审批); a send-back needs the permission of the step it undoes. The reviewer and the "
    "approver differ from the preparer; only the preparer submits. A reason is required to reject, send back "
    "or withdraw.",
)
def take_exit_step(request: HttpRequest, number: str, body: ExitStepIn) -> Any:
    exit_ = get_object_or_404(Exit, number=number)
    workflow.require_step(EXIT_WORKFLOW, request.user, exit_, body.step)
    return _exit_written(actions.take_exit_step(actor(request), exit_, body.step, note=body.note))


@router.post(
    "/leases/{number}/exits",
    response={200: ExitDetailOut, 400: ErrorOut},
    summary="Serve the notice of the lease's approved exit",
    description="Since exits are approved (经办 → 审核 → 审批, `POST /exits` and `/exits/{number}/steps`), this "
    "serves the notice of the lease's approved exit with its date and the deadline to move out; it no longer "
    "creates the exit. 400 when the lease has no approved exit.",
)
def serve_exit(request: HttpRequest, number: str, body: ExitIn) -> Any:
    can_handle(request)
    lease = lease_by_number(number)
    exit_ = lease.exits.filter(status=Exit.Status.APPROVED).first()
    if exit_ is None:
        raise RentalError("该合同没有已审批同意待送达的清退", code="no_approved_exit")
    return _exit_written(actions.serve_exit(actor(request), exit_, notice_on=body.notice_on, deadline=body.deadline))


class RentalDateIn(Schema):
    on: dt.date


class RentalNoteIn(Schema):
    note: str = ""


@router.post(
    "/exits/{number}/force", response={200: ExitDetailOut, 400: ErrorOut}, summary="Forced exit through the courts"
)
def force_exit(request: HttpRequest, number: str, body: RentalNoteIn) -> Any:
    can_handle(request)
    exit_ = get_object_or_404(Exit, number=number)
    return _exit_written(actions.force_exit(actor(request), exit_, note=body.note))


@router.post("/exits/{number}/complete", response={200: ExitDetailOut, 400: ErrorOut}, summary="Home handed back")
def complete_exit(request: HttpRequest, number: str, body: RentalDateIn) -> Any:
    can_handle(request)
    exit_ = get_object_or_404(Exit, number=number)
    return _exit_written(actions.complete_exit(actor(request), exit_, on=body.on))
