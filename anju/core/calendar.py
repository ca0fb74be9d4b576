"""The holiday calendar kept as data: the stored calendar for `anju.lib.dates`, and its changes.

`stored_calendar` is the default calendar provider that `CoreConfig.ready()` registers. The
calendar is loaded once per process and reloaded when the tables change: every call compares a
one-query stamp of both tables (row counts and latest change times) with the stamp it was loaded
under, so an administrator's edit counts at once in every process (web workers, `anju worker`)
without a restart. A loop over many records takes the calendar once and passes it on.

Every change goes through an action below and writes the audit log. A year's days count only once
the year is marked complete (`CalendarYear`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from anju.core import audit
from anju.core.links import reverse
from anju.core.models import AuditEvent, CalendarDay, CalendarYear, User
from anju.core.todos import Todo
from anju.lib.dates import Calendar, CalendarError
from anju.lib.tabular import FILE_ROW, ImportRejected, Row, RowError, read_table
from anju.lib.xlsx import workbook_bytes

A = AuditEvent.Action
Kind = CalendarDay.Kind
DAY_FIELDS = ("date", "kind", "name", "source")
YEAR_FIELDS = ("year", "source", "loaded_at")
WEEKDAYS = "一二三四五六日"
SATURDAY = 5

# --- the stored calendar -------------------------------------------------------------------------

_cache: tuple[tuple[Any, ...], Calendar] | None = None


def _stamp() -> tuple[Any, ...]:
    quote = connection.ops.quote_name
    days, years = quote(CalendarDay._meta.db_table), quote(CalendarYear._meta.db_table)
    changed, loaded = quote("changed_at"), quote("loaded_at")
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT COUNT(*) FROM {days}), (SELECT MAX({changed}) FROM {days}),"
            f" (SELECT COUNT(*) FROM {years}), (SELECT MAX({loaded}) FROM {years})"
        )
        row = cursor.fetchone()
    return tuple(row)


def _load() -> Calendar:
    years = frozenset(CalendarYear.objects.values_list("year", flat=True))
    holidays: set[dt.date] = set()
    workdays: set[dt.date] = set()
    for day, kind in CalendarDay.objects.values_list("date", "kind"):
        if day.year in years:
            (holidays if kind == Kind.HOLIDAY else workdays).add(day)
    return Calendar(frozenset(holidays), frozenset(workdays), years)


def stored_calendar() -> Calendar:
    """The calendar in the database: one stamp query, plus two to reload when the tables changed."""
    global _cache
    stamp = _stamp()
    cached = _cache
    if cached is not None and cached[0] == stamp:
        return cached[1]
    calendar = _load()
    _cache = (stamp, calendar)
    return calendar


def year_calendar(year: int, days: list[CalendarDay], complete: bool) -> Calendar:
    """One year's calendar from rows already read (a page showing the year needs no second load)."""
    return Calendar(
        holidays=frozenset(d.date for d in days if d.kind == Kind.HOLIDAY),
        workdays=frozenset(d.date for d in days if d.kind == Kind.WORKDAY),
        years=frozenset({year} if complete else ()),
    )


# --- changes ---------------------------------------------------------------------------------------


def weekday_name(day: dt.date) -> str:
    return "周" + WEEKDAYS[day.weekday()]


def _day_problem(day: dt.date, kind: str) -> str:
    """Why a day cannot take this kind ("" when it can)."""
    if kind == Kind.WORKDAY and day.weekday() < SATURDAY:
        return f"调休上班日应为周六或周日：{day:%Y-%m-%d}是{weekday_name(day)}"
    return ""


@transaction.atomic
def add_calendar_day(actor: User | None, *, date: dt.date, kind: str, name: str, source: str) -> CalendarDay:
    """Record a holiday (放假) or a 调休 working weekend day."""
    problem = _day_problem(date, kind)
    if problem:
        raise CalendarError(problem, code="workday_not_weekend", field="date")
    existing = CalendarDay.objects.select_for_update().filter(date=date).first()
    if existing is not None:
        raise CalendarError(f"{date:%Y-%m-%d}已有安排：{existing}，请先删除再添加", code="day_exists", field="date")
    day = CalendarDay.objects.create(date=date, kind=kind, name=name.strip(), source=source.strip())
    audit.record(actor, A.CREATE, day, after=audit.snapshot(day, DAY_FIELDS))
    return day


@transaction.atomic
def remove_calendar_day(actor: User | None, day: CalendarDay) -> None:
    before = audit.snapshot(day, DAY_FIELDS)
    audit.record(actor, A.DELETE, day, before=before)
    day.delete()


@transaction.atomic
def mark_calendar_year_complete(actor: User | None, year: int, *, source: str) -> CalendarYear:
    """Declare a year's arrangement complete, so dates in it can be computed."""
    if not CalendarDay.objects.filter(date__year=year, kind=Kind.HOLIDAY).exists():
        raise CalendarError(f"{year}年还没有录入任何放假日，不能标记为已完整", code="year_empty")
    existing = CalendarYear.objects.select_for_update().filter(year=year).first()
    before = audit.snapshot(existing, YEAR_FIELDS) if existing else None
    row, _created = CalendarYear.objects.update_or_create(
        year=year, defaults={"source": source.strip(), "loaded_at": timezone.now()}
    )
    audit.record(actor, A.UPDATE if before else A.CREATE, row, before=before, after=audit.snapshot(row, YEAR_FIELDS))
    return row


@transaction.atomic
def reopen_calendar_year(actor: User | None, row: CalendarYear) -> None:
    """Withdraw a year's complete mark: its dates raise CalendarMissing again until it is marked."""
    audit.record(actor, A.DELETE, row, before=audit.snapshot(row, YEAR_FIELDS))
    row.delete()


