"""Every change to petitions: channels' dated rules, registering cases (set-based: one case, an import's
work orders and the demo's year go through `register_cases`), the flow 受理 / 不予受理 → 交办 / 转送 → 办理
(contact records) → 答复 → 办结 → 复查 / 复核, the one extension, commitments, links and campaigns.

The flow is the workflow kit's: each step locks the case, checks its state, moves it and writes its history
and the audit log. Who may take a step: the petitions role (handle) or the case's own handler; an extension
is approved by a leader (approve) who is not the handler."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from anju.core import audit, workflow
from anju.core.models import AuditEvent, Role, User
from anju.core.numbering import Scheme, next_numbers
from anju.core.workflow import Workflow
from anju.lib import dates
from anju.lib.workflow import Flow, Step
from anju.petitions import rules
from anju.petitions.errors import CaseStepError, PetitionError
from anju.petitions.models import (
    Campaign,
    Case,
    CaseDeadline,
    CaseEvent,
    CaseLink,
    Channel,
    Commitment,
    Contact,
    DeadlineRule,
    Petitioner,
    Review,
)
from anju.registry.models import Person

A = AuditEvent.Action
S = Case.Status
MODULE = "petitions"
CASE_NUMBER = Scheme(Case, "XF", 5)
OPEN = (S.REGISTERED, S.ACCEPTED, S.ASSIGNED, S.REPLIED, S.REVIEWING)

# The flow's table (the workflow kit's Flow): the steps a page offers from each state. No separation of
# duties applies (no money leaves); the extension is a leader's approval outside the table.
CASE_FLOW = Flow(
    (
        Step("accept", "受理", (S.REGISTERED,), S.ACCEPTED, "handle"),
        Step("reject", "不予受理", (S.REGISTERED,), S.NOT_ACCEPTED, "handle", reason=True, irreversible=True),
        Step("assign", "交办", (S.REGISTERED, S.ACCEPTED, S.ASSIGNED), S.ASSIGNED, "handle"),
        Step("forward", "转送", (S.REGISTERED, S.ACCEPTED), S.FORWARDED, "handle", reason=True, irreversible=True),
        Step("reply", "答复", (S.ACCEPTED, S.ASSIGNED), S.REPLIED, "handle"),
        Step("close", "办结", (S.REPLIED,), S.CLOSED, "handle"),
        Step("review", "申请复查/复核", (S.CLOSED,), S.REVIEWING, "handle"),
        Step("decide", "复查/复核意见", (S.REVIEWING,), S.CLOSED, "handle"),
    ),
    distinct=2,
)
CASE_WORKFLOW = Workflow(
    module=MODULE,
    flow=CASE_FLOW,
    model=Case,
    event_model=CaseEvent,
    event_record="case",
    noun="信访件",
    error=CaseStepError,
    path=(S.REGISTERED, S.ACCEPTED, S.ASSIGNED, S.REPLIED, S.CLOSED),
    labels={
        "register": "登记",
        "contact": "联系信访人",
        "extend": "延期",
        "commitment": "息访罢诉承诺书",
        "convert": "转为实体办结",
        "satisfaction": "回访",
        "link": "关联记录",
    },
)


def _user(actor: User | None) -> User | None:
    return actor if actor is not None and actor.pk else None


def may_handle(actor: User | None, case: Case) -> bool:
    """The petitions role's handle permission, or the case's own handler (the command line may)."""
    return actor is None or actor.can(MODULE, "handle") or (case.handler_id is not None and case.handler_id == actor.pk)


def _check_handler(actor: User | None, case: Case) -> None:
    if not may_handle(actor, case):
        raise PetitionError("只有信访工作人员或本件的承办人可以办理此步骤", code="not_permitted")


def _lock(case: Case, *states: str) -> Case:
    return workflow.lock(CASE_WORKFLOW, case, *states)


def _today() -> dt.date:
    return timezone.localdate()


def _not_future(day: dt.date, label: str, field_name: str) -> None:
    if day > _today():
        raise PetitionError(f"{label}不能晚于今天", code="future_date", field=field_name)


def _not_before(day: dt.date, earlier: dt.date | None, label: str, earlier_label: str, field_name: str) -> None:
    if earlier is not None and day < earlier:
        raise PetitionError(
            f"{label}不能早于{earlier_label}（{earlier:%Y-%m-%d}）", code="date_order", field=field_name
        )


# --- channels and their rules -------------------------------------------------------------------------


def channel_rules(channels: Iterable[Channel]) -> dict[int, list[DeadlineRule]]:
    """Every rule of the channels, by channel id, in one query."""
    found: dict[int, list[DeadlineRule]] = defaultdict(list)
    for rule in DeadlineRule.objects.filter(channel__in=list(channels)):
        found[rule.channel_id].append(rule)
    return found


def rule_for(rules_of_channel: Sequence[DeadlineRule], step: str, on: dt.date) -> DeadlineRule | None:
    chosen = rules.rule_in_force([r.as_rule() for r in rules_of_channel], step, on)
    if chosen is None:
        return None
    return next(r for r in rules_of_channel if r.step == step and r.effective_from == chosen.effective_from)


@transaction.atomic
def set_rule(
    actor: User | None,
    channel: Channel,
    *,
    step: str,
    amount: int,
    unit: str,
    start: str,
    effective_from: dt.date,
    source: str = "",
) -> DeadlineRule:
    """A new rule for the channel's step from a day on; the rule in force before it ends the day before.
    Deadlines already given keep the rule they started under."""
    if (
        step not in DeadlineRule.Step.values
        or unit not in DeadlineRule.Unit.values
        or start not in DeadlineRule.Start.values
    ):
        raise PetitionError("期限规则的环节、单位或起算点无效", code="bad_rule", field="step")
    if amount <= 0:
        raise PetitionError("期限须为正整数", code="bad_amount", field="amount")
    existing = list(DeadlineRule.objects.select_for_update().filter(channel=channel, step=step))
    if any(r.effective_from >= effective_from for r in existing):
        raise PetitionError(
            "新规则的生效日期须晚于该环节现有规则的生效日期（已生效的期限不能改动）",
            code="rule_date",
            field="effective_from",
        )
    previous = max(existing, key=lambda r: r.effective_from, default=None)
    if previous is not None and previous.effective_to is None:
        before = audit.snapshot(previous, ["effective_to"])
        previous.effective_to = effective_from - dt.timedelta(days=1)
        previous.save(update_fields=["effective_to"])
        audit.record_change(actor, previous, before, note="新规则生效，原规则截止")
    rule = DeadlineRule.objects.create(
        channel=channel, step=step, amount=amount, unit=unit, start=start, effective_from=effective_from,
        source=source.strip()[:200], created_by=_user(actor),
    )  # fmt: skip
    audit.record(actor, A.CREATE, rule, after=audit.snapshot(rule))
    return rule


# --- registering cases --------------------------------------------------------------------------------


@dataclass(frozen=True)
class NewPetitioner:
    name: str = ""
    phone: str = ""
    id_number: str = ""
    person: Person | None = None


@dataclass(frozen=True)
class NewCase:
    """A case to register. `complete_limit`: a work order's own completion limit in working days (the 12345
    platform's 办理时限), which replaces the channel's rule for this case."""

    channel: Channel
    received_at: dt.datetime
    category: str
    subject: str
    content: str
    petitioners: Sequence[NewPetitioner] = ()
    head_count: int = 1
    reference: str = ""
    links: Sequence[models.Model] = ()
    complete_limit: int | None = None
    row: int = 0  # the import's row, for messages
    extra: dict[str, Any] = field(default_factory=dict)


def _where(item: NewCase) -> str:
    return f"第{item.row}行：" if item.row else ""


def _deadline(
    case: Case, rule: DeadlineRule, start: dt.date, calendar: dates.Calendar, *, amount: int | None = None
) -> CaseDeadline:
    at = timezone.localtime(case.received_at) if rule.start == rules.Start.RECEIVED else None
    counted = rules.deadline(start, amount if amount is not None else rule.amount, rule.unit, calendar, at=at)
    return CaseDeadline(
        case=case, step=rule.step, rule=rule, amount=amount if amount is not None else rule.amount, starts_on=start,
        nominal=counted.nominal, due=counted.due,
    )  # fmt: skip


def _deadlines_from(
    case: Case, event: str, on: dt.date, rules_of_channel: Sequence[DeadlineRule], calendar: dates.Calendar,
    *, complete_limit: int | None = None, steps: Iterable[str] | None = None,
) -> list[CaseDeadline]:  # fmt: skip
    """The case's deadlines that start at the event, by the rules in force on its receipt day."""
    made = []
    wanted = set(steps) if steps is not None else None
    for step in (rules.Step.ACCEPT, rules.Step.FORWARD, rules.Step.REPLY, rules.Step.COMPLETE):
        if wanted is not None and step not in wanted:
            continue
        rule = rule_for(rules_of_channel, step, case.received_on)
        if rule is None or rule.start != event:
            continue
        amount = None
        if step == rules.Step.COMPLETE and complete_limit is not None:
            if rule.unit != rules.Unit.WORKING:
                raise PetitionError("办理时限（工作日）只适用于按工作日计算期限的渠道", code="bad_limit")
            amount = complete_limit
        made.append(_deadline(case, rule, on, calendar, amount=amount))
    return made


