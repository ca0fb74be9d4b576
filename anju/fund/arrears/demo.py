"""The demo city's 2023 arrears recovery, telling the seed report's story (五.(一).1.(2), 七.(三).3–6).

The arrears are the units the fund step left without a deposit although sold to a person before 2023:
the developer collected the deposit with the price (代收) and never remitted it. Each project with such
units can be a case; the named ones always are (金御名都 sued via a law firm, 怀化电器大市场 three failed
auctions, 现代农机物流中心 two, five developers whose notices could not be served).

Money figures (target, recovered, evidence amount, failed-auction amount) and households scale with
the city (`ctx.scale`); counts of projects and developers (84 interviewed, 29 evidence projects, 24 at
the joint interview, 11 transferred) scale with its number of projects (600 at scale 1.0) but never
below what the named cases need; the 10 scheduling meetings are the center's, whatever the city's size.
At scale 1.0 every fund.arrears.* KPI lands on the seed's figure; the recoveries are posted to the
ledger with value dates in 2023, and the fund step calibrated its 2023 deposits to leave room for them
(`planned_recovery_fen`), so fund.collected still lands on 1.34亿."""

from __future__ import annotations

import bisect
import datetime as dt
import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Q

from anju.core import audit
from anju.core.demokit import Step, register
from anju.core.fields import from_fen
from anju.core.models import AuditEvent
from anju.fund import accounts
from anju.fund import rules as fund_rules
from anju.fund.arrears import actions, queries, rules
from anju.fund.deposits import actions as deposits
from anju.fund.models import Account, DepositStandard
from anju.lib.money import apportion
from anju.registry import actions as registry_actions
from anju.registry.actions import NewHolding, NewUnit
from anju.registry.models import Building, Ownership, Person, Project, Unit

if TYPE_CHECKING:
    from anju.core.demokit import Context

YEAR = 2023
# The seed's 2023 figures at scale 1.0, in fen, and its counts.
TARGET = 95_589_600_00
RECOVERED = 27_530_200_00
EVIDENCE_AMOUNT = 18_968_800_00
EVIDENCE_HOUSEHOLDS = 2976
FAILED_AUCTION_AMOUNT = 5_495_500_00
INTERVIEWED = 84
EVIDENCE_PROJECTS = 29
JOINT_INTERVIEWED = 24
TRANSFERRED = 11
NOTICE_ONLY = 10  # cases opened late in the year: a notice, nothing more yet
MEETINGS = 10
CITY_PROJECTS = 600
SOLD_BEFORE = dt.date(YEAR - 1, 12, 31)

SUED = "金御名都"
AUCTIONS = {  # project: (auction started, failed auctions)
    "怀化电器大市场": (dt.date(2023, 3, 15), (dt.date(2023, 5, 20), dt.date(2023, 7, 18), dt.date(2023, 10, 26))),
    "现代农机物流中心": (dt.date(2023, 6, 1), (dt.date(2023, 8, 8), dt.date(2023, 11, 15))),
}
UNREACHABLE = ("北国之春", "薰衣草家园", "新玉溪港湾", "香榭花园", "太平盛世")
CAMPAIGNS = (dt.date(2023, 8, 10), dt.date(2023, 9, 12))  # the two 攻坚行动: evidence collected
JOINT_DAY = dt.date(2023, 9, 21)
LAW_FIRM = "湖南五溪律师事务所"
POLICE_TAX = "市公安局经侦支队、国家税务总局怀化市税务局"
URBAN = "市城市管理和综合执法局"


def planned_recovery_fen(scale: float) -> int:
    """What this step will post as recovered in 2023, in fen: the fund step leaves room for it."""
    return round(RECOVERED * scale)


@dataclass
class CasePlan:
    project: int
    name: str
    developer: int
    unreachable: bool
    units: list[tuple[int, int, str, int]] = field(default_factory=list)  # (unit, account, code, owed fen)
    actions: list[tuple[str, dt.date, str, str, int | None]] = field(default_factory=list)
    covered: list[int] = field(default_factory=list)  # indexes into units: what the campaign's evidence covers
    recovered: int = 0
    recovered_on: dt.date | None = None

    @property
    def owed(self) -> int:
        return sum(u[3] for u in self.units)


