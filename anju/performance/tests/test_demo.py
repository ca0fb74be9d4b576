"""The demo's 2023 records reproduce the seed's budget.*, org.* and performance.score figures (KPIS.md) at the
seed's own precision, and the checks find the seed's faults by rule."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from anju.core import kpis as registry
from anju.performance import report

pytestmark = pytest.mark.usefixtures("demo_2023")

# code: (low, high) at the seed's precision (KPIS.md): 1135.38万 means 11,353,750 ≤ x < 11,353,850.
SEED = {
    "budget.initial": ("11353750", "11353850"),
    "budget.final": ("13750250", "13750350"),
    "budget.executed": ("13750250", "13750350"),
    "budget.execution_rate": ("99.5", "100.5"),
    "budget.basic_spent": ("8413950", "8414050"),
    "budget.project_spent": ("5336350", "5336450"),
    "budget.three_public": ("5050", "5150"),
    "budget.special.termite_rate": ("55.5", "56.5"),
    "budget.special.rental_rate": ("91.5", "92.5"),
    "budget.assets_total": ("6631750", "6631850"),
    "budget.procurement": ("1373350", "1373450"),
    "performance.score": ("91.5", "91.5"),
}


@pytest.mark.parametrize("code", sorted(SEED))
def test_budget_kpis_match_the_seed(code: str) -> None:
    low, high = SEED[code]
    value = D(registry.value(code, 2023))
    assert D(low) <= value <= D(high) if low == high else D(low) <= value < D(high)


def test_org_kpis_and_parts() -> None:
    assert registry.value("org.posts", 2023) == 57
    assert registry.value("org.staff", 2023) == 53
    facts = report.facts(2023)
    # 人员 780.15万, 公用 61.24万, 流动 236.54万, 固定 426.64万, 三公 budget 5.5万
    assert round(D(facts["fact.personnel"]) / 10000, 2) == D("780.15")
    assert round(D(facts["fact.public"]) / 10000, 2) == D("61.24")
    assert facts["fact.assets_current"] == D("2365400.00")
    assert facts["fact.assets_fixed"] == D("4266400.00")
    assert facts["fact.three_public_budget"] == D("55000.00")
    assert facts["fact.grade"] == "优"


def test_checks_find_the_seeds_faults_by_rule() -> None:
    found = {c.rule: c for c in report.checks(2023)}
    income = found["budget.income_vs_executed"]
    assert income.severity == "error"
    assert "1380.03万元" in income.message and "1375.03万元" in income.message
    assert "87.88%" in found["org.control_rate"].message
    # Nothing else in the entered budget is off: the parts of the economic classes, the special funds and
    # the indicator weights add up.
    assert {c.rule for c in found.values() if not c.rule.startswith("kpi.")} == {
        "budget.income_vs_executed",
        "org.control_rate",
    }
