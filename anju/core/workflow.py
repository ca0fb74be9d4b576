"""One approval workflow for every line (经办 → 审核 → 审批): a line declares its `Workflow` (its table of
steps as an `anju.lib.workflow.Flow`, its model and its history model) and takes every step through
`take_step`, which locks the record, checks the state, the role, the reason and separation of duties on
the locked row, moves it, and writes one history event and the audit log.

Pages show the step bar, the buttons and the history from `includes/workflow_*.html` (context from
`page`), and take a posted step with `post_step`; the API checks the role with `require_step` and
answers the history as `WorkflowEventOut`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from ninja import Schema

from anju.core import audit, permissions
from anju.core.fields import by_user
from anju.core.models import AuditEvent, User
from anju.lib.errors import DomainError
from anju.lib.workflow import PREPARE, REVIEW, Flow, Refusal, Step


class WorkflowError(DomainError):
    """A refused workflow step. Codes: ``workflow.wrong_state``, ``workflow.not_permitted``,
    ``workflow.reason_required``, ``workflow.same_person``, ``workflow.not_preparer``,
    ``workflow.unknown_step``. A line subclasses it together with its own error (``class
    UseStepError(WorkflowError, UseError)``) so its callers keep catching the line's error."""

    prefix = "workflow"


class WorkflowEvent(models.Model):
    """One entry of a record's workflow history: who took which step, from which state to which, and why.
    Each line's history model subclasses it with a foreign key to its record."""

    at = models.DateTimeField(_("time"), default=timezone.now)
    actor = by_user(_("by"))
    # The login name (or the command line's), as the audit log writes it, and the real name at the time.
    actor_name = models.CharField(_("by (name)"), max_length=150)
    # db_default: rows written outside the ORM (the demo's inserts, older rows) get an empty value.
    actor_full_name = models.CharField(_("by (full name)"), max_length=60, blank=True, default="", db_default="")
    # The role the actor acted in (its name at the time): the actor's role granting the step's permission.
    actor_role = models.CharField(_("role"), max_length=60, blank=True, default="", db_default="")
    step = models.CharField(_("step"), max_length=20, blank=True, default="", db_default="")
    from_status = models.CharField(_("from"), max_length=12, blank=True)
    to_status = models.CharField(_("to"), max_length=12)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        abstract = True


def event_columns(record: str) -> tuple[str, ...]:
    """The columns of a history taken over set-based (rows in this order; `record` is the foreign key's
    name, e.g. "exit")."""
    fields = ("at", "actor_id", "actor_name", "actor_full_name", "step", "from_status", "to_status", "note")
    return ("id", f"{record}_id", *fields)


@dataclass(frozen=True)
class Workflow:
    """A line's workflow: the module whose permissions the steps need, the flow, the record's model (with a
    `status` and a `number`) and its history model (`event_model`, whose `event_record` foreign key has the
    reverse accessor `events`). noun names the record in messages (申请, 退款申请, 清退); path lists the
    states of the step bar; labels names history entries that are no step (新建, 拨付)."""

    module: str
    flow: Flow
    model: type[models.Model]
    event_model: type[WorkflowEvent]
    event_record: str
    noun: str
    error: type[WorkflowError] = WorkflowError
    path: tuple[str, ...] = ()
    labels: Mapping[str, str] = field(default_factory=dict)
    creator: str = "created_by"

    def state_label(self, state: str) -> str:
        choices = dict(self.model._meta.get_field("status").flatchoices)  # type: ignore[union-attr]
        return str(choices.get(state, state))

    def step_label(self, name: str) -> str:
        step = self.flow.step(name)
        return step.label if step is not None else self.labels.get(name, "")

    @property
    def refusals(self) -> tuple[type[Exception], ...]:
        """What a page shows as a message rather than an error page: any DomainError, and the line's own
        error (the other base of `error`), which a line's checks raise."""
        return (DomainError, *self.error.__bases__)


def _status(obj: Any) -> str:
    return str(obj.status)


def _describe(workflow: Workflow, obj: Any) -> str:
    return f"{workflow.noun} {getattr(obj, 'number', obj.pk)}"


