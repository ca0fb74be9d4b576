from __future__ import annotations

from decimal import Decimal as D

import pytest

from anju.performance import rules
from anju.performance.rules import IndicatorInput, ScoringError

R = rules.RULES_2021


@pytest.mark.parametrize(
    ("operator", "target", "actual", "expected"),
    [
        ("ge", "8", "11", "15.00"),  # met
        ("ge", "8", "8", "15.00"),  # exactly met (≥ includes the target)
        ("ge", "100", "90", "13.50"),  # missed ≥: 90/100 × 15
        ("ge", "0", "0", "15.00"),
        ("ge", "10", "-5", "0.00"),  # never below zero
        ("le", "933.38", "841.40", "15.00"),
        ("le", "202", "202", "15.00"),
        ("le", "202", "533.64", "5.68"),  # missed ≤: 202/533.64 × 15
        ("le", "0", "5", "0.00"),
        ("eq", "100", "100", "15.00"),
        ("eq", "100", "80", "12.00"),  # missed =: the smaller over the larger
        ("eq", "100", "125", "12.00"),
    ],
)
def test_formula_scores(operator: str, target: str, actual: str, expected: str) -> None:
    assert rules.formula_score(operator, D(15), D(target), D(actual)) == D(expected)


def test_seed_project_cost_scores_by_formula_unless_overridden() -> None:
    item = IndicatorInput("le", D(10), D(202), D("533.63"))
    assert rules.score(R, item) == D("3.79")
    overridden = IndicatorInput("le", D(10), D(202), D("533.63"), override=D("1.5"), override_reason="代管公租房")
    assert rules.score(R, overridden) == D("1.50")


def test_override_needs_reason_and_stays_within_weight() -> None:
    with pytest.raises(ScoringError, match="理由"):
        rules.score(R, IndicatorInput("le", D(10), D(1), D(2), override=D(1), override_reason="  "))
    with pytest.raises(ScoringError, match="0至10"):
        rules.score(R, IndicatorInput("le", D(10), D(1), D(2), override=D(11), override_reason="x"))


def test_qualitative_bands() -> None:
    assert rules.score(R, IndicatorInput("qual", D(5), band="achieved")) == D("5.00")
    assert rules.score(R, IndicatorInput("qual", D(5), band="partly")) == D("3.50")
    assert rules.score(R, IndicatorInput("qual", D(5), band="not_achieved")) == D("1.50")
    assert rules.score(R, IndicatorInput("qual", D(10), band="partly", band_percent=D(80))) == D("8.00")
    assert rules.score(R, IndicatorInput("qual", D(10), band="achieved", band_percent=D(80))) == D("8.00")
    with pytest.raises(ScoringError, match="80%至100%"):
        rules.score(R, IndicatorInput("qual", D(10), band="achieved", band_percent=D("79.99")))
    with pytest.raises(ScoringError):
        rules.score(R, IndicatorInput("qual", D(10), band="excellent"))
    assert rules.score(R, IndicatorInput("qual", D(10))) is None  # not evaluated yet


def test_not_applicable_and_missing_values_are_not_scored() -> None:
    assert rules.score(R, IndicatorInput("na", D(0))) is None
    assert rules.score(R, IndicatorInput("ge", D(10), D(5), None)) is None


def test_budget_execution() -> None:
    assert rules.execution_score(D("13750340"), D("13750340"), D(10)) == D("10.00")
    assert rules.execution_score(D("14000000"), D("13750340"), D(10)) == D("10.00")  # capped at 100%
    assert rules.execution_score(D("9000000"), D("10000000"), D(10)) == D("9.00")
    assert rules.execution_score(D("1"), D("0"), D(10)) == D("0.00")
    assert rules.execution_rate(D("9000000"), D("10000000")) == D("90.00")
    assert rules.score(R, IndicatorInput("budget", D(10), D("200"), D("150"))) == D("7.50")


@pytest.mark.parametrize(
    ("total", "grade"),
    [
        ("100", "优"),
        ("90", "优"),
        ("89.99", "良"),
        ("80", "良"),
        ("79.99", "中"),
        ("60", "中"),
        ("59.99", "差"),
        ("0", "差"),
    ],
)
def test_grades(total: str, grade: str) -> None:
    assert rules.grade(R, D(total)) == grade


def test_rules_are_data_per_year() -> None:
    assert rules.rules_for(2023) is R
    assert rules.rules_for(2019) is R  # the earliest rules apply before they were introduced
    assert rules.rules_for(2021) is R


def test_checks_find_income_fault_and_pass_clean_records() -> None:
    seed = rules.BudgetFacts(
        executed=D("13750340.00"),
        income={"一般公共预算": D("13647200.00"), "政府性基金拨款": D("50000.00"), "其他资金": D("103100.00")},
    )
    found = rules.check_budget(seed)
    assert [c.rule for c in found] == ["budget.income_vs_executed"]
    assert "1380.03万元" in found[0].message and "1375.03万元" in found[0].message
    clean = rules.BudgetFacts(executed=D("13750340.00"), income={"一般公共预算": D("13750340.00")})
    assert rules.check_budget(clean) == []


def test_checks_find_an_economic_breakdown_that_does_not_add_up() -> None:
    facts = rules.BudgetFacts(
        executed=D("1000000.00"),
        income={"一般公共预算": D("1000000.00")},
        economic={"工资福利支出": D("600000.00"), "商品和服务支出": D("300000.00")},
    )
    [found] = rules.check_budget(facts)
    assert found.rule == "budget.economic_vs_executed" and found.severity == "error"
    assert found.message == (
        "按经济分类支出合计90.00万元（工资福利支出60.00 + 商品和服务支出30.00）"
        "与全年执行数100.00万元不符，相差-10.00万元"
    )


def test_checks_special_funds_staffing_and_weights() -> None:
    facts = rules.BudgetFacts(
        special_funds=[rules.FundFacts("白蚁", D(162), D("90.60"), D("71.30"))],
        projects={"白蚁": D("90.00")},
        posts=57,
        staff=58,
        reported_control_rate=D("87.88"),
        indicator_groups=[("成本指标", D(20), D(15))],
        indicator_total_weight=D(95),
    )
    rules_found = {c.rule for c in rules.check_budget(facts)}
    assert rules_found == {
        "budget.special_fund_balance",
        "budget.special_fund_vs_project",
        "org.staff_over_posts",
        "org.control_rate",
        "performance.group_weight",
        "performance.total_weight",
    }
    ok = rules.BudgetFacts(
        special_funds=[rules.FundFacts("白蚁", D(162), D("90.60"), D("71.40"))],
        posts=57,
        staff=53,
        reported_control_rate=D("92.98"),
        indicator_groups=[("成本指标", D(20), D(20))],
        indicator_total_weight=D(100),
    )
    assert rules.check_budget(ok) == []


def test_public_detail_cannot_exceed_public_spending() -> None:
    facts = rules.BudgetFacts(public_executed=D(100), public_detail={"办公经费": D(60), "差旅费": D(50)})
    assert [c.rule for c in rules.check_budget(facts)] == ["budget.public_detail_vs_public"]
