"""Petition deadlines (DOMAIN.md §5) at their edges: calendar days past rest days (民法典 201, 203), working
days over 调休 weekends and year ends, hours, the one extension, the state on a day; hypothesis over the real
2022–2026 calendar."""

from __future__ import annotations

import datetime as dt

import pytest
from chinese_calendar import constants
from hypothesis import given, settings
from hypothesis import strategies as st

from anju.lib.dates import Calendar, CalendarMissing, count_working_days, is_working_day
from anju.petitions import rules
from anju.petitions.rules import Closure, Rule, State, Step, Unit

D = dt.date
YEARS = frozenset(range(2022, 2027))
CALENDAR = Calendar(
    holidays=frozenset(d for d in constants.holidays if d.year in YEARS),
    workdays=frozenset(d for d in constants.workdays if d.year in YEARS),
    years=YEARS,
)
DAYS = st.dates(min_value=D(2022, 1, 1), max_value=D(2026, 6, 30))


@pytest.mark.parametrize(
    ("start", "days", "nominal", "due"),
    [
        (D(2024, 3, 1), 60, D(2024, 4, 30), D(2024, 4, 30)),
        (D(2024, 8, 2), 60, D(2024, 10, 1), D(2024, 10, 8)),  # 国庆
        (D(2024, 2, 1), 15, D(2024, 2, 16), D(2024, 2, 18)),  # 春节; 02-18 a 调休 working Sunday
        (D(2023, 12, 17), 15, D(2024, 1, 1), D(2024, 1, 2)),  # over the year end into 元旦
    ],
)
def test_calendar_days(start: dt.date, days: int, nominal: dt.date, due: dt.date) -> None:
    assert rules.deadline(start, days, Unit.CALENDAR, CALENDAR) == rules.Deadline(nominal, due)


@pytest.mark.parametrize(
    ("start", "due"),
    [
        (D(2024, 9, 27), D(2024, 10, 10)),  # 09-29 a working Sunday, 10-01…10-07 holidays
        (D(2024, 4, 3), D(2024, 4, 11)),
        (D(2024, 4, 26), D(2024, 5, 7)),
        (D(2023, 12, 28), D(2024, 1, 5)),  # over the year end and 元旦
    ],
)
def test_five_working_days(start: dt.date, due: dt.date) -> None:
    assert rules.deadline(start, 5, Unit.WORKING, CALENDAR) == rules.Deadline(due, due)


def test_hours_count_from_the_time_of_receipt() -> None:
    got = rules.deadline(D(2024, 3, 1), 24, Unit.HOURS, at=dt.datetime(2024, 3, 1, 16, 30, tzinfo=dt.UTC))
    assert got == rules.Deadline(D(2024, 3, 2), D(2024, 3, 2))


def test_a_year_without_its_calendar_is_refused() -> None:
    with pytest.raises(CalendarMissing) as missing:
        rules.deadline(D(2026, 12, 20), 15, Unit.WORKING, CALENDAR)
    assert missing.value.year == 2027 and "2027" in missing.value.message


def test_the_extension_counts_again_from_the_same_start() -> None:
    assert rules.extended(D(2024, 3, 1), 60, 30, Unit.CALENDAR, CALENDAR).due == D(2024, 5, 30)


@pytest.mark.parametrize(
    ("already", "requested", "maximum", "refused"),
    [(0, 30, 30, False), (0, 31, 30, True), (30, 1, 30, True), (0, 0, 30, True), (0, 5, None, True)],
)
def test_one_extension_within_the_maximum(already: int, requested: int, maximum: int | None, refused: bool) -> None:
    assert (rules.extension_refusal(already, requested, maximum) is not None) is refused


def test_the_rule_in_force_on_the_day() -> None:
    old = Rule(Step.COMPLETE, 60, Unit.CALENDAR, "accepted", D(2000, 1, 1), D(2024, 6, 30))
    new = Rule(Step.COMPLETE, 30, Unit.CALENDAR, "accepted", D(2024, 7, 1))
    assert rules.rule_in_force([old, new], Step.COMPLETE, D(2024, 6, 30)) is old
    assert rules.rule_in_force([old, new], Step.COMPLETE, D(2024, 7, 1)) is new
    assert rules.rule_in_force([old, new], Step.REPLY, D(2024, 7, 1)) is None


