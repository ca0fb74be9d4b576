"""The 12345 platform's exported work orders (工单), for centers whose platform does not call the Open311
endpoints: one row a work order, all rows or none, idempotent by the platform's order number.

Headers: 工单编号, 受理时间 (YYYY-MM-DD HH:MM), 诉求人, 联系电话, 诉求类型, 诉求内容, 办理时限（工作日）. Each row
becomes a case on the 12345 channel whose completion is due `lib.dates.add_working_days(date of 受理时间,
办理时限)`. `anju petitions import-orders FILE` prints the result as JSON:
``{"imported": N, "skipped": N, "cases": [{"row": R, "order": "…", "due": "YYYY-MM-DD"}]}``."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from anju.core import imports
from anju.core.models import User
from anju.lib import dates
from anju.lib.tabular import Column, Kind, RowError
from anju.petitions import actions, rules
from anju.petitions.models import Case, CaseDeadline, Category, Channel

HOTLINE = "hotline12345"
ORDER, RECEIVED, NAME, PHONE, KIND, CONTENT, LIMIT = (
    "工单编号", "受理时间", "诉求人", "联系电话", "诉求类型", "诉求内容", "办理时限（工作日）",
)  # fmt: skip
HEADERS = (ORDER, RECEIVED, NAME, PHONE, KIND, CONTENT, LIMIT)
TIME_RE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?$")
# The platform's types (诉求类型) by the words they contain; anything else is 其他.
CATEGORY_WORDS = (
    (("维修资金", "维修基金"), Category.FUND),
    (("公租房", "廉租", "保障房", "保障性住房"), Category.RENTAL),
    (("白蚁",), Category.TERMITE),
    (("补贴",), Category.SUBSIDY),
    (("遗留", "办证", "不动产证"), Category.LEGACY),
    (("物业",), Category.PROPERTY),
)


def category_of(kind: str) -> str:
    for words, category in CATEGORY_WORDS:
        if any(word in kind for word in words):
            return category
    return Category.OTHER


def _received(text: str) -> dt.datetime:
    match = TIME_RE.match(text.strip())
    if not match:
        raise ValueError("应为“YYYY-MM-DD HH:MM”格式的时间")
    year, month, day, hour, minute, second = (int(g) if g else 0 for g in match.groups())
    try:
        moment = dt.datetime(year, month, day, hour, minute, second, tzinfo=timezone.get_current_timezone())
    except ValueError:
        raise ValueError("不是有效的时间") from None
    if moment > timezone.now():
        raise ValueError("晚于现在")
    return moment


def _limit(value: int) -> int:
    if value <= 0:
        raise ValueError("应为正整数")
    if value > 365:
        raise ValueError("过大（不超过365个工作日）")
    return value


COLUMNS = (
    Column(
        ORDER, Kind.CODE, required=True, max_length=60, terse=True, help="平台工单编号，已导入的编号再次导入时跳过。"
    ),
    Column(RECEIVED, required=True, terse=True, check=_received, help="平台受理的日期和时间，如 2023-03-01 09:30。"),
    Column(NAME, required=True, max_length=60, terse=True),
    Column(PHONE, required=True, max_length=20, terse=True),
    Column(KIND, required=True, max_length=60, terse=True, help="平台的诉求类型，按关键词归入本系统的诉求类别。"),
    Column(CONTENT, required=True, terse=True),
    Column(LIMIT, Kind.INT, required=True, terse=True, check=_limit, help="平台给定的办理时限，正整数，单位工作日。"),
)


@dataclass
class OrdersResult:
    imported: int = 0
    skipped: int = 0
    cases: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"imported": self.imported, "skipped": self.skipped, "cases": self.cases}


@dataclass
class _Known:
    channel: Channel | None
    orders: set[str]
    calendar: dates.Calendar


class OrdersImport(imports.ImportSpec):
    key = "petitions.orders"
    title = "12345工单导入"
    module = "petitions"
    columns = COLUMNS
    example = ("GD202303010001", "2023-03-01 09:30", "张三", "13907450001", "物业管理", "小区电梯长期故障无人维修", 5)
    command = "anju petitions import-orders FILE"
    notes = ("每行登记为“市长热线（12345）”渠道的一件，办结期限为受理日期后第N个工作日（N为办理时限）。",)

    def fetch(self, parsed: imports.Parsed, options: imports.Options) -> _Known:
        channel = Channel.objects.filter(code=HOTLINE).first()
        numbers = sorted({row.values[ORDER] for row in parsed.rows if row.values[ORDER]})
        orders: set[str] = set()
        if channel is not None:
            for chunk in imports.chunks(numbers):
                orders.update(
                    Case.objects.filter(channel=channel, reference__in=chunk).values_list("reference", flat=True)
                )
        return _Known(channel, orders, dates.default_calendar())

    def check(self, parsed: imports.Parsed, fetched: _Known, options: imports.Options) -> list[RowError]:
        if fetched.channel is None:
            return [RowError(0, "", "系统中没有“市长热线（12345）”渠道，请先在信访渠道中设置")]
        errors: list[RowError] = []
        seen: dict[str, int] = {}
        for row in parsed.rows:
            order, received, limit = row.values[ORDER], row.values[RECEIVED], row.values[LIMIT]
            if order:
                if order in seen:
                    errors.append(RowError(row.number, ORDER, f"与第{seen[order]}行的工单编号重复"))
                seen.setdefault(order, row.number)
            if received is None or limit is None or order in fetched.orders:
                continue
            day = timezone.localtime(received).date()
            if day < fetched.channel.started_on:
                errors.append(
                    RowError(row.number, RECEIVED, f"早于该渠道启用日期{fetched.channel.started_on:%Y-%m-%d}")
                )
                continue
            try:
                rules.deadline(day, limit, rules.Unit.WORKING, fetched.calendar)
            except dates.CalendarMissing as missing:
                column = RECEIVED if missing.year == day.year else LIMIT
                errors.append(RowError(row.number, column, missing.message))
        return errors

    def write(
        self, actor: User | None, parsed: imports.Parsed, fetched: _Known, options: imports.Options
    ) -> OrdersResult:
        assert fetched.channel is not None
        result = OrdersResult()
        items, rows = [], []
        for row in parsed.rows:
            if row.values[ORDER] in fetched.orders:
                result.skipped += 1
                continue
            v = row.values
            items.append(
                actions.NewCase(
                    channel=fetched.channel,
                    received_at=v[RECEIVED],
                    category=category_of(v[KIND]),
                    subject=f"{v[KIND]}：{v[CONTENT][:40]}",
                    content=v[CONTENT],
                    reference=v[ORDER],
                    petitioners=[actions.NewPetitioner(name=v[NAME], phone=v[PHONE])],
                    complete_limit=v[LIMIT],
                    row=row.number,
                )
            )
            rows.append(row)
        cases = actions.register_cases(
            actor, items, calendar=fetched.calendar, audit_note=f"导入12345工单 {options.get('filename', '')}".strip()
        )
        due = dict(CaseDeadline.objects.filter(case__in=cases, step=rules.Step.COMPLETE).values_list("case_id", "due"))
        for row, case in zip(rows, cases, strict=True):
            result.cases.append({"row": row.number, "order": case.reference, "due": due[case.pk].isoformat()})
        result.imported = len(cases)
        return result

    def summary(self, result: OrdersResult) -> list[tuple[Any, Any]]:
        return [("登记工单（件）", result.imported), ("已导入而跳过（件）", result.skipped)]


ORDERS_IMPORT = OrdersImport()


def import_orders(actor: User | None, filename: str, content: bytes, *, ip: str | None = None) -> OrdersResult:
    result: OrdersResult = imports.run(ORDERS_IMPORT, actor, filename, content, ip=ip)
    return result
