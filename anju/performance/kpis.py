"""The budget, staffing and score KPIs (KPIS.md "Budget and performance"), computed from the records."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from anju.core import kpis as registry
from anju.performance import queries
from anju.performance.models import Asset, BudgetLine, Indicator, SpecialFund, Staffing

Section = BudgetLine.Section


def _lines(*sections: str) -> Callable[[int], QuerySet[Any]]:
    def for_year(year: int) -> QuerySet[BudgetLine]:
        return queries.lines(year, *sections)

    return for_year


def _fund(key: str) -> tuple[Callable[[int], Decimal], Callable[[int], QuerySet[Any]]]:
    def compute(year: int) -> Decimal:
        return queries.special_rate(year, key)

    def records(year: int) -> QuerySet[SpecialFund]:
        return SpecialFund.objects.filter(year=year, key=key)

    return compute, records


def _staffing(year: int) -> QuerySet[Staffing]:
    return Staffing.objects.filter(year=year)


def _assets(year: int) -> QuerySet[Asset]:
    return queries.assets_held(year).order_by("kind", "code")


def _indicators(year: int) -> QuerySet[Indicator]:
    return Indicator.objects.filter(year=year).order_by("order", "id")


# How each figure is computed, as the KPI page and the report's notes show it (in Chinese).
DEFINITIONS: dict[str, str] = {
    "budget.initial": "基本支出和项目支出各行的年初预算数之和",
    "budget.final": "支出各行的全年预算数（调整后）之和",
    "budget.executed": "支出各行的执行数（决算数）之和",
    "budget.execution_rate": "全年执行数 ÷ 全年预算数，以百分比计",
    "budget.basic_spent": "人员经费和公用经费的执行数之和",
    "budget.project_spent": "项目支出的执行数之和",
    "budget.three_public": "因公出国（境）、公务用车购置及运行维护、公务接待的执行数之和",
    "budget.assets_total": "12月31日资产登记簿上在册资产的价值合计",
    "budget.procurement": "政府采购各项的执行数之和",
    "org.posts": "当年核定的编制数",
    "org.staff": "当年在职人数",
    "performance.score": "各项绩效指标得分之和",
}


def registry_entries() -> list[registry.Kpi]:
    spending = _lines(*queries.SPENDING)
    termite, termite_records = _fund("termite")
    rental, rental_records = _fund("rental")

    def kpi(code: str, name: str, unit: str, compute: Callable[[int], Any], records: Any) -> registry.Kpi:
        return registry.Kpi(
            code=code,
            name=name,
            unit=unit,
            compute=compute,
            records=records,
            definition=DEFINITIONS[code],
        )

    return [
        kpi("budget.initial", "年初预算数", registry.MONEY, queries.initial, spending),
        kpi("budget.final", "全年预算数", registry.MONEY, queries.final, spending),
        kpi("budget.executed", "全年执行数", registry.MONEY, queries.executed, spending),
        kpi("budget.execution_rate", "预算执行率", registry.PERCENT, queries.execution_rate, spending),
        kpi(
            "budget.basic_spent",
            "基本支出",
            registry.MONEY,
            queries.basic_spent,
            _lines(Section.PERSONNEL, Section.PUBLIC),
        ),
        kpi("budget.project_spent", "项目支出", registry.MONEY, queries.project_spent, _lines(Section.PROJECT)),
        kpi("budget.three_public", "三公经费决算", registry.MONEY, queries.three_public, _lines(Section.THREE_PUBLIC)),
        registry.Kpi(
            "budget.special.termite_rate",
            "白蚁防治专项使用率",
            registry.PERCENT,
            termite,
            termite_records,
            definition="白蚁防治专项资金使用数 ÷ 专项预算数",
        ),
        registry.Kpi(
            "budget.special.rental_rate",
            "公租房后续管理专项使用率",
            registry.PERCENT,
            rental,
            rental_records,
            definition="公租房后续管理专项资金使用数 ÷ 专项预算数",
        ),
        kpi("budget.assets_total", "资产总计", registry.MONEY, queries.assets_total, _assets),
        kpi("budget.procurement", "政府采购金额", registry.MONEY, queries.procurement, _lines(Section.PROCUREMENT)),
        kpi("org.posts", "编制数", "人", queries.posts, _staffing),
        kpi("org.staff", "在职人数", "人", queries.staff, _staffing),
        kpi("performance.score", "部门整体绩效自评得分", registry.SCORE, queries.total_score, _indicators),
    ]