def _repeats(items: Sequence[NewCase], cases: Sequence[Case]) -> None:
    """Set `repeat_of` where an earlier case (in Anju or earlier in the batch) had the same petitioner (person,
    ID number or phone) on the same subject category within 12 months: the latest such case."""
    keys: dict[int, set[tuple[str, str]]] = {}
    for index, item in enumerate(items):
        found = set()
        for p in item.petitioners:
            if p.person is not None:
                found.add(("person", str(p.person.pk)))
            if p.id_number:
                found.add(("id", p.id_number))
            if p.phone:
                found.add(("phone", p.phone))
        keys[index] = found
    all_keys = set().union(*keys.values()) if keys else set()
    if not all_keys:
        return
    earliest = min(rules.repeat_window_start(c.received_on) for c in cases)
    condition = Q()
    for kind, values in (("person_id", "person"), ("id_number", "id"), ("phone", "phone")):
        chosen = [v for k, v in all_keys if k == values]
        if chosen:
            condition |= Q(**{f"{kind}__in": chosen})
    rows = (
        Petitioner.objects.filter(condition, case__received_on__gte=earliest)
        .exclude(case__in=[c for c in cases if c.pk])
        .values_list(
            "case_id", "case__received_on", "case__received_at", "case__category", "person_id", "id_number", "phone"
        )
    )
    by_case: dict[int, tuple[dt.date, dt.datetime, str, set[tuple[str, str]]]] = {}
    for case_id, on, at, category, person_id, id_number, phone in rows:
        entry = by_case.setdefault(case_id, (on, at, category, set()))
        if person_id:
            entry[3].add(("person", str(person_id)))
        if id_number:
            entry[3].add(("id", id_number))
        if phone:
            entry[3].add(("phone", phone))
    known: list[tuple[dt.date, dt.datetime, int, str, set[tuple[str, str]]]] = [
        (on, at, pk, category, ks) for pk, (on, at, category, ks) in by_case.items()
    ]
    order = sorted(range(len(cases)), key=lambda i: cases[i].received_at)
    batch: list[tuple[dt.date, dt.datetime, int, str, set[tuple[str, str]]]] = []
    for index in order:
        case = cases[index]
        window = rules.repeat_window_start(case.received_on)
        matches = [
            entry
            for entry in (*known, *batch)
            if entry[3] == case.category
            and window <= entry[0]
            and entry[1] < case.received_at
            and entry[4] & keys[index]
        ]
        if matches:
            case.repeat_of_id = max(matches, key=lambda e: e[1])[2]
        batch.append((case.received_on, case.received_at, case.pk, case.category, keys[index]))


