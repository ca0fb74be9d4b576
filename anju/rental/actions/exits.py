"""Exits (清退): 经办 → 审核 → 审批 through the workflow kit, then the notice, forced exit, completion."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from anju.core import audit, workflow
from anju.core.models import User
from anju.core.numbering import create_numbered
from anju.core.workflow import Workflow, WorkflowError
from anju.rental import numbers, rules
from anju.rental.actions.base import CREATE
from anju.rental.actions.households import _set_household_status
from anju.rental.actions.leases import _end_lease
from anju.rental.errors import RentalError
from anju.rental.models import Exit, ExitEvent, Household, Lease


class ExitStepError(WorkflowError, RentalError):
    """A refused step of an exit's workflow (codes ``workflow.*``)."""


# 经办 (rental handle) → 审核 (rental review) → 审批 (rental approve), steps in rules.EXIT_FLOW; then the notice.
EXIT_WORKFLOW = Workflow(
    module="rental",
    flow=rules.EXIT_FLOW,
    model=Exit,
    event_model=ExitEvent,
    event_record="exit",
    noun="清退",
    error=ExitStepError,
    path=("draft", "submitted", "reviewed", "approved", "notified", "completed"),
    labels={
        "create": "清退经办",
        "serve": "送达清退通知",
        "notice_again": "再次送达",
        "force": "申请强制执行",
        "complete": "清退完成",
    },
)


EXIT_LIVE = (*rules.EXIT_OPEN, Exit.Status.APPROVED, Exit.Status.NOTIFIED)


@transaction.atomic
def prepare_exit(actor: User | None, lease: Lease, *, reason: str, note: str = "", on: dt.date | None = None) -> Exit:
    """Prepare an exit (清退经办) of a home lease in force: a draft that goes to 审核 and 审批 before its
    notice is served. One exit at a time per lease."""
    on = on or timezone.localdate()
    if lease.household_id is None or lease.status != Lease.Status.ACTIVE:
        raise RentalError("只能对执行中的住房合同办理清退", code="lease_not_active")
    if reason not in Exit.Reason.values:
        raise RentalError("清退原因无效", code="bad_reason")
    if lease.exits.filter(status__in=EXIT_LIVE).exists():
        raise RentalError("该合同已有进行中的清退", code="exit_exists")
    exit_ = create_numbered(
        numbers.EXIT,
        on.year,
        lease=lease,
        household_id=lease.household_id,
        reason=reason,
        note=note.strip()[:300],
        status=Exit.Status.DRAFT,
        prepared_on=on,
        created_by=actor if actor is not None and actor.pk else None,
    )
    workflow.record(EXIT_WORKFLOW, actor, exit_, step="create", from_status="")
    audit.record(actor, CREATE, exit_, after=audit.snapshot(exit_))
    return exit_


def take_exit_step(actor: User | None, exit_: Exit, step: str, *, note: str = "") -> Exit:
    """An approval step of the exit (submit, review, approve, reject, send_back, withdraw)."""
    return workflow.take_step(EXIT_WORKFLOW, actor, exit_, step, note=note)


@transaction.atomic
def serve_exit(actor: User | None, exit_: Exit, *, notice_on: dt.date, deadline: dt.date) -> Exit:
    """Serve the notice (清退通知) of an approved exit with a deadline to move out."""
    locked = workflow.lock(EXIT_WORKFLOW, exit_, Exit.Status.APPROVED)
    if deadline < notice_on:
        raise RentalError("腾退期限不能早于通知日期", code="deadline_before_notice")
    if locked.lease.status != Lease.Status.ACTIVE:
        raise RentalError("该合同已终止，不能送达清退通知", code="lease_not_active")
    note = f"送达 {notice_on:%Y-%m-%d}，限 {deadline:%Y-%m-%d} 前腾退"
    workflow.move(
        EXIT_WORKFLOW,
        actor,
        locked,
        Exit.Status.NOTIFIED,
        step="serve",
        note=note,
        notice_on=notice_on,
        deadline=deadline,
    )
    return locked


@transaction.atomic
def serve_exit_notice_again(actor: User | None, exit_: Exit, *, on: dt.date) -> Exit:
    """Another notice (再次催告) served."""
    exit_ = workflow.lock(EXIT_WORKFLOW, exit_, Exit.Status.NOTIFIED)
    before = audit.snapshot(exit_, ["notices"])
    exit_.notices += 1
    exit_.save(update_fields=["notices"])
    audit.record_change(actor, exit_, before, note=f"{on} 再次送达清退通知")
    workflow.record(EXIT_WORKFLOW, actor, exit_, step="notice_again", note=f"{on:%Y-%m-%d} 第 {exit_.notices} 次送达")
    return exit_


@transaction.atomic
def force_exit(actor: User | None, exit_: Exit, *, note: str = "") -> Exit:
    """The deadline passed without moving out: forced exit (强制清退) through the courts."""
    exit_ = workflow.lock(EXIT_WORKFLOW, exit_, Exit.Status.NOTIFIED)
    before = audit.snapshot(exit_, ["forced", "note"])
    exit_.forced = True
    exit_.note = (exit_.note + " " + note).strip()[:300]
    exit_.save(update_fields=["forced", "note"])
    audit.record_change(actor, exit_, before, note="申请法院强制执行")
    workflow.record(EXIT_WORKFLOW, actor, exit_, step="force", note=note)
    return exit_


@transaction.atomic
def complete_exit(actor: User | None, exit_: Exit, *, on: dt.date) -> Exit:
    """The home is handed back: the lease ends, the home is vacant and the household has exited."""
    exit_ = workflow.lock(EXIT_WORKFLOW, exit_, Exit.Status.NOTIFIED)
    if exit_.notice_on is not None and on < exit_.notice_on:
        raise RentalError("完成日期不能早于通知日期", code="done_before_notice")
    workflow.move(
        EXIT_WORKFLOW, actor, exit_, Exit.Status.COMPLETED, step="complete", note=f"{on:%Y-%m-%d}", completed_on=on
    )
    if exit_.lease.status == Lease.Status.ACTIVE:
        _end_lease(actor, exit_.lease, on, f"清退 {exit_.number}")
    _set_household_status(actor, exit_.household, Household.Status.EXITED, f"清退 {exit_.number}")
    return exit_
