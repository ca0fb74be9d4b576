"""Reads over the budget records: totals, the asset register at a year's end, the scored indicator tree and
the consistency facts. Other modules' figures come only through the KPI registry (anju.core.kpis)."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet, Sum

from anju.core import kpis as registry
from anju.core import memo
from anju.core.fields import MoneyField
from anju.performance import rules
from anju.performance.models import Asset, BudgetLine, FacilityControl, Indicator, SpecialFund, Staffing

logger = logging.getLogger(__name__)

ZERO = Decimal("0.00")
# KPI modules whose permissions are this module's (their records are budget and performance records).
OWN_MODULES = frozenset({"budget", "org", "performance"})
Section = BudgetLine.Section
SPENDING = (Section.PERSONNEL, Section.PUBLIC, Section.PROJECT)


def lines(year: int, *sections: str) -> QuerySet[BudgetLine]:
    return BudgetLine.objects.filter(year=year, section__in=sections).order_by("section", "order", "id")


def total(year: int, column: str, *sections: str) -> Decimal:
    """The column's sum over the year's lines of the sections; in a page's scope (`anju.core.memo`) each
    total is read once, or all at once by `read_totals` (the leaders' dashboard asked for 17, of 9 kinds)."""
    return memo.once(_total_key(year, column, sections), lambda: _total(year, column, sections))


def _total_key(year: int, column: str, sections: Iterable[str]) -> tuple[str, int, str, tuple[str, ...]]:
    return ("anju.performance.total", year, column, tuple(str(s) for s in sections))


def _total(year: int, column: str, sections: Iterable[str]) -> Decimal:
    value = lines(year, *sections).aggregate(total=Sum(column, output_field=MoneyField()))["total"]
    return value if value is not None else ZERO


def read_totals(wanted: Iterable[tuple[int, str, tuple[str, ...]]]) -> None:
    """In a page's scope, the `total`s (year, column, sections) the page will ask for read in one query:
    each the same SUM over the same lines as `total` alone (a filtered aggregate). Outside a scope, nothing."""
    if not memo.active():
        return
    keys = list(dict.fromkeys(_total_key(year, column, sections) for year, column, sections in wanted))
    sums = {
        f"t{i}": Sum(column, filter=Q(year=year, section__in=sections), output_field=MoneyField())
        for i, (_, year, column, sections) in enumerate(keys)
    }
    row = BudgetLine.objects.filter(year__in={key[1] for key in keys}).aggregate(**sums)
    for i, key in enumerate(keys):
        value: Decimal = row[f"t{i}"] if row[f"t{i}"] is not None else ZERO
        memo.once(key, _given(value))  # kept for the scope (a total already read keeps its value: the same)


def _given(value: Decimal) -> Callable[[], Decimal]:
    return lambda: value


def by_name(year: int, section: str, column: str = "executed") -> dict[str, Decimal]:
    return {line.name: getattr(line, column) for line in lines(year, section)}


def initial(year: int) -> Decimal:
    """年初预算数: the initial budget of the basic and project spending lines."""
    return total(year, "initial", *SPENDING)


def final(year: int) -> Decimal:
    """全年预算数: the full-year (adjusted) budget of the spending lines."""
    return total(year, "final", *SPENDING)


def executed(year: int) -> Decimal:
    """全年执行数: the spending lines' execution (决算)."""
    return total(year, "executed", *SPENDING)


def execution_rate(year: int) -> Decimal:
    """预算执行率: 全年执行数 / 全年预算数."""
    return rules.execution_rate(executed(year), final(year))


def basic_spent(year: int) -> Decimal:
    """基本支出: personnel and public spending executed."""
    return total(year, "executed", Section.PERSONNEL, Section.PUBLIC)


def project_spent(year: int) -> Decimal:
    """项目支出: project spending executed."""
    return total(year, "executed", Section.PROJECT)


def three_public(year: int) -> Decimal:
    """三公经费决算: overseas travel, official vehicles (purchase and running) and reception, executed."""
    return total(year, "executed", Section.THREE_PUBLIC)


def procurement(year: int) -> Decimal:
    """政府采购金额: the procurement items' executed amounts."""
    return total(year, "executed", Section.PROCUREMENT)


def special_fund(year: int, key: str) -> SpecialFund | None:
    return SpecialFund.objects.filter(year=year, key=key).first()


# A special fund whose use a line computes from its own records (chemicals and labour for termite control):
# the SpecialFund key and the line's KPI.
FUNDS_FROM_RECORDS = {"termite": "termite.special_used"}


def recorded_use(year: int, key: str) -> Decimal | None:
    """What the line's records say was spent from the fund in the year (None: the line keeps no such
    records, or recorded nothing that year)."""
    kpi = registry.find(FUNDS_FROM_RECORDS.get(key, ""))
    if kpi is None:
        return None
    value = Decimal(kpi.compute(year))  # type: ignore[arg-type]
    return value or None


def special_rate(year: int, key: str) -> Decimal:
    """A special fund's use rate: used / budget, the use from the line's own records where it keeps them
    (termite: chemicals issued and labour), else the finance record's."""
    fund = special_fund(year, key)
    if not fund:
        return Decimal("0.00")
    recorded = recorded_use(year, key)
    return registry.rate(fund.used if recorded is None else recorded, fund.budget)


def assets_held(year: int, kind: str | None = None) -> QuerySet[Asset]:
    """The register on 31 December: acquired by then and not disposed of by then."""
    end = dt.date(year, 12, 31)
    qs = Asset.objects.filter(acquired_on__lte=end).filter(Q(disposed_on__isnull=True) | Q(disposed_on__gt=end))
    return qs.filter(kind=kind) if kind else qs


def assets_total(year: int, kind: str | None = None) -> Decimal:
    """资产总计 on 31 December (optionally current or fixed only)."""
    value = assets_held(year, kind).aggregate(total=Sum("value", output_field=MoneyField()))["total"]
    return value if value is not None else ZERO


def staffing(year: int) -> Staffing | None:
    return Staffing.objects.filter(year=year).first()


class NoRecord(LookupError):
    """A figure whose record has not been entered (not zero: the report lists it as a failed KPI)."""


def _staffing_record(year: int) -> Staffing:
    record = staffing(year)
    if record is None:
        raise NoRecord(f"{year}年尚未录入人员编制情况")
    return record


def posts(year: int) -> int:
    """编制数."""
    return _staffing_record(year).posts


def staff(year: int) -> int:
    """在职人数."""
    return _staffing_record(year).staff


def facility_control(year: int) -> FacilityControl | None:
    """楼堂馆所控制情况 of the year, when entered."""
    return FacilityControl.objects.filter(year=year).first()


# --- indicators -------------------------------------------------------------------------------------


@dataclass
class ScoredIndicator:
    indicator: Indicator
    actual: Decimal | None
    score: Decimal | None
    error: str = ""
    # The bound KPI is not registered (its module is not in the system yet).
    kpi_missing: bool = False
    # The bound KPI is registered but failed to compute (logged; listed as a kpi.failed check).
    kpi_failed: bool = False

    @property
    def unscored(self) -> bool:
        """Counts in the tree but has no score (no value, no band): the total would silently lack its weight."""
        return self.score is None and not self.error and self.indicator.operator != rules.NOT_APPLICABLE

    @property
    def met(self) -> bool | None:
        ind = self.indicator
        if self.actual is None or ind.target is None or ind.operator not in (rules.GE, rules.LE, rules.EQ):
            return None
        return rules.is_met(ind.operator, ind.target, self.actual)


class KpiFailed(Exception):
    """A bound KPI raised while computing (the cause is logged, not shown)."""


def indicator_actual(indicator: Indicator) -> tuple[Decimal | None, bool]:
    """The indicator's value (from its bound KPI, in the indicator's unit, or entered by hand) and whether the
    bound KPI is missing from the registry. The value is not rounded: it is compared with the target as it is
    and rounded for display only. Raises KpiFailed when the bound KPI fails to compute."""
    if indicator.operator == rules.BUDGET_EXECUTION:
        return executed(indicator.year), False
    if indicator.kpi_code:
        kpi = registry.find(indicator.kpi_code)
        if kpi is None:
            return indicator.actual, True
        try:
            value = kpi.compute(indicator.year)
            if isinstance(value, list):
                raise TypeError(f"{kpi.code} is a list, not a figure to score")
            raw = Decimal(value)
        except Exception as exc:  # another module's figure must not take the tree down
            logger.exception("KPI %s failed for indicator %s", kpi.code, indicator.pk)
            raise KpiFailed(kpi.code) from exc
        return raw / indicator.kpi_scale, False
    return indicator.actual, False


def scored_indicators(year: int) -> list[ScoredIndicator]:
    """The year's indicators scored, in order; in a page's scope scored once (the dashboard's score chart
    and its total score KPI)."""
    return list(memo.once(("anju.performance.scored", year), lambda: _scored_indicators(year)))


def _scored_indicators(year: int) -> list[ScoredIndicator]:
    scoring = rules.rules_for(year)
    out: list[ScoredIndicator] = []
    for indicator in Indicator.objects.filter(year=year).order_by("order", "id"):
        try:
            actual, missing = indicator_actual(indicator)
        except KpiFailed:
            out.append(
                ScoredIndicator(indicator, None, None, f"绑定的指标{indicator.kpi_code}计算失败", kpi_failed=True)
            )
            continue
        target = final(year) if indicator.operator == rules.BUDGET_EXECUTION else indicator.target
        item = rules.IndicatorInput(
            operator=indicator.operator,
            weight=indicator.weight,
            target=target,
            actual=actual,
            band=indicator.band,
            band_percent=indicator.band_score,
            override=indicator.override_score,
            override_reason=indicator.override_reason,
        )
        try:
            value = rules.score(scoring, item)
            error = ""
        except rules.ScoringError as exc:
            value, error = None, str(exc)
        out.append(ScoredIndicator(indicator, actual, value, error, missing))
    return out


def total_score(year: int) -> Decimal:
    """部门整体绩效自评得分: the sum of the indicators' scores."""
    return sum((s.score for s in scored_indicators(year) if s.score is not None), Decimal("0.00"))


def grade(year: int) -> str:
    return rules.grade(rules.rules_for(year), total_score(year))


# --- consistency facts ------------------------------------------------------------------------------


def budget_facts(year: int) -> rules.BudgetFacts:
    record = staffing(year)
    indicators = list(Indicator.objects.filter(year=year).exclude(operator=rules.NOT_APPLICABLE))
    groups: dict[str, tuple[Decimal, Decimal]] = {}
    for ind in indicators:
        weight, children = groups.get(ind.level1, (ind.level1_weight, Decimal(0)))
        groups[ind.level1] = (weight, children + ind.weight)
    return rules.BudgetFacts(
        executed=executed(year),
        income=by_name(year, Section.INCOME),
        economic=by_name(year, Section.ECONOMIC),
        public_executed=total(year, "executed", Section.PUBLIC),
        public_detail=by_name(year, Section.PUBLIC_DETAIL),
        projects=by_name(year, Section.PROJECT),
        special_funds=[
            rules.FundFacts(f.name, f.budget, f.used, f.balance) for f in SpecialFund.objects.filter(year=year)
        ],
        posts=record.posts if record else None,
        staff=record.staff if record else None,
        reported_control_rate=record.reported_control_rate if record else None,
        indicator_groups=[(name, weight, children) for name, (weight, children) in groups.items()],
        indicator_total_weight=sum((i.weight for i in indicators), Decimal(0)) if indicators else None,
        has_staffing=record is not None,
        has_spending=BudgetLine.objects.filter(year=year, section__in=SPENDING).exists(),
    )


# --- the registry -----------------------------------------------------------------------------------


def kpi_module(kpi: registry.Kpi) -> str:
    """The permission module of a KPI: its code's module, this module for budget, org and performance."""
    return "performance" if kpi.module in OWN_MODULES else kpi.module


def safe_compute(kpi: registry.Kpi, year: int) -> registry.Value | None:
    """The KPI's value, or None when its module fails to compute it (logged; a page still shows the rest)."""
    try:
        return kpi.compute(year)
    except NoRecord as exc:  # not entered yet: nothing to trace
        logger.info("KPI %s: %s", kpi.code, exc)
        return None
    except Exception:  # another module's figure must not take a page down
        logger.exception("KPI %s failed", kpi.code)
        return None


# Each line's figure month by month on the leaders' dashboard; a point opens that month's records.
TRENDS = ("fund.collected", "fund.disbursed", "rental.rent_collected", "fund.arrears.recovered",
          "petitions.referrals_on_time")  # fmt: skip


def trends(year: int, may_view: Callable[[str], bool]) -> list[dict[str, Any]]:
    """The monthly series of the TRENDS the user may see: money in 万元 (2 places), counts as they are."""
    out = []
    for code in TRENDS:
        kpi = registry.find(code)
        if kpi is None or not may_view(kpi_module(kpi)):
            continue
        try:
            months = registry.monthly(kpi, year)
        except Exception:  # one line's failing figure must not break the dashboard
            logger.exception("monthly figures of %s failed", code)
            continue
        if months is None:
            continue
        money = kpi.unit == registry.MONEY
        out.append({
            "code": code, "name": kpi.name + ("（万元）" if money else f"（{kpi.unit}）"),
            "values": [float(Decimal(v) / 10000) if money else int(v) for v in months],
            "urls": [registry.month_link(kpi, year, m) for m in range(1, 13)],
        })  # fmt: skip
    return out
