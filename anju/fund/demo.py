"""The demo city's maintenance fund (物业专项维修资金), 2008 to January 2024.

Deposits: each sold unit's first deposit is its floor area × the published standard in effect on
the sale date; the developer collects it from the buyers and remits each project's collections to
the special account once a year on the project's own date (代收汇缴). Developers pay for part of
their unsold units; some collections are never remitted (the arrears the center pursues). Uses:
repairs of a building's or an entrance's shared parts, apportioned by floor area and never more than
a unit holds. Interest: every 31 December, by accumulated daily balances (积数), a share kept in the
pooled account from 2019 on.

The seed report's 2023 figures (KPIS.md) are met by calibration, with targets proportional to the
scale: which remittances were made (whole ones, then part of one), each year's repair budget (the
last repair of a period takes the remainder to the fen) and the interest factor (the last year takes
the remainder). Every write goes through the fund's actions: standards (`deposits.create_standard`),
bank accounts and first deposits (`accounts`), deposits and repairs through `ledger.post_many` a year
at a time (one entry per bank transaction), each year's interest through `interest.credit_interest`
(set-based, with the 积数 the plan holds). Each repair paid then gets its use application (`demo_use`,
through `use.record_paid_history`), linked to its entry."""

from __future__ import annotations

import bisect
import datetime as dt
import math
import random
from collections import defaultdict
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models.base import ModelState

from anju.core import bulk
from anju.core.demokit import Step, register
from anju.core.fields import from_fen
from anju.fund import accounts, kpis, ledger, rules
from anju.fund.arrears.demo import planned_recovery_fen
from anju.fund.demo_plan import Plan, PlannedRepair, Posting, ProjectInfo, Repair, UnitInfo
from anju.fund.deposits import actions as deposits
from anju.fund.interest import actions as interest
from anju.fund.models import Account, JournalEntry, JournalLine
from anju.fund.use import demo as demo_use
from anju.lib.money import apportion, round_fen
from anju.registry.models import Enterprise, Ownership, Project, Unit

if TYPE_CHECKING:
    from anju.core.demokit import Context

REPORT_YEAR = 2023
FIRST_YEAR = 2008
CUTOFF = dt.date(REPORT_YEAR + 1, 1, 31)  # the demo fund's last day: the seed's 截止2024年1月底
YEAR_START = dt.date(REPORT_YEAR, 1, 1)
YEAR_END = dt.date(REPORT_YEAR, 12, 31)

# The seed's 2023 figures at scale 1.0, in fen (KPIS.md); each lands inside its precision band.
TARGET_COLLECTED = 134_000_000_00
TARGET_COLLECTED_CUMULATIVE = 1_956_000_000_00
TARGET_DISBURSED = 6_657_500_00
TARGET_DISBURSED_CUMULATIVE = 74_445_200_00
TARGET_INCOME_CUMULATIVE = 220_000_000_00
# Repairs paid in January 2024: in the cumulative figure only.
JANUARY_USES = 318_640_00
FIRST_USE_YEAR = 2012

STANDARD_DATES = (dt.date(2008, 1, 1), dt.date(2012, 7, 1), dt.date(2016, 7, 1), dt.date(2020, 7, 1))
STANDARD_BASES = (
    "怀化市物业专项维修资金交存标准（2008年）",
    "怀化市物业专项维修资金交存标准调整（2012年）",
    "怀化市物业专项维修资金交存标准调整（2016年）",
    "怀化市物业专项维修资金交存标准调整（2020年）",
)
# 元/m² by (building type, use), one rate per date above: 5%–8% of the construction cost per m².
STANDARD_RATES: dict[tuple[str, str], tuple[int, ...]] = {
    ("multi_storey", "residential"): (55, 66, 77, 80),
    ("high_rise", "residential"): (75, 90, 105, 110),
    ("multi_storey", "non_residential"): (70, 85, 100, 105),
    ("high_rise", "non_residential"): (95, 115, 135, 145),
}