# --- import ----------------------------------------------------------------------------------------

HEADERS = ("日期", "类型", "名称")
KIND_LABELS = {"放假": Kind.HOLIDAY, "调休上班": Kind.WORKDAY, "holiday": Kind.HOLIDAY, "workday": Kind.WORKDAY}
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日")
MAX_ROWS = 366
NAME_MAX = CalendarDay._meta.get_field("name").max_length or 60
TEMPLATE_NOTES = (
    "每行一天：放假日（含放假期间的周六、周日）或调休上班的周六、周日。其余日期按周一至周五上班、周六周日休息计算。",
    "日期：如 2025-01-01，须在导入的年份之内，同一日期只能出现一次。",
    "类型：放假 或 调休上班；调休上班日必须是周六或周日。",
    f"名称：节日名称，如 元旦、春节、中秋国庆，不超过{NAME_MAX}个字。",
    "全有或全无：任何一行有错，整个文件都不导入，并逐行列出错误。导入会替换该年已有的全部安排。",
)


def template_bytes() -> bytes:
    """The empty import file with its headers, and a 说明 sheet with the rules."""
    return workbook_bytes("节假日安排", HEADERS, [], notes=TEMPLATE_NOTES)


@dataclass(frozen=True)
class CalendarImport:
    year: int
    holidays: int
    workdays: int
    replaced: int
    complete: bool


def _cell_date(row: Row) -> dt.date | None:
    raw = row.cells.get("日期")
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    text = row.text("日期").split(" ")[0]
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a calendar date, no time
        except ValueError:
            continue
    return None


def _parse_rows(rows: list[Row], year: int, source: str) -> list[CalendarDay]:
    """The file's days, or ImportRejected naming every bad row and column."""
    errors: list[RowError] = []
    days: list[CalendarDay] = []
    seen: dict[dt.date, int] = {}
    for row in rows:
        date = _cell_date(row)
        if not row.text("日期"):
            errors.append(RowError(row.number, "日期", "日期不能为空"))
        elif date is None:
            errors.append(RowError(row.number, "日期", f"日期格式错误：{row.text('日期')}（应如 {year}-01-01）"))
        elif date.year != year:
            errors.append(RowError(row.number, "日期", f"日期不在{year}年内：{date:%Y-%m-%d}"))
            date = None
        elif date in seen:
            errors.append(RowError(row.number, "日期", f"日期与第{seen[date]}行重复：{date:%Y-%m-%d}"))
            date = None
        else:
            seen[date] = row.number
        kind = KIND_LABELS.get(row.text("类型"))
        if kind is None:
            errors.append(RowError(row.number, "类型", f"类型应为“放假”或“调休上班”，而不是“{row.text('类型')}”"))
        elif date is not None and _day_problem(date, kind):
            errors.append(RowError(row.number, "类型", _day_problem(date, kind)))
        name = row.text("名称")
        if not name:
            errors.append(RowError(row.number, "名称", "名称不能为空"))
        elif len(name) > NAME_MAX:
            errors.append(RowError(row.number, "名称", f"名称不能超过{NAME_MAX}个字"))
        if date is not None and kind is not None and name and len(name) <= NAME_MAX:
            days.append(CalendarDay(date=date, kind=kind, name=name, source=source))
    if not errors and not any(d.kind == Kind.HOLIDAY for d in days):
        errors.append(RowError(FILE_ROW, "", f"文件中没有{year}年的放假日"))
    if errors:
        raise ImportRejected(errors)
    return days


@transaction.atomic
def import_calendar_year(
    actor: User | None,
    year: int,
    filename: str,
    content: bytes,
    *,
    source: str,
    complete: bool,
    ip: str | None = None,
) -> CalendarImport:
    """Replace a year's days with a file's (日期, 类型, 名称), all or nothing; optionally mark it complete."""
    source = source.strip()
    days = _parse_rows(read_table(filename, content, HEADERS, max_rows=MAX_ROWS), year, source)
    replaced = CalendarDay.objects.filter(date__year=year).delete()[0]
    CalendarDay.objects.bulk_create(days)
    if complete:
        CalendarYear.objects.update_or_create(year=year, defaults={"source": source, "loaded_at": timezone.now()})
    summary = CalendarImport(
        year=year,
        holidays=sum(d.kind == Kind.HOLIDAY for d in days),
        workdays=sum(d.kind == Kind.WORKDAY for d in days),
        replaced=replaced,
        complete=complete or CalendarYear.objects.filter(year=year).exists(),
    )
    audit.record(
        actor,
        A.IMPORT,
        model=CalendarDay._meta.label,
        object_id=str(year),
        object_repr=f"{year}年节假日安排",
        after={
            "year": year,
            "source": source,
            "holidays": summary.holidays,
            "workdays": summary.workdays,
            "replaced": replaced,
            "complete": summary.complete,
        },
        note=filename,
        ip=ip,
    )
    return summary


# --- to-do -----------------------------------------------------------------------------------------

# The State Council publishes the next year's arrangement in the autumn (2024's on 2023-10-25).
NEXT_YEAR_DUE_MONTH = 11


def calendar_todo(user: Any) -> list[Todo]:
    """Remind who keeps the calendar of this year, and from November of next year, while incomplete."""
    if not user.can("calendar", "handle"):
        return []
    today = timezone.localdate()
    due = [today.year] + ([today.year + 1] if today.month >= NEXT_YEAR_DUE_MONTH else [])
    complete = set(CalendarYear.objects.filter(year__in=due).values_list("year", flat=True))
    return [
        Todo(_("Enter the holiday arrangement of %(year)d") % {"year": year}, f"{reverse('core:calendar')}?year={year}")
        for year in due
        if year not in complete
    ]
