"""`anju.lib.dates`: DOMAIN.md's worked examples (§3 warranty end, §5 deadlines) on the 2023/2024
calendars as DOMAIN.md lists them, and properties over random calendars (hypothesis): year ends,
调休 weekends, leap days and years the calendar does not know."""

from __future__ import annotations

import datetime as dt
import itertools
import subprocess
import sys
from collections.abc import Iterator

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from anju.lib import dates
from anju.lib.dates import (
    Calendar,
    CalendarMissing,
    add_days,
    add_months,
    add_working_days,
    add_years,
    count_working_days,
    is_working_day,
    roll_forward,
)

D = dt.date


def span(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]


# DOMAIN.md §5 "Calendar as data": 2023 [国办发明电〔2022〕16号] and 2024 [国办发明电〔2023〕7号].
HOLIDAYS_2023 = [
    *span(D(2022, 12, 31), D(2023, 1, 2)),  # 元旦
    *span(D(2023, 1, 21), D(2023, 1, 27)),  # 春节
    D(2023, 4, 5),  # 清明
    *span(D(2023, 4, 29), D(2023, 5, 3)),  # 劳动节
    *span(D(2023, 6, 22), D(2023, 6, 24)),  # 端午
    *span(D(2023, 9, 29), D(2023, 10, 6)),  # 中秋国庆
]
WORKDAYS_2023 = [
    D(2023, 1, 28),
    D(2023, 1, 29),
    D(2023, 4, 23),
    D(2023, 5, 6),
    D(2023, 6, 25),
    D(2023, 10, 7),
    D(2023, 10, 8),
]
HOLIDAYS_2024 = [
    D(2024, 1, 1),  # 元旦
    *span(D(2024, 2, 10), D(2024, 2, 17)),  # 春节
    *span(D(2024, 4, 4), D(2024, 4, 6)),  # 清明
    *span(D(2024, 5, 1), D(2024, 5, 5)),  # 劳动节
    D(2024, 6, 10),  # 端午, joined to the weekend 06-08/09
    *span(D(2024, 9, 15), D(2024, 9, 17)),  # 中秋
    *span(D(2024, 10, 1), D(2024, 10, 7)),  # 国庆
]
WORKDAYS_2024 = [D(2024, 2, 4), D(2024, 2, 18), D(2024, 4, 7), D(2024, 4, 28), D(2024, 5, 11), D(2024, 9, 14)]
WORKDAYS_2024 += [D(2024, 9, 29), D(2024, 10, 12)]
DOMAIN_CALENDAR = Calendar(
    holidays=frozenset(HOLIDAYS_2023 + HOLIDAYS_2024),
    workdays=frozenset(WORKDAYS_2023 + WORKDAYS_2024),
    years=frozenset({2023, 2024}),
)


# --- DOMAIN.md §3: warranty end dates (民法典 202, 203) ------------------------------------------------


@pytest.mark.parametrize(
    ("start", "years", "last_day"),
    [
        (D(2023, 6, 15), 15, D(2038, 6, 15)),
        (D(2023, 12, 31), 15, D(2038, 12, 31)),
        (D(2024, 2, 29), 15, D(2039, 2, 28)),  # 2039 has no 29 Feb: month end
        (D(2024, 2, 29), 4, D(2028, 2, 29)),  # 2028 is a leap year
        (D(2024, 2, 29), 1, D(2025, 2, 28)),
        (D(2023, 2, 28), 1, D(2024, 2, 28)),  # not 29 Feb: the 28th exists
    ],
)
def test_warranty_nominal_end(start: dt.date, years: int, last_day: dt.date) -> None:
    assert add_years(start, years) == last_day


def test_one_month_from_a_month_end_is_the_next_month_end() -> None:
    assert add_months(D(2024, 1, 31), 1) == D(2024, 2, 29)
    assert add_months(D(2023, 1, 31), 1) == D(2023, 2, 28)
    assert add_months(D(2024, 3, 31), -1) == D(2024, 2, 29)
    assert add_months(D(2023, 11, 30), 2) == D(2024, 1, 30)


