"""Writes of work records: one verb per use case, atomic and audited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone

from anju.core import audit
from anju.core.models import AuditEvent, User
from anju.worklog.errors import WorkRecordError
from anju.worklog.models import WorkRecord, WorkRecordLink


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
) -> WorkRecord:
    """A meeting (or another work record) held on a day, about some line records."""
    if category not in WorkRecord.Category.values:
        raise WorkRecordError("工作记录类别无效", code="bad_category", field="category")
    if not title.strip():
        raise WorkRecordError("请填写会议名称", code="title_required", field="title")
    if held_on > timezone.localdate():
        raise WorkRecordError("会议日期不能晚于今天", code="future_date", field="held_on")
    record = WorkRecord.objects.create(
        category=category, line=line, held_on=held_on, title=title.strip(), attendees=attendees.strip(),
        minutes=minutes.strip(), created_by=actor if actor is not None and actor.pk else None,
    )  # fmt: skip
    WorkRecordLink.objects.bulk_create(
        WorkRecordLink(record=record, content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk)
        for obj in about
    )
    audit.record(actor, AuditEvent.Action.CREATE, record, after=audit.snapshot(record))
    return record