# (bank, special account number, opened, transaction id prefix): the second bank holds a quarter of
# the projects' deposits from 2016.
BANKS = (
    ("中国建设银行怀化分行", "43050170000000000001", dt.date(2008, 1, 2), "CCB"),
    ("中国工商银行怀化分行", "1916020129200088888", dt.date(2016, 3, 1), "ICBC"),
)
# One-year deposit benchmark rates (%) by year; the fund earns a fixed fraction of them (a mix of
# demand and time deposits), solved so the years add up to the target.
BENCHMARK_RATES = {
    2008: 3.60,
    2009: 2.25,
    2010: 2.40,
    2011: 3.25,
    2012: 3.10,
    2013: 3.00,
    2014: 2.90,
    2015: 2.00,
    2016: 1.50,
    2017: 1.50,
    2018: 1.50,
    2019: 1.50,
    2020: 1.50,
    2021: 1.50,
    2022: 1.45,
    2023: 1.30,
}
POOLED_FROM = 2019
POOLED_PERCENT = Decimal("10")
# The projects the seed names in its arrears work (a lawsuit, failed auctions): the least punctual.
LATE_PAYERS = ("金御名都", "怀化电器大市场", "现代农机物流中心")
DEVELOPER_PAYS = 0.6  # share of projects whose developer paid for its unsold units
WARRANTY_DAYS = 2 * 365
USE_SHARE_CAP = 0.5  # a repair takes at most half of what its units hold


REPAIRS = (
    Repair("电梯主机维修", 20_000, 150_000, entrance_only=True, needs_lift=True, emergency=True),
    Repair("电梯整机更换", 300_000, 600_000, entrance_only=True, needs_lift=True),
    Repair("屋面防水维修", 30_000, 200_000, emergency=True),
    Repair("外墙脱落修复", 50_000, 400_000, emergency=True),
    Repair("供水管网改造", 40_000, 250_000),
    Repair("消防设施维修", 20_000, 150_000, emergency=True),
    Repair("二次供水设备更换", 50_000, 300_000, needs_lift=True),
    Repair("化粪池及排污管道改造", 10_000, 80_000),
    Repair("单元门禁及楼道照明维修", 5_000, 40_000, entrance_only=True),
)


def build_fund(ctx: Context) -> None:
    """The demo step: standards, special accounts, unit ledgers, deposits, repairs and interest."""
    standards = _create_standards()
    banks = _open_banks()
    # The ledgers' and lines' secondary indexes are built once the 16 years are posted (PostgreSQL).
    with bulk.unlogged(Account), bulk.indexes_built_after(Account, JournalLine):
        ctx.out.write(f"  unit ledgers opened: {accounts.ensure_unit_accounts()}\n")
        bulk.analyze(Unit, Ownership, Account)
        units, sale_dates, developer_held, projects = _load_units()
        plan = Plan(units, projects, banks)
        _plan_deposits(ctx, plan, standards, sale_dates, developer_held)
        _plan_uses(ctx, plan)
        _plan_interest(ctx, plan)
        # Before the postings: on PostgreSQL every balance update leaves a dead row version behind.
        _set_first_deposits_and_dates(plan, sale_dates)
        _post(ctx, plan)
    bulk.analyze(Account, JournalEntry, JournalLine)
    demo_use.build_use_applications(ctx, plan, closed_before=YEAR_START)
    figures = "  ".join(f"{code} {value}" for code, value in kpis.values(REPORT_YEAR).items())
    ctx.out.write(f"  before the arrears step's 2023 recoveries: {figures}\n")
    ctx.data["fund_banks"] = banks


# --- reference data ---------------------------------------------------------------------------


def _create_standards() -> dict[tuple[str, str], list[tuple[dt.date, int]]]:
    """The published standards, and per (type, use) the (effective date, fen per m²) list."""
    table: dict[tuple[str, str], list[tuple[dt.date, int]]] = {}
    for (building_type, use_class), rates in STANDARD_RATES.items():
        table[(building_type, use_class)] = [(day, rate * 100) for day, rate in zip(STANDARD_DATES, rates, strict=True)]
        for day, rate, basis in zip(STANDARD_DATES, rates, STANDARD_BASES, strict=True):
            deposits.create_standard(
                None,
                building_type=building_type,
                use_class=use_class,
                effective_from=day,
                rate=Decimal(rate),
                basis=basis,
            )
    return table


def _open_banks() -> list[Account]:
    banks = []
    for bank_name, number, opened, _prefix in BANKS:
        account = accounts.open_bank_account(None, bank_name=bank_name, number=number, opened=opened)
        banks.append(account)
    return banks


