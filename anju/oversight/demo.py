"""The demo city's inspection rectification, written through the line's actions so that 2023 reproduces the seed
(DOMAIN.md §8): the city inspection's look-back (市委巡察“回头看”) fed back 19 problems in November 2023, 13 of
them on the maintenance fund; four deployment meetings were held, the first setting up the leading group and
deciding the problems to fix at once (立行立改), which were signed off before the year's end; the others were
decomposed by 怀住保字〔2024〕1号 of 10 January 2024, each with its unit, person, target and deadline and progress
due by 15 March 2024. The theme-education review's lists (班子 4, 个人 7) are findings too."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.apps import apps

from anju.core.demokit import Step, register
from anju.core.models import User
from anju.oversight import actions
from anju.oversight.actions import NewFinding, NewTask
from anju.oversight.models import Finding, FindingLink, Inspection, Task

if TYPE_CHECKING:
    from anju.core.demokit import Context

D = dt.date
Ar, Or, Kd = Finding.Area, Finding.Origin, Task.Kind
FUND = [
    "维修资金归集不及时，部分项目开发企业代收维修资金未按时缴存",
    "维修资金追缴力度不够，欠缴金额较大",
    "维修资金使用审核把关不严，个别项目预算审核不细",
    "维修资金增值收益管理不规范",
    "维修资金账户对账不及时，存在未达账项",
    "维修资金票据管理不规范",
    "维修资金使用现场勘查记录不完整",
    "维修资金应急使用程序执行不到位",
    "维修资金信息公开不及时、不全面",
    "维修资金退还手续审核不严",
    "维修资金管理制度更新滞后",
    "维修资金专户银行选择程序不规范",
    "维修资金档案资料归档不完整",
]
OTHER = [
    (Ar.PARTY, "落实全面从严治党主体责任不够到位"),
    (Ar.PARTY, "“三重一大”决策制度执行不严格"),
    (Ar.FINANCE, "公务用车管理不规范"),
    (Ar.FINANCE, "固定资产账实不符"),
    (Ar.RENTAL, "公租房动态管理不到位，清退不及时"),
    (Ar.PETITIONS, "信访件办理实体化解率不高"),
]
IMMEDIATE = (5, 8, 12, 14, 16, 17)  # the finding numbers fixed at once
OVERDUE = 3  # one decomposed task still open past its deadline
LONG_TERM = (1, 2)  # finding numbers whose tasks run on (长期坚持)
RESEARCH, RESEARCH_APPROVED = 50, 17


def _users() -> dict[str, User]:
    found = {code: User.objects.filter(roles__code=code).order_by("pk").first() for code in
             ("office", "finance", "housing", "leadership")}  # fmt: skip
    missing = [code for code, user in found.items() if user is None]
    if missing:
        raise RuntimeError(f"the oversight demo step needs users of {missing} (the users step runs first)")
    return found  # type: ignore[return-value]


def _close(task: Task, u: dict[str, User], progress: dt.date, text: str) -> None:
    actions.record_progress(task.owner, task, on=progress, text=text, evidence="整改佐证材料")
    actions.submit(task.owner, task, on=progress)
    actions.check(u["office"], task, on=progress + dt.timedelta(days=2), note="佐证材料齐全")
    actions.sign_off(u["leadership"], task, on=progress + dt.timedelta(days=4), note="同意销号")


def build_oversight(ctx: Context) -> None:
    u = _users()
    lookback = actions.record_inspection(
        None, kind=Inspection.Kind.CITY_LOOKBACK, title="市委第三巡察组巡察“回头看”",
        body="中共怀化市委巡察工作领导小组",
        entered_on=D(2023, 9, 4), feedback_on=D(2023, 11, 16), report_due=D(2024, 1, 16),
    )  # fmt: skip
    new = [NewFinding(text, Ar.FUND, Or.SPECIAL if n < 3 else Or.FEEDBACK) for n, text in enumerate(FUND)]
    new += [NewFinding(text, area, Or.SPECIAL if n == 0 else Or.FEEDBACK) for n, (area, text) in enumerate(OTHER)]
    findings = actions.add_findings(u["office"], lookback, new)
    owner = {f.pk: u["finance"] if f.area in (Ar.FUND, Ar.FINANCE, Ar.PARTY) else u["housing"] for f in findings}

    def unit(f: Finding) -> str:
        return "人事财务部" if owner[f.pk] == u["finance"] else "住房保障服务部"

    # Four deployment meetings; the first decides the problems fixed at once.
    first = D(2023, 11, 20)
    quick = [f for f in findings if f.number in IMMEDIATE]
    actions.hold_meeting(
        u["office"], held_on=first, title="巡察整改工作部署会议（成立巡察整改工作领导小组）",
        attendees="中心领导班子成员、各部门负责人", minutes="成立巡察整改工作领导小组；能够立行立改的问题立即整改。",
        findings=findings,
        decisions=[NewTask(f, Kd.IMMEDIATE, unit(f), owner[f.pk], f"立行立改：{f.text}整改到位", D(2023, 12, 31))
                   for f in quick],
    )  # fmt: skip
    for day, title in ((D(2023, 12, 8), "巡察整改工作推进会"), (D(2023, 12, 22), "巡察整改方案研究部署会"),
                       (D(2023, 12, 29), "巡察整改任务分解部署会")):  # fmt: skip
        actions.hold_meeting(u["office"], held_on=day, title=title, attendees="巡察整改工作领导小组成员",
                             minutes="听取整改进展，研究部署下一步整改任务。", findings=findings)  # fmt: skip
    for n, task in enumerate(Task.objects.filter(finding__in=quick).select_related("owner").order_by("number")):
        _close(task, u, D(2023, 12, 4 + 2 * n), "已立行立改，建立台账并完成整改")

    # The decomposition notice of 10 January 2024: the rest, with progress due by 15 March.
    notice = D(2024, 1, 10)
    actions.record_decomposition(u["office"], lookback, number="怀住保字〔2024〕1号", issued_on=notice)
    rest = [f for f in findings if f.number not in IMMEDIATE]
    tasks = actions.assign_tasks(u["office"], [
        NewTask(f, Kd.LONG_TERM if f.number in LONG_TERM else Kd.DEADLINE, unit(f), owner[f.pk],
                f"深挖问题根源，举一反三，建章立制：{f.text}问题整改到位",
                D(2027, 6, 30) if f.number in LONG_TERM else D(2024, 6, 30), D(2024, 3, 15), notice)
        for f in rest
    ])  # fmt: skip
    for n, task in enumerate(tasks):
        actions.record_progress(task.owner, task, on=D(2024, 3, 1 + n % 14), text="已制定整改措施，取得阶段性进展",
                                evidence="整改工作台账")  # fmt: skip
        if task.finding.number not in LONG_TERM and task.finding.number != OVERDUE:
            _close(task, u, D(2024, 5, 6 + n), "整改完成，相关制度已修订印发")

    # The theme-education review's problem lists.
    theme = actions.record_inspection(None, kind=Inspection.Kind.THEME, title="主题教育检视问题清单",
                                      body="中心主题教育工作领导小组", feedback_on=D(2023, 10, 20))  # fmt: skip
    lists = [NewFinding(f"中心班子问题清单{n}", Ar.PARTY, Or.TEAM) for n in range(1, 5)]
    lists += [NewFinding(f"个人问题清单{n}", Ar.PARTY, Or.PERSONAL) for n in range(1, 8)]
    actions.add_findings(u["office"], theme, lists)
    _research(u)
    actions.record_inspection(
        None, kind=Inspection.Kind.PROVINCIAL, title="省委第十二巡视组巡视反馈", body="中共湖南省委第十二巡视组",
        entered_on=D(2023, 4, 10), feedback_on=D(2023, 7, 20),
    )  # fmt: skip
    _link_records(u["office"], findings)
    ctx.out.write(f"  inspection findings: {len(findings)}\n")


def _research(u: dict[str, User]) -> None:
    """«副处级以上领导干部共上报调研问题信息50条，审核通过17条，截至目前已全部解决到位»: 50 research problems, 17 of
    them approved as tasks and all signed off."""
    research = actions.record_inspection(None, kind=Inspection.Kind.RESEARCH, title="“走找想促”调研问题",
                                         body="中心主题教育工作领导小组", feedback_on=D(2023, 10, 31))  # fmt: skip
    problems = actions.add_findings(u["office"], research,
                                    [NewFinding(f"调研问题{n}", Ar.OTHER) for n in range(1, RESEARCH + 1)])  # fmt: skip
    tasks = actions.assign_tasks(u["office"], [
        NewTask(f, Kd.IMMEDIATE, "住房保障服务部", u["housing"], f"解决{f.text}", D(2023, 12, 31), None, D(2023, 11, 6))
        for f in problems[:RESEARCH_APPROVED]
    ])  # fmt: skip
    for n, task in enumerate(tasks):
        _close(task, u, D(2023, 11, 10 + n), "问题已解决到位")


def _link_records(office: User, findings: list[Finding]) -> None:
    """The fund's records the findings concern and the new rule version that rectified one (when the fund's demo
    step made them; found through content types, this line imports no other line)."""
    by_text = {f.text: f for f in findings}
    if apps.is_installed("anju.fund.arrears"):
        case = apps.get_model("arrears", "recoverycase")._default_manager.order_by("pk").first()
        if case is not None:
            actions.link_finding(office, by_text[FUND[1]], case, role=FindingLink.Role.CONCERNS,
                                 label=f"维修资金追缴案件 {case}")  # fmt: skip
        standard = apps.get_model("fund", "depositstandard")._default_manager.order_by("-effective_from").first()
        if standard is not None:
            actions.link_finding(office, by_text[FUND[10]], standard, role=FindingLink.Role.EVIDENCE,
                                 label=f"维修资金交存标准（规则版本） {standard}")  # fmt: skip


def register_steps() -> None:
    register(Step(67, "inspection rectification", build_oversight))