def _step(workflow: Workflow, name: str) -> Step:
    step = workflow.flow.step(name)
    if step is None:
        raise workflow.error(f"未知的办理步骤：{name}", code="unknown_step")
    return step


def lock[M: models.Model](workflow: Workflow, obj: M, *expected: str) -> M:
    """The record locked for this transaction (select_for_update), refused unless in one of the states."""
    locked = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
    if expected and _status(locked) not in expected:
        labels = "、".join(workflow.state_label(s) for s in expected)
        raise workflow.error(
            f"{_describe(workflow, locked)} 当前为“{workflow.state_label(_status(locked))}”，"
            f"只有“{labels}”的{workflow.noun}可以办理此步骤",
            code="wrong_state",
        )
    return locked


@dataclass(frozen=True)
class Duties:
    """Who holds each duty on a record (user ids; None: nobody yet, or the command line)."""

    creator: int | None
    preparer: int | None
    reviewer: int | None


def duties(workflow: Workflow, obj: models.Model) -> Duties:
    """The creator (who made the draft), the preparer (the creator, else who last submitted it) and the
    reviewer (who last reviewed it), from the record and its history in one query."""
    targets = [s for s in (workflow.flow.state_after(PREPARE), workflow.flow.state_after(REVIEW)) if s]
    last: dict[str, int | None] = {}
    events = workflow.event_model._default_manager.filter(**{workflow.event_record: obj}, to_status__in=targets)
    for to_status, actor_id in events.order_by("at", "pk").values_list("to_status", "actor_id"):
        last[to_status] = actor_id
    creator = getattr(obj, f"{workflow.creator}_id", None)
    submitted = last.get(workflow.flow.state_after(PREPARE) or "")
    return Duties(creator, creator or submitted, last.get(workflow.flow.state_after(REVIEW) or ""))


def _refusal(
    workflow: Workflow, obj: models.Model, step: Step, user: Any, known: Duties | None = None
) -> Refusal | None:
    if user is None or not getattr(user, "pk", None) or (step.duty is None and not step.preparer_only):
        return None
    held = known or duties(workflow, obj)
    return workflow.flow.refusal(
        step, user.pk, preparer=held.preparer, reviewer=held.reviewer, creator=held.creator, noun=workflow.noun
    )


def separation_conflict(workflow: Workflow, obj: models.Model, step: str, user: Any) -> str | None:
    """Why separation of duties forbids the user the step on the record, or None (the command line,
    actor None, is exempt)."""
    refusal = _refusal(workflow, obj, _step(workflow, step), user)
    return refusal.message if refusal else None


def available_steps(workflow: Workflow, obj: models.Model, user: Any) -> list[Step]:
    """The steps the user may take now (the buttons): from the record's state, allowed by the user's role
    and not forbidden by separation of duties."""
    status = _status(obj)
    steps = [
        s for s in workflow.flow.steps_from(status) if permissions.can(user, workflow.module, s.permission_from(status))
    ]
    if not steps:
        return []
    held = duties(workflow, obj) if any(s.duty or s.preparer_only for s in steps) else None
    return [s for s in steps if _refusal(workflow, obj, s, user, held) is None]


def require_step(workflow: Workflow, user: Any, obj: models.Model, name: str) -> Step:
    """The step by name once the user's role may take it from the record's state (PermissionDenied
    otherwise, as a page or the API answers 403). From a state the step does not start from, any of its
    permissions lets the request through to `take_step`, which refuses it with the state."""
    step = _step(workflow, name)
    status = _status(obj)
    if status in step.starts:
        needed = {step.permission_from(status)}
    else:
        needed = {step.permission} if isinstance(step.permission, str) else set(step.permission.values())
    if not any(permissions.can(user, workflow.module, action) for action in needed):
        raise PermissionDenied(f"{workflow.module}:{'/'.join(sorted(needed))}")
    return step