def build_arrears(ctx: Context) -> None:
    """The demo step: the target, the cases with their units, evidence and timeline, the recoveries."""
    rng = ctx.rng
    projects = list(
        Project.objects.order_by("code").values_list("pk", "name", "developer_id", "developer__unreachable")
    )
    factor = len(projects) / CITY_PROJECTS

    def count(full: int, minimum: int = 1) -> int:
        return max(minimum, round(full * factor))

    candidates = _unremitted(projects)
    named = [SUED, *AUCTIONS, *UNREACHABLE]
    cases = [candidates.pop(name) for name in named if name in candidates]
    unreachable_developers = {c.developer for c in cases if c.unreachable}
    others = sorted(
        (c for c in candidates.values() if c.developer not in unreachable_developers and not c.unreachable),
        key=lambda c: (-c.owed, c.name),
    )
    reachable = [c for c in cases if not c.unreachable]
    sued = [c for c in reachable if c.name == SUED]
    auctioned = [c for c in reachable if c.name in AUCTIONS]

    n_transferred = count(TRANSFERRED)
    n_evidence = max(count(EVIDENCE_PROJECTS), len(sued) + n_transferred)
    n_interviewed = max(count(INTERVIEWED), len(reachable) + n_evidence)
    # The interviewed developers' cases: the named reachable ones, then the largest others.
    interviewed = list(reachable)
    developers = {c.developer for c in interviewed}
    while others and len(developers) < n_interviewed:
        case = others.pop(0)
        interviewed.append(case)
        developers.add(case.developer)
    notice_only = others[: round(NOTICE_ONLY * factor)]
    all_cases = cases + [c for c in interviewed if c not in cases] + notice_only

    # Timeline: a notice to every case, then what the report tells.
    for index, case in enumerate(all_cases):
        notice_day = dt.date(2023, 3 + index % 5, 6 + index % 20)
        if case in notice_only:
            notice_day = dt.date(2023, 12, 4 + index % 20)
        case.actions.append((rules.NOTICE, notice_day, "", "送达《维修资金追缴告知书》，限期30日内缴存", None))
        if case.unreachable:
            case.actions.append(
                (
                    rules.NOT_SERVED,
                    dt.date(2023, 8, 1 + index),
                    "",
                    "告知书无法送达：注册地址无此单位，法定代表人电话停机",
                    None,
                )
            )
            case.actions.append(
                (rules.NOT_SERVED, dt.date(2023, 9, 5 + index), "", "公司多次变更，新登记地址仍无法送达", None)
            )
    others_interviewed = [c for c in interviewed if c not in reachable]
    # The campaigns went where receipts were to be had: the projects with the most units owing less than
    # the seed's average per household (older sales at the lower standards), so that the seed's households
    # and amount can be one set of whole units (`_plan_evidence`).
    per_household = EVIDENCE_AMOUNT // EVIDENCE_HOUSEHOLDS
    by_small = sorted(others_interviewed, key=lambda c: (-sum(1 for u in c.units if u[3] < per_household), c.name))
    evidence_cases = sued + by_small[: n_evidence - len(sued)]
    transferred = [c for c in evidence_cases if c not in sued][:n_transferred]
    joint = (auctioned + [c for c in others_interviewed if c not in transferred])[: count(JOINT_INTERVIEWED)]
    for index, case in enumerate(interviewed):
        if case in joint:
            case.actions.append(
                (rules.JOINT_INTERVIEW, JOINT_DAY, POLICE_TAX, "联合公安机关、税务机关集中约谈开发企业负责人", None)
            )
        elif case not in transferred:
            notice_day = case.actions[0][1]
            day = min(notice_day + dt.timedelta(days=35 + index % 90), dt.date(YEAR, 12, 20))
            case.actions.append((rules.INTERVIEW, day, "开发企业法定代表人", "约谈开发企业，责令限期缴存", None))
    for index, case in enumerate(transferred):
        case.actions.append((rules.TRANSFER, dt.date(2023, 10, 9 + index), URBAN, "移交行政追缴项目证据材料", None))
        case.actions.append(
            (rules.JOINT_INTERVIEW, dt.date(2023, 11, 6 + index), URBAN, "联合城管部门约谈开发企业", None)
        )
    for case in sued:
        case.actions.append((rules.CIVIL_SUIT, dt.date(2023, 10, 16), LAW_FIRM, "资料移交律所，启动民事诉讼追缴", None))

    # Evidence from the two campaigns: units of the evidence projects, as many as the seed's households and
    # owing together its amount. A tiny city still covers one household per evidence project.
    households = max(round(EVIDENCE_HOUSEHOLDS * ctx.scale), len(evidence_cases))
    _plan_evidence(ctx, evidence_cases, households, round(EVIDENCE_AMOUNT * ctx.scale))
    _plan_auctions(ctx, auctioned, round(FAILED_AUCTION_AMOUNT * ctx.scale))
    payers = [c for c in interviewed if c not in sued and c not in auctioned] + notice_only
    rng.shuffle(payers)
    shortfall = _plan_recoveries(payers, planned_recovery_fen(ctx.scale))
    _write(ctx, all_cases, shortfall)