def _validate(item: NewCase, now: dt.datetime) -> None:
    where = _where(item)
    if item.received_at > now:
        raise PetitionError(f"{where}收件时间不能晚于现在", code="future_receipt", field="received_at")
    received_on = timezone.localtime(item.received_at).date()
    if received_on < item.channel.started_on:
        raise PetitionError(
            f"{where}收件日期早于渠道“{item.channel.name}”启用日期（{item.channel.started_on:%Y-%m-%d}）",
            code="before_channel", field="received_at",
        )  # fmt: skip
    if item.head_count < max(1, len(item.petitioners)):
        raise PetitionError(f"{where}人数不能少于信访人数", code="head_count", field="head_count")
    if not item.subject.strip():
        raise PetitionError(f"{where}请填写事由", code="no_subject", field="subject")
    if not item.content.strip():
        raise PetitionError(f"{where}请填写信访内容", code="no_content", field="content")


@transaction.atomic
def register_cases(
    actor: User | None, items: Sequence[NewCase], *, calendar: dates.Calendar | None = None, audit_note: str = ""
) -> list[Case]:
    """Register cases in bulk (登记): numbers, petitioners, links, the deadlines counted from receipt by each
    channel's rules in force on the receipt day, repeats, one history event each and one audit event."""
    if not items:
        return []
    from anju.petitions.models import Category

    calendar = calendar or dates.default_calendar()
    now = timezone.now()
    for item in items:
        _validate(item, now)
        if item.category not in Category.values:
            raise PetitionError(f"{_where(item)}诉求类别无效", code="bad_category", field="category")
    references: dict[int, set[str]] = defaultdict(set)
    for item in items:
        if item.reference:
            if item.reference in references[item.channel.pk]:
                raise PetitionError(
                    f"{_where(item)}编号{item.reference}重复", code="reference_exists", field="reference"
                )
            references[item.channel.pk].add(item.reference)
    taken = Q()
    for channel_id, refs in references.items():
        taken |= Q(channel_id=channel_id, reference__in=refs)
    if references and (dup := Case.objects.filter(taken).values_list("reference", flat=True).first()):
        raise PetitionError(f"渠道编号{dup}已登记", code="reference_exists", field="reference")
    by_year: dict[int, list[int]] = defaultdict(list)
    for index, item in enumerate(items):
        by_year[timezone.localtime(item.received_at).year].append(index)
    numbers: dict[int, str] = {}
    for year, indexes in by_year.items():
        for index, number in zip(indexes, next_numbers(CASE_NUMBER, year, len(indexes)), strict=True):
            numbers[index] = number
    cases = [
        Case(
            number=numbers[i],
            channel=item.channel,
            reference=item.reference.strip()[:60],
            received_at=item.received_at,
            received_on=timezone.localtime(item.received_at).date(),
            category=item.category,
            subject=item.subject.strip()[:120],
            content=item.content.strip(),
            head_count=item.head_count,
            created_by=_user(actor),
            created=now,
            **item.extra,
        )
        for i, item in enumerate(items)
    ]
    rules_by_channel = channel_rules({item.channel for item in items})
    deadlines: list[CaseDeadline] = []
    for case, item in zip(cases, items, strict=True):
        try:
            deadlines += _deadlines_from(
                case, rules.Start.RECEIVED, case.received_on, rules_by_channel[item.channel.pk], calendar,
                complete_limit=item.complete_limit,
            )  # fmt: skip
        except dates.CalendarMissing as missing:
            raise PetitionError(
                f"{_where(item)}{missing.message}", code="calendar_missing", field="received_at"
            ) from None
    Case.objects.bulk_create(cases, batch_size=500)
    if any(c.pk is None for c in cases):  # backends that do not return ids from a bulk insert
        ids = dict(Case.objects.filter(number__in=[c.number for c in cases]).values_list("number", "pk"))
        for case in cases:
            case.pk = ids[case.number]
    _repeats(items, cases)
    repeats = [c for c in cases if c.repeat_of_id]
    if repeats:
        Case.objects.bulk_update(repeats, ["repeat_of"], batch_size=500)
    for deadline in deadlines:
        deadline.case_id = deadline.case.pk
    CaseDeadline.objects.bulk_create(deadlines, batch_size=1000)
    Petitioner.objects.bulk_create(
        [
            Petitioner(
                case=case,
                person=p.person,
                name=(p.person.name if p.person and not p.name else p.name)[:60],
                phone=(p.phone or (p.person.phone if p.person else ""))[:20],
                id_number=(p.id_number or (p.person.id_number if p.person else ""))[:40],
            )
            for case, item in zip(cases, items, strict=True)
            for p in item.petitioners
        ],
        batch_size=1000,
    )
    CaseLink.objects.bulk_create(
        [_link(case, record) for case, item in zip(cases, items, strict=True) for record in item.links], batch_size=1000
    )
    label = audit.actor_label(actor)
    full = (actor.full_name if actor is not None else "")[:60]
    CaseEvent.objects.bulk_create(
        [
            CaseEvent(
                case=case,
                at=now,
                actor=_user(actor),
                actor_name=label,
                actor_full_name=full,
                step="register",
                from_status="",
                to_status=S.REGISTERED,
                note=f"{case.channel.name}{' ' + case.reference if case.reference else ''}",
            )
            for case in cases
        ],
        batch_size=1000,
    )
    if len(cases) == 1:
        audit.record(actor, A.CREATE, cases[0], after=audit.snapshot(cases[0]), note=audit_note)
    else:
        audit.record(
            actor, A.IMPORT, model="petitions.Case", object_repr=audit_note[:200],
            after={"cases": len(cases), "first": cases[0].number, "last": cases[-1].number},
            note=audit_note or f"登记信访件{len(cases)}件",
        )  # fmt: skip
    return cases


