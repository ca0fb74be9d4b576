"""Working days and legal periods over a holiday calendar kept as data.

Framework-free. Every function that needs to know rest days takes a `Calendar`; when it is
omitted the default provider supplies one (in Anju, `core` registers the stored calendar in
`CoreConfig.ready()`). A calendar knows only the years marked complete: a date in any other year
raises `CalendarMissing` instead of guessing that the year has no holidays.

Rules (民法典 第200–204条, DOMAIN.md §3 and §5):
- Mon–Fri are working days and Sat/Sun rest days, unless the calendar says otherwise: a
  `holidays` day is a rest day (statutory holiday), a `workdays` day a working day (调休上班).
- A period's start day is not counted (201).
- A period of years or months ends on the corresponding day, or on the month's last day where
  that month has none (202).
- A period whose last day is a rest day ends on the first working day after it (203).
"""

from __future__ import annotations

import calendar as _gregorian
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from anju.lib.errors import DomainError

ONE_DAY = dt.timedelta(days=1)
SATURDAY = 5


class CalendarError(DomainError):
    """A change to the holiday calendar that the rules refuse, or a year it does not know."""

    prefix = "calendar"


class CalendarMissing(CalendarError):
    """A date whose year has no complete holiday arrangement in the calendar."""

    default_code = "missing"

    def __init__(self, year: int) -> None:
        super().__init__(
            f"尚未录入{year}年的节假日安排，无法计算工作日和期限。"
            f"请系统管理员在“节假日安排”中录入{year}年的放假和调休上班日，并标记该年已完整。",
            year=year,
        )
        self.year = year


@dataclass(frozen=True)
class Calendar:
    """Which days differ from the Mon–Fri week, and which years are complete.

    `holidays` are rest days (法定节假日, including the weekend days inside a holiday period);
    `workdays` are weekend days made working days (调休上班); `years` are the complete years."""

    holidays: frozenset[dt.date] = frozenset()
    workdays: frozenset[dt.date] = frozenset()
    years: frozenset[int] = frozenset()

    def __post_init__(self) -> None:
        both = self.holidays & self.workdays
        if both:
            raise ValueError(f"a day cannot be both a holiday and a working day: {min(both)}")

    def knows(self, year: int) -> bool:
        return year in self.years

    def is_working_day(self, day: dt.date) -> bool:
        if day.year not in self.years:
            raise CalendarMissing(day.year)
        if day in self.workdays:
            return True
        if day in self.holidays:
            return False
        return day.weekday() < SATURDAY


_provider: Callable[[], Calendar] | None = None


def set_default_calendar_provider(provider: Callable[[], Calendar] | None) -> None:
    """Register what supplies the calendar when a function is called without one (None: nothing)."""
    global _provider
    _provider = provider


def default_calendar() -> Calendar:
    if _provider is None:
        raise RuntimeError("anju.lib.dates: no calendar was passed and no default calendar provider is registered")
    return _provider()


def _resolve(calendar: Calendar | None) -> Calendar:
    return calendar if calendar is not None else default_calendar()


def is_working_day(day: dt.date, calendar: Calendar | None = None) -> bool:
    return _resolve(calendar).is_working_day(day)


def roll_forward(day: dt.date, calendar: Calendar | None = None) -> dt.date:
    """The day itself when it is a working day, else the first working day after it (民法典 203)."""
    cal = _resolve(calendar)
    while not cal.is_working_day(day):
        day += ONE_DAY
    return day


def add_working_days(start: dt.date, n: int, calendar: Calendar | None = None) -> dt.date:
    """The nth working day after `start`; `start` itself is not counted, whatever kind of day it is.

    n = 0 returns `start` unchanged: zero working days after a day is that day, and nothing is
    looked up, so no calendar year is needed. A negative n is a ValueError."""
    if n < 0:
        raise ValueError(f"n must not be negative: {n}")
    if n == 0:
        return start
    cal = _resolve(calendar)
    day = start
    while n:
        day += ONE_DAY
        if cal.is_working_day(day):
            n -= 1
    return day


def count_working_days(start: dt.date, end: dt.date, calendar: Calendar | None = None) -> int:
    """How many working days lie in (start, end]: the start day is not counted, the end day is."""
    if end < start:
        raise ValueError(f"end {end} is before start {start}")
    cal = _resolve(calendar)
    count, day = 0, start
    while day < end:
        day += ONE_DAY
        count += cal.is_working_day(day)
    return count


def add_days(start: dt.date, n: int, calendar: Calendar | None = None) -> dt.date:
    """The last day of a period of n days from `start` (民法典 201, 203).

    The start day is not counted, so the nominal last day is start + n; where that is a rest day
    the period ends on the first working day after it. Only the days from the nominal last day on
    are looked up. A negative n is a ValueError."""
    if n < 0:
        raise ValueError(f"n must not be negative: {n}")
    return roll_forward(start + dt.timedelta(days=n), calendar)


def add_months(start: dt.date, n: int) -> dt.date:
    """The corresponding day n months later (earlier for a negative n), or that month's last day
    where the month has no such day (民法典 202: 2024-01-31 + 1 month = 2024-02-29)."""
    index = start.year * 12 + start.month - 1 + n
    year, month = divmod(index, 12)
    month += 1
    last = _gregorian.monthrange(year, month)[1]
    return dt.date(year, month, min(start.day, last))


def add_years(start: dt.date, n: int) -> dt.date:
    """The corresponding day n years later (earlier for a negative n), or that month's last day
    where there is none (民法典 202: 2024-02-29 + 15 years = 2039-02-28)."""
    return add_months(start, 12 * n)
