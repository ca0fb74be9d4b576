"""The work records' taxonomy and figure rules, with hypothesis."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from anju.worklog import rules

KINDS = st.sampled_from([kind.code for kind in rules.KINDS])


def test_every_measure_counts_a_known_kind_in_a_known_way() -> None:
    codes = [m.code for m in rules.MEASURES]
    assert len(codes) == len(set(codes))
    for measure in rules.MEASURES:
        kind = rules.BY_CODE[measure.kind]
        assert measure.measure in (rules.COUNT, rules.QUANTITY, rules.RESULT, rules.RANK, rules.RANK_OF)
        # A sum of quantities only over a kind that has one; an assessment's figures only over assessments.
        assert (measure.measure == rules.QUANTITY) <= bool(kind.quantity)
        assert (measure.measure in (rules.RESULT, rules.RANK, rules.RANK_OF)) <= kind.assessment
    assert {k.code for k in rules.KINDS if k.confidential} == {"collective_talk", "home_visit", "reminder_talk"}


@given(
    KINDS, st.integers(-3, 50), st.text(max_size=5), st.none() | st.integers(0, 200), st.none() | st.integers(0, 200)
)
def test_check_record(kind: str, quantity: int, result: str, rank: int | None, rank_of: int | None) -> None:
    problems = rules.check_record(kind, quantity, result, rank, rank_of)
    spec = rules.BY_CODE[kind]
    expected_bad = (
        quantity < 0
        or (bool(spec.quantity) and quantity <= 0)
        or (spec.assessment and not result.strip())
        or ((rank is None) != (rank_of is None))
        or (rank is not None and rank_of is not None and not 1 <= rank <= rank_of)
    )
    assert bool(problems) == expected_bad
    assert all(isinstance(p, str) and p for p in problems)


def test_an_unknown_kind_is_refused() -> None:
    assert rules.check_record("party", 0, "", None, None) == ["工作记录类别无效"]
    assert not rules.is_confidential("nonsense") and rules.is_confidential("home_visit")