def register_case(actor: User | None, item: NewCase, *, calendar: dates.Calendar | None = None) -> Case:
    """Register one case (登记)."""
    return register_cases(actor, [item], calendar=calendar)[0]


def _link(case: Case, record: models.Model) -> CaseLink:
    return CaseLink(
        case=case,
        content_type=ContentType.objects.get_for_model(record),
        object_id=record.pk,
        label=str(record)[:200],
    )


@transaction.atomic
def link_record(actor: User | None, case: Case, record: models.Model) -> CaseLink:
    """Link the case to a record of another line (or the registry), named by its own `__str__`."""
    _check_handler(actor, case)
    link = _link(case, record)
    if CaseLink.objects.filter(case=case, content_type=link.content_type, object_id=link.object_id).exists():
        raise PetitionError(f"已关联“{link.label}”", code="link_exists", field="record")
    link.save()
    workflow.record(CASE_WORKFLOW, actor, case, step="link", note=link.label)
    audit.record(actor, A.CREATE, link, after={"case": case.number, "record": link.label})
    return link


# --- the flow ------------------------------------------------------------------------------------------


def _meet(case: Case, steps: Iterable[str], on: dt.date) -> None:
    CaseDeadline.objects.filter(case=case, step__in=list(steps), met_on__isnull=True).update(met_on=on)