@pytest.mark.parametrize(
    ("start", "nominal", "effective"),
    [
        (D(2009, 10, 1), D(2024, 10, 1), D(2024, 10, 8)),  # 国庆 runs 10-01…10-07
        (D(2009, 2, 16), D(2024, 2, 16), D(2024, 2, 18)),  # 春节 ends 02-17; 02-18 is a 调休 working Sunday
    ],
)
def test_warranty_end_rolls_past_the_holiday(start: dt.date, nominal: dt.date, effective: dt.date) -> None:
    assert add_years(start, 15) == nominal
    assert roll_forward(nominal, DOMAIN_CALENDAR) == effective


# --- DOMAIN.md §5: petition deadlines in calendar days, 12345 in working days ------------------------


@pytest.mark.parametrize(
    ("start", "days", "due"),
    [
        (D(2024, 3, 1), 60, D(2024, 4, 30)),
        (D(2024, 3, 1), 60 + 30, D(2024, 5, 30)),  # with a 30-day extension
        (D(2024, 8, 2), 60, D(2024, 10, 8)),  # 10-01 is 国庆
        (D(2024, 2, 1), 15, D(2024, 2, 18)),  # 02-16 falls in 春节; 02-18 is a 调休 working Sunday
    ],
)
def test_petition_deadlines(start: dt.date, days: int, due: dt.date) -> None:
    assert add_days(start, days, DOMAIN_CALENDAR) == due


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (D(2024, 9, 27), D(2024, 10, 10)),  # Friday; 09-29 is a working Sunday; 10-01…10-07 holidays
        (D(2024, 4, 3), D(2024, 4, 11)),
        (D(2024, 4, 26), D(2024, 5, 7)),
    ],
)
def test_five_working_days(received: dt.date, due: dt.date) -> None:
    assert add_working_days(received, 5, DOMAIN_CALENDAR) == due


def test_working_days_in_2023_and_2024() -> None:
    assert count_working_days(D(2022, 12, 31), D(2023, 12, 31), DOMAIN_CALENDAR) == 249
    assert count_working_days(D(2023, 12, 31), D(2024, 12, 31), DOMAIN_CALENDAR) == 251


def test_new_years_eve_2024_is_a_working_day() -> None:
    # 除夕 (02-09): the notice only encourages leave.
    assert is_working_day(D(2024, 2, 9), DOMAIN_CALENDAR)
    assert not is_working_day(D(2024, 2, 12), DOMAIN_CALENDAR)
    assert is_working_day(D(2024, 2, 4), DOMAIN_CALENDAR)  # a 调休 Sunday


# --- edges -------------------------------------------------------------------------------------------


def test_zero_working_days_is_the_start_itself_and_negative_is_refused() -> None:
    assert add_working_days(D(2024, 10, 1), 0, DOMAIN_CALENDAR) == D(2024, 10, 1)
    assert add_working_days(D(2030, 1, 1), 0, DOMAIN_CALENDAR) == D(2030, 1, 1)  # nothing looked up
    with pytest.raises(ValueError, match="negative"):
        add_working_days(D(2024, 1, 2), -1, DOMAIN_CALENDAR)
    with pytest.raises(ValueError, match="negative"):
        add_days(D(2024, 1, 2), -1, DOMAIN_CALENDAR)
    with pytest.raises(ValueError, match="before"):
        count_working_days(D(2024, 1, 2), D(2024, 1, 1), DOMAIN_CALENDAR)


def test_a_year_the_calendar_does_not_know_is_an_error_not_a_guess() -> None:
    with pytest.raises(CalendarMissing) as raised:
        add_working_days(D(2024, 12, 27), 5, DOMAIN_CALENDAR)  # runs into 2025
    assert raised.value.year == 2025 and raised.value.code == "calendar.missing"
    assert "尚未录入2025年的节假日安排" in raised.value.message
    with pytest.raises(CalendarMissing, match="2022年"):
        is_working_day(D(2022, 6, 1), DOMAIN_CALENDAR)
    with pytest.raises(CalendarMissing, match="2025年"):
        add_days(D(2024, 12, 1), 31, DOMAIN_CALENDAR)


