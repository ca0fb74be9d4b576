"""The performance rules (DOMAIN.md §6): indicator scoring, budget execution scoring, grades, and the
consistency checks over what people enter. Pure functions, no Django; weights, bands and thresholds
are data per year (`rules_for`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from anju.lib.errors import DomainError

ZERO = Decimal(0)
HUNDRED = Decimal(100)
CENT = Decimal("0.01")

GE, LE, EQ, QUALITATIVE, BUDGET_EXECUTION, NOT_APPLICABLE = "ge", "le", "eq", "qual", "budget", "na"
ACHIEVED, PARTLY, NOT_ACHIEVED = "achieved", "partly", "not_achieved"


def two(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Band:
    """A qualitative band: the share of the weight it may score, low to high (percent), and its default."""

    low: Decimal
    high: Decimal
    default: Decimal


@dataclass(frozen=True)
class ScoringRules:
    bands: Mapping[str, Band]
    # Grade names and the lowest total that earns each, best first.
    grades: Sequence[tuple[str, Decimal]]
    budget_execution_weight: Decimal = Decimal(10)


# 财政部门整体支出绩效评价 templates in use since 2021 (DOMAIN.md §6).
RULES_2021 = ScoringRules(
    bands={
        ACHIEVED: Band(Decimal(80), HUNDRED, HUNDRED),
        PARTLY: Band(Decimal(60), Decimal(80), Decimal(70)),
        NOT_ACHIEVED: Band(ZERO, Decimal(60), Decimal(30)),
    },
    grades=(("优", Decimal(90)), ("良", Decimal(80)), ("中", Decimal(60)), ("差", ZERO)),
)
RULES_BY_FIRST_YEAR: dict[int, ScoringRules] = {2021: RULES_2021}


def rules_for(year: int) -> ScoringRules:
    """The rules in force for a year: those of the latest first year not after it (the earliest before 2021)."""
    eligible = [first for first in RULES_BY_FIRST_YEAR if first <= year]
    return RULES_BY_FIRST_YEAR[max(eligible) if eligible else min(RULES_BY_FIRST_YEAR)]


class ScoringError(DomainError):
    """An indicator that cannot be scored as entered; the message is Chinese."""

    prefix = "performance.scoring"


def is_met(operator: str, target: Decimal, actual: Decimal) -> bool:
    if operator == GE:
        return actual >= target
    if operator == LE:
        return actual <= target
    if operator == EQ:
        return actual == target
    raise ScoringError(f"operator {operator!r} has no numeric target", code="no_numeric_target")


def formula_score(operator: str, weight: Decimal, target: Decimal, actual: Decimal) -> Decimal:
    """Met: full weight. Missed ≥: actual/target × weight. Missed ≤: target/actual × weight. Missed =: the
    smaller over the larger × weight. Never below zero or above the weight."""
    if is_met(operator, target, actual):
        return two(weight)
    if operator == GE:
        share = actual / target if target > 0 else ZERO
    elif operator == LE:
        share = target / actual if actual > 0 else ZERO
    else:
        low, high = sorted((abs(target), abs(actual)))
        share = low / high if high else ZERO
    return two(weight * max(ZERO, min(share, Decimal(1))))


def band_score(rules: ScoringRules, band: str, weight: Decimal, percent: Decimal | None) -> Decimal:
    """A qualitative score: the band's share (its default, or the evaluator's within the band) of the weight."""
    if band not in rules.bands:
        raise ScoringError("定性指标需选择评价档次（达成、部分达成、未达成）", code="grade_required")
    limits = rules.bands[band]
    share = limits.default if percent is None else percent
    if not limits.low <= share <= limits.high:
        raise ScoringError(f"该档次的得分比例应在{limits.low}%至{limits.high}%之间", code="ratio_out_of_range")
    return two(weight * share / HUNDRED)


def execution_rate(executed: Decimal, budget: Decimal) -> Decimal:
    """Budget execution rate in percent (two places): executed / full-year budget; 0 without a budget."""
    if budget <= 0:
        return Decimal("0.00")
    return two(executed * HUNDRED / budget)


def execution_score(executed: Decimal, budget: Decimal, weight: Decimal) -> Decimal:
    """min(rate, 100%) × weight, from the unrounded rate."""
    if budget <= 0:
        return Decimal("0.00")
    return two(weight * min(executed / budget, Decimal(1)))


@dataclass(frozen=True)
class IndicatorInput:
    operator: str
    weight: Decimal
    target: Decimal | None = None
    actual: Decimal | None = None
    band: str = ""
    band_percent: Decimal | None = None
    override: Decimal | None = None
    override_reason: str = ""
    # For budget execution: the executed amount (actual) against the full-year budget (target).


def score(rules: ScoringRules, item: IndicatorInput) -> Decimal | None:
    """The indicator's score; None when it is not applicable or has no value yet (not scored).

    The evaluator's score, with a written reason, replaces the computed one."""
    if item.operator == NOT_APPLICABLE:
        return None
    if item.override is not None:
        if not item.override_reason.strip():
            raise ScoringError("评价人调整得分必须填写理由", code="reason_required")
        if not ZERO <= item.override <= item.weight:
            raise ScoringError(f"调整后的得分应在0至{item.weight}分之间", code="score_out_of_range")
        return two(item.override)
    if item.operator == QUALITATIVE:
        return band_score(rules, item.band, item.weight, item.band_percent) if item.band else None
    if item.target is None or item.actual is None:
        return None
    if item.operator == BUDGET_EXECUTION:
        return execution_score(item.actual, item.target, item.weight)
    return formula_score(item.operator, item.weight, item.target, item.actual)