def _start_deadlines(case: Case, event: str, on: dt.date, steps: Iterable[str] | None = None) -> None:
    rules_of_channel = list(DeadlineRule.objects.filter(channel_id=case.channel_id))
    existing = set(CaseDeadline.objects.filter(case=case).values_list("step", flat=True))
    try:
        made = _deadlines_from(case, event, on, rules_of_channel, dates.default_calendar(), steps=steps)
    except dates.CalendarMissing as missing:
        raise PetitionError(missing.message, code="calendar_missing") from None
    CaseDeadline.objects.bulk_create([d for d in made if d.step not in existing])


def _day_checks(case: Case, on: dt.date, label: str, field_name: str = "on") -> None:
    _not_future(on, label, field_name)
    _not_before(on, case.received_on, label, "收件日期", field_name)


@transaction.atomic
def accept_case(actor: User | None, case: Case, *, on: dt.date, note: str = "") -> Case:
    """受理: the acceptance notice; the handling deadlines counted from acceptance start."""
    locked = _lock(case, S.REGISTERED)
    _check_handler(actor, locked)
    _day_checks(locked, on, "受理日期")
    workflow.move(
        CASE_WORKFLOW, actor, locked, S.ACCEPTED, step="accept", note=note or f"{on:%Y-%m-%d}", accepted_on=on
    )
    _meet(locked, [rules.Step.ACCEPT], on)
    _start_deadlines(locked, rules.Start.ACCEPTED, on)
    return locked


@transaction.atomic
def reject_case(actor: User | None, case: Case, *, on: dt.date, reason: str) -> Case:
    """不予受理, with the reason told to the petitioner in a written notice."""
    locked = _lock(case, S.REGISTERED)
    _check_handler(actor, locked)
    _day_checks(locked, on, "告知日期")
    if not reason.strip():
        raise PetitionError("不予受理须填写理由", code="reason_required", field="reason")
    workflow.move(
        CASE_WORKFLOW, actor, locked, S.NOT_ACCEPTED, step="reject", note=reason, accepted_on=on,
        decision_note=reason.strip()[:300],
    )  # fmt: skip
    CaseDeadline.objects.filter(case=locked, met_on__isnull=True).update(met_on=on)
    return locked


@transaction.atomic
def assign_case(
    actor: User | None, case: Case, *, handler: User, department: Role | None = None, on: dt.date, note: str = ""
) -> Case:
    """交办 to a department and a handler (again to change them)."""
    locked = _lock(case, S.REGISTERED, S.ACCEPTED, S.ASSIGNED)
    _check_handler(actor, locked)
    _day_checks(locked, on, "交办日期")
    if locked.status == S.REGISTERED:  # assigning accepts it the same day
        locked = accept_case(actor, locked, on=on)
    department = department or handler.roles.filter(kind=Role.Kind.DEPARTMENT).first()
    text = f"{department.name if department else ''} {handler.full_name or handler.username} {note}".strip()
    workflow.move(
        CASE_WORKFLOW, actor, locked, S.ASSIGNED, step="assign", note=text, handler=handler, department=department,
        assigned_on=on,
    )  # fmt: skip
    _meet(locked, [rules.Step.FORWARD], on)
    return locked


@transaction.atomic
def forward_case(actor: User | None, case: Case, *, to: str, reason: str, on: dt.date) -> Case:
    """转送 to another body with the reason: the case leaves the center, its open deadlines end."""
    locked = _lock(case, S.REGISTERED, S.ACCEPTED)
    _check_handler(actor, locked)
    _day_checks(locked, on, "转送日期")
    if not to.strip():
        raise PetitionError("请填写转送机关", code="no_body", field="to")
    if not reason.strip():
        raise PetitionError("转送须填写理由", code="reason_required", field="reason")
    workflow.move(
        CASE_WORKFLOW, actor, locked, S.FORWARDED, step="forward", note=f"转送{to.strip()}：{reason.strip()}",
        forwarded_to=to.strip()[:120], decision_note=reason.strip()[:300],
    )  # fmt: skip
    CaseDeadline.objects.filter(case=locked, met_on__isnull=True).update(met_on=on)
    return locked