def _load_units() -> tuple[list[UnitInfo], dict[int, dt.date], set[int], dict[int, ProjectInfo]]:
    """Every unit with its ledger and standard class (in code order); sale dates; developer-held units."""
    account_of = dict(Account.objects.filter(kind=Account.Kind.UNIT).values_list("unit_id", "pk"))
    unreachable = set(Enterprise.objects.filter(unreachable=True).values_list("pk", flat=True))
    projects = {
        pk: ProjectInfo(pk, code, name, index, developer in unreachable)
        for index, (pk, code, name, developer) in enumerate(
            Project.objects.order_by("code").values_list("pk", "code", "name", "developer_id")
        )
    }
    sale_dates: dict[int, dt.date] = {}
    developer_held: set[int] = set()
    for unit_id, start, enterprise_id in Ownership.objects.filter(end__isnull=True).values_list(
        "unit_id", "start", "enterprise_id"
    ):
        sale_dates[unit_id] = start
        if enterprise_id is not None:
            developer_held.add(unit_id)
    units = []
    standard_of: dict[tuple[int, int | None, str], tuple[str, str]] = {}
    rows = Unit.objects.values_list(
        "pk",
        "code",
        "project_id",
        "building_id",
        "entrance",
        "area",
        "use",
        "building__floors",
        "building__lift_count",
    )
    for pk, code, project_id, building_id, entrance, area, use, floors, lifts in rows.iterator(chunk_size=10_000):
        standard = standard_of.get((lifts, floors, use))
        if standard is None:
            standard = (str(deposits.building_type_of(lifts, floors)), str(deposits.use_class_of(use)))
            standard_of[(lifts, floors, use)] = standard
        units.append(UnitInfo(pk, account_of[pk], code, project_id, building_id, entrance, area, standard, lifts))
    # Python's order, not the database collation's: interest ties go by code as apportion sorts them.
    units.sort(key=lambda info: info.code)
    return units, sale_dates, developer_held, projects


def _rate(table: list[tuple[dt.date, int]], day: dt.date) -> int:
    """The standard in effect on the day, in fen per m² (the first one before it took effect)."""
    index = bisect.bisect_right(table, (day, math.inf)) - 1  # after every rate dated on or before the day
    return table[max(index, 0)][1]


def _deposit_fen(area: Decimal, rate_fen: int) -> int:
    """rules.deposit_amount in integers: area × rate, half up to the fen."""
    return (int(area * 100) * rate_fen + 50) // 100


def _working_day(day: dt.date) -> dt.date:
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def _fen(amount: Decimal) -> int:
    return int(amount * 100)


# --- deposits ---------------------------------------------------------------------------------


