"""Legacy projects' pure rules, with hypothesis."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from anju.legacy import rules

ORDERS = st.integers(min_value=1, max_value=16)
REQUIRED = [s.order for s in rules.STAGES if s.required]


@given(ORDERS, ORDERS, st.sets(ORDERS))
def test_skipped_required_are_exactly_the_unreached_required_between_entry_and_target(
    entry: int, target: int, reached: set[int]
) -> None:
    skipped = rules.skipped_required(entry, target, reached, REQUIRED)
    assert all(entry < o < target and o not in reached and o in REQUIRED for o in skipped)
    assert not [o for o in REQUIRED if entry < o < target and o not in reached and o not in skipped]
    # Reaching all the skipped ones first leaves nothing skipped.
    assert rules.skipped_required(entry, target, reached | set(skipped), REQUIRED) == []


def test_the_canonical_stages_are_ordered_and_certification_is_required() -> None:
    assert [s.order for s in rules.STAGES] == list(range(1, 17))
    assert next(s for s in rules.STAGES if s.code == rules.CERTIFICATION).required


@given(st.dates(), st.dates(), st.one_of(st.none(), st.dates()))
def test_slip_is_never_negative_and_zero_when_kept(first: dt.date, planned: dt.date, reached: dt.date | None) -> None:
    slip = rules.slip_days(first, planned, reached)
    assert slip >= 0
    assert rules.slip_days(first, first, None) == 0
    if reached is not None and reached > first:
        assert slip == (reached - first).days


@given(st.one_of(st.none(), st.dates()), st.one_of(st.none(), st.dates()), st.dates())
def test_overdue_only_when_planned_past_and_not_reached(
    planned: dt.date | None, reached: dt.date | None, today: dt.date
) -> None:
    assert rules.overdue(planned, reached, today) == (planned is not None and reached is None and planned < today)
