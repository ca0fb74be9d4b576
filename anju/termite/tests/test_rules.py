"""The warranty's end (民法典 第202–204条, DOMAIN.md §3's table), the revisit rule and fees."""

from __future__ import annotations

import calendar
import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from anju.lib.dates import Calendar
from anju.termite import rules

D = dt.date


@pytest.mark.parametrize(
    ("start", "years", "end"),
    [
        (D(2023, 6, 15), 15, D(2038, 6, 15)),
        (D(2023, 12, 31), 15, D(2038, 12, 31)),
        (D(2024, 2, 29), 15, D(2039, 2, 28)),
        (D(2024, 2, 29), 4, D(2028, 2, 29)),
        (D(2024, 2, 29), 1, D(2025, 2, 28)),
        (D(2023, 2, 28), 1, D(2024, 2, 28)),
    ],
)
def test_the_nominal_end_is_the_corresponding_day_or_the_months_last(start: dt.date, years: int, end: dt.date) -> None:
    assert rules.nominal_end(start, years) == end


@given(st.dates(D(1990, 1, 1), D(2060, 12, 31)), st.integers(1, 30))
def test_the_nominal_end_keeps_the_day_unless_the_month_is_shorter(start: dt.date, years: int) -> None:
    end = rules.nominal_end(start, years)
    assert (end.year, end.month) == (start.year + years, start.month)
    last = calendar.monthrange(end.year, end.month)[1]
    assert end.day == min(start.day, last)
    assert (end.day == start.day) or (start.month == 2 and start.day == 29 and end.day == 28)


def _calendar(holidays: set[dt.date], workdays: frozenset[dt.date] = frozenset()) -> Calendar:
    years = {d.year for d in holidays} | {2024, 2025}
    return Calendar(holidays=frozenset(holidays), workdays=frozenset(workdays), years=frozenset(years))


def test_a_last_day_in_a_holiday_moves_to_the_next_working_day() -> None:
    national = _calendar({D(2024, 10, d) for d in range(1, 8)})
    assert rules.effective_end(rules.nominal_end(D(2009, 10, 1), 15), calendar=national) == (D(2024, 10, 8), True)
    spring = _calendar({D(2024, 2, d) for d in range(10, 18)}, frozenset({D(2024, 2, 18)}))
    assert rules.effective_end(rules.nominal_end(D(2009, 2, 16), 15), calendar=spring) == (D(2024, 2, 18), True)
    # A date stated in the contract wins, as it is.
    assert rules.effective_end(D(2024, 10, 1), D(2024, 9, 30), national) == (D(2024, 9, 30), True)


def test_without_the_years_calendar_the_nominal_end_stands_not_final() -> None:
    unknown = Calendar(holidays=frozenset(), workdays=frozenset(), years=frozenset({2020}))
    assert rules.effective_end(D(2031, 10, 1), calendar=unknown) == (D(2031, 10, 1), False)


def test_under_warranty_counts_the_first_and_the_last_day() -> None:
    assert rules.under_warranty(D(2023, 6, 15), D(2023, 6, 15), D(2038, 6, 15))
    assert rules.under_warranty(D(2038, 6, 15), D(2023, 6, 15), D(2038, 6, 15))
    assert not rules.under_warranty(D(2038, 6, 16), D(2023, 6, 15), D(2038, 6, 15))
    assert not rules.under_warranty(D(2023, 6, 14), D(2023, 6, 15), D(2038, 6, 15))
    assert not rules.under_warranty(D(2023, 6, 15), None, None)


@given(st.dates(D(2000, 1, 1), D(2030, 12, 31)), st.integers(1, 20), st.integers(2001, 2040))
def test_a_year_plan_holds_buildings_accepted_before_it_whose_warranty_reaches_it(
    accepted: dt.date, years: int, year: int
) -> None:
    end = rules.nominal_end(accepted, years)
    due = rules.revisit_due(year, accepted, end)
    assert due == (accepted.year < year and end >= D(year, 1, 1))


def test_fees_round_half_up_once_and_charge_the_minimum() -> None:
    assert rules.fee(Decimal("30"), Decimal("5.00"), Decimal("50")) == Decimal("250.00")
    assert rules.fee(Decimal("100.005"), Decimal("1")) == Decimal("100.01")
    assert rules.fee(Decimal("80"), Decimal("0")) == Decimal("0.00")
    with pytest.raises(ValueError):
        rules.fee(Decimal("-1"), Decimal("1"))
    assert rules.rate_percent(Decimal("7078000"), Decimal("7221500")) == Decimal("98.01")
    assert rules.rate_percent(Decimal("1"), Decimal("0")) is None
