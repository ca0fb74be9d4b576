"""Cases already handled before they were entered (a center starting with Anju enters its year's handled
items, the demo city's 2023), set-based: each registered case is accepted, assigned, contacted, replied to and
closed on its own past dates in one pass, with the deadlines counted from acceptance by the rules in force on
its receipt, every deadline met on its day, a history event per step on that day and one audit event for the
batch. The same checks as the steps taken one by one: dates in order and not in the future, a reply and a
closure kind."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from anju.core import audit
from anju.core.models import Role, User
from anju.lib import dates
from anju.petitions import rules
from anju.petitions.actions.base import A, S, _user, channel_rules
from anju.petitions.actions.cases import _deadlines_from
from anju.petitions.errors import PetitionError
from anju.petitions.models import Case, CaseDeadline, CaseEvent, Contact

EVENT_HOUR = 17  # the history of a past step is dated at the end of its working day


@dataclass(frozen=True)
class PastContact:
    at: dt.datetime
    method: str
    contacted: str
    summary: str
    principle: str = ""


@dataclass(frozen=True)
class Handled:
    """What happened to a registered case, with the day of each step."""

    case: Case
    accepted_on: dt.date
    handler: User
    replied_on: dt.date
    reply: str
    closed_on: dt.date
    closure_kind: str
    satisfaction: str = ""
    department: Role | None = None
    contacts: Sequence[PastContact] = ()


def _check(item: Handled, case: Case, today: dt.date) -> None:
    where = f"{case.number}："
    if case.status != S.REGISTERED:
        raise PetitionError(f"{where}只有已登记的信访件可以补录办理过程", code="wrong_state")
    order = [
        (case.received_on, "收件日期"),
        (item.accepted_on, "受理日期"),
        (item.replied_on, "答复日期"),
        (item.closed_on, "办结日期"),
    ]
    for (earlier, earlier_label), (later, later_label) in itertools.pairwise(order):
        if later < earlier:
            raise PetitionError(f"{where}{later_label}不能早于{earlier_label}", code="date_order")
    if item.closed_on > today:
        raise PetitionError(f"{where}办结日期不能晚于今天", code="future_date")
    if not item.reply.strip():
        raise PetitionError(f"{where}请填写答复内容", code="no_reply")
    if item.closure_kind not in Case.Closure.values:
        raise PetitionError(f"{where}办结须选择办结方式（实体办结或程序性办结）", code="no_closure_kind")
    if item.satisfaction and item.satisfaction not in Case.Satisfaction.values:
        raise PetitionError(f"{where}满意度无效", code="bad_satisfaction")
    for contact in item.contacts:
        if contact.method not in Contact.Method.values or (
            contact.principle and contact.principle not in Contact.Principle.values
        ):
            raise PetitionError(f"{where}联系方式或“三到位一处理”的选项无效", code="bad_contact")
        if not case.received_at <= contact.at <= timezone.now():
            raise PetitionError(f"{where}联系时间须在收件之后、现在之前", code="date_order")


def _at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(EVENT_HOUR)))


@transaction.atomic
def record_handled(
    actor: User | None, items: Sequence[Handled], *, calendar: dates.Calendar | None = None, note: str = ""
) -> list[Case]:
    """Enter the handling of registered cases in bulk (see the module's docstring)."""
    if not items:
        return []
    calendar = calendar or dates.default_calendar()
    today = timezone.localdate()
    locked = {c.pk: c for c in Case.objects.select_for_update().filter(pk__in=[i.case.pk for i in items])}
    departments: dict[int, Role | None] = {}
    handlers = {i.handler.pk for i in items if i.department is None}
    memberships = User.roles.through.objects.filter(user_id__in=handlers, role__kind=Role.Kind.DEPARTMENT)
    for membership in memberships.select_related("role").order_by("role_id"):
        departments.setdefault(membership.user_id, membership.role)
    rules_by_channel = channel_rules({c.channel_id for c in locked.values()})
    existing: dict[tuple[int, str], CaseDeadline] = {
        (d.case_id, d.step): d for d in CaseDeadline.objects.filter(case__in=list(locked))
    }
    met_steps: dict[str, str] = {
        rules.Step.ACCEPT: "accepted_on",
        rules.Step.FORWARD: "accepted_on",
        rules.Step.REPLY: "replied_on",
        rules.Step.COMPLETE: "closed_on",
    }
    cases, new_deadlines, contacts, events = [], [], [], []
    label = audit.actor_label(actor)
    full = (actor.full_name if actor is not None else "")[:60]
    for item in items:
        case = locked[item.case.pk]
        _check(item, case, today)
        try:
            made = _deadlines_from(
                case, rules.Start.ACCEPTED, item.accepted_on, rules_by_channel[case.channel_id], calendar
            )
        except dates.CalendarMissing as missing:
            raise PetitionError(f"{case.number}：{missing.message}", code="calendar_missing") from None
        new_deadlines += [d for d in made if (case.pk, d.step) not in existing]
        for d in [*made, *(existing[(case.pk, s)] for s in met_steps if (case.pk, s) in existing)]:
            d.met_on = getattr(item, met_steps[d.step])
        department = item.department or departments.get(item.handler.pk)
        case.status, case.accepted_on, case.handler, case.department = (
            S.CLOSED,
            item.accepted_on,
            item.handler,
            department,
        )
        case.assigned_on, case.replied_on, case.reply = item.accepted_on, item.replied_on, item.reply.strip()
        case.closed_on, case.closure_kind, case.satisfaction = item.closed_on, item.closure_kind, item.satisfaction
        cases.append(case)
        contacts += [
            Contact(
                case=case,
                at=c.at,
                method=c.method,
                contacted=c.contacted[:60],
                summary=c.summary,
                principle=c.principle,
                recorded_by=_user(actor),
            )
            for c in item.contacts
        ]
        who = item.handler.full_name or item.handler.username
        steps = [
            (_at(item.accepted_on), "accept", S.REGISTERED, S.ACCEPTED, f"{item.accepted_on:%Y-%m-%d}"),
            (_at(item.accepted_on), "assign", S.ACCEPTED, S.ASSIGNED, f"{department.name if department else ''} {who}"),
            *((c.at, "contact", S.ASSIGNED, S.ASSIGNED, f"{Contact.Method(c.method).label} {c.contacted}：{c.summary}")
              for c in item.contacts),
            (_at(item.replied_on), "reply", S.ASSIGNED, S.REPLIED, f"{item.replied_on:%Y-%m-%d}"),
            (_at(item.closed_on), "close", S.REPLIED, S.CLOSED,
             f"{Case.Closure(item.closure_kind).label} {item.closed_on:%Y-%m-%d}"),
        ]  # fmt: skip
        events += [
            CaseEvent(
                case=case,
                at=at,
                actor=_user(actor),
                actor_name=label,
                actor_full_name=full,
                step=step,
                from_status=before,
                to_status=after,
                note=text.strip()[:300],
            )
            for at, step, before, after, text in steps
        ]
    fields = ["status", "accepted_on", "handler", "department", "assigned_on", "replied_on", "reply", "closed_on"]
    Case.objects.bulk_update(cases, [*fields, "closure_kind", "satisfaction"], batch_size=500)
    CaseDeadline.objects.bulk_update(
        [d for d in existing.values() if d.met_on is not None], ["met_on"], batch_size=1000
    )
    CaseDeadline.objects.bulk_create(new_deadlines, batch_size=1000)
    Contact.objects.bulk_create(contacts, batch_size=1000)
    CaseEvent.objects.bulk_create(events, batch_size=1000)
    audit.record(
        actor,
        A.UPDATE,
        model="petitions.Case",
        object_repr=note[:200],
        after={"cases": len(cases), "numbers": [c.number for c in cases][:500]},
        note=note or f"补录已办结信访件{len(cases)}件",
    )
    return cases
