"""Writes of work records: one verb per use case, atomic and audited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone

from anju.core import audit
from anju.core.models import AuditEvent, User
from anju.worklog import rules
from anju.worklog.errors import WorkRecordError
from anju.worklog.models import WorkRecord, WorkRecordLink


@dataclass(frozen=True)
class Facts:
    """A record's figures beyond its date: what its kind counts, an assessment's result and rank."""

    quantity: int = 0
    result: str = ""
    rank: int | None = None
    rank_of: int | None = None
    document: str = ""


def _checked(category: str, line: str, held_on: dt.date, title: str, facts: Facts) -> None:
    if category not in WorkRecord.Category.values:
        raise WorkRecordError("工作记录类别无效", code="bad_category", field="category")
    if not title.strip():
        raise WorkRecordError("请填写名称", code="title_required", field="title")
    if not line.strip():
        raise WorkRecordError("请填写所属业务或主题", code="line_required", field="line")
    if held_on > timezone.localdate():
        raise WorkRecordError("日期不能晚于今天", code="future_date", field="held_on")
    problems = rules.check_record(category, facts.quantity, facts.result, facts.rank, facts.rank_of)
    if problems:
        raise WorkRecordError("；".join(problems), code="bad_figures", field="quantity")


@transaction.atomic
def record_meeting(
    actor: User | None,
    *,
    category: str,
    line: str,
    held_on: dt.date,
    title: str,
    attendees: str = "",
    minutes: str = "",
    about: Sequence[models.Model] = (),
    facts: Facts = Facts(),
) -> WorkRecord:
    """A meeting (or another counted activity) held on a day, about some line records."""
    _checked(category, line, held_on, title, facts)
    record = WorkRecord.objects.create(
        category=category, line=line.strip(), held_on=held_on, title=title.strip(), attendees=attendees.strip(),
        minutes=minutes.strip(), quantity=facts.quantity, result=facts.result.strip(), rank=facts.rank,
        rank_of=facts.rank_of, document=facts.document.strip(), confidential=rules.is_confidential(category),
        created_by=actor if actor is not None and actor.pk else None,
    )  # fmt: skip
    WorkRecordLink.objects.bulk_create(
        WorkRecordLink(record=record, content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk)
        for obj in about
    )
    audit.record(actor, AuditEvent.Action.CREATE, record, after=audit.snapshot(record))
    return record


record_activity = record_meeting


@transaction.atomic
def correct_record(
    actor: User | None,
    record: WorkRecord,
    *,
    held_on: dt.date,
    title: str,
    line: str,
    attendees: str,
    minutes: str,
    facts: Facts,
) -> WorkRecord:
    """Correct a record's date, title, topic, attendees, minutes and figures (its kind stays)."""
    record = WorkRecord.objects.select_for_update().get(pk=record.pk)
    _checked(record.category, line, held_on, title, facts)
    before = audit.snapshot(record)
    record.held_on, record.title, record.line = held_on, title.strip(), line.strip()
    record.attendees, record.minutes = attendees.strip(), minutes.strip()
    record.quantity, record.result, record.rank, record.rank_of = (
        facts.quantity,
        facts.result.strip(),
        facts.rank,
        facts.rank_of,
    )
    record.document = facts.document.strip()
    record.save()
    audit.record(actor, AuditEvent.Action.UPDATE, record, before=before, after=audit.snapshot(record))
    return record


@dataclass(frozen=True)
class Row:
    category: str
    line: str
    held_on: dt.date
    title: str
    attendees: str = ""
    minutes: str = ""
    facts: Facts = Facts()


@transaction.atomic
def import_records(actor: User | None, rows: Sequence[Row]) -> list[WorkRecord]:
    """Records kept on paper, all or none (the import checked every row), in one bulk insert and one audit event."""
    for row in rows:
        _checked(row.category, row.line, row.held_on, row.title, row.facts)
    by = actor if actor is not None and actor.pk else None
    created = WorkRecord.objects.bulk_create(
        WorkRecord(
            category=r.category, line=r.line.strip(), held_on=r.held_on, title=r.title.strip(),
            attendees=r.attendees.strip(), minutes=r.minutes.strip(), quantity=r.facts.quantity,
            result=r.facts.result.strip(), rank=r.facts.rank, rank_of=r.facts.rank_of,
            document=r.facts.document.strip(), confidential=rules.is_confidential(r.category), created_by=by,
        )
        for r in rows
    )  # fmt: skip
    audit.record(actor, AuditEvent.Action.IMPORT, None, model="worklog.WorkRecord", after={"created": len(created)})
    return created