def _unremitted(projects: Sequence[tuple[int, str, int | None, bool]]) -> dict[str, CasePlan]:
    """Per project, the units sold to a person before the year whose deposit never reached the fund."""
    table: dict[tuple[str, str], list[tuple[dt.date, Decimal]]] = defaultdict(list)
    for standard in DepositStandard.objects.order_by("effective_from"):
        table[(standard.building_type, standard.use_class)].append((standard.effective_from, standard.rate))
    plans = {
        pk: CasePlan(pk, name, developer, bool(unreachable))
        for pk, name, developer, unreachable in projects
        if developer is not None
    }
    rows = (
        Ownership.objects.filter(
            Q(end__isnull=True),
            person__isnull=False,
            start__lte=SOLD_BEFORE,
            unit__fund_account__first_deposit=0,
            unit__fund_account__balance=0,
        )
        .order_by("unit__code")
        .values_list(
            "unit_id",
            "unit__fund_account__id",
            "unit__code",
            "unit__project_id",
            "start",
            "unit__area",
            "unit__use",
            "unit__building__floors",
            "unit__building__lift_count",
        )
    )
    for unit, account, code, project, sold, area, use, floors, lifts in rows.iterator(chunk_size=10_000):
        rates = table[(str(deposits.building_type_of(lifts, floors)), str(deposits.use_class_of(use)))]
        if project not in plans or not rates:
            continue
        index = max(bisect.bisect_right([day for day, _ in rates], sold) - 1, 0)
        owed = fund_rules.deposit_amount(area, rates[index][1])
        plans[project].units.append((unit, account, code, int(owed * 100)))
    return {plan.name: plan for plan in plans.values() if plan.units}


def _split(total: int, weights: dict[int, int]) -> dict[int, int]:
    """Whole numbers (households, fen) split by weights, largest remainders, never above a weight."""
    total = min(total, sum(weights.values()))
    if total <= 0:
        return dict.fromkeys(weights, 0)
    parts = apportion(from_fen(total), {key: Decimal(weight) for key, weight in weights.items()})
    return {key: int(part * 100) for key, part in parts.items()}


def _plan_evidence(ctx: Context, cases: list[CasePlan], households: int, amount: int) -> None:
    """Which units the evidence covers: `households` units of the evidence projects (each project at least
    one) owing `amount` fen together. The KPIs count distinct units covered and what they owe, so the seed's
    two figures are one set of units: its smallest unit per project, then a run of units of similar amounts
    in amount order whose sum is nearest below the rest, then one swap with a unit outside the run that
    closes the gap to the fen. Where no swap closes it (a small city), the run's sum stands and the step
    says so."""
    pool = sorted((fen, code, c, u) for c, case in enumerate(cases) for u, (_, _, code, fen) in enumerate(case.units))
    if not pool:
        return
    forced: dict[int, tuple[int, str, int, int]] = {}
    for unit in pool:
        forced.setdefault(unit[2], unit)
    rest = [unit for unit in pool if unit not in forced.values()]
    count = min(max(households, len(forced)) - len(forced), len(rest))
    goal = amount - sum(unit[0] for unit in forced.values())
    chosen = _run_with_sum(rest, count, goal)
    if sum(unit[0] for unit in chosen) != goal:
        got = from_fen(sum(unit[0] for unit in chosen) + amount - goal)
        ctx.out.write(f"  evidence covers {got} (the plan's {from_fen(amount)} is not a sum of its units)\n")
    for _, _, c, u in [*forced.values(), *chosen]:
        cases[c].covered.append(u)


