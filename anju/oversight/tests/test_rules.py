"""Rectification's pure rules, with hypothesis."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from anju.oversight import rules

MAYBE = st.one_of(st.none(), st.dates())


@given(st.dates(), MAYBE, st.dates())
def test_overdue_and_due_soon_never_hold_together(deadline: dt.date, signed: dt.date | None, on: dt.date) -> None:
    late = rules.overdue(deadline, signed, on)
    assert not (late and rules.due_soon(deadline, signed, on))
    assert late == (deadline < on and (signed is None or signed > on))


@given(st.lists(MAYBE, max_size=6))
def test_a_finding_is_rectified_on_its_last_sign_off_only_when_all_are_signed(days: list[dt.date | None]) -> None:
    result = rules.rectified_on(days)
    if not days or None in days:
        assert result is None
    else:
        assert result == max(d for d in days if d is not None)


@given(MAYBE, st.lists(st.dates(), max_size=5))
def test_interim_met_when_some_progress_came_by_it(interim: dt.date | None, progress: list[dt.date]) -> None:
    met = rules.interim_met(interim, progress)
    assert met is None if interim is None else met == any(d <= interim for d in progress)