def test_a_day_cannot_be_both_holiday_and_working_day() -> None:
    with pytest.raises(ValueError, match="both"):
        Calendar(holidays=frozenset({D(2024, 2, 4)}), workdays=frozenset({D(2024, 2, 4)}), years=frozenset({2024}))


@pytest.fixture
def provider() -> Iterator[None]:
    previous = dates._provider
    dates.set_default_calendar_provider(lambda: DOMAIN_CALENDAR)
    yield
    dates.set_default_calendar_provider(previous)


def test_omitted_calendar_comes_from_the_provider(provider: None) -> None:
    assert add_working_days(D(2024, 9, 27), 5) == D(2024, 10, 10)
    assert add_days(D(2024, 8, 2), 60) == D(2024, 10, 8)
    assert is_working_day(D(2024, 2, 18))


def test_without_a_provider_an_omitted_calendar_is_a_programming_error() -> None:
    previous = dates._provider
    dates.set_default_calendar_provider(None)
    try:
        with pytest.raises(RuntimeError, match="no default calendar provider"):
            is_working_day(D(2024, 1, 2))
    finally:
        dates.set_default_calendar_provider(previous)


def test_lib_dates_imports_no_django() -> None:
    code = "import sys, anju.lib.dates; print(sorted(m for m in sys.modules if m.split('.')[0] == 'django'))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert result.stdout.strip() == "[]"


# --- properties over random calendars (hypothesis) ---------------------------------------------------

FIRST, LAST = D(2020, 1, 1), D(2030, 12, 31)
days_st = st.dates(min_value=FIRST, max_value=LAST)


@st.composite
def calendars(draw: st.DrawFn) -> Calendar:
    """Known years with gaps, holidays on any day, 调休 working days on weekends only."""
    years = draw(st.sets(st.integers(FIRST.year, LAST.year), min_size=1))
    holidays = draw(st.sets(days_st, max_size=120))
    workdays = draw(st.sets(days_st.filter(lambda d: d.weekday() >= 5), max_size=40)) - holidays
    return Calendar(holidays=frozenset(holidays), workdays=frozenset(workdays), years=frozenset(years))


def working(cal: Calendar, day: dt.date) -> bool:
    """The rule, restated apart from the library: 调休 first, then holidays, then Mon–Fri."""
    return day in cal.workdays or (day not in cal.holidays and day.weekday() < 5)


def first_unknown_after(cal: Calendar, start: dt.date) -> dt.date:
    day = start + dt.timedelta(days=1)
    year = next(y for y in itertools.count(day.year) if y not in cal.years)
    return day if year == day.year else D(year, 1, 1)


@settings(max_examples=300, deadline=None)
@given(start=st.dates(min_value=D(1900, 1, 1), max_value=D(2100, 12, 31)), n=st.integers(0, 200))
def test_add_years_is_the_corresponding_day_or_the_month_end(start: dt.date, n: int) -> None:
    result = add_years(start, n)
    assert (result.year, result.month) == (start.year + n, start.month)
    assert result >= start
    if result.day != start.day:
        # Clamped only where the month has no such day: 29 Feb in a common year.
        assert (start.month, start.day, result.day) == (2, 29, 28)
        assert result.year % 4 != 0 or (result.year % 100 == 0 and result.year % 400 != 0)


@settings(max_examples=300, deadline=None)
@given(start=st.dates(min_value=D(1900, 1, 1), max_value=D(2100, 12, 31)), n=st.integers(-1200, 1200))
def test_add_months_lands_in_the_right_month_on_the_same_day_unless_clamped(start: dt.date, n: int) -> None:
    result = add_months(start, n)
    assert result.year * 12 + result.month == start.year * 12 + start.month + n
    next_month_first = add_months(result.replace(day=1), 1)
    month_end = next_month_first - dt.timedelta(days=1)
    assert result.day == min(start.day, month_end.day)
    assert (result > start) if n > 0 else (result < start) if n < 0 else (result == start)


