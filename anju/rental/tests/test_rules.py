from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal

import pytest

from anju.rental import rules


def test_monthly_rent_rounds_half_up_once_at_the_end() -> None:
    assert rules.monthly_rent(Decimal("50.00"), Decimal("2.00"), Decimal("20")) == Decimal("80.00")
    # 45.25 × 2.2 × 0.5 = 49.775 -> 49.78 (half up), not 49.77
    assert rules.monthly_rent(Decimal("45.25"), Decimal("2.20"), Decimal("50")) == Decimal("49.78")
    assert rules.monthly_rent(Decimal("45.25"), Decimal("2.20"), Decimal("100")) == Decimal("0.00")


@pytest.mark.parametrize(
    ("month", "billed"),
    [
        (dt.date(2023, 3, 1), False),  # moved in on 10 March: March is free
        (dt.date(2023, 4, 1), True),
        (dt.date(2023, 9, 1), True),  # moved out on 20 September: September is owed
        (dt.date(2023, 10, 1), False),
    ],
)
def test_a_month_is_billed_when_its_first_day_is_within_the_term(month: dt.date, billed: bool) -> None:
    assert rules.is_billed(month, dt.date(2023, 3, 10), dt.date(2023, 9, 20)) is billed


def test_billed_months_in_a_year() -> None:
    assert rules.billed_months(2023, dt.date(2021, 5, 1), None) == 12
    assert rules.billed_months(2023, dt.date(2023, 1, 1), dt.date(2023, 6, 30)) == 6
    # Past its term (ended 2022) but not ended: still billed, as it is still in force.
    assert rules.billed_months(2023, dt.date(2019, 5, 1), None) == 12


@pytest.mark.parametrize(
    ("days", "bucket"), [(0, "0-30"), (30, "0-30"), (31, "31-90"), (90, "31-90"), (91, "91-180"), (181, ">180")]
)
def test_ageing_buckets(days: int, bucket: str) -> None:
    assert rules.ageing_bucket(days) == bucket


def test_parse_month() -> None:
    assert rules.parse_month("2023-07") == dt.date(2023, 7, 1)
    for bad in ("2023-7", "202307", "2023-13", "July"):
        with pytest.raises(ValueError, match="YYYY-MM"):
            rules.parse_month(bad)


def test_percent_is_two_decimals_half_up_and_zero_without_a_denominator() -> None:
    assert rules.percent(Decimal("8586900.00"), Decimal("8627449.00")) == Decimal("99.53")
    assert rules.percent(5016, 5166) == Decimal("97.10")
    assert rules.percent(1, 0) == Decimal("0.00")


HOUSEHOLDS = [f"SQ2023-{n:05d}" for n in range(1, 21)]
UNITS = [f"GZ-CD-1-1-{room}" for room in (101, 102, 201, 202, 301)]


def test_the_draw_is_reproducible_from_the_seed_and_inputs_in_any_order() -> None:
    first = rules.draw("20230315-12345678", HOUSEHOLDS, UNITS)
    again = rules.draw("20230315-12345678", list(reversed(HOUSEHOLDS)) + HOUSEHOLDS[:3], list(reversed(UNITS)))
    assert first == again
    assert [p.rank for p in first] == list(range(1, 21))
    assert sorted(p.household for p in first) == HOUSEHOLDS
    assert sorted(p.unit for p in first if p.unit) == sorted(UNITS)
    assert all(p.unit is None for p in first[5:])


def test_another_seed_gives_another_order() -> None:
    a = [p.household for p in rules.draw("seed-a", HOUSEHOLDS, UNITS)]
    b = [p.household for p in rules.draw("seed-b", HOUSEHOLDS, UNITS)]
    assert a != b and sorted(a) == sorted(b)


def test_the_order_is_the_documented_sha256_order() -> None:
    """Anyone can re-run the draw with hashlib alone (docs/rental.md)."""
    seed = "20230615-00000042"
    expected = sorted(HOUSEHOLDS, key=lambda n: hashlib.sha256(f"{seed}|{n}".encode()).hexdigest())
    homes = sorted(UNITS, key=lambda c: hashlib.sha256(f"{seed}|{c}".encode()).hexdigest())
    picks = rules.draw(seed, HOUSEHOLDS, UNITS)
    assert [p.household for p in picks] == expected
    assert [p.unit for p in picks[:5]] == homes
    assert rules.draw_as_json(picks)[0] == {"rank": 1, "household": expected[0], "unit": homes[0]}


def test_demo_terms_from_29_february() -> None:
    from anju.rental.demo import _term_end

    assert _term_end(dt.date(2020, 2, 29), 5) == dt.date(2025, 2, 28)
    assert _term_end(dt.date(2020, 2, 29), 4) == dt.date(2024, 2, 28)
    assert _term_end(dt.date(2021, 3, 10), 3) == dt.date(2024, 3, 9)