def _plan_deposits(
    ctx: Context,
    plan: Plan,
    standards: dict[tuple[str, str], list[tuple[dt.date, int]]],
    sale_dates: dict[int, dt.date],
    developer_held: set[int],
) -> None:
    """Remittances per project and year, developers' payments, then which remittances were made."""
    rng = ctx.rng
    projects = plan.projects
    anniversary = {pk: (rng.randint(1, 12), rng.randint(1, 28)) for pk in projects}
    reliability = {pk: (1.0 if p.name in LATE_PAYERS else rng.random()) for pk, p in projects.items()}
    remittances: dict[tuple[int, dt.date], list[UnitInfo]] = defaultdict(list)
    developer_units: dict[int, list[UnitInfo]] = defaultdict(list)
    for info in plan.units:
        # Developers that cannot be reached never remitted anything.
        if projects[info.project].unreachable or info.unit not in sale_dates:
            continue
        if info.unit in developer_held:
            developer_units[info.project].append(info)
            continue
        sold = sale_dates[info.unit]
        info.fen = _deposit_fen(info.area, _rate(standards[info.standard], sold))
        month, day = anniversary[info.project]
        remit_on = dt.date(sold.year, month, day)
        remit_on = _working_day(remit_on if remit_on > sold else dt.date(sold.year + 1, month, day))
        if remit_on <= CUTOFF:
            remittances[(info.project, remit_on)].append(info)

    # What earlier steps posted counts too, and so do the recoveries the arrears step posts in the year.
    fixed_year = _fen(kpis.collected(REPORT_YEAR)) + planned_recovery_fen(ctx.scale)
    fixed_cumulative = _fen(kpis.collected_cumulative(REPORT_YEAR)) + planned_recovery_fen(ctx.scale)
    for project_id in sorted(developer_units):
        if rng.random() >= DEVELOPER_PAYS:
            continue
        month, day = anniversary[project_id]
        paid_on = _working_day(dt.date(rng.randint(FIRST_YEAR + 1, REPORT_YEAR - 1), month, day))
        units = developer_units[project_id]
        for info in units:
            info.fen = _deposit_fen(info.area, _rate(standards[info.standard], paid_on))
        fixed_cumulative += _receive(
            plan,
            paid_on,
            JournalEntry.Kind.DEVELOPER_DEPOSIT,
            units,
            f"{projects[project_id].name} 开发企业未售房屋维修资金交存（{len(units)}套）",
        )

    periods: dict[str, list[tuple[float, tuple[int, dt.date]]]] = defaultdict(list)
    for key in remittances:
        project_id, remit_on = key
        period = "before" if remit_on < YEAR_START else "year" if remit_on <= YEAR_END else "january"
        periods[period].append((reliability[project_id] + rng.random() * 0.5, key))
    due = sum(info.fen for units in remittances.values() for info in units)

    def keep_made(period: str, target: int | None) -> int:
        """Keep the remittances made: the most punctual first, up to the target."""
        ordered = [remittances[key] for _, key in sorted(periods[period])]
        made = _choose(ordered, target)
        for units in ordered:
            units[:] = [info for info in units if id(info) in made]
        return sum(info.fen for units in ordered for info in units)

    january = keep_made("january", None)
    year = keep_made("year", max(0, round(TARGET_COLLECTED * ctx.scale) - fixed_year))
    keep_made("before", max(0, round(TARGET_COLLECTED_CUMULATIVE * ctx.scale) - fixed_cumulative - year - january))
    for (project_id, remit_on), units in sorted(remittances.items(), key=lambda item: (item[0][1], item[0][0])):
        if units:
            _receive(
                plan,
                remit_on,
                JournalEntry.Kind.DEPOSIT,
                units,
                f"{projects[project_id].name} 首期维修资金代收汇缴（{len(units)}户）",
            )
    unpaid = 0
    for info in plan.units:
        if info.paid_on is None:
            info.fen = 0
            unpaid += 1
    remitted = sum(info.fen for units in remittances.values() for info in units)
    ctx.out.write(
        f"  deposits: developers remitted {remitted / 100:,.2f} of {due / 100:,.2f} 元 collected; "
        f"{unpaid} of {len(plan.units)} units without a deposit\n"
    )


def _choose(remittances: Sequence[Sequence[UnitInfo]], target: int | None) -> set[int]:
    """Whole remittances in order while they fit the target, then the units of the next one that fit."""
    chosen: set[int] = set()
    total = 0
    for units in remittances:
        subtotal = sum(info.fen for info in units)
        if target is None or total + subtotal <= target:
            chosen |= {id(info) for info in units}
            total += subtotal
            continue
        for info in units:
            if total + info.fen <= target:
                chosen.add(id(info))
                total += info.fen
        break
    return chosen


def _bank_for(plan: Plan, project_id: int, day: dt.date) -> Account:
    second = plan.projects[project_id].index % 4 == 3 and day >= BANKS[1][2]
    return plan.banks[1 if second else 0]


def _receive(plan: Plan, day: dt.date, kind: str, units: Iterable[UnitInfo], memo: str) -> int:
    units = list(units)
    posting = Posting(day, 0, kind, memo, _bank_for(plan, units[0].project, day).pk)
    total = 0
    for info in units:
        info.paid_on = day
        posting.lines.append((info.account, -info.fen))
        total += info.fen
    posting.lines.insert(0, (posting.bank, total))
    plan.postings.append(posting)
    plan.unit_flows[day.toordinal()] += total
    return total


# --- uses -------------------------------------------------------------------------------------