@transaction.atomic
def record_contact(
    actor: User | None,
    case: Case,
    *,
    at: dt.datetime,
    method: str,
    contacted: str,
    summary: str,
    principle: str = "",
) -> Contact:
    """A contact with the petitioner (三到位一处理 record)."""
    locked = _lock(case, S.ACCEPTED, S.ASSIGNED, S.REPLIED, S.CLOSED, S.REVIEWING)
    _check_handler(actor, locked)
    if at > timezone.now():
        raise PetitionError("联系时间不能晚于现在", code="future_date", field="at")
    if at < locked.received_at:
        raise PetitionError("联系时间不能早于收件时间", code="date_order", field="at")
    if method not in Contact.Method.values:
        raise PetitionError("联系方式无效", code="bad_method", field="method")
    if principle and principle not in Contact.Principle.values:
        raise PetitionError("“三到位一处理”的选项无效", code="bad_principle", field="principle")
    if not contacted.strip() or not summary.strip():
        raise PetitionError("请填写联系对象和沟通内容", code="contact_incomplete", field="summary")
    contact = Contact.objects.create(
        case=locked, at=at, method=method, contacted=contacted.strip()[:60], summary=summary.strip(),
        principle=principle, recorded_by=_user(actor),
    )  # fmt: skip
    workflow.record(
        CASE_WORKFLOW, actor, locked, step="contact",
        note=f"{contact.get_method_display()} {contact.contacted}：{contact.summary}",
    )  # fmt: skip
    audit.record(actor, A.CREATE, contact, after=audit.snapshot(contact))
    return contact


@transaction.atomic
def reply_case(actor: User | None, case: Case, *, on: dt.date, text: str) -> Case:
    """答复: the written reply (处理意见书; for online channels the text pasted back to the platform)."""
    locked = _lock(case, S.ACCEPTED, S.ASSIGNED)
    _check_handler(actor, locked)
    _day_checks(locked, on, "答复日期")
    _not_before(on, locked.accepted_on, "答复日期", "受理日期", "on")
    if not text.strip():
        raise PetitionError("请填写答复内容", code="no_reply", field="text")
    workflow.move(
        CASE_WORKFLOW, actor, locked, S.REPLIED, step="reply", note=f"{on:%Y-%m-%d}", replied_on=on, reply=text.strip()
    )
    _meet(locked, [rules.Step.REPLY], on)
    _start_deadlines(locked, rules.Start.REPLIED, on, steps=[rules.Step.REVIEW_REQUEST])
    return locked


@transaction.atomic
def close_case(actor: User | None, case: Case, *, on: dt.date, kind: str, satisfaction: str = "") -> Case:
    """办结 with its closure kind (实体办结 / 程序性办结) and, once known, the petitioner's satisfaction."""
    locked = _lock(case, S.REPLIED, S.ACCEPTED, S.ASSIGNED)
    _check_handler(actor, locked)
    if not locked.reply or locked.replied_on is None:
        raise PetitionError("未答复的信访件不能办结，请先答复", code="no_reply", field="kind")
    if kind not in Case.Closure.values:
        raise PetitionError("办结须选择办结方式（实体办结或程序性办结）", code="no_closure_kind", field="kind")
    if satisfaction and satisfaction not in Case.Satisfaction.values:
        raise PetitionError("满意度无效", code="bad_satisfaction", field="satisfaction")
    _day_checks(locked, on, "办结日期")
    _not_before(on, locked.replied_on, "办结日期", "答复日期", "on")
    label = Case.Closure(kind).label
    workflow.move(
        CASE_WORKFLOW, actor, locked, S.CLOSED, step="close", note=f"{label} {on:%Y-%m-%d}", closed_on=on,
        closure_kind=kind, satisfaction=satisfaction,
    )  # fmt: skip
    _meet(locked, [rules.Step.COMPLETE], on)
    return locked


@transaction.atomic
def record_satisfaction(actor: User | None, case: Case, *, satisfaction: str) -> Case:
    """回访: the petitioner's satisfaction with a closed case."""
    locked = _lock(case, S.CLOSED, S.REVIEWING)
    _check_handler(actor, locked)
    if satisfaction not in Case.Satisfaction.values:
        raise PetitionError("满意度无效", code="bad_satisfaction", field="satisfaction")
    before = audit.snapshot(locked, ["satisfaction"])
    locked.satisfaction = satisfaction
    locked.save(update_fields=["satisfaction"])
    audit.record_change(actor, locked, before, note="回访")
    workflow.record(CASE_WORKFLOW, actor, locked, step="satisfaction", note=str(Case.Satisfaction(satisfaction).label))
    return locked


