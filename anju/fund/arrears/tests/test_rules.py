from __future__ import annotations

from decimal import ROUND_DOWN, Decimal
from fractions import Fraction

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from anju.fund.arrears import rules

D = Decimal


@pytest.mark.parametrize(
    ("kinds", "stage"),
    [
        ([], rules.OPEN),
        ([rules.NOTICE], rules.NOTIFIED),
        ([rules.NOTICE, rules.NOT_SERVED], rules.UNSERVED),
        ([rules.NOT_SERVED, rules.NOTICE], rules.NOTIFIED),
        ([rules.NOTICE, rules.INTERVIEW], rules.INTERVIEWED),
        ([rules.JOINT_INTERVIEW], rules.INTERVIEWED),
        ([rules.NOTICE, rules.TRANSFER, rules.JOINT_INTERVIEW], rules.ENFORCEMENT),
        ([rules.CIVIL_SUIT], rules.ENFORCEMENT),
        ([rules.NOTICE, rules.AUCTION_STARTED, rules.FAILED_AUCTION, rules.INTERVIEW], rules.AUCTION),
    ],
)
def test_stage_is_the_furthest_step_reached(kinds: list[str], stage: str) -> None:
    assert rules.case_stage(kinds, D("100.00"), D("0.00")) == stage


def test_a_case_paid_up_is_recovered_whatever_its_timeline() -> None:
    assert rules.case_stage([rules.NOTICE, rules.FAILED_AUCTION], D("100.00"), D("100.00")) == rules.RECOVERED
    assert rules.case_stage([rules.NOTICE], D("100.00"), D("99.99")) == rules.NOTIFIED
    # A case with nothing owed yet is not "recovered".
    assert rules.case_stage([], D("0.00"), D("0.00")) == rules.OPEN


@pytest.mark.parametrize("args", [(["bogus"], D(1), D(0)), ([], D(1), D(2)), ([], D(1), D(-1))])
def test_bad_stage_arguments_raise(args: tuple) -> None:
    with pytest.raises(ValueError):
        rules.case_stage(*args)


def test_item_status() -> None:
    assert rules.item_status(D("10.00"), D("0.00")) == rules.OWED
    assert rules.item_status(D("10.00"), D("0.01")) == rules.PARTIAL
    assert rules.item_status(D("10.00"), D("10.00")) == rules.ITEM_RECOVERED


def test_a_payment_that_clears_the_case_pays_each_item_in_full() -> None:
    owed = {"A": D("6000.00"), "B": D("4000.00"), "C": D("0.00")}
    assert rules.split_recovery(D("10000.00"), owed) == {"A": D("6000.00"), "B": D("4000.00")}


def test_a_part_payment_is_split_by_what_each_owes_and_sums_exactly() -> None:
    owed = {"A": D("3333.33"), "B": D("3333.33"), "C": D("3333.34")}
    shares = rules.split_recovery(D("1000.00"), owed)
    assert sum(shares.values()) == D("1000.00")
    assert all(shares[k] <= owed[k] for k in owed)
    assert rules.split_recovery(D("0.03"), {"A": D("1.00"), "B": D("1.00"), "C": D("1.00")}) == {
        "A": D("0.01"),
        "B": D("0.01"),
        "C": D("0.01"),
    }


@pytest.mark.parametrize("amount", [D("0.00"), D("-1.00"), D("10000.01"), D("1.001")])
def test_bad_payments_raise(amount: Decimal) -> None:
    with pytest.raises(ValueError):
        rules.split_recovery(amount, {"A": D("6000.00"), "B": D("4000.00")})


owed_amounts = st.dictionaries(
    st.text(alphabet="ABCDEFGH", min_size=1, max_size=3),
    st.integers(min_value=0, max_value=10_000_000).map(lambda fen: D(fen) / 100),
    min_size=1,
    max_size=12,
)


# No deadline: the machine running the suite is shared, and a slow example is not a wrong one.
@settings(deadline=None, max_examples=200)
@given(owed=owed_amounts, fraction=st.fractions(min_value=0, max_value=1))
def test_split_recovery_sums_exactly_and_never_overpays(owed: dict[str, Decimal], fraction: Fraction) -> None:
    total = sum(owed.values(), D(0))
    assume(total > 0)
    amount = (total * fraction.numerator / fraction.denominator).quantize(D("0.01"), rounding=ROUND_DOWN)
    assume(amount > 0)
    shares = rules.split_recovery(amount, owed)
    assert sum(shares.values(), D(0)) == amount
    assert all(D(0) <= shares[key] <= owed[key] for key in shares)
    assert set(shares) == {key for key, value in owed.items() if value > 0}
