"""The owner-vote rule (民法典 278/1259, 物权法 76) at its exact edges, and the apportionment and
settlement split properties (hypothesis)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from anju.fund import rules
from anju.fund.rules import CIVIL_CODE_2021, RAISE, TWO_THIRDS_2007, USE, vote_outcome
from anju.lib.money import apportion

D = Decimal


def civil(matter: str, voted: tuple[str, int], agree: tuple[str, int], total: tuple[str, int] = ("300", 300)):
    return vote_outcome(CIVIL_CODE_2021, matter, D(total[0]), total[1], D(voted[0]), voted[1], D(agree[0]), agree[1])


# --- civil_code_2021: the quorum is 2/3 of area AND headcount, 以上 includes the number -------------------


def test_exactly_two_thirds_meets_the_quorum() -> None:
    outcome = civil(USE, voted=("200", 200), agree=("101", 101))
    assert outcome.quorum_met and outcome.passed
    assert outcome.area_participation == D("0.6667") and outcome.owner_participation == D("0.6667")


@pytest.mark.parametrize(("voted_area", "voted_owners"), [("199.99", 200), ("200", 199), ("199.99", 199)])
def test_just_below_two_thirds_of_area_or_headcount_misses_the_quorum(voted_area: str, voted_owners: int) -> None:
    outcome = civil(USE, voted=(voted_area, voted_owners), agree=("150", 150))
    assert not outcome.quorum_met and not outcome.passed


def test_use_with_exactly_half_does_not_pass() -> None:
    assert not civil(USE, voted=("200", 200), agree=("100", 101)).passed  # half the area
    assert not civil(USE, voted=("200", 200), agree=("101", 100)).passed  # half the owners
    assert civil(USE, voted=("200", 200), agree=("100.01", 101)).passed  # just over both


def test_use_majority_is_of_the_participants_not_of_all() -> None:
    # 101 of 200 participants agree: 101 of 300 owners is far below half of all, and still passes.
    outcome = civil(USE, voted=("200", 200), agree=("100.01", 101))
    assert outcome.passed and outcome.agree_owner_ratio == D("0.5050")


def test_raise_needs_three_quarters_of_both_inclusive() -> None:
    assert civil(RAISE, voted=("200", 200), agree=("150", 150)).passed  # exactly 3/4
    assert not civil(RAISE, voted=("200", 200), agree=("149.99", 150)).passed
    assert not civil(RAISE, voted=("200", 200), agree=("150", 149)).passed
    assert not civil(RAISE, voted=("199.99", 200), agree=("199.99", 200)).passed  # no quorum


def test_without_the_quorum_even_unanimity_fails() -> None:
    outcome = civil(USE, voted=("100", 100), agree=("100", 100))
    assert not outcome.quorum_met and not outcome.passed


# --- two_thirds_2007: 2/3 of the TOTAL area and headcount agree, for use and raise alike ----------------


@pytest.mark.parametrize("matter", [USE, RAISE])
def test_double_two_thirds_of_totals_inclusive(matter: str) -> None:
    def old(agree_area: str, agree_owners: int) -> rules.VoteOutcome:
        return vote_outcome(TWO_THIRDS_2007, matter, D("300"), 300, D("300"), 300, D(agree_area), agree_owners)

    assert old("200", 200).passed  # exactly 2/3 of both
    assert not old("199.99", 200).passed
    assert not old("200", 199).passed
    assert old("200", 200).agree_area_ratio == D("0.6667")


def test_double_two_thirds_counts_against_all_owners_not_participants() -> None:
    # Every participant agrees, but they are only 199 of 300 owners.
    outcome = vote_outcome(TWO_THIRDS_2007, USE, D("300"), 300, D("250"), 199, D("250"), 199)
    assert not outcome.passed
    # Under the Civil Code the same count misses the quorum by one owner too; with 200 it passes both.
    assert vote_outcome(TWO_THIRDS_2007, USE, D("300"), 300, D("250"), 200, D("250"), 200).passed
    assert vote_outcome(CIVIL_CODE_2021, USE, D("300"), 300, D("250"), 200, D("250"), 200).passed


def test_a_use_vote_the_civil_code_passes_the_old_rule_refuses() -> None:
    args = (D("300"), 300, D("200"), 200, D("101"), 101)
    assert vote_outcome(CIVIL_CODE_2021, USE, *args).passed
    assert not vote_outcome(TWO_THIRDS_2007, USE, *args).passed


@pytest.mark.parametrize(
    "args",
    [
        ("civil_code_2020", USE, D(10), 3, D(10), 3, D(10), 3),
        (CIVIL_CODE_2021, "spend", D(10), 3, D(10), 3, D(10), 3),
        (CIVIL_CODE_2021, USE, D(-1), 3, D(0), 0, D(0), 0),
        (CIVIL_CODE_2021, USE, D(10), -1, D(0), 0, D(0), 0),
        (CIVIL_CODE_2021, USE, D(10), 3, D(-1), 1, D(0), 0),
        (CIVIL_CODE_2021, USE, D(10), 3, D(5), 2, D(-1), 0),
        (CIVIL_CODE_2021, USE, D(10), 3, D("10.01"), 3, D(1), 1),  # voted area above the total
        (CIVIL_CODE_2021, USE, D(10), 3, D(10), 4, D(1), 1),  # voted owners above the total
        (CIVIL_CODE_2021, USE, D(10), 3, D(5), 2, D("5.01"), 2),  # agree area above voted
        (CIVIL_CODE_2021, USE, D(10), 3, D(5), 2, D(5), 3),  # agree owners above voted
        (CIVIL_CODE_2021, USE, D(0), 0, D(0), 0, D(0), 0),  # nothing to vote on
    ],
)
def test_bad_arguments_raise(args: tuple) -> None:
    with pytest.raises(ValueError):
        vote_outcome(*args)


# --- apportionment ---------------------------------------------------------------------------------------

weights_st = st.dictionaries(
    st.text(alphabet="ABCDEFGH0123456789-", min_size=1, max_size=8),
    st.decimals(min_value=D("0"), max_value=D("500"), places=2, allow_nan=False, allow_infinity=False),
    min_size=1,
    max_size=40,
).filter(lambda w: sum(w.values()) > 0)
total_st = st.decimals(min_value=D("0"), max_value=D("10000000"), places=2, allow_nan=False, allow_infinity=False)


@settings(max_examples=200, deadline=None)
@given(total=total_st, weights=weights_st)
def test_apportion_sums_exactly_and_each_part_is_within_a_fen(total: Decimal, weights: dict[str, Decimal]) -> None:
    parts = apportion(total, weights)
    assert sum(parts.values()) == total
    weight_sum = sum(weights.values())
    for key, part in parts.items():
        assert part == part.quantize(D("0.01"))
        assert abs(part - total * weights[key] / weight_sum) < D("0.01")
        if weights[key] == 0:
            assert part == D("0.00")


@settings(max_examples=100, deadline=None)
@given(total=total_st, weights=weights_st, seed=st.randoms())
def test_apportion_does_not_depend_on_the_order_of_the_keys(total, weights, seed) -> None:
    items = list(weights.items())
    seed.shuffle(items)
    assert apportion(total, dict(items)) == apportion(total, weights)


def test_apportion_ties_go_by_sorted_key() -> None:
    assert apportion(D("0.02"), {"c": D(1), "a": D(1), "b": D(1)}) == {"a": D("0.01"), "b": D("0.01"), "c": D("0.00")}


@pytest.mark.parametrize(
    ("total", "weights"),
    [
        (D("1.001"), {"a": D(1)}),  # more than 2 decimals
        (D("1.00"), {"a": D(-1), "b": D(2)}),  # a negative weight
        (D("1.00"), {"a": D(0), "b": D(0)}),  # all zero
        (D("1.00"), {}),
    ],
)
def test_apportion_refuses_bad_input(total: Decimal, weights: dict[str, Decimal]) -> None:
    with pytest.raises(ValueError):
        apportion(total, weights)


# --- the settlement split --------------------------------------------------------------------------------

positive_weights_st = st.dictionaries(
    st.text(alphabet="ABCDEF0123456789", min_size=1, max_size=6),
    st.decimals(min_value=D("0.01"), max_value=D("300"), places=2, allow_nan=False, allow_infinity=False),
    min_size=1,
    max_size=30,
)


@settings(max_examples=200, deadline=None)
@given(
    weights=positive_weights_st,
    advance=st.decimals(min_value=D("0"), max_value=D("100000"), places=2, allow_nan=False, allow_infinity=False),
    extra=st.decimals(min_value=D("0"), max_value=D("100000"), places=2, allow_nan=False, allow_infinity=False),
)
def test_settlement_never_negative_and_totals_the_final_cost(weights, advance, extra) -> None:
    covered = apportion(advance, weights)
    final_cost = advance + extra
    settlement = rules.settlement_split(final_cost, weights, covered)
    assert all(part >= 0 for part in settlement.values())
    assert sum(settlement.values()) == extra
    weight_sum = sum(weights.values())
    for key in weights:
        # each unit's total stays within 2 fen of its exact share of the final cost
        assert abs(covered[key] + settlement[key] - final_cost * weights[key] / weight_sum) < D("0.02")


def test_settlement_equals_the_plain_split_minus_the_advance() -> None:
    weights = {"101": D("80"), "102": D("120")}
    covered = apportion(D("3000.00"), weights)
    assert rules.settlement_split(D("10000.00"), weights, covered) == {"101": D("2800.00"), "102": D("4200.00")}


def test_settlement_below_the_advance_is_refused() -> None:
    weights = {"101": D("80"), "102": D("120")}
    with pytest.raises(ValueError):
        rules.settlement_split(D("2999.99"), weights, apportion(D("3000.00"), weights))


@settings(max_examples=200, deadline=None)
@given(
    weights=positive_weights_st,
    advances=st.lists(
        st.decimals(min_value=D("0.01"), max_value=D("50000"), places=2, allow_nan=False, allow_infinity=False)
        | st.sampled_from([D("0.01"), D("0.02"), D("0.03")]),
        min_size=1,
        max_size=6,
    ),
    extra=st.decimals(min_value=D("0"), max_value=D("1000"), places=2, allow_nan=False, allow_infinity=False),
)
def test_advances_on_the_running_total_then_the_settlement(weights, advances, extra) -> None:
    """What `use.pay` does: each advance split on the running total, then the settlement on the final cost."""
    weight_sum = sum(weights.values())
    covered = dict.fromkeys(weights, D("0.00"))
    for advance in advances:
        running = sum(covered.values()) + advance
        parts = rules.settlement_split(running, weights, covered)
        assert all(part >= 0 for part in parts.values())
        assert sum(parts.values()) == advance
        covered = {k: covered[k] + parts[k] for k in weights}
        for key in weights:
            assert abs(covered[key] - running * weights[key] / weight_sum) < D("0.02")
    final_cost = sum(covered.values()) + extra
    settlement = rules.settlement_split(final_cost, weights, covered)
    assert all(part >= 0 for part in settlement.values())
    assert sum(settlement.values()) == extra
    for key in weights:
        assert abs(covered[key] + settlement[key] - final_cost * weights[key] / weight_sum) < D("0.02")


def test_a_surplus_that_drifted_over_several_advances_is_given_back_in_several_fens() -> None:
    # Advances split one by one gave 101 and 102 three fens too many and 103 six too few. At 3000.01 the
    # plain split is 1000.01 / 1000.00 / 1000.00: 101 and 102 are five fens short, and 103, the only
    # donor, gives all five (one fen per donor in one pass refused the cost).
    weights = {"101": D("100"), "102": D("100"), "103": D("100")}
    covered = {"101": D("1000.03"), "102": D("1000.03"), "103": D("999.94")}
    assert rules.settlement_split(D("3000.01"), weights, covered) == {"101": D(0), "102": D(0), "103": D("0.01")}
    assert rules.settlement_split(D("3000.10"), weights, covered) == {
        "101": D("0.01"),
        "102": D(0),
        "103": D("0.09"),
    }


def test_below_what_was_paid_is_its_own_error() -> None:
    weights = {"101": D("1"), "102": D("1")}
    with pytest.raises(rules.BelowPaid):
        rules.settlement_split(D("1.99"), weights, {"101": D("1.00"), "102": D("1.00")})
    with pytest.raises(ValueError, match="among the weights") as caught:
        rules.settlement_split(D("5.00"), weights, {"103": D("1.00")})
    assert not isinstance(caught.value, rules.BelowPaid)