def grade(rules: ScoringRules, total: Decimal) -> str:
    """优 ≥ 90, 良 80–90, 中 60–80, 差 < 60 (by the year's thresholds)."""
    for name, lowest in rules.grades:
        if total >= lowest:
            return name
    return rules.grades[-1][0]


# --- consistency checks -----------------------------------------------------------------------------


ERROR, WARNING = "error", "warning"


# Each check rule's name as people read it; the code stays in the tooltip and the API (issue 19).
RULE_NAMES = {
    "budget.income_vs_executed": "收入来源合计与支出执行数核对",
    "budget.economic_vs_executed": "经济分类支出合计与支出执行数核对",
    "budget.public_detail_vs_public": "公用经费明细与公用经费核对",
    "budget.special_fund_balance": "专项资金使用与结余核对",
    "budget.special_fund_vs_project": "专项资金与项目支出核对",
    "budget.no_spending": "支出预算录入",
    "org.no_staffing": "人员编制录入",
    "org.staff_over_posts": "在职人数与编制数核对",
    "org.control_rate": "楼堂馆所控制率核对",
    "performance.group_weight": "绩效指标分组权重核对",
    "performance.total_weight": "绩效指标总权重核对",
    "performance.indicator": "绩效指标评分",
    "performance.unscored": "绩效指标未评分",
    "kpi.failed": "指标计算失败",
    "kpi.missing": "指标缺失",
    "narrative.placeholder": "文字材料占位符",
    "narrative.typed_number": "文字材料手填数字",
}


@dataclass(frozen=True)
class Check:
    rule: str
    severity: str
    message: str

    @property
    def label(self) -> str:
        return RULE_NAMES.get(self.rule, self.rule)

    def as_dict(self) -> dict[str, str]:
        return {"rule": self.rule, "severity": self.severity, "message": self.message}


def control_rate(actual: Decimal, approved: Decimal) -> Decimal | None:
    """楼堂馆所 规模/投资概算控制率: actual ÷ approved. Nothing approved and nothing built or spent is within
    control (100 %, as the finance bureau's form reads); something built without an approval has no rate."""
    if not approved:
        return HUNDRED.quantize(CENT) if not actual else None
    return two(actual * HUNDRED / approved)


def change_percent(current: Decimal, prior: Decimal) -> Decimal | None:
    """The year-on-year change in percent (negative = a decrease); None without a prior-year figure."""
    if not prior:
        return None
    return two((current - prior) * HUNDRED / prior)


def wan(amount: Decimal) -> str:
    """元 as 万元 text with two places, as the report writes them."""
    return str(two(amount / Decimal(10000)))


@dataclass(frozen=True)
class FundFacts:
    name: str
    budget: Decimal
    used: Decimal
    balance: Decimal


