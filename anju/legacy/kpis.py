"""Legacy projects' KPIs (KPIS.md, DOMAIN.md §7), computed from records; each links to its list."""

from __future__ import annotations

from collections.abc import Callable

from anju.core import kpis as registry
from anju.core.links import reverse
from anju.legacy import queries


def _url(query: str) -> Callable[[int], str]:
    def for_year(year: int) -> str:
        return reverse("legacy:projects") + "?" + query.format(year=year)

    return for_year


def _names(year: int) -> registry.ListValue:
    return list(queries.entered_certification(year).values_list("name", flat=True).distinct())


def _outside(year: int) -> registry.ListValue:
    return [f"{p.name}（{p.stage.name}）" for p in queries.outside_certification(year).order_by("stage__order", "name")]


def registry_entries() -> list[registry.Kpi]:
    K = registry.Kpi
    return [
        K("legacy.projects", "历史遗留问题项目", "个", lambda y: queries.projects(y).count(), queries.projects,
          _url("year={year}"), "至年末已登记且未撤销的房地产历史遗留问题项目数。"),
        K("legacy.in_certification", "已进入办证程序", "个", lambda y: queries.in_certification(y).count(),
          queries.in_certification, _url("year={year}&certification=1"), "至年末已到达“进入办证程序”节点的项目数。"),
        K("legacy.entered_certification", "当年进入办证程序", "个", _names,
          queries.entered_certification, _url("entered={year}"), "“进入办证程序”节点日期在当年的项目（名单）。",
          is_list=True),
        K("legacy.entered_certification_count", "当年进入办证程序项目数", "个",
          lambda y: queries.entered_certification(y).distinct().count(), queries.entered_certification,
          _url("entered={year}"), "“进入办证程序”节点日期在当年的项目数。"),
        K("legacy.outside_certification", "尚未进入办证程序的项目（阶段）", "个", _outside,
          queries.outside_certification, _url("year={year}&certification=0"),
          "至年末尚未进入办证程序的项目及其所处阶段（名单）。", is_list=True),
        K("legacy.households_waiting", "待办证户数", "户", queries.households_waiting, queries.waiting_projects,
          _url("year={year}"), "至年末在册项目的涉及户数减已办证户数。"),
        K("legacy.tasks_overdue", "逾期任务", "项", lambda y: queries.tasks_overdue(y).count(), queries.tasks_overdue,
          lambda y: reverse("legacy:tasks") + "?overdue=1", "至年末已过完成时限仍未完成的责任单位任务数。"),
        K("legacy.milestones_overdue", "逾期节点", "个", lambda y: queries.milestones_overdue(y).count(),
          queries.milestones_overdue, lambda y: reverse("legacy:board"), "至年末计划日期已过仍未完成的节点数。"),
    ]  # fmt: skip