def _plan_uses(ctx: Context, plan: Plan) -> None:
    """Repairs paid from the accounts of a building's (or an entrance's) units, from 2012 on."""
    rng = ctx.rng
    january = round(JANUARY_USES * ctx.scale)
    year = round(TARGET_DISBURSED * ctx.scale)
    before = round(TARGET_DISBURSED_CUMULATIVE * ctx.scale) - year - january
    # Few buildings are out of warranty and hold much in the early years: budgets grow with the stock.
    weights = {y: Decimal(3 + 3 * (y - FIRST_USE_YEAR)) for y in range(FIRST_USE_YEAR, REPORT_YEAR)}
    budgets = {y: _fen(part) for y, part in apportion(from_fen(max(before, 0)), weights).items()}
    budgets[REPORT_YEAR] = year
    buildings: dict[int, list[UnitInfo]] = defaultdict(list)
    for info in plan.units:
        if info.paid_on is not None:
            buildings[info.building].append(info)
    with_lifts = sorted(b for b, units in buildings.items() if units[0].lifts)
    candidates = (sorted(buildings), with_lifts)
    payments: list[tuple[dt.date, int, Repair]] = []
    for budget_year, budget in sorted(budgets.items()):
        payments.extend(_repair_payments(rng, budget, dt.date(budget_year, 1, 1), dt.date(budget_year, 12, 31)))
    payments.extend(_repair_payments(rng, january, dt.date(REPORT_YEAR + 1, 1, 2), CUTOFF))
    carry = 0
    count = 0
    for index, (day, planned, repair) in enumerate(payments):
        # What one building cannot bear goes to others; what a period could not place at all (small
        # scales) rolls into its next payment.
        period_end = CUTOFF if day > YEAR_END else dt.date(day.year, 12, 31)
        is_last = index + 1 == len(payments) or payments[index + 1][0] > period_end
        remaining = planned + carry
        for _ in range(40 if is_last else 3):
            placed = _place_repair(rng, plan, buildings, candidates, day, remaining, repair, count + 1)
            count += placed > 0
            remaining -= placed
            if remaining <= 0 or placed == 0:
                break
        carry = 0 if is_last else remaining
    ctx.out.write(f"  repairs paid: {count}\n")