@settings(max_examples=300, deadline=None)
@given(cal=calendars(), start=days_st, n=st.integers(1, 40))
def test_add_working_days_counts_exactly_n_working_days(cal: Calendar, start: dt.date, n: int) -> None:
    first_unknown = first_unknown_after(cal, start)
    try:
        result = add_working_days(start, n, cal)
    except CalendarMissing as missing:
        # It stopped at the first unknown day after start, having found fewer than n working days.
        assert missing.year == first_unknown.year
        assert (
            sum(working(cal, d) for d in span(start + dt.timedelta(days=1), first_unknown - dt.timedelta(days=1))) < n
        )
        return
    assert result < first_unknown
    assert result > start and working(cal, result)
    assert sum(working(cal, d) for d in span(start + dt.timedelta(days=1), result)) == n
    assert count_working_days(start, result, cal) == n


@settings(max_examples=300, deadline=None)
@given(cal=calendars(), start=days_st, n=st.integers(0, 400))
def test_add_days_ends_on_the_first_working_day_from_start_plus_n(cal: Calendar, start: dt.date, n: int) -> None:
    nominal = start + dt.timedelta(days=n)
    assume(nominal <= LAST)
    try:
        result = add_days(start, n, cal)
    except CalendarMissing as missing:
        assert missing.year not in cal.years and missing.year >= nominal.year
        return
    assert result >= nominal and working(cal, result)
    assert all(not working(cal, d) for d in span(nominal, result - dt.timedelta(days=1)))
    if working(cal, nominal):
        assert result == nominal


@settings(max_examples=200, deadline=None)
@given(cal=calendars(), day=days_st, n=st.integers(1, 30))
def test_any_date_in_a_missing_year_raises(cal: Calendar, day: dt.date, n: int) -> None:
    assume(day.year not in cal.years)
    with pytest.raises(CalendarMissing) as raised:
        is_working_day(day, cal)
    assert raised.value.year == day.year and f"{day.year}年" in raised.value.message
    with pytest.raises(CalendarMissing):
        roll_forward(day, cal)
    with pytest.raises(CalendarMissing):
        add_days(day - dt.timedelta(days=n), n, cal)
    if day.month != 12 or day.day != 31:
        with pytest.raises(CalendarMissing):
            add_working_days(day, n, cal)


@settings(max_examples=200, deadline=None)
@given(year=st.integers(2020, 2029), known_next=st.booleans())
def test_year_end_crosses_into_the_next_year_only_when_it_is_known(year: int, known_next: bool) -> None:
    years = frozenset({year, year + 1} if known_next else {year})
    cal = Calendar(holidays=frozenset({D(year + 1, 1, 1)}), years=years)
    eve = D(year, 12, 31)
    if known_next:
        first = add_working_days(eve, 1, cal)
        assert first.year == year + 1 and first > D(year + 1, 1, 1) and first.weekday() < 5
        assert add_days(D(year, 12, 1), 31, cal) == roll_forward(D(year + 1, 1, 1), cal)
    else:
        with pytest.raises(CalendarMissing, match=f"{year + 1}年"):
            add_working_days(eve, 1, cal)


@settings(max_examples=200, deadline=None)
@given(weekend_day=days_st.filter(lambda d: d.weekday() >= 5))
def test_a_tiaoxiu_weekend_day_is_a_working_day_and_counts(weekend_day: dt.date) -> None:
    years = frozenset(range(FIRST.year - 1, LAST.year + 2))
    plain = Calendar(years=years)
    tiaoxiu = Calendar(workdays=frozenset({weekend_day}), years=years)
    before = weekend_day - dt.timedelta(days=1)
    assert not is_working_day(weekend_day, plain) and is_working_day(weekend_day, tiaoxiu)
    assert add_working_days(before, 1, tiaoxiu) == weekend_day
    assert add_working_days(before, 1, plain) > weekend_day
    assert add_days(before, 1, tiaoxiu) == weekend_day
    assert count_working_days(before, weekend_day, tiaoxiu) == 1


@settings(max_examples=100, deadline=None)
@given(year=st.integers(1901, 2099))
def test_leap_day_anniversaries(year: int) -> None:
    leap_day = D(2024, 2, 29)
    result = add_years(leap_day, year - 2024)
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    assert result == (D(year, 2, 29) if leap else D(year, 2, 28))