@dataclass
class BudgetFacts:
    """What people entered for a year, as the checks need it (amounts in 元)."""

    executed: Decimal = ZERO
    income: dict[str, Decimal] = field(default_factory=dict)
    economic: dict[str, Decimal] = field(default_factory=dict)
    public_executed: Decimal = ZERO
    public_detail: dict[str, Decimal] = field(default_factory=dict)
    projects: dict[str, Decimal] = field(default_factory=dict)
    special_funds: list[FundFacts] = field(default_factory=list)
    posts: int | None = None
    staff: int | None = None
    reported_control_rate: Decimal | None = None
    # Indicator tree: (level 1 heading, its weight, sum of its indicators' weights), and the tree's total weight.
    indicator_groups: list[tuple[str, Decimal, Decimal]] = field(default_factory=list)
    indicator_total_weight: Decimal | None = None
    # Whether the year has a staffing record and any spending lines (the report's figures come from them).
    has_staffing: bool = True
    has_spending: bool = True


def _parts(parts: Mapping[str, Decimal]) -> str:
    return " + ".join(f"{name}{wan(amount)}" for name, amount in parts.items() if amount)


def _parts_vs_executed(rule: str, label: str, parts: Mapping[str, Decimal], executed: Decimal) -> Check | None:
    """A breakdown of the year's spending (by source, by economic class) that does not add up to what was
    executed; None when it does or when there is no breakdown."""
    total = sum(parts.values(), ZERO)
    if not parts or total == executed:
        return None
    return Check(
        rule,
        ERROR,
        f"{label}{wan(total)}万元（{_parts(parts)}）与全年执行数{wan(executed)}万元不符，"
        f"相差{wan(total - executed)}万元",
    )


def check_budget(facts: BudgetFacts) -> list[Check]:
    """Parts against totals, used + balance = budget, rates against their numerator and denominator, the same
    quantity entered in two places."""
    found: list[Check] = []
    for rule, label, parts in (
        ("budget.income_vs_executed", "按收入来源合计", facts.income),
        ("budget.economic_vs_executed", "按经济分类支出合计", facts.economic),
    ):
        if (mismatch := _parts_vs_executed(rule, label, parts, facts.executed)) is not None:
            found.append(mismatch)
    detail = sum(facts.public_detail.values(), ZERO)
    if facts.public_detail and detail > facts.public_executed:
        found.append(
            Check(
                "budget.public_detail_vs_public",
                ERROR,
                f"公用经费明细合计{wan(detail)}万元超过公用经费决算数{wan(facts.public_executed)}万元",
            )
        )
    for fund in facts.special_funds:
        if fund.used + fund.balance != fund.budget:
            found.append(
                Check(
                    "budget.special_fund_balance",
                    ERROR,
                    f"{fund.name}：使用{wan(fund.used)}万元 + 结余{wan(fund.balance)}万元 = "
                    f"{wan(fund.used + fund.balance)}万元，与预算{wan(fund.budget)}万元不符",
                )
            )
        if fund.name in facts.projects and facts.projects[fund.name] != fund.used:
            found.append(
                Check(
                    "budget.special_fund_vs_project",
                    WARNING,
                    f"{fund.name}：专项资金使用{wan(fund.used)}万元与项目支出决算{wan(facts.projects[fund.name])}万元不一致",
                )
            )
    if not facts.has_spending:
        found.append(Check("budget.no_spending", WARNING, "本年度尚未录入支出预算（人员经费、公用经费、项目支出）"))
    if not facts.has_staffing:
        found.append(Check("org.no_staffing", WARNING, "本年度尚未录入人员编制情况（编制数、在职人数）"))
    if facts.posts and facts.staff is not None:
        if facts.staff > facts.posts:
            found.append(Check("org.staff_over_posts", WARNING, f"在职人数{facts.staff}人超过编制数{facts.posts}人"))
        if facts.reported_control_rate is not None:
            computed = two(Decimal(facts.staff) * HUNDRED / Decimal(facts.posts))
            if computed != two(facts.reported_control_rate):
                found.append(
                    Check(
                        "org.control_rate",
                        WARNING,
                        f"填报的编制控制率{two(facts.reported_control_rate)}%与在职人数{facts.staff}人÷编制数"
                        f"{facts.posts}人 = {computed}%不符",
                    )
                )
    for heading, weight, children in facts.indicator_groups:
        if weight and weight != children:
            found.append(
                Check(
                    "performance.group_weight",
                    ERROR,
                    f"一级指标“{heading}”分值{weight:g}分，其下三级指标分值合计{children:g}分",
                )
            )
    if facts.indicator_total_weight is not None and facts.indicator_total_weight != HUNDRED:
        found.append(
            Check(
                "performance.total_weight",
                ERROR,
                f"绩效指标分值合计{facts.indicator_total_weight:g}分，应为100分",
            )
        )
    return found