@transaction.atomic
def take_step[M: models.Model](
    workflow: Workflow,
    actor: User | None,
    obj: M,
    step: str,
    *,
    note: str = "",
    check: Callable[[M], None] | None = None,
    **changes: Any,
) -> M:
    """Take the step: lock the record, check its state, the actor's role (actor None: the command line,
    exempt from role and separation checks), the reason, the line's `check` on the locked record, and
    separation of duties; then move it (with `changes` to other fields) and write its history and audit."""
    chosen = _step(workflow, step)
    locked = lock(workflow, obj, *chosen.starts)
    if actor is not None and not actor.can(workflow.module, chosen.permission_from(_status(locked))):
        raise workflow.error(
            f"{_describe(workflow, locked)} 当前为“{workflow.state_label(_status(locked))}”，"
            "您无权办理此步骤，请刷新后再试",
            code="not_permitted",
        )
    note = note.strip()
    if chosen.reason and not note:
        raise workflow.error(f"{chosen.label}须填写理由", code="reason_required", field="note")
    if check is not None:
        check(locked)
    refusal = _refusal(workflow, locked, chosen, actor)
    if refusal is not None:
        raise workflow.error(refusal.message, code=refusal.code)
    move(workflow, actor, locked, chosen.to, step=chosen.name, note=note, **changes)
    return locked


def move(
    workflow: Workflow, actor: User | None, obj: models.Model, status: str, *, step: str, note: str = "", **changes: Any
) -> None:
    """Set the locked record's state (and other fields), with its history event and audit entry. For a
    line's own transitions (a payment moves a use application to 拨付中); steps go through `take_step`."""
    before = _status(obj)
    obj.status = status  # type: ignore[attr-defined]
    for name, value in changes.items():
        setattr(obj, name, value)
    obj.save(update_fields=["status", *changes])
    record(workflow, actor, obj, step=step, from_status=before, note=note)
    label = workflow.step_label(step)
    audit.record(
        actor,
        AuditEvent.Action.UPDATE,
        obj,
        before={"status": before},
        after=audit.snapshot(obj, ["status", *changes]),
        note=f"{label}：{note}" if note and label else note or label,
    )


def acting_role(workflow: Workflow, actor: User | None, step: str, from_status: str) -> str:
    """The role the actor takes the step in: its roles granting the step's permission from the state (any
    of the line's permissions for a line's own transition, 拨付, 新建), by name; "" for the command line."""
    if actor is None or not actor.pk:
        return ""
    chosen = workflow.flow.step(step)
    roles: list[Any] | None = getattr(actor, "_anju_roles", None)
    if roles is None:  # once per actor object: a batch takes many steps
        roles = list(actor.roles.all())
        actor._anju_roles = roles  # type: ignore[attr-defined]
    if chosen is not None and from_status in chosen.starts:
        action = chosen.permission_from(from_status)
        granting = [r for r in roles if r.grants(workflow.module, action)]
    else:
        granting = [r for r in roles if any(p.split(":", 1)[0] in (workflow.module, "*") for p in r.permissions)]
    if not granting and actor.is_superuser:
        return "系统管理员"
    return "、".join(r.name for r in granting)[:60]


def record(
    workflow: Workflow,
    actor: User | None,
    obj: models.Model,
    *,
    step: str,
    from_status: str | None = None,
    note: str = "",
) -> WorkflowEvent:
    """Write one history event: from `from_status` (the record's state when None: a step that changes
    nothing but is part of the history, such as a notice served again) to the record's state now."""
    status = _status(obj)
    start = status if from_status is None else from_status
    return workflow.event_model._default_manager.create(
        **{workflow.event_record: obj},
        actor=actor if actor is not None and actor.pk else None,
        actor_name=audit.actor_label(actor),
        actor_full_name=(actor.full_name if actor is not None else "")[:60],
        actor_role=acting_role(workflow, actor, step, start),
        step=step,
        from_status=start,
        to_status=status,
        note=note.strip()[:300],
    )


# --- pages -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HistoryRow:
    at: dt.datetime
    who: str
    role: str
    step: str
    from_label: str
    to_label: str
    note: str