def _repair_payments(
    rng: random.Random, budget: int, first: dt.date, last: dt.date
) -> list[tuple[dt.date, int, Repair]]:
    """Repairs from the catalogue with costs rescaled to add up to the budget exactly (whole yuan, the
    remainder to the last), on working days in [first, last]."""
    if budget <= 0:
        return []
    drawn: list[tuple[Repair, int]] = []
    while sum(cost for _, cost in drawn) < budget:
        repair = rng.choice(REPAIRS)
        drawn.append((repair, rng.randint(repair.low, repair.high) * 100))
    total = sum(cost for _, cost in drawn)
    costs = [max(100, cost * budget // total // 100 * 100) for _, cost in drawn]
    costs[-1] = budget - sum(costs[:-1])
    while costs[-1] <= 0 and len(costs) > 1:
        costs.pop()
        costs[-1] = budget - sum(costs[:-1])
    span = (last - first).days
    days = sorted(min(_working_day(first + dt.timedelta(days=rng.randint(0, span))), last) for _ in costs)
    return [(day, cost, repair) for day, cost, (repair, _) in zip(days, costs, drawn, strict=False)]


def _place_repair(
    rng: random.Random,
    plan: Plan,
    buildings: dict[int, list[UnitInfo]],
    candidates: tuple[list[int], list[int]],
    day: dt.date,
    cost: int,
    repair: Repair,
    number: int,
) -> int:
    """Pay the repair from a building (or entrance) out of warranty that can bear it; returns the fen
    placed (less than the cost when no building can bear it all)."""
    pool = candidates[1] if repair.needs_lift else candidates[0]
    if cost <= 0 or not pool:
        return 0
    warranty_end = day - dt.timedelta(days=WARRANTY_DAYS)
    best: tuple[int, list[UnitInfo]] = (0, [])
    for _attempt in range(60):
        members = [
            i
            for i in buildings[rng.choice(pool)]
            if i.paid_on is not None and i.paid_on <= warranty_end and i.fen > i.spent
        ]
        if repair.entrance_only and members:
            entrance = rng.choice(sorted({i.entrance for i in members}))
            members = [i for i in members if i.entrance == entrance]
        available = sum(i.fen - i.spent for i in members)
        if available > best[0]:
            best = (available, members)
        if cost <= available * USE_SHARE_CAP:
            break
    available, members = best
    cost = min(cost, int(available * USE_SHARE_CAP))
    if cost <= 0:
        return 0
    # Shares by floor area, exact to the fen; a unit that cannot bear its share is left out (its owner
    # pays directly) and the others share the cost again.
    while True:
        shares = {
            code: _fen(part) for code, part in apportion(from_fen(cost), {i.code: i.area for i in members}).items()
        }
        short = {i.code for i in members if shares[i.code] > i.fen - i.spent}
        if not short:
            break
        members = [i for i in members if i.code not in short]
    first = members[0]
    where = f"{plan.projects[first.project].name}{first.code.split('-')[1]}栋"  # codes are P0001-栋-单元-室
    if repair.entrance_only:
        where += f"{first.entrance}单元"
    bank = plan.banks[0].pk
    posting = Posting(
        day,
        1,
        JournalEntry.Kind.USE,
        f"{where}{repair.name}{'（应急使用）' if repair.emergency else ''}，第{number}号拨付",
        bank,
    )
    posting.lines.append((bank, -cost))
    for info in members:
        if shares[info.code]:
            info.spent += shares[info.code]
            posting.lines.append((info.account, shares[info.code]))
    plan.postings.append(posting)
    plan.repairs.append(PlannedRepair(posting, repair, number, where, members, shares))
    plan.unit_flows[day.toordinal()] -= cost
    return cost


# --- interest ---------------------------------------------------------------------------------


def _plan_interest(ctx: Context, plan: Plan) -> None:
    """Each year's interest: factor × benchmark rate × the unit accounts' average daily balance, the
    factor solved so the years add up to the target, the last year taking the remainder to the fen."""
    target = round(TARGET_INCOME_CUMULATIVE * ctx.scale) - _fen(kpis.income_cumulative(REPORT_YEAR))
    # 积数 of the deposits and repairs alone, per year; interest credited adds whole years to it.
    base: dict[int, int] = {}
    for year in range(FIRST_YEAR, REPORT_YEAR + 1):
        start, end = dt.date(year, 1, 1).toordinal(), dt.date(year, 12, 31).toordinal()
        base[year] = sum(fen * rules.line_weight(day, start, end) for day, fen in plan.unit_flows.items())

    def amounts(factor: float) -> dict[int, int]:
        result: dict[int, int] = {}
        credited = 0
        for year in range(FIRST_YEAR, REPORT_YEAR + 1):
            period = rules.days_in_year(year)
            amount = round(factor * BENCHMARK_RATES[year] / 100 * (base[year] + credited * period) / period)
            if amount > 0:
                result[year] = amount
                credited += amount - _fen(_pooled(year, from_fen(amount)))
        return result

    if target <= 0 or not amounts(1.0):
        return
    low, high = 0.0, 1.0
    while sum(amounts(high).values()) < target:
        high *= 2
    for _ in range(60):
        middle = (low + high) / 2
        low, high = (middle, high) if sum(amounts(middle).values()) < target else (low, middle)
    chosen = amounts(high)
    last = max(chosen)
    chosen[last] = target - sum(fen for year, fen in chosen.items() if year != last)
    plan.interest = {year: from_fen(fen) for year, fen in chosen.items() if fen > 0}


def _pooled(year: int, amount: Decimal) -> Decimal:
    return round_fen(amount * POOLED_PERCENT / 100) if year >= POOLED_FROM else Decimal("0.00")


# --- posting ----------------------------------------------------------------------------------


def _post(ctx: Context, plan: Plan) -> None:
    """Year by year: the deposits and repairs in date order, each its own entry with the bank's
    transaction id, then the year's interest on 31 December.

    The interest is posted by `interest.credit_interest`, the action `allocate_interest` uses, with the
    积数 (算头不算尾) computed from the balances the plan already holds rather than one aggregate query
    over the whole journal per year; the demo test checks them against the journal."""
    code_of = {info.account: info.code for info in plan.units}
    unit_stub = _unit_stubs(code_of)
    banks = {bank.pk: bank for bank in plan.banks}
    prefixes = {bank.pk: prefix for bank, (*_, prefix) in zip(plan.banks, BANKS, strict=True)}
    balances: dict[int, int] = defaultdict(int)  # fen in each unit ledger at the start of the year
    by_year: dict[int, list[Posting]] = defaultdict(list)
    for posting in plan.postings:
        by_year[posting.day.year].append(posting)
    total = len(plan.postings) + len(plan.interest)
    done = txn = 0
    # The planner's statistics of the journal are refreshed as it doubles, not every year: ANALYZE
    # samples the tables whole each time, and a year adds a small part of them after the first few.
    lines = analyzed = 0
    last_year = max(set(by_year) | set(plan.interest))
    for year in sorted(set(by_year) | set(plan.interest)):
        start, end = dt.date(year, 1, 1).toordinal(), dt.date(year, 12, 31).toordinal()
        period = end - start + 1
        day_sums = {account: balance * period for account, balance in balances.items() if balance}
        specs = []
        for posting in sorted(by_year[year], key=lambda p: (p.day, p.order)):
            txn += 1
            posting.txn_id = f"{prefixes[posting.bank]}{posting.day:%Y%m%d}{txn:06d}"
            legs = [ledger.Leg(banks[posting.bank], _yuan(posting.lines[0][1]))]
            for account, fen in posting.lines[1:]:
                legs.append(ledger.Leg(unit_stub[account], _yuan(fen)))
                # Unit ledgers are liabilities: money in is a credit (negative line).
                day_sums[account] = day_sums.get(account, 0) - fen * (end - posting.day.toordinal() + 1)
                balances[account] -= fen
            specs.append(
                ledger.EntrySpec(
                    posting.kind,
                    posting.day,
                    legs,
                    posting.memo,
                    bank_txn_id=posting.txn_id,
                )
            )
        if specs:
            ledger.post_many(specs, actor=None, note=f"演示数据：{year}年交存与维修使用")
            lines += sum(len(spec.legs) for spec in specs)
            if lines >= 2 * analyzed:
                bulk.analyze(Account, JournalEntry, JournalLine)
                analyzed = lines
            done += len(specs)
            ctx.progress("fund entries", done, total)
        if year in plan.interest:
            shares = _post_interest(year, plan.interest[year], plan.banks[0], day_sums, code_of)
            for account, share in shares.items():
                balances[account] += share
            lines += len(shares)
            # PostgreSQL: the year's versions of every ledger left behind; half of each page left free for
            # the next year's, but the last year's pages full.
            bulk.compact(Account, fillfactor=100 if year == last_year else 50)
            done += 1
            ctx.progress("fund entries", done, total)


def _unit_stubs(account_ids: Iterable[int]) -> dict[int, Account]:
    """The unit ledgers as the legs carry them (`post_many` reads their id and kind, and locks and reads
    the rows itself): copies of one unsaved ledger, without `Model.__init__` per ledger (which sets every
    field and its default, today's date among them, for each of 250k objects)."""
    template = Account(kind=Account.Kind.UNIT).__dict__
    stubs: dict[int, Account] = {}
    for pk in account_ids:
        stub = Account.__new__(Account)
        stub.__dict__.update(template, _state=ModelState(), id=pk)
        stubs[pk] = stub
    return stubs


def _yuan(fen: int) -> Decimal:
    """`from_fen` for an int: the same Decimal (two places), a third of the time."""
    return Decimal(fen).scaleb(-2)


def _post_interest(
    year: int, amount: Decimal, bank: Account, day_sums: dict[int, int], code_of: dict[int, str]
) -> dict[int, int]:
    """Post the year's interest through `interest.credit_interest` with the 积数 the plan holds; returns
    each unit ledger's share in fen."""
    weights = {code_of[account]: (account, weight) for account, weight in day_sums.items() if weight > 0}
    pooled_percent = POOLED_PERCENT if year >= POOLED_FROM else None
    result = interest.credit_interest(None, year, amount, weights=weights, bank=bank, pooled_percent=pooled_percent)
    return {account: _fen(part) for account, part in result.credits}


def _set_first_deposits_and_dates(plan: Plan, sale_dates: dict[int, dt.date]) -> None:
    """Each ledger's first deposit, and its opening date: the sale, or the deposit if that came first."""
    rows = []
    for info in plan.units:
        days = [d for d in (sale_dates.get(info.unit), info.paid_on) if d is not None]
        if days:
            rows.append((info.account, info.fen, min(days)))
    accounts.set_first_deposits(rows)


def register_steps() -> None:
    register(Step(30, "maintenance fund", build_fund))
