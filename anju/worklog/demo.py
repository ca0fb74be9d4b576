"""The demo city's 2023 work records (DOMAIN.md §9 and the fund's counted activities), entered through the
actions as the 办公室 would: the report counts them. The seed's figures: 18 integrity meetings, 4 integrity
lectures, 5 collective talks, 16 home visits (人次), 12 reminder talks (人次), 18 party-building meetings,
41 donors, 2 theme lectures, 2/5/6 人次 of 四下基层, 1 livelihood project, 5 enterprise problems, 6 ideology
study sessions, 2 commentators, the three assessments (良好, 合格, 146 of 170); the fund's two recovery
campaigns and the lift pilot's two promotion meetings (27 + 26 property companies: "50余家")."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from anju.core.demokit import Step, register
from anju.core.models import User
from anju.worklog import actions
from anju.worklog.actions import Facts, Row

if TYPE_CHECKING:
    from anju.core.demokit import Context

YEAR = 2023
D = dt.date


def _days(count: int, first_month: int = 1, day: int = 10) -> list[dt.date]:
    """`count` days spread over the year from `first_month`, one or two a month."""
    months = 13 - first_month
    return [D(YEAR, first_month + (i * months) // count, day + (i % 2) * 10) for i in range(count)]


def _spread(total: int, parts: int) -> list[int]:
    """`total` persons over `parts` records, as even as whole persons go."""
    return [total // parts + (1 if i < total % parts else 0) for i in range(parts)]


def rows() -> list[Row]:
    out: list[Row] = []

    def add(kind: str, line: str, days: list[dt.date], title: str, quantities: list[int] | None = None,
            **facts: object) -> None:  # fmt: skip
        for i, day in enumerate(days):
            quantity = quantities[i] if quantities else 0
            out.append(Row(kind, line, day, title, facts=Facts(quantity=quantity, **facts)))  # type: ignore[arg-type]

    add("campaign", "fund", [D(YEAR, 8, 10), D(YEAR, 9, 12)], "维修资金追缴“攻坚行动”")
    add("promotion", "fund", [D(YEAR, 12, 7), D(YEAR, 12, 15)], "电梯维修保险改革试点工作推介会", [27, 26])
    add("integrity_meeting", "party", _days(18), "党风廉政建设工作会议")
    add("integrity_lecture", "party", _days(4, 3), "中心领导讲专题廉政党课")
    add("collective_talk", "party", _days(5, 2), "集体廉政谈话", [12, 10, 9, 11, 8])
    add("home_visit", "party", _days(4, 5), "廉政家访", _spread(16, 4))
    add("reminder_talk", "party", _days(6, 2), "提醒谈话", _spread(12, 6))
    add("party_meeting", "party", _days(18, 1, 15), "党建工作和学习会议")
    add("charity", "party", [D(YEAR, 6, 28)], "“点亮微心愿•党群圆梦行”五溪先锋公益募捐活动", [41])
    add("theme_lecture", "theme", [D(YEAR, 10, 18), D(YEAR, 11, 22)], "主题教育专题党课")
    add("grassroots_talk", "theme", [D(YEAR, 10, 12)], "下基层现场宣讲", [2])
    add("grassroots_visit", "theme", [D(YEAR, 10, 19), D(YEAR, 11, 9)], "下基层下访接访", [3, 2])
    add("grassroots_office", "theme", [D(YEAR, 10, 26), D(YEAR, 11, 16), D(YEAR, 12, 7)], "下基层现场办公", [2, 2, 2])
    add("livelihood_project", "theme", [D(YEAR, 9, 20)], "2022年至2023年怀化市中心城区购房补贴发放工作")
    add("enterprise_problem", "theme", _days(5, 7), "为民营企业解决实际问题")
    add("ideology_study", "ideology", _days(6), "意识形态和网络意识形态工作专题学习")
    add("commentator", "ideology", [D(YEAR, 3, 1)], "明确网络舆情评论员", [2])
    add("branch_merger", "party", [D(YEAR, 4, 20)], "在职党支部合并", [2])
    out.append(Row("assessment", "safety", D(YEAR, 12, 28), "全市安全生产和消防工作考核",
                   minutes="共分为优秀、良好、合格三个等次", facts=Facts(result="良好")))  # fmt: skip
    out.append(Row("assessment", "pingan", D(YEAR, 12, 28), "平安建设工作考核",
                   minutes="共分为先进、合格、不合格三个等次", facts=Facts(result="合格")))  # fmt: skip
    out.append(Row("assessment", "poll", D(YEAR, 12, 29), "民意调查",
                   facts=Facts(result="排名", rank=146, rank_of=170)))  # fmt: skip
    return out


def build_worklog(ctx: Context) -> None:
    office = User.objects.filter(roles__code="office").order_by("pk").first()
    created = actions.import_records(office, rows())
    ctx.out.write(f"  work records: {len(created)}\n")


def register_steps() -> None:
    register(Step(69, "work records", build_worklog))
