"""Termite control's KPIs (KPIS.md, DOMAIN.md §3), computed from records; each links to its list."""

from __future__ import annotations

from collections.abc import Callable

from anju.core import kpis as registry
from anju.core.links import reverse
from anju.termite import queries


def _url(name: str, query: str) -> Callable[[int], str]:
    def for_year(year: int) -> str:
        return reverse(name) + "?" + query.format(year=year)

    return for_year


def registry_entries() -> list[registry.Kpi]:
    K = registry.Kpi
    return [
        K(
            "termite.accepted_area",
            "白蚁预防申请受理面积",
            registry.AREA,
            queries.accepted_area,
            queries.accepted_applications,
            _url("termite:applications", "status=accepted&year={year}"),
            "当年受理的白蚁预防申请的建筑面积之和。",
        ),
        K(
            "termite.treated_area",
            "房屋白蚁预防施工面积",
            registry.AREA,
            queries.treated_area,
            queries.completed_buildings,
            _url("termite:buildings", "accepted={year}"),
            "当年完成预防施工并验收的房屋建筑面积之和（每幢计一次）。",
        ),
        K(
            "termite.house_control_area",
            "房屋白蚁灭治施工面积",
            registry.AREA,
            queries.house_control_area,
            lambda y: queries.control_done(y, "house"),
            _url("termite:requests", "target=house&treated={year}"),
            "当年完成灭治的房屋灭治面积之和。",
        ),
        K(
            "termite.trees_treated",
            "树木白蚁灭治施工",
            "棵",
            queries.trees_treated,
            lambda y: queries.control_done(y, "trees"),
            _url("termite:requests", "target=trees&treated={year}"),
            "当年完成灭治的树木棵数之和。",
        ),
        K(
            "termite.revisit_due_area",
            "应回访复查面积",
            registry.AREA,
            queries.revisit_due_area,
            queries.revisit_plan,
            _url("termite:plan", "year={year}"),
            "上年末前已验收、包治期未于当年1月1日前届满的房屋建筑面积之和。",
        ),
        K(
            "termite.revisit_area",
            "房屋白蚁回访复查面积",
            registry.AREA,
            queries.revisit_area,
            queries.revisited,
            _url("termite:plan", "year={year}&visited=1"),
            "当年回访计划中已回访复查至少一次的房屋建筑面积之和。",
        ),
        K(
            "termite.revisit_rate",
            "回访率",
            registry.PERCENT,
            queries.revisit_rate,
            queries.revisited,
            _url("termite:plan", "year={year}"),
            "回访复查面积 ÷ 应回访复查面积 × 100。",
        ),
        K(
            "termite.warranty_area",
            "保修期内房屋面积",
            registry.AREA,
            queries.warranty_area,
            queries.warranty_buildings,
            _url("termite:buildings", "in_warranty={year}-12-31"),
            "当年12月31日处于白蚁预防包治期内的房屋建筑面积之和。",
        ),
        K(
            "termite.control_jobs",
            "灭治次数",
            "次",
            lambda y: queries.control_done(y).count(),
            queries.control_done,
            _url("termite:requests", "treated={year}"),
            "当年完成的灭治次数（房屋和树木）。",
        ),
        K(
            "termite.warranty_free_jobs",
            "包治期内免费灭治",
            "次",
            lambda y: queries.warranty_free_jobs(y).count(),
            queries.warranty_free_jobs,
            _url("termite:requests", "treated={year}&basis=warranty"),
            "当年完成的灭治中，报治之日处于包治期内、免费灭治的次数。",
        ),
        K(
            "termite.special_used",
            "白蚁防治专项资金使用",
            registry.MONEY,
            queries.special_used,
            queries.chemical_issues,
            _url("termite:chemicals", "year={year}"),
            "当年领用药物的金额（数量 × 单价）与施工劳务费（预防施工面积、灭治面积、树木棵数 × 劳务单价）之和。",
        ),
        K(
            "termite.chemical_used",
            "药物用量",
            "项",
            queries.chemicals_used,
            queries.chemical_issues,
            _url("termite:chemicals", "year={year}"),
            "当年领用的药物，按品种列出数量。",
            is_list=True,
        ),
    ]
