"""Registering cases, set-based (one case, an import's work orders and the demo's year go through
`register_cases`): numbers, petitioners, links, the deadlines counted from receipt, repeats; links to other
lines' records."""

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
from anju.core.models import User
from anju.core.numbering import next_numbers
from anju.lib import dates
from anju.petitions import rules
from anju.petitions.actions.base import CASE_NUMBER, CASE_WORKFLOW, A, S, _check_handler, _user, channel_rules, rule_for
from anju.petitions.errors import PetitionError
from anju.petitions.models import (
    Case,
    CaseDeadline,
    CaseEvent,
    CaseLink,
    Category,
    Channel,
    DeadlineRule,
    Petitioner,
)
from anju.registry.models import Person

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
    rules_by_channel = channel_rules({item.channel.pk for item in items})
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
    # A petitioner giving an ID number of the registry is that person (one query for the batch).
    given = {p.id_number for item in items for p in item.petitioners if p.id_number and p.person is None}
    known = {person.id_number: person for person in Person.objects.filter(id_number__in=given)} if given else {}
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
            _petitioner(case, p.person or known.get(p.id_number), p)
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
                at=min(case.received_at, now),  # 收件登记: the receipt, in the history
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


def _petitioner(case: Case, person: Person | None, given: NewPetitioner) -> Petitioner:
    return Petitioner(
        case=case,
        person=person,
        name=(given.name or (person.name if person else ""))[:60],
        phone=(given.phone or (person.phone if person else ""))[:20],
        id_number=(given.id_number or (person.id_number if person else ""))[:40],
    )


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
