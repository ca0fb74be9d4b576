"""Inspection rectification's KPIs (KPIS.md, DOMAIN.md §8), computed from records; each links to its list."""

from __future__ import annotations

from collections.abc import Callable

from anju.core import kpis as registry
from anju.core.links import reverse
from anju.oversight import queries
from anju.oversight.models import Finding


def _findings(query: str) -> Callable[[int], str]:
    return lambda year: reverse("oversight:findings") + "?" + query.format(year=year)


def _tasks(query: str) -> Callable[[int], str]:
    return lambda year: reverse("oversight:ledger") + "?" + query.format(year=year)


def _count(records: Callable[[int], object]) -> Callable[[int], int]:
    return lambda year: records(year).count()  # type: ignore[attr-defined]


ORIGIN = Finding.Origin


def registry_entries() -> list[registry.Kpi]:
    K = registry.Kpi
    return [
        K("oversight.findings", "巡察反馈问题", "个", _count(queries.findings), queries.findings,
          _findings("year={year}&city=1"), "反馈日期在当年的市委巡察（含“回头看”）反馈问题数。"),
        K("oversight.findings_fund", "其中维修资金管理方面", "个", _count(queries.findings_fund), queries.findings_fund,
          _findings("year={year}&city=1&area=fund"), "其中问题领域为维修资金管理的问题数。"),
        K("oversight.meetings", "巡察整改工作部署会议", "次", _count(queries.meetings), queries.meetings,
          lambda y: reverse("oversight:meetings") + f"?year={y}", "当年召开的巡察整改工作部署会议次数（工作记录）。"),
        K("oversight.rectified", "已整改到位", "个", _count(queries.rectified), queries.rectified,
          _findings("year={year}&city=1&state=rectified"), "当年反馈问题中，至年末全部整改任务已销号的问题数。"),
        K("oversight.in_progress", "正在整改", "个", _count(queries.in_progress), queries.in_progress,
          _findings("year={year}&city=1&state=open"), "当年反馈问题中，至年末尚有整改任务未销号的问题数。"),
        K("oversight.overdue", "逾期未整改", "个", _count(queries.overdue_findings), queries.overdue_findings,
          _findings("year={year}&city=1&state=overdue"),
          "当年反馈问题中，至年末有整改任务超过整改时限未销号的问题数。"),
        K("oversight.rectification_rate", "整改完成率", registry.PERCENT, queries.rectification_rate,
          queries.rectified, _findings("year={year}&city=1&state=rectified"), "已整改到位 ÷ 巡察反馈问题 × 100。"),
        K("oversight.tasks", "整改任务", "项", _count(queries.tasks), queries.tasks, _tasks("year={year}"),
          "当年反馈问题分解的整改任务数。"),
        K("oversight.tasks_overdue", "逾期任务", "项", _count(queries.tasks_overdue), queries.tasks_overdue,
          _tasks("overdue=1"), "至年末超过整改时限仍未销号的整改任务数。"),
        K("oversight.milestone_met_rate", "阶段性进展达成率", registry.PERCENT,
          lambda y: registry.rate(queries.interim_met(y).count(), queries.with_interim(y).count()),
          queries.interim_met, _tasks("interim={year}"),
          "阶段性进展时限在当年的整改任务中，在时限前报送进展的任务 ÷ 该类任务 × 100。"),
        K("oversight.problem_lists_team", "班子问题清单", "个", lambda y: queries.problem_lists(y, ORIGIN.TEAM).count(),
          lambda y: queries.problem_lists(y, ORIGIN.TEAM), _findings("year={year}&origin=team"),
          "当年主题教育检视的班子问题清单个数。"),
        K("oversight.problem_lists_personal", "个人问题清单", "个",
          lambda y: queries.problem_lists(y, ORIGIN.PERSONAL).count(),
          lambda y: queries.problem_lists(y, ORIGIN.PERSONAL),
          _findings("year={year}&origin=personal"), "当年主题教育检视的个人问题清单个数。"),
        K("oversight.research_reported", "上报调研问题", "条", _count(queries.research_reported),
          queries.research_reported, _findings("year={year}&kind=research"), "当年领导干部上报的调研问题信息条数。"),
        K("oversight.research_approved", "审核通过", "条", _count(queries.research_approved),
          queries.research_approved, _findings("year={year}&kind=research"),
          "上报调研问题中审核通过（分解为任务）的条数。"),
        K("oversight.research_resolved", "已解决到位", "条", _count(queries.research_resolved),
          queries.research_resolved, _findings("year={year}&kind=research&state=rectified"),
          "审核通过的调研问题中，全部任务已销号的条数（截至报告日）。"),
        K("oversight.decomposition_notices", "任务分解通知下发日期", "份", queries.decomposition_notices,
          queries.decompositions, lambda y: reverse("oversight:inspections"),
          "当年巡察反馈的整改任务分解通知的下发日期。", is_list=True),
        K("oversight.decomposition_numbers", "任务分解通知文号", "份", queries.decomposition_numbers,
          queries.decompositions, lambda y: reverse("oversight:inspections"),
          "当年巡察反馈的整改任务分解通知的文号。", is_list=True),
        K("oversight.interim_deadlines", "阶段性进展时限", "项", queries.interim_deadlines,
          lambda y: queries.tasks(y).exclude(interim_deadline=None),
          _tasks("interim={year}"), "当年反馈问题的整改任务的阶段性进展时限（每个日期一次）。", is_list=True),
    ]  # fmt: skip