@transaction.atomic
def convert_to_substantive(actor: User | None, case: Case, *, on: dt.date, note: str) -> Case:
    """A procedural closure later settled on its merits (百日攻坚): the first closure's date stands."""
    locked = _lock(case, S.CLOSED)
    _check_handler(actor, locked)
    if locked.closure_kind != Case.Closure.PROCEDURAL:
        raise PetitionError("只有程序性办结的信访件可以转为实体办结", code="not_procedural", field="on")
    _not_future(on, "转为实体办结的日期", "on")
    _not_before(on, locked.closed_on, "转为实体办结的日期", "办结日期", "on")
    if not note.strip():
        raise PetitionError("请说明实体解决的情况", code="reason_required", field="note")
    before = audit.snapshot(locked, ["closure_kind", "converted_on"])
    locked.closure_kind, locked.converted_on = Case.Closure.SUBSTANTIVE, on
    locked.save(update_fields=["closure_kind", "converted_on"])
    audit.record_change(actor, locked, before, note=note)
    workflow.record(CASE_WORKFLOW, actor, locked, step="convert", note=f"{on:%Y-%m-%d} {note.strip()}")
    return locked


@transaction.atomic
def extend_case(actor: User | None, case: Case, *, days: int, reason: str) -> Case:
    """One extension of the completion deadline, approved by a leader (not the handler) with the reason told
    to the petitioner, within the channel's maximum; counted in the completion rule's own unit."""
    locked = _lock(case, S.ACCEPTED, S.ASSIGNED)
    if actor is not None and not actor.can(MODULE, "approve"):
        raise PetitionError("延期须由中心领导审批", code="not_permitted", field="days")
    if actor is not None and locked.handler_id == actor.pk:
        raise PetitionError("承办人不能审批本件的延期", code="same_person", field="days")
    if not reason.strip():
        raise PetitionError("延期须填写理由", code="reason_required", field="reason")
    complete = CaseDeadline.objects.select_related("rule").filter(case=locked, step=rules.Step.COMPLETE).first()
    if complete is None:
        raise PetitionError("本件没有办结期限，不能延期", code="no_deadline", field="days")
    maximum_rule = rule_for(
        list(DeadlineRule.objects.filter(channel_id=locked.channel_id)), rules.Step.EXTENSION, locked.received_on
    )
    refusal = rules.extension_refusal(locked.extension_days, days, maximum_rule.amount if maximum_rule else None)
    if refusal:
        raise PetitionError(refusal, code="extension_refused", field="days")
    try:
        counted = rules.extended(
            complete.starts_on, complete.amount, days, complete.rule.unit, dates.default_calendar()
        )
    except dates.CalendarMissing as missing:
        raise PetitionError(missing.message, code="calendar_missing", field="days") from None
    before = audit.snapshot(locked, ["extension_days", "extension_reason", "extension_approved_by"])
    locked.extension_days, locked.extension_reason = days, reason.strip()[:300]
    locked.extension_approved_by = _user(actor)
    locked.save(update_fields=["extension_days", "extension_reason", "extension_approved_by"])
    complete.nominal, complete.due = counted.nominal, counted.due
    complete.save(update_fields=["nominal", "due"])
    audit.record_change(
        actor, locked, before, note=f"延期{days}{complete.rule.get_unit_display()}至{counted.due:%Y-%m-%d}"
    )
    workflow.record(
        CASE_WORKFLOW, actor, locked, step="extend",
        note=f"延期{days}{complete.rule.get_unit_display()}，办结期限至{counted.due:%Y-%m-%d}：{reason.strip()}",
    )  # fmt: skip
    return locked


@transaction.atomic
def record_commitment(actor: User | None, case: Case, *, signed_on: dt.date, signer: str) -> Commitment:
    """A signed 息访罢诉承诺书 (its scan attached to the commitment by the page)."""
    locked = _lock(case, *Case.Status.values)
    _check_handler(actor, locked)
    _not_future(signed_on, "签订日期", "signed_on")
    _not_before(signed_on, locked.received_on, "签订日期", "收件日期", "signed_on")
    if not signer.strip():
        raise PetitionError("请填写签订人", code="no_signer", field="signer")
    commitment = Commitment.objects.create(
        case=locked, signed_on=signed_on, signer=signer.strip()[:60], recorded_by=_user(actor)
    )
    workflow.record(CASE_WORKFLOW, actor, locked, step="commitment", note=f"{signer.strip()} {signed_on:%Y-%m-%d}")
    audit.record(actor, A.CREATE, commitment, after=audit.snapshot(commitment))
    return commitment


