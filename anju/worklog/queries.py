"""Reads of work records for the lines' pages and KPIs."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import QuerySet

from anju.worklog.models import WorkRecord


def held(line: str, category: str, year: int) -> QuerySet[WorkRecord]:
    """The line's work records of a category held in the year."""
    return WorkRecord.objects.filter(line=line, category=category, held_on__year=year)


def about(record: models.Model) -> QuerySet[WorkRecord]:
    """The work records linked to a line record, newest first."""
    content_type = ContentType.objects.get_for_model(record)
    return WorkRecord.objects.filter(links__content_type=content_type, links__object_id=record.pk).distinct()
