"""Reads of work records for the lines' pages and the KPIs of the counted activities (rules.MEASURES)."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import QuerySet, Sum

from anju.core import kpis as registry
from anju.worklog import rules
from anju.worklog.models import WorkRecord


def held(line: str, category: str, year: int) -> QuerySet[WorkRecord]:
    """The line's work records of a category held in the year."""
    return WorkRecord.objects.filter(line=line, category=category, held_on__year=year)


def about(record: models.Model) -> QuerySet[WorkRecord]:
    """The work records linked to a line record, newest first."""
    content_type = ContentType.objects.get_for_model(record)
    return WorkRecord.objects.filter(links__content_type=content_type, links__object_id=record.pk).distinct()


def visible(records: QuerySet[WorkRecord], *, confidential: bool) -> QuerySet[WorkRecord]:
    """The records a reader may see: confidential ones (talks, home visits) only for those allowed."""
    return records if confidential else records.filter(confidential=False)


def measured(measure: rules.Measure, year: int) -> QuerySet[WorkRecord]:
    """The records behind a measure: of its kind (topic, result) dated in the year."""
    records = WorkRecord.objects.filter(category=measure.kind, held_on__year=year)
    if measure.line:
        records = records.filter(line=measure.line)
    if measure.result:
        records = records.filter(result=measure.result)
    return records.order_by("held_on", "pk")


def compute(measure: rules.Measure, year: int) -> registry.Value:
    records = measured(measure, year)
    if measure.measure == rules.COUNT:
        return records.count()
    if measure.measure == rules.QUANTITY:
        return int(records.aggregate(total=Sum("quantity"))["total"] or 0)
    latest = records.order_by("-held_on", "-pk").first()
    if measure.measure == rules.RESULT:
        return [latest.result] if latest is not None else []
    if latest is None:
        raise LookupError(f"{year}年没有“{measure.name}”的记录")
    value = latest.rank if measure.measure == rules.RANK else latest.rank_of
    if value is None:
        raise LookupError(f"{year}年“{measure.name}”的记录没有排名")
    return value


def _definition(measure: rules.Measure) -> str:
    kind = rules.BY_CODE[measure.kind]
    what = {
        rules.COUNT: "条数",
        rules.QUANTITY: f"{kind.quantity}数之和",
        rules.RESULT: "最近一次的结果",
        rules.RANK: "最近一次的排名",
        rules.RANK_OF: "最近一次的参评总数",
    }[measure.measure]
    scope = f"（{rules.topic_name(measure.line)}）" if measure.line else ""
    result = f"、结果为“{measure.result}”" if measure.result else ""
    return f"当年“{kind.name}”{scope}{result}的工作记录的{what}"


def _kpi(measure: rules.Measure) -> registry.Kpi:
    def value(year: int) -> registry.Value:
        return compute(measure, year)

    def records(year: int) -> QuerySet[WorkRecord]:
        return measured(measure, year)

    url: Callable[[int], str] = lambda year: f"/worklog/?kpi={measure.code}&year={year}"  # noqa: E731
    return registry.Kpi(
        code=measure.code, name=measure.name, unit=measure.unit, compute=value, records=records, records_url=url,
        definition=_definition(measure), is_list=measure.measure == rules.RESULT,
    )  # fmt: skip


def registry_entries() -> list[registry.Kpi]:
    return [_kpi(measure) for measure in rules.MEASURES]


MEASURES_BY_CODE = {measure.code: measure for measure in rules.MEASURES}
