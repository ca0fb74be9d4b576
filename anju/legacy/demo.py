"""The demo city's legacy projects, written through the line's actions so that 2023 reproduces the seed
(DOMAIN.md §7): 19 projects, 15 of them in certification by the year's end, two of which entered it in 2023
(新天地 in June, 湖天名居 in November); the four outside it stand where the seed says: 怀化报业中心 taken over by
市城发集团 (safety test and reinforcement done, the general-contract tender started, the structure planned for
September 2024), 阳光上东国际 with the fire inspection passed and completion acceptance pending, 西南名都 in its
finishing works (certification planned for the first half of 2024) and 中坡瑞丰园 recruiting investors. A joint
meeting's decisions become the agencies' tasks."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from anju.core.demokit import Step, register
from anju.core.demokit.names import SEED_PROJECTS
from anju.core.models import User
from anju.legacy import actions
from anju.legacy.actions import Decision
from anju.legacy.models import Task
from anju.registry.models import Project as RegistryProject
from anju.worklog.models import WorkRecord

if TYPE_CHECKING:
    from anju.core.demokit import Context

D = dt.date
EARLIER = 13  # in certification before 2023
NAMED = ["新天地", "湖天名居", "怀化报业中心", "阳光上东国际", "西南名都", "中坡瑞丰园"]
Ag = Task.Agency


def _staff() -> tuple[User, User]:
    office = User.objects.filter(roles__code="office").order_by("pk").first()
    housing = User.objects.filter(roles__code="housing").order_by("pk").first()
    if office is None:
        raise RuntimeError("the legacy demo step needs the office's user (the users step runs first)")
    return office, housing or office


def build_legacy(ctx: Context) -> None:
    office, housing = _staff()
    registry = {p.name: p for p in RegistryProject.objects.filter(name__in=NAMED)}
    others = list(
        RegistryProject.objects.filter(kind=RegistryProject.Kind.COMMERCIAL)
        .exclude(name__in=[*NAMED, *SEED_PROJECTS])
        .exclude(legacy_projects__isnull=False)
        .order_by("-code")[:EARLIER]
    )

    def register_at(name: str, on: dt.date, stage: str, households: int, **kw: object) -> actions.Project:
        return actions.register_project(office, name=name, registered_on=on, entry_stage=stage, households=households,
                                        registry_project=registry.get(name), **kw)  # type: ignore[arg-type]  # fmt: skip

    def reach(project: actions.Project, stage: str, on: dt.date, evidence: str) -> None:
        actions.reach_milestone(office, project, stage=stage, reached_on=on, evidence=evidence)

    # 13 projects in certification before 2023, six of them fully certified.
    for n in range(EARLIER):
        source = others[n] if n < len(others) else None
        name = source.name if source else f"历史遗留项目{n + 1:02d}"
        households = 120 + (n * 37) % 480
        p = actions.register_project(office, name=name, registered_on=D(2018, 1 + n % 12, 10), entry_stage="settlement",
                                     households=households, registry_project=source)  # fmt: skip
        entered = D(2019 + n % 4, 1 + (n * 5) % 12, 15)
        reach(p, "certification", entered, "不动产首次登记受理通知书")
        if n % 2 == 0 and n < 12:
            reach(p, "certified", D(entered.year + 1, entered.month, 20), "分户办证完成统计表")
            actions.record_certificates(office, p, issued=households)
        else:
            actions.record_certificates(office, p, issued=households // 3)
    # The two that entered certification in 2023.
    xtd = register_at("新天地", D(2019, 5, 10), "acceptance", 436)
    reach(xtd, "delivery", D(2020, 9, 1), "交房通知及交房记录")
    reach(xtd, "settlement", D(2022, 10, 18), "税务、自然资源部门税费结算单")
    reach(xtd, "certification", D(2023, 6, 16), "不动产登记受理回执")
    htmj = register_at("湖天名居", D(2019, 8, 20), "delivery", 312)
    reach(htmj, "settlement", D(2023, 3, 20), "税费结算完税证明")
    reach(htmj, "certification", D(2023, 11, 8), "不动产登记受理回执")

    # 怀化报业中心: taken over by 市城发集团.
    bao = register_at("怀化报业中心", D(2016, 4, 1), "stalled", 268, takeover_entity="市城发集团",
                      blockers="原开发企业资金链断裂，续建资金由接管方筹措")  # fmt: skip
    reach(bao, "takeover", D(2022, 7, 15), "市政府专题会议纪要（接管续建）")
    reach(bao, "safety_test", D(2023, 4, 20), "续建安全检测报告")
    reach(bao, "reinforcement", D(2023, 10, 30), "加固工程竣工验收记录")
    reach(bao, "tender", D(2023, 12, 15), "总承包招标公告")
    actions.plan_milestone(office, bao, stage="structure", planned_on=D(2024, 9, 30))
    actions.assign_task(office, bao, agency=Ag.CITY_DEV, title="完成总承包招投标并进场施工", owner=office,
                        assigned_on=D(2023, 12, 15), due_on=D(2024, 3, 31))  # fmt: skip

    # 阳光上东国际: all works done, fire inspection passed, completion acceptance pending.
    ygsd = register_at("阳光上东国际", D(2017, 9, 1), "resumed", 524)
    reach(ygsd, "structure", D(2020, 12, 1), "主体结构验收记录")
    reach(ygsd, "finishing", D(2022, 5, 1), "扫尾工程施工合同")
    reach(ygsd, "special_tests", D(2023, 10, 25), "消防工程检测合格报告")
    for stage, day in (("acceptance", D(2024, 3, 31)), ("delivery", D(2024, 5, 31)), ("settlement", D(2024, 8, 31)),
                       ("certification", D(2024, 10, 31))):  # fmt: skip
        actions.plan_milestone(office, ygsd, stage=stage, planned_on=day)

    # 西南名都: finishing works; certification expected in the first half of 2024.
    xnmd = register_at("西南名都", D(2018, 1, 15), "resumed", 388)
    reach(xnmd, "structure", D(2021, 9, 1), "主体结构验收记录")
    reach(xnmd, "finishing", D(2023, 3, 1), "水、电、门窗、消防扫尾工程施工计划")
    actions.plan_milestone(office, xnmd, stage="certification", planned_on=D(2024, 6, 30))
    late = actions.assign_task(office, xnmd, agency=Ag.DEVELOPER, title="完成水、电、门窗、消防扫尾工程",
                               owner=housing, assigned_on=D(2023, 3, 1), due_on=D(2023, 11, 30))  # fmt: skip
    actions.complete_task(office, late, done_on=D(2024, 1, 20), result="扫尾工程完工，申请综合验收")

    # 中坡瑞丰园: recruiting investors; construction resumes when funds arrive.
    zprf = register_at("中坡瑞丰园", D(2017, 3, 1), "stalled", 205, blockers="续建资金未落实")
    reach(zprf, "recruitment", D(2023, 6, 1), "投资招募公告")
    actions.plan_milestone(office, zprf, stage="funded", planned_on=D(2024, 12, 31))
    actions.assign_task(office, zprf, agency=Ag.CENTER, title="组织投资招募，对接意向投资人", owner=office,
                        assigned_on=D(2023, 6, 1), due_on=D(2024, 6, 30))  # fmt: skip

    # A joint meeting on 阳光上东国际 whose decisions become the agencies' tasks.
    actions.hold_meeting(
        office, category=WorkRecord.Category.JOINT, held_on=D(2023, 12, 20),
        title="阳光上东国际项目综合验收及办证联席会",
        attendees="市住建局、市税务局、市自然资源和规划局、市消防救援支队、中心办公室", projects=[ygsd],
        minutes="消防工程检测已合格；明确综合验收、税费结算及办证的责任单位和时限。",
        decisions=[
            Decision(ygsd, Ag.HOUSING, "组织阳光上东国际项目综合验收", office, D(2024, 3, 31)),
            Decision(ygsd, Ag.TAX, "完成阳光上东国际项目税费结算", office, D(2024, 8, 31)),
            Decision(ygsd, Ag.LAND, "受理阳光上东国际项目不动产首次登记", office, D(2024, 10, 31)),
        ],
    )  # fmt: skip
    ctx.out.write("  legacy projects: 19\n")


def register_steps() -> None:
    register(Step(66, "legacy projects", build_legacy))
