"""The demo city's petitions of 2023, written through the line's actions so that the year reproduces the
seed (DOMAIN.md §5): 135 online items (省长信箱、市长热线、湘易办、红网、问政湖南), all replied and closed in time;
the provincial inspection team's 32 referrals (省委第十二巡视组交办件), all closed in time, 14 on their
merits and 18 procedurally, with 14 signed commitments; some letters and visits, one of them a repeat; and
the next year's 百日攻坚 campaign on the 18, a few of them settled on their merits in 2024.

Dates fall around the holidays: items received just before 春节 and 中秋国庆 are due after them (the working-day
calendar), referrals arrive with the inspection team in April and May."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.apps import apps
from django.db import models
from django.utils import timezone

from anju.core.demokit import Step, register
from anju.core.models import User
from anju.lib import dates
from anju.petitions import actions, rules
from anju.petitions.models import Case, Category, Channel, Contact
from anju.registry.models import Project

if TYPE_CHECKING:
    from anju.core.demokit import Context

YEAR = 2023
ONLINE = {"hotline12345": 60, "governor": 20, "xiangyiban": 25, "rednet": 15, "wenzheng": 15}  # 135
REFERRALS = 32
SUBSTANTIVE = 14  # of the 32; the other 18 procedural
COMMITMENTS = 14
CONVERTED_2024 = 5  # of the 18, settled on their merits during 百日攻坚
# Days just before a holiday (the due day moves past it) and ordinary days.
EDGE_DAYS = [
    dt.date(YEAR, 1, 19),
    dt.date(YEAR, 4, 28),
    dt.date(YEAR, 6, 21),
    dt.date(YEAR, 9, 27),
    dt.date(YEAR, 12, 29),
]
SUBJECTS = [
    (Category.PROPERTY, "小区电梯故障，物业维修不及时"),
    (Category.FUND, "申请使用维修资金更换屋面防水，进度慢"),
    (Category.RENTAL, "公租房住户违规转租，请求核查"),
    (Category.TERMITE, "楼道木门发现白蚁，请求灭治"),
    (Category.SUBSIDY, "购房补贴何时发放"),
    (Category.LEGACY, "小区多年未办理不动产权证"),
    (Category.OTHER, "咨询公租房申请条件"),
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = ["建国", "秀英", "志强", "丽华", "小红", "伟", "敏", "军", "芳", "磊", "婷", "洋"]
REPLIES = {
    Category.PROPERTY: "经核实，已督促物业服务企业于3日内完成电梯维修，并将加强日常巡查。",
    Category.FUND: "经审核，该小区维修资金使用申请已受理，正在按程序办理，预计10个工作日内完成拨付。",
    Category.RENTAL: "经入户核查，已责令承租人限期整改，逾期不改将依法收回住房。",
    Category.TERMITE: "已安排白蚁防治人员上门查看并完成灭治，30日后复查。",
    Category.SUBSIDY: "您的购房补贴申请已审核通过，将于本批次统一拨付。",
    Category.LEGACY: "该项目属房地产历史遗留问题，已纳入化解计划，正在协调相关部门办理。",
    Category.OTHER: "已电话告知公租房申请条件及办理流程。",
}


def _name(n: int) -> str:
    return SURNAMES[n % len(SURNAMES)] + GIVEN[(n * 7) % len(GIVEN)]


def _phone(n: int) -> str:
    return f"139{7450000 + n:08d}"


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, (hour * 13) % 60)))


def _handlers() -> tuple[User, User | None]:
    """The office's handler (the demo's users step made one) and a leader."""
    office = User.objects.filter(roles__code="office").order_by("pk").first()
    leader = User.objects.filter(roles__code="leadership").order_by("pk").first()
    if office is None:
        raise RuntimeError("the petitions demo step needs the office's user (the users step runs first)")
    return office, leader


def _handled(
    case: Case, handler: User, calendar: dates.Calendar, *, kind: str, reply: str, who: str, contacts: int = 0
) -> actions.Handled:
    """Accepted the next working day and assigned, contacted every five working days, replied two working days
    after the last contact and closed the same day: within the limits of every channel."""
    accepted = dates.add_working_days(case.received_on, 1, calendar)
    replied = dates.add_working_days(accepted, 2 + 5 * contacts, calendar)
    principle = Contact.Principle.SOLVED if kind == rules.Closure.SUBSTANTIVE else Contact.Principle.EDUCATED
    return actions.Handled(
        case=case, accepted_on=accepted, handler=handler, replied_on=replied, reply=reply, closed_on=replied,
        closure_kind=kind,
        satisfaction=Case.Satisfaction.SATISFIED if kind == rules.Closure.SUBSTANTIVE else Case.Satisfaction.BASICALLY,
        contacts=[
            actions.PastContact(
                at=_at(dates.add_working_days(accepted, 2 + 5 * n, calendar), 10),
                method=Contact.Method.VISIT if n % 2 else Contact.Method.PHONE, contacted=who,
                summary="上门了解诉求，解释相关政策，听取意见。" if n % 2 else "电话联系信访人，告知办理进度。",
                principle=principle,
            )
            for n in range(contacts)
        ],
    )  # fmt: skip


PROCEDURAL_REPLY = (
    "经调查核实，您反映的问题已按现行法律法规和政策作出答复，诉求超出政策规定范围，"
    "我中心将继续做好政策解释工作；如不服本答复，可在收到本答复之日起30日内申请复查。"
)


def _records() -> dict[str, list[models.Model]]:
    """Records of the demo city the items are about, by category: the registry's projects for the fund,
    property and legacy items, the termite line's control requests (when its demo step ran: found through
    content types, this line imports no other line)."""
    projects: list[models.Model] = list(Project.objects.order_by("pk")[:30])
    termite = apps.get_model("termite", "controlrequest") if apps.is_installed("anju.termite") else None
    requests: list[models.Model] = list(termite._default_manager.order_by("pk")[:30]) if termite else []
    return {Category.FUND: projects, Category.PROPERTY: projects, Category.LEGACY: projects, Category.TERMITE: requests}


def _online(ctx: Context, channels: dict[str, Channel], handler: User, calendar: dates.Calendar) -> None:
    rng = ctx.rng
    records = _records()
    items = []
    n = 0
    for code, count in ONLINE.items():
        for i in range(count):
            day = EDGE_DAYS[i] if i < len(EDGE_DAYS) else dt.date(YEAR, 1, 3) + dt.timedelta(days=rng.randint(0, 350))
            category, subject = SUBJECTS[n % len(SUBJECTS)]
            items.append(
                actions.NewCase(
                    channel=channels[code],
                    received_at=_at(day, 9 + n % 8),
                    category=category,
                    subject=subject,
                    content=f"{subject}。反映人称：已多次反映，希望尽快解决。",
                    reference=f"{code[:2].upper()}{YEAR}{n:05d}",
                    petitioners=[actions.NewPetitioner(name=_name(n), phone=_phone(n))],
                    links=_about(records, category, n),
                )
            )
            n += 1
    cases = actions.register_cases(None, items, calendar=calendar, audit_note="演示：2023年网络舆情事项")
    handled = [
        _handled(
            case,
            handler,
            calendar,
            kind=rules.Closure.SUBSTANTIVE,
            reply=REPLIES[Category(case.category)],
            who=_name(n),
        )
        for n, case in enumerate(cases)
    ]
    actions.record_handled(None, handled, calendar=calendar, note="演示：2023年网络舆情事项的办理")


def _about(records: dict[str, list[models.Model]], category: str, n: int) -> list[models.Model]:
    found = records.get(category) or []
    return [found[n % len(found)]] if found else []


def _referrals(ctx: Context, channel: Channel, handler: User, calendar: dates.Calendar) -> list[Case]:
    rng = ctx.rng
    items = []
    for n in range(REFERRALS):
        day = dt.date(YEAR, 4, 10) + dt.timedelta(days=rng.randint(0, 50))
        category, subject = SUBJECTS[(n * 3) % 6]
        items.append(
            actions.NewCase(
                channel=channel,
                received_at=_at(day, 15),
                category=category,
                subject=subject,
                content=f"省委第十二巡视组转来信访件：{subject}，信访人要求依法解决。",
                reference=f"SW12-{YEAR}-{n + 1:03d}",
                petitioners=[actions.NewPetitioner(name=_name(200 + n), phone=_phone(200 + n))],
                head_count=1 if n % 5 else 6,
            )
        )
    cases = actions.register_cases(None, items, calendar=calendar, audit_note="演示：省委第十二巡视组交办件")
    handled = []
    for n, case in enumerate(cases):
        kind = rules.Closure.SUBSTANTIVE if n < SUBSTANTIVE else rules.Closure.PROCEDURAL
        reply = REPLIES[Category(case.category)] if kind == rules.Closure.SUBSTANTIVE else PROCEDURAL_REPLY
        handled.append(_handled(case, handler, calendar, kind=kind, reply=reply, who=_name(200 + n), contacts=2))
    worked = actions.record_handled(None, handled, calendar=calendar, note="演示：巡视组交办件的办理")
    # 14 commitments: 10 on cases settled on their merits, 4 on procedural ones.
    for n, case in enumerate(worked):
        if n < 10 or SUBSTANTIVE <= n < SUBSTANTIVE + COMMITMENTS - 10:
            assert case.closed_on is not None
            actions.record_commitment(None, case, signed_on=case.closed_on, signer=_name(200 + n))
    return worked


def _letters_and_visits(channels: dict[str, Channel], handler: User, calendar: dates.Calendar) -> None:
    """A few letters and visits; the same petitioner comes back on the same matter (a repeat)."""
    base = [
        ("letter", dt.date(YEAR, 2, 20), 900, Category.FUND),
        ("visit", dt.date(YEAR, 3, 15), 901, Category.RENTAL),
        ("visit", dt.date(YEAR, 7, 10), 900, Category.FUND),  # 900 again on the fund: a repeat
        ("online_petition", dt.date(YEAR, 8, 2), 902, Category.LEGACY),
    ]
    items = [
        actions.NewCase(
            channel=channels[code],
            received_at=_at(day, 10),
            category=category,
            subject=dict(SUBJECTS)[category],
            content=dict(SUBJECTS)[category],
            petitioners=[actions.NewPetitioner(name=_name(who), phone=_phone(who))],
        )
        for code, day, who, category in base
    ]
    cases = actions.register_cases(None, items, calendar=calendar, audit_note="演示：来信来访")
    handled = [
        _handled(
            case,
            handler,
            calendar,
            kind=rules.Closure.SUBSTANTIVE,
            reply=REPLIES[Category(case.category)],
            who=_name(who),
        )
        for case, (_code, _day, who, _category) in zip(cases, base, strict=True)
    ]
    actions.record_handled(None, handled, calendar=calendar, note="演示：来信来访的办理")


def _campaign(referrals: list[Case], leader: User | None) -> None:
    """百日攻坚 (2024) on the 18 procedural closures; some settled on their merits."""
    procedural = [c for c in referrals if c.closure_kind == rules.Closure.PROCEDURAL]
    actions.create_campaign(
        leader, name="信访突出问题集中化解“百日攻坚”行动", starts_on=dt.date(YEAR + 1, 3, 1),
        ends_on=dt.date(YEAR + 1, 6, 8), cases=procedural,
        target=f"对{len(procedural)}件未实体性办结的信访件力争实体性办结",
    )  # fmt: skip
    for case in procedural[:CONVERTED_2024]:
        actions.convert_to_substantive(None, case, on=dt.date(YEAR + 1, 5, 20), note="百日攻坚：经协调，诉求已实体解决")


def build_petitions(ctx: Context) -> None:
    channels = {c.code: c for c in Channel.objects.all()}
    office, leader = _handlers()
    calendar = dates.default_calendar()
    ctx.out.write("  petitions: 135 online items\n")
    _online(ctx, channels, office, calendar)
    ctx.out.write("  petitions: 32 referrals of the inspection team\n")
    referrals = _referrals(ctx, channels["inspection"], office, calendar)
    _letters_and_visits(channels, office, calendar)
    _campaign(referrals, leader)
    ctx.out.write(f"  petitions: {Case.objects.count()} cases\n")


def register_steps() -> None:
    register(Step(68, "petitions", build_petitions))
