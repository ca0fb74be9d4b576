"""The termite board reads the year's revisit plan once (issue 17: it was rebuilt about six times a view):
its figures equal the plan's querysets summed afresh, and its queries do not grow with the buildings."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Sum
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from anju.core import memo
from anju.termite import actions, queries, rules
from anju.termite.tests import factories

pytestmark = pytest.mark.django_db

YEAR = 2023
CENT = Decimal("0.01")


def _buildings(n: int, start: int = 0) -> None:
    """`n` buildings accepted in 2021 on different days; every other one revisited in 2023 (one twice)."""
    for i in range(start, start + n):
        on = dt.date(2021, 1 + i % 12, 1 + i % 27)
        early = {"received_on": on - dt.timedelta(days=6), "accepted_on": on - dt.timedelta(days=3)}
        building = factories.accepted_building(on=on, project=f"小区{i}", **early)
        if i % 2 == 0:
            for day in (dt.date(YEAR, 1 + i % 12, 3), dt.date(YEAR, 12, 1))[: 1 + (i == 0)]:
                actions.record_revisit(
                    None, building, date=day, inspector="刘工", area_checked=building.area, finding="clear"
                )


def _area(qs: object) -> Decimal:
    return Decimal(qs.aggregate(s=Sum("area"))["s"] or 0).quantize(CENT)  # type: ignore[attr-defined]


def _fresh(today: dt.date) -> dict[str, object]:
    """The board's figures from the plan's querysets, as each was summed before."""
    due, done = _area(queries.revisit_plan(YEAR)), _area(queries.revisited(YEAR))
    overdue = queries.overdue_revisits(YEAR, today)
    return {
        "due": {"n": queries.revisit_plan(YEAR).count(), "area": due},
        "revisited": done,
        "rate": rules.rate_percent(done, due) or Decimal(0),
        "overdue": {"n": overdue.count(), "area": _area(overdue)},
    }


@pytest.mark.parametrize("today", [dt.date(YEAR, 6, 20), dt.date(YEAR + 1, 1, 1), dt.date(YEAR - 1, 5, 1)])
def test_the_board_figures_equal_the_plan_summed_afresh(today: dt.date) -> None:
    _buildings(7)
    with memo.scope():
        shown = {
            "due": queries.plan_progress(YEAR).due,
            "revisited": queries.revisit_area(YEAR),
            "rate": queries.revisit_rate(YEAR),
            "overdue": queries.overdue_figures(YEAR, today),
        }
    assert shown == _fresh(today)
    assert shown["due"]["n"] == 7 and 0 < shown["revisited"] < shown["due"]["area"]  # type: ignore[index,operator]
    progress = queries.plan_progress(YEAR)
    assert sum(m["buildings"] for m in progress.months) == queries.revisited(YEAR).count()
    assert progress.months[-1]["cumulative"] == _area(queries.revisited(YEAR))


def test_the_board_shows_the_plan_figures(client_for: Callable[..., Client]) -> None:
    _buildings(5)
    response = client_for("station").get(f"/termite/?year={YEAR}")
    assert response.status_code == 200
    fresh = _fresh(timezone.localdate())
    assert response.context["due"] == fresh["due"]
    assert response.context["overdue"] == fresh["overdue"]  # a past year: every building not revisited
    values = {kpi.code: value for kpi, value, _url in response.context["figures"]}
    assert values["termite.revisit_due_area"] == fresh["due"]["area"]  # type: ignore[index]
    assert values["termite.revisit_area"] == fresh["revisited"]
    assert values["termite.revisit_rate"] == fresh["rate"]


def test_the_board_takes_the_same_queries_for_few_and_many_buildings(client_for: Callable[..., Client]) -> None:
    client = client_for("station")
    counts = []
    for n, start in ((2, 0), (6, 2)):
        _buildings(n, start)
        with CaptureQueriesContext(connection) as run:
            assert client.get(f"/termite/?year={YEAR}").status_code == 200
        counts.append(len(run))
    assert counts[0] == counts[1]
