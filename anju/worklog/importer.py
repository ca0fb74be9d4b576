"""Work records kept on paper (会议记录、谈话登记、考核结果), on the import kit: one row a record, all rows or none.

Headers: 类别 (the kind's Chinese name), 业务或主题 (its Chinese name), 日期, 名称, 数量, 结果, 排名,
参评总数, 文号, 参加人员, 内容 (the last eight optional)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from anju.core import imports
from anju.core.models import User
from anju.lib.tabular import Column, Kind, RowError
from anju.worklog import actions, rules
from anju.worklog.models import WorkRecord

KINDS = {kind.name: kind.code for kind in rules.KINDS}
TOPICS = {name: code for code, name in rules.TOPICS.items()}


def _past(day: dt.date) -> dt.date:
    if day > timezone.localdate():
        raise ValueError("晚于今天")
    return day


COLUMNS = (
    Column("类别", Kind.CHOICE, required=True, choices=KINDS, terse=True),
    Column("业务或主题", Kind.CHOICE, required=True, choices=TOPICS, terse=True),
    Column("日期", Kind.DATE, required=True, terse=True, check=_past),
    Column("名称", required=True, max_length=200, terse=True),
    Column("数量", Kind.INT, omissible=True, terse=True, help="谈话、家访为人次，约谈、推介会为家数，参与活动为人数。"),
    Column("结果", max_length=40, omissible=True, help="考核结果（如良好、合格）。"),
    Column("排名", Kind.INT, omissible=True, terse=True),
    Column("参评总数", Kind.INT, omissible=True, terse=True),
    Column("文号", max_length=60, omissible=True),
    Column("参加人员", max_length=2000, omissible=True),
    Column("内容", max_length=5000, omissible=True),
)


def _row(row: Any) -> actions.Row:
    facts = actions.Facts(
        quantity=row.get("数量") or 0,
        result=row.get("结果", "") or "",
        rank=row.get("排名"),
        rank_of=row.get("参评总数"),
        document=row.get("文号", "") or "",
    )
    return actions.Row(
        category=row.values["类别"],
        line=row.values["业务或主题"],
        held_on=row.values["日期"],
        title=row.values["名称"],
        attendees=row.get("参加人员", "") or "",
        minutes=row.get("内容", "") or "",
        facts=facts,
    )


class WorklogImport(imports.ImportSpec):
    key = "worklog.records"
    title = "工作记录导入"
    module = "worklog"
    columns = COLUMNS
    example = (
        "党风廉政建设会议",
        "党风廉政与党建",
        "2023-03-10",
        "党风廉政建设工作会议",
        "",
        "",
        "",
        "",
        "",
        "全体干部职工",
        "",
    )

    def check(self, parsed: imports.Parsed, fetched: Any, options: imports.Options) -> list[RowError]:
        errors: list[RowError] = []
        for row in parsed.rows:
            kind = row.values["类别"]
            if not kind:
                continue
            for problem in rules.check_record(kind, row.get("数量") or 0, row.get("结果") or "", row.get("排名"),
                                              row.get("参评总数")):  # fmt: skip
                errors.append(RowError(row.number, "数量", problem))
        return errors

    def write(
        self, actor: User | None, parsed: imports.Parsed, fetched: Any, options: imports.Options
    ) -> list[WorkRecord]:
        return actions.import_records(actor, [_row(row) for row in parsed.rows])

    def summary(self, result: list[WorkRecord]) -> list[tuple[Any, Any]]:
        return [("导入工作记录（条）", len(result))]


WORKLOG_IMPORT = WorklogImport()