def _run_with_sum(units: list[tuple[int, str, int, int]], count: int, goal: int) -> list[tuple[int, str, int, int]]:
    """`count` of the units (sorted by amount) owing `goal` fen together when one swap gets there, else the
    run nearest below the goal (or the smallest run when every run is above it)."""
    if count <= 0:
        return []
    prefix = [0]
    for unit in units:
        prefix.append(prefix[-1] + unit[0])
    runs = len(units) - count + 1
    # Run sums grow with their start: the last start whose run is not above the goal.
    best = max(bisect.bisect_right([prefix[i + count] - prefix[i] for i in range(runs)], goal) - 1, 0)
    for start in range(best, max(best - 200, -1), -1):
        gap = goal - (prefix[start + count] - prefix[start])
        if gap == 0:
            return units[start : start + count]
        outside = {unit[0]: index for index, unit in enumerate(units) if not start <= index < start + count}
        for index in range(start, start + count):
            swap = outside.get(units[index][0] + gap)
            if swap is not None:
                run = units[start : start + count]
                run[index - start] = units[swap]
                return run
    return units[best : best + count]


def _plan_auctions(ctx: Context, cases: list[CasePlan], amount: int) -> None:
    """The auctions and their failures. The arrears a failed auction involves are split over the auctioned
    cases by what each owes, and never exceed what the developer owes (the action refuses more). Where the
    generated registry leaves the auctioned projects owing less than the seed's amount, each gets a block of
    shops sold before the auction whose deposits the developer also kept (`_add_shops`)."""
    if not cases:
        return
    total = sum(c.owed for c in cases)
    if total < amount:
        for case in cases:
            _add_shops(case, -(-amount * case.owed // total) - case.owed)
    weights = {i: Decimal(c.owed) for i, c in enumerate(cases)}
    amounts = {i: int(part * 100) for i, part in apportion(from_fen(amount), weights).items()}
    for i, case in enumerate(cases):
        started, failures = AUCTIONS[case.name]
        case.actions.append((rules.AUCTION_STARTED, started, "市公共资源交易中心", "启动抵押资产拍卖程序", None))
        for number, day in enumerate(failures, start=1):
            note = f"抵押资产第{number}次拍卖流拍，无平台公司兜底接拍"
            case.actions.append((rules.FAILED_AUCTION, day, "市公共资源交易中心", note, amounts[i] or None))


def _add_shops(case: CasePlan, fen: int) -> None:
    """A block of shops (商铺) in the case's project, sold to persons in 2012–2019, whose deposits the
    developer collected and kept: at least `fen` owed in all. Registry rows and their (empty) ledgers."""
    if fen <= 0:
        return
    # Its own generator: drawing from ctx.rng would change what every later step draws.
    rng = random.Random(f"arrears-shops-{case.project}")
    project = Project.objects.get(pk=case.project)
    numbers = set(Building.objects.filter(project=project).values_list("number", flat=True))
    number = str(next(n for n in range(len(numbers) + 1, len(numbers) + 1000) if str(n) not in numbers))
    rates = list(
        DepositStandard.objects.filter(
            building_type=deposits.building_type_of(0, 2), use_class=deposits.use_class_of(Unit.Use.SHOP)
        )
        .order_by("effective_from")
        .values_list("effective_from", "rate")
    )
    if not rates:
        return
    (building,) = registry_actions.register_buildings(
        None, [Building(project=project, number=number, floors=2, lift_count=0)]
    )
    owners = list(Person.objects.order_by("pk").values_list("pk", flat=True)[:20_000])
    units: list[NewUnit] = []
    sold: list[dt.date] = []
    owed = 0
    while owed < fen:
        floor, room = divmod(len(units), 40)
        area = Decimal(rng.randrange(6000, 18000)) / 100
        day = dt.date(2012, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 8))
        rate = rates[max(bisect.bisect_right([d for d, _ in rates], day) - 1, 0)][1]
        owed += int(fund_rules.deposit_amount(area, rate) * 100)
        code = f"{project.code}-{number}-1-{floor + 1}{room + 1:02d}"
        units.append(
            NewUnit(code, project.pk, building.pk, "1", f"{floor + 1}{room + 1:02d}", floor + 1, area, Unit.Use.SHOP)
        )
        sold.append(day)
    ids = registry_actions.register_units(None, units)
    registry_actions.open_ownerships(
        None,
        (NewHolding(ids[unit.code], rng.choice(owners), None, day) for unit, day in zip(units, sold, strict=True)),
    )
    accounts.ensure_unit_accounts()
    ledgers = dict(Account.objects.filter(unit__in=ids.values()).values_list("unit_id", "pk"))
    for unit, day in zip(units, sold, strict=True):
        rate = rates[max(bisect.bisect_right([d for d, _ in rates], day) - 1, 0)][1]
        unit_id = ids[unit.code]
        case.units.append((unit_id, ledgers[unit_id], unit.code, int(fund_rules.deposit_amount(unit.area, rate) * 100)))
    audit.record(
        None,
        AuditEvent.Action.IMPORT,
        model="registry.Unit",
        object_repr=f"{project.name} {number}栋商铺",
        after={"building": number, "units": len(units), "owed": str(from_fen(owed))},
        note="anju demo：流拍项目的开发企业代收未缴的商铺维修资金",
    )


def _plan_recoveries(cases: list[CasePlan], total: int) -> int:
    """Whole cases paid up while they fit, then part of the next; returns what could not be placed."""
    remaining = total
    for case in cases:
        if remaining <= 0:
            break
        paid = min(case.owed, remaining)
        case.recovered = paid
        last = max(day for _, day, *_ in case.actions)
        case.recovered_on = min(last + dt.timedelta(days=21), dt.date(YEAR, 12, 29))
        remaining -= paid
    return remaining


def _write(ctx: Context, cases: list[CasePlan], shortfall: int) -> None:
    """Enter the plan through the line's actions: target, meetings, then the cases set-based."""
    actions.set_target(
        None,
        year=YEAR,
        amount=from_fen(round(TARGET * ctx.scale)),
        issued_by="怀化市物业专项维修资金追缴工作办公室",
        document="怀追缴办〔2023〕1号",
    )
    for number, month in enumerate((2, 3, 4, 5, 6, 7, 8, 9, 10, 11)[:MEETINGS], start=1):
        actions.record_meeting(
            None,
            date=dt.date(YEAR, month, 8 + number % 3 * 5),
            title=f"维修资金追缴专题调度会（第{number}次）",
            attendees="中心领导、住房保障服务站、人事财务部",
            decisions="通报追缴进度，挂图作战，逐项目明确责任人和时限",
        )
    evidence = 0
    past = []
    for case in cases:
        proof = None
        if case.covered:
            proof = actions.PastEvidence(
                CAMPAIGNS[evidence % 2],
                f"{case.name}开发企业代收业主维修资金收据及契税缴纳凭证（攻坚行动）",
                case.covered,
            )
            evidence += 1
        past.append(
            actions.PastCase(
                developer_id=case.developer,
                project_id=case.project,
                name=case.name,
                opened_on=dt.date(YEAR, 2, 20),
                note="开发企业代收业主维修资金未缴存",
                items=[actions.PastItem(unit, account, code, from_fen(fen)) for unit, account, code, fen in case.units],
                steps=[
                    actions.PastStep(kind, day, participants, note, from_fen(amount) if amount else None)
                    for kind, day, participants, note, amount in case.actions
                ],
                evidence=proof,
                recovered=from_fen(case.recovered),
                recovered_on=case.recovered_on,
            )
        )
    bank = ctx.data["fund_banks"][0]  # type: ignore[index]
    loaded = actions.load_cases(None, past, year=YEAR, bank=bank, note="演示数据：2023年维修资金追缴入库")
    figures = queries.kpi_values(YEAR)
    ctx.out.write(f"  cases: {len(loaded.cases)}, units owed: {loaded.items}, recoveries: {loaded.recoveries}\n")
    ctx.out.write("  " + "  ".join(f"{code} {value}" for code, value in figures.items()) + "\n")
    if shortfall:
        ctx.out.write(f"  recoveries short of the plan by {from_fen(shortfall)} (too few arrears in a small city)\n")


def register_steps() -> None:
    register(Step(40, "arrears recovery", build_arrears))