def test_states_on_a_day() -> None:
    nominal, due = D(2024, 10, 1), D(2024, 10, 8)
    assert rules.state_on(D(2024, 9, 20), nominal, due, calendar=CALENDAR) == State.ON_TIME
    # 09-27, the working Sunday 09-29, 09-30 and 10-08 are left: 4 working days, then 3.
    assert rules.state_on(D(2024, 9, 26), nominal, due, calendar=CALENDAR) == State.ON_TIME
    assert rules.state_on(D(2024, 9, 27), nominal, due, calendar=CALENDAR) == State.DUE_SOON
    assert rules.state_on(D(2024, 10, 3), nominal, due, calendar=CALENDAR) == State.DUE_SOON  # warn at nominal
    assert rules.state_on(D(2024, 10, 8), nominal, due, calendar=CALENDAR) == State.DUE_SOON
    assert rules.state_on(D(2024, 10, 9), nominal, due, calendar=CALENDAR) == State.OVERDUE
    assert rules.state_on(D(2024, 10, 9), nominal, due, D(2024, 10, 8), CALENDAR) == State.DONE


def test_closure_kind_at_a_date() -> None:
    closed, converted = D(2023, 6, 1), D(2024, 5, 20)
    assert rules.closure_on("substantive", closed, converted, D(2023, 12, 31)) == Closure.PROCEDURAL
    assert rules.closure_on("substantive", closed, converted, D(2024, 12, 31)) == Closure.SUBSTANTIVE
    assert rules.closure_on("procedural", closed, None, D(2023, 5, 31)) is None


def test_repeat_window_is_twelve_months() -> None:
    assert rules.repeat_window_start(D(2024, 2, 29)) == D(2023, 2, 28)


def test_rates() -> None:
    assert rules.percent(14, 32) == rules.percent(7, 16) and str(rules.percent(14, 32)) == "43.75"
    assert rules.satisfaction_rate(3, 1, 5) == 80 and rules.satisfaction_rate(0, 0, 0) is None


@settings(max_examples=300, deadline=None)
@given(start=DAYS, days=st.integers(min_value=1, max_value=90))
def test_calendar_days_end_on_the_first_working_day_from_the_nominal_day(start: dt.date, days: int) -> None:
    got = rules.deadline(start, days, Unit.CALENDAR, CALENDAR)
    assert got.nominal == start + dt.timedelta(days=days)
    assert is_working_day(got.due, CALENDAR) and got.due >= got.nominal
    day = got.nominal
    while day < got.due:  # every day skipped is a rest day
        assert not is_working_day(day, CALENDAR)
        day += dt.timedelta(days=1)


@settings(max_examples=300, deadline=None)
@given(start=DAYS, days=st.integers(min_value=1, max_value=60))
def test_working_days_count_exactly_n_working_days(start: dt.date, days: int) -> None:
    got = rules.deadline(start, days, Unit.WORKING, CALENDAR)
    assert got.nominal == got.due and is_working_day(got.due, CALENDAR)
    assert count_working_days(start, got.due, CALENDAR) == days


@settings(max_examples=200, deadline=None)
@given(start=DAYS, days=st.integers(min_value=1, max_value=60), extra=st.integers(min_value=1, max_value=30))
def test_an_extension_never_brings_the_deadline_forward(start: dt.date, days: int, extra: int) -> None:
    for unit in (Unit.CALENDAR, Unit.WORKING):
        base = rules.deadline(start, days, unit, CALENDAR)
        longer = rules.extended(start, days, extra, unit, CALENDAR)
        assert longer.nominal > base.nominal and longer.due >= base.due
        if unit == Unit.WORKING:
            assert longer.due > base.due


@settings(max_examples=200, deadline=None)
@given(day=DAYS, start=DAYS, days=st.integers(min_value=1, max_value=60))
def test_overdue_exactly_after_the_due_day(day: dt.date, start: dt.date, days: int) -> None:
    got = rules.deadline(start, days, Unit.CALENDAR, CALENDAR)
    state = rules.state_on(day, got.nominal, got.due, calendar=CALENDAR)
    assert (state == State.OVERDUE) == (day > got.due)
    if day <= got.due and day >= got.nominal:
        assert state == State.DUE_SOON
