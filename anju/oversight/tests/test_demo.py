"""The demo city's inspection rectification reproduces the seed's 2023 figures (DOMAIN.md §8, KPIS.md) from
records written through the line's actions."""

from __future__ import annotations

import io
import time
from decimal import Decimal

import pytest

from anju.core import demo as core_demo
from anju.core import kpis
from anju.core.demokit import Context
from anju.oversight import demo
from anju.oversight.models import Finding, Inspection, Task

pytestmark = pytest.mark.django_db


def test_the_demo_reproduces_the_seeds_2023_figures() -> None:
    out = io.StringIO()
    core_demo.build_users(Context(scale=1.0, out=out))
    started = time.monotonic()
    demo.build_oversight(Context(scale=1.0, out=out))
    assert time.monotonic() - started < 10
    value = {k.code: k.compute(2023) for k in kpis.all_kpis("oversight")}
    assert value["oversight.findings"] == 19
    assert value["oversight.findings_fund"] == 13
    assert value["oversight.meetings"] == 4
    # The decomposition notice of 10 January 2024 and its interim deadline, for the report's prose.
    assert value["oversight.decomposition_notices"] == ["2024年1月10日"]
    assert value["oversight.decomposition_numbers"] == ["怀住保字〔2024〕1号"]
    assert value["oversight.interim_deadlines"] == ["3月15日"]
    assert value["oversight.rectified"] == len(demo.IMMEDIATE)  # 立行立改 signed off in December
    assert value["oversight.in_progress"] == 19 - len(demo.IMMEDIATE)
    assert value["oversight.overdue"] == 0
    assert value["oversight.rectification_rate"] == Decimal("31.58")
    assert value["oversight.problem_lists_team"] == 4
    assert value["oversight.problem_lists_personal"] == 7
    assert (value["oversight.research_reported"], value["oversight.research_approved"]) == (50, 17)
    assert value["oversight.research_resolved"] == 17
    # 2024: every decomposed task reported progress by 15 March; one is overdue, two run on.
    assert kpis.get("oversight.milestone_met_rate").compute(2024) == Decimal("100.00")
    assert kpis.get("oversight.tasks").compute(2023) == 19
    lookback = Inspection.objects.get(kind=Inspection.Kind.CITY_LOOKBACK)
    assert lookback.decomposition_number == "怀住保字〔2024〕1号"
    open_ = Finding.objects.filter(inspection=lookback, rectified_on__isnull=True)
    assert sorted(open_.values_list("number", flat=True)) == sorted([*demo.LONG_TERM, demo.OVERDUE])
    # Every signed-off task was signed by a leader who is neither its owner nor its checker.
    for task in Task.objects.filter(status=Task.Status.SIGNED_OFF).prefetch_related("events"):
        by = {e.step: e.actor_id for e in task.events.all()}
        assert len({task.owner_id, by["check"], by["sign_off"]}) == 3