def history(workflow: Workflow, obj: models.Model) -> list[HistoryRow]:
    """The record's history, oldest first, with step and state labels; who acted by real name (issue 19).
    An event written before the role was stored (older rows, the demo's set-based inserts) shows the role
    its actor's roles give now."""
    events = (
        workflow.event_model._default_manager.filter(**{workflow.event_record: obj})
        .select_related("actor")
        .prefetch_related("actor__roles")  # type: ignore[misc]
        .order_by("at", "pk")
    )
    return [
        HistoryRow(
            at=e.at,
            who=audit.shown_name(e.actor_name, e.actor_full_name or (e.actor.full_name if e.actor else "")),
            role=e.actor_role or acting_role(workflow, e.actor, e.step, e.from_status),
            step=workflow.step_label(e.step),
            from_label=workflow.state_label(e.from_status) if e.from_status else "",
            to_label=workflow.state_label(e.to_status),
            note=e.note,
        )
        for e in events
    ]


@dataclass(frozen=True)
class BarItem:
    label: str
    state: str  # done, current or todo


def bar(workflow: Workflow, status: str) -> list[BarItem]:
    """The step bar: the path's states, those before the record's state done; a state off the path
    (撤回, 不同意) ends the bar as the current one."""
    return status_bar(workflow.path, status, workflow.state_label)


def status_bar(path: tuple[str, ...], status: str, label: Callable[[str], str]) -> list[BarItem]:
    """The step bar of a record whose states are not a kit workflow (a rental household's application):
    `includes/workflow_bar.html` shows it given as `wf.bar`."""
    if status not in path:
        return [BarItem(label(s), "todo") for s in path] + [BarItem(label(status), "current")]
    here = path.index(status)
    return [BarItem(label(s), "done" if i < here else "current" if i == here else "todo") for i, s in enumerate(path)]


class WorkflowPage:
    """The context of the workflow includes: `bar`, `steps` (posted to `url`) and `history`, read only
    where a page shows it."""

    def __init__(self, workflow: Workflow, obj: models.Model, user: Any, url: str) -> None:
        self.workflow, self.obj, self.url = workflow, obj, url
        self.bar = bar(workflow, _status(obj))
        self.steps = available_steps(workflow, obj, user)

    @cached_property
    def history(self) -> list[HistoryRow]:
        return history(self.workflow, self.obj)


def page(workflow: Workflow, obj: models.Model, user: Any, *, step_url: str) -> WorkflowPage:
    """What `includes/workflow_bar.html`, `workflow_steps.html` and `workflow_history.html` show, as `wf`."""
    return WorkflowPage(workflow, obj, user, step_url)


def post_step(workflow: Workflow, request: HttpRequest, obj: models.Model, take: Callable[..., Any]) -> bool:
    """Take the step a page posted (`step`, `note`, and `confirm` for an irreversible step) through the
    line's action `take(actor, obj, step, note=...)`: PermissionDenied without the role; a refusal becomes
    an error message. True when the step was taken."""
    name = request.POST.get("step", "")
    try:
        step = require_step(workflow, request.user, obj, name)
    except WorkflowError as exc:
        messages.error(request, str(exc))
        return False
    if step.irreversible and request.POST.get("confirm") != "1":
        messages.error(request, gettext("Tick the confirmation to take this step: %(step)s.") % {"step": step.label})
        return False
    try:
        take(permissions.actor(request), obj, name, note=request.POST.get("note", ""))
    except workflow.refusals as exc:
        messages.error(request, str(exc))
        return False
    messages.success(request, gettext("Done: %(step)s.") % {"step": step.label})
    return True


# --- API ---------------------------------------------------------------------------------------------------


class WorkflowEventOut(Schema):
    """One history event: `by` is the login name (cli:… for the command line), `by_name` the real name,
    `by_role` the role the step was taken in."""

    at: dt.datetime
    by: str
    by_name: str
    by_role: str
    step: str
    from_status: str
    to_status: str
    note: str


def events_out(workflow: Workflow, obj: models.Model) -> list[WorkflowEventOut]:
    events = workflow.event_model._default_manager.filter(**{workflow.event_record: obj}).order_by("at", "pk")
    return [
        WorkflowEventOut(
            at=e.at,
            by=e.actor_name,
            by_name=e.actor_full_name,
            by_role=e.actor_role,
            step=e.step,
            from_status=e.from_status,
            to_status=e.to_status,
            note=e.note,
        )
        for e in events
    ]