@transaction.atomic
def request_review(actor: User | None, case: Case, *, on: dt.date) -> Review:
    """The petitioner asks for 复查 of the reply, or for 复核 of the 复查 opinion, within the limit to ask; after
    复核 the same matter is not accepted again."""
    locked = _lock(case, S.CLOSED)
    _check_handler(actor, locked)
    _day_checks(locked, on, "申请日期")
    done = {r.level: r for r in Review.objects.filter(case=locked)}
    if Review.Level.REREVIEW in done:
        raise PetitionError("已经复核的信访事项，不再受理复查、复核申请", code="after_rereview", field="on")
    level = Review.Level.REREVIEW if Review.Level.REVIEW in done else Review.Level.REVIEW
    request_step = rules.Step.REREVIEW_REQUEST if level == Review.Level.REREVIEW else rules.Step.REVIEW_REQUEST
    decision_step = rules.Step.REREVIEW if level == Review.Level.REREVIEW else rules.Step.REVIEW
    rules_of_channel = list(DeadlineRule.objects.filter(channel_id=locked.channel_id))
    decision_rule = rule_for(rules_of_channel, decision_step, locked.received_on)
    if decision_rule is None:
        raise PetitionError(f"渠道“{locked.channel.name}”没有{level.label}规则", code="no_review_rule", field="on")
    since = done[Review.Level.REVIEW].decided_on if level == Review.Level.REREVIEW else locked.replied_on
    request_rule = rule_for(rules_of_channel, request_step, locked.received_on)
    calendar = dates.default_calendar()
    try:
        if request_rule is not None and since is not None:
            limit = rules.deadline(since, request_rule.amount, request_rule.unit, calendar)
            if on > limit.due:
                raise PetitionError(
                    f"已超过申请{level.label}的期限（{limit.due:%Y-%m-%d}前）", code="request_late", field="on"
                )
        counted = rules.deadline(on, decision_rule.amount, decision_rule.unit, calendar)
    except dates.CalendarMissing as missing:
        raise PetitionError(missing.message, code="calendar_missing", field="on") from None
    review = Review.objects.create(case=locked, level=level, requested_on=on, nominal=counted.nominal, due=counted.due)
    workflow.move(CASE_WORKFLOW, actor, locked, S.REVIEWING, step="review", note=f"申请{level.label} {on:%Y-%m-%d}")
    audit.record(actor, A.CREATE, review, after=audit.snapshot(review))
    return review


@transaction.atomic
def decide_review(actor: User | None, case: Case, *, on: dt.date, outcome: str, opinion: str) -> Review:
    """The 复查 / 复核 opinion: the reply upheld or changed; the case is closed again."""
    locked = _lock(case, S.REVIEWING)
    _check_handler(actor, locked)
    review = Review.objects.select_for_update().filter(case=locked, decided_on__isnull=True).first()
    if review is None:
        raise PetitionError("没有待办理的复查、复核申请", code="no_review", field="on")
    if outcome not in Review.Outcome.values:
        raise PetitionError("请选择复查、复核结论", code="bad_outcome", field="outcome")
    if not opinion.strip():
        raise PetitionError("请填写复查、复核意见", code="no_opinion", field="opinion")
    _not_future(on, "意见日期", "on")
    _not_before(on, review.requested_on, "意见日期", "申请日期", "on")
    before = audit.snapshot(review, ["decided_on", "outcome", "opinion"])
    review.decided_on, review.outcome, review.opinion, review.decided_by = on, outcome, opinion.strip(), _user(actor)
    review.save(update_fields=["decided_on", "outcome", "opinion", "decided_by"])
    audit.record_change(actor, review, before)
    workflow.move(
        CASE_WORKFLOW, actor, locked, S.CLOSED, step="decide",
        note=f"{review.get_level_display()}：{review.get_outcome_display()} {on:%Y-%m-%d}",
    )  # fmt: skip
    return review


def show_identity(actor: User | None, case: Case) -> None:
    """Every view of a petitioner's identity in full is in the audit log."""
    audit.record(actor, A.EXPORT, case, note="查看信访人身份信息（姓名、证件号码、电话）")


# --- campaigns -----------------------------------------------------------------------------------------


@transaction.atomic
def create_campaign(
    actor: User | None,
    *,
    name: str,
    starts_on: dt.date,
    ends_on: dt.date,
    target: str = "",
    cases: Sequence[Case] = (),
) -> Campaign:
    """A campaign (百日攻坚) with its dates, target and the cases it works on."""
    if not name.strip():
        raise PetitionError("请填写专项行动名称", code="no_name", field="name")
    if ends_on < starts_on:
        raise PetitionError("结束日期不能早于开始日期", code="date_order", field="ends_on")
    campaign = Campaign.objects.create(
        name=name.strip()[:80], starts_on=starts_on, ends_on=ends_on, target=target.strip()[:300], owner=_user(actor)
    )
    campaign.cases.set(cases)
    audit.record(actor, A.CREATE, campaign, after={**audit.snapshot(campaign), "cases": [c.number for c in cases]})
    return campaign


@transaction.atomic
def add_to_campaign(actor: User | None, campaign: Campaign, cases: Sequence[Case]) -> Campaign:
    before = sorted(campaign.cases.values_list("number", flat=True))
    campaign.cases.add(*cases)
    after = sorted(campaign.cases.values_list("number", flat=True))
    audit.record(actor, A.UPDATE, campaign, before={"cases": before}, after={"cases": after})
    return campaign
