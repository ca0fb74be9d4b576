"""The demo city's public rental housing: the three estates (城东, 城南, 城北) with their homes and
shops, the households, and a whole 2023 of records from which every rental.* KPI of KPIS.md is
computed at the seed's precision.

Everything is planned in Python first (so unit areas can be fitted to the seed's rent totals), then
written with bulk inserts; the monthly bills come from the real billing action (`bill_month`)."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils import timezone
from stdnum.cn import uscc

from anju.core import bulk
from anju.core.demokit import Step, register
from anju.core.fields import to_fen
from anju.core.models import User
from anju.lib.pinyin import initials
from anju.registry.models import Building, Enterprise, Ownership, Person, Project, Unit
from anju.rental import actions, rules
from anju.rental.models import (
    Category,
    Draw,
    Exit,
    ExitEvent,
    Filing,
    Household,
    HouseholdMember,
    Inspection,
    InspectionPlan,
    Kind,
    Lease,
    Payment,
    RentalUnit,
    RentBill,
    RentRate,
    Repair,
    Review,
    UnitStateChange,
)

if TYPE_CHECKING:
    from anju.core.demokit import Context

YEAR = 2023
# The seed's 2023 figures (KPIS.md): scaled by homes at other scales.
HOMES, SHOPS = 5478, 200
HOUSEHOLDS, ALLOCATIONS, EXITS, FORCED = 5361, 264, 212, 36
EXIT_LEAD_DAYS = 12  # an exit is prepared this many days before its notice (审核、审批 in between)
COLLECTED_HOMES, COLLECTED_SHOPS = Decimal("5844200.00"), Decimal("2742700.00")
COLLECTION_RATE = Decimal("0.9953")
SHOP_RATE = Decimal("0.9981")
REVIEWS_DUE, REVIEWS_DONE = 5166, 5016
REPAIRS, REPAIR_COST = 285, Decimal("1122600.00")
INSPECTIONS, REINSPECTIONS = 1660, 540
FILINGS = 146
REVIEW_OPENS = dt.date(YEAR, 3, 20)  # before the first lottery's leases start
DRAW_SEED_SOURCE = "摇号当日中国福利彩票“快乐8”开奖号码（公证处记录）"
ESTATES = [("GZ-CD", "城东公租房小区", 0.37), ("GZ-CN", "城南公租房小区", 0.34), ("GZ-CB", "城北公租房小区", 0.29)]
HOME_RATES: dict[str, tuple[Decimal, Decimal]] = {  # category: (per m² per month, reduction %)
    Category.DIBAO: (Decimal("2.20"), Decimal("50")),
    Category.LOW_INCOME: (Decimal("2.20"), Decimal("20")),
    Category.MIGRANT: (Decimal("2.20"), Decimal("0")),
    Category.NEW_GRADUATE: (Decimal("2.20"), Decimal("0")),
    Category.MARKET: (Decimal("8.00"), Decimal("0")),
}
SHOP_PER_M2 = Decimal("30.00")
CATEGORY_MIX = [(Category.DIBAO, 25), (Category.LOW_INCOME, 40), (Category.MIGRANT, 30), (Category.NEW_GRADUATE, 5)]
VENDORS = [
    "怀化市安顺房屋维修有限公司",
    "湖南鹤城建筑修缮工程有限公司",
    "怀化市宏兴水电安装有限公司",
    "怀化市城通防水工程有限公司",
]
SHOP_TRADES = ["便利店", "餐馆", "药房", "理发店", "五金店", "水果店", "早餐店"]
REPAIR_WORK = [
    "卫生间漏水维修",
    "屋面防水补漏",
    "下水管道疏通",
    "入户门锁更换",
    "楼道照明维修",
    "外墙脱落修补",
    "水表更换",
    "窗户玻璃更换",
]


@dataclass
class PlannedUnit:
    id: int
    code: str
    kind: str
    area: Decimal
    history: list[tuple[str, dt.date, str]] = field(default_factory=list)


@dataclass
class PlannedLease:
    id: int
    unit: PlannedUnit
    household: int | None
    tenant: str
    category: str
    start: dt.date
    end: dt.date
    ended_on: dt.date | None = None
    draw: int | None = None

    @property
    def months(self) -> int:
        return rules.billed_months(YEAR, self.start, self.ended_on)


def _term_end(start: dt.date, years: int) -> dt.date:
    """The day before the term's anniversary (a term from 29 February runs to the end of February)."""
    try:
        anniversary = start.replace(year=start.year + years)
    except ValueError:  # 29 February in a common year
        anniversary = dt.date(start.year + years, 3, 1)
    return anniversary - dt.timedelta(days=1)


def _waiting_since(row: list[object]) -> dt.date:
    since = row[13]
    assert isinstance(since, dt.date)
    return since


def _day(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    return first + dt.timedelta(days=rng.randrange(0, (last - first).days + 1))


OWNER_NAME = "怀化市住房保障服务中心"
OWNED_SINCE = dt.date(2012, 1, 1)


def _owner() -> Enterprise:
    """The estates belong to the city, held by the center (a public institution: credit code 12…)."""
    code = "12431200MB1C20238"
    return Enterprise.objects.create(
        name=OWNER_NAME,
        uscc=code + uscc.calc_check_digit(code),
        legal_representative="张主任",
        address="怀化市鹤城区迎丰中路",
        initials=initials(OWNER_NAME),
    )


def _fit_areas(
    leases: list[PlannedLease], rates: dict[str, tuple[Decimal, Decimal]], target: Decimal, low: Decimal, high: Decimal
) -> Decimal:
    """Adjust the floor areas so the year's billed rent of the leases is within a yuan of the target
    (one unit's area is its lease's area); returns the billed total."""

    def rent(lease: PlannedLease) -> Decimal:
        per_m2, reduction = rates[lease.category]
        return rules.monthly_rent(lease.unit.area, per_m2, reduction) * lease.months

    total = sum((rent(lease) for lease in leases), Decimal(0))
    if total == 0:
        return total
    factor = target / total
    for lease in leases:
        lease.unit.area = min(high, max(low, (lease.unit.area * factor).quantize(rules.FEN)))
    total = sum((rent(lease) for lease in leases), Decimal(0))
    # Only units let once in the year: a home re-let after an exit carries two leases' rents.
    lets: dict[int, int] = {}
    for lease in leases:
        lets[lease.unit.id] = lets.get(lease.unit.id, 0) + 1
    billed = [lease for lease in leases if lease.months and lets[lease.unit.id] == 1]
    for index in range(len(billed) * 4):
        diff = target - total
        if abs(diff) < 1:
            break
        lease = billed[index % len(billed)]
        per_m2, reduction = rates[lease.category]
        step = per_m2 * (100 - reduction) / 100 * lease.months
        delta = max(Decimal("-3"), min(Decimal("3"), diff / step)).quantize(rules.FEN)
        area = min(high, max(low, lease.unit.area + delta))
        before = rent(lease)
        lease.unit.area = area
        total += rent(lease) - before
    return sum((rent(lease) for lease in leases), Decimal(0))


def build_rental(ctx: Context) -> None:
    from anju.core.demokit import names
    from anju.core.demokit.ids import make_resident_id

    rng = random.Random(20230501)
    now = timezone.now()
    homes_n = ctx.n(HOMES, minimum=12)
    ratio = Decimal(homes_n) / Decimal(HOMES)
    shops_n = ctx.n(SHOPS, minimum=2)
    final_n = min(ctx.n(HOUSEHOLDS), homes_n - 1)
    alloc_n = ctx.n(ALLOCATIONS)
    exits_n = ctx.n(EXITS)
    forced_n = min(ctx.n(FORCED), exits_n)
    start_n = final_n - alloc_n + exits_n
    seen = set(Person.objects.values_list("id_number", flat=True))

    initials_of: dict[str, str] = {}

    def initials_cached(name: str) -> str:
        if name not in initials_of:
            initials_of[name] = initials(name)
        return initials_of[name]

    def person_name() -> str:
        return rng.choice(names.SURNAMES) + rng.choice(names.GIVEN_NAMES)

    # --- rates -------------------------------------------------------------------------------------
    since = dt.date(2019, 1, 1)
    rates: dict[str, RentRate] = {
        category: actions.set_rate(
            None,
            kind=Kind.HOME,
            category=category,
            per_m2=per_m2,
            reduction_percent=reduction,
            valid_from=since,
            note="怀化市公租房租金标准（示例）",
        )
        for category, (per_m2, reduction) in HOME_RATES.items()
    }
    shop_rate = actions.set_rate(
        None,
        kind=Kind.SHOP,
        category=Category.COMMERCIAL,
        per_m2=SHOP_PER_M2,
        reduction_percent=Decimal(0),
        valid_from=since,
        note="公租房小区门面市场租金",
    )

    # --- estates, buildings, units -----------------------------------------------------------------
    building_id = bulk.next_id(Building)
    unit_id = bulk.next_id(Unit)
    building_rows: list[tuple[object, ...]] = []
    units: list[PlannedUnit] = []
    unit_project: dict[int, int] = {}
    unit_building: dict[int, tuple[int, str, str, int]] = {}
    homes_left, shops_left = homes_n, shops_n
    for index, (code, name, share) in enumerate(ESTATES):
        last = index == len(ESTATES) - 1
        estate_homes = homes_left if last else round(homes_n * share)
        estate_shops = shops_left if last else round(shops_n * share)
        homes_left -= estate_homes
        shops_left -= estate_shops
        project = Project.objects.create(
            code=code,
            name=name,
            kind=Project.Kind.PUBLIC_RENTAL,
            district="鹤城区",
            address=f"怀化市鹤城区{name[:2]}{rng.choice(names.STREETS)}{rng.randrange(1, 300)}号",
            initials=initials(name),
        )
        number = 0
        while estate_homes > 0 or estate_shops > 0:
            number += 1
            floors = 6 if estate_homes < 600 or number % 3 else 11
            building_rows.append(
                (
                    building_id,
                    project.pk,
                    str(number),
                    floors,
                    "brick_concrete" if floors == 6 else "shear",
                    0 if floors == 6 else 2,
                )
            )
            for entrance in (1, 2):
                for floor in range(1, floors + 1):
                    for door in (1, 2):
                        if estate_homes == 0:
                            break
                        room = f"{floor}{door:02d}"
                        unit = PlannedUnit(
                            unit_id,
                            Unit.make_code(code, str(number), str(entrance), room),
                            Kind.HOME,
                            Decimal(rng.randrange(3800, 5900)) / 100,
                        )
                        units.append(unit)
                        unit_project[unit_id] = project.pk
                        unit_building[unit_id] = (building_id, str(entrance), room, floor)
                        unit_id += 1
                        estate_homes -= 1
            for shop in range(1, min(estate_shops, 12) + 1):
                room = f"S{shop:02d}"
                unit = PlannedUnit(
                    unit_id,
                    Unit.make_code(code, str(number), "商", room),
                    Kind.SHOP,
                    Decimal(rng.randrange(3000, 9000)) / 100,
                )
                units.append(unit)
                unit_project[unit_id] = project.pk
                unit_building[unit_id] = (building_id, "商", room, 1)
                unit_id += 1
            estate_shops -= min(estate_shops, 12)
            building_id += 1
    homes = [u for u in units if u.kind == Kind.HOME]
    shops = [u for u in units if u.kind == Kind.SHOP]
    rng.shuffle(homes)
    owner = _owner()

    # --- households ------------------------------------------------------------------------------
    person_id = bulk.next_id(Person)
    person_rows: list[tuple[object, ...]] = []

    def new_person() -> tuple[int, str]:
        nonlocal person_id
        number, birth = make_resident_id(rng, seen)
        name = person_name()
        person_rows.append(
            (
                person_id,
                name,
                "resident",
                number,
                birth,
                f"1{rng.choice('3578')}{rng.randrange(0, 10)}{rng.randrange(0, 10**8):08d}",
                f"怀化市{rng.choice(names.DISTRICTS)}{rng.choice(names.STREETS)}",
                initials_cached(name),
                now,
                now,
            )
        )
        person_id += 1
        return person_id - 1, name

    household_id = bulk.next_id(Household)
    household_rows: list[list[object]] = []
    first_household = household_id
    member_rows: list[tuple[object, ...]] = []
    numbers_by_year: dict[int, int] = {}
    names_by_household: dict[int, str] = {}
    number_of: dict[int, str] = {}

    def new_household(status: str, applied: dt.date, decided: dt.date | None) -> int:
        nonlocal household_id
        applicant, name = new_person()
        category = rng.choices([c for c, _ in CATEGORY_MIX], [w for _, w in CATEGORY_MIX])[0]
        size = rng.choice((1, 1, 2, 2, 3, 3, 4))
        for relation in ("配偶", "子女", "子女")[: size - 1]:
            member_rows.append((household_id, new_person()[0], relation))
        numbers_by_year[applied.year] = numbers_by_year.get(applied.year, 0) + 1
        number = f"SQ{applied.year}-{numbers_by_year[applied.year]:05d}"
        income = (
            Decimal(rng.randrange(60000, 200000)) / 100
            if category != Category.DIBAO
            else Decimal(rng.randrange(30000, 70000)) / 100
        )
        checked = status != Household.Status.APPLIED
        waiting = (
            decided if status in (Household.Status.WAITING, Household.Status.HOUSED, Household.Status.EXITED) else None
        )
        household_rows.append(
            [
                household_id,
                number,
                applicant,
                str(category),
                size,
                to_fen(income),
                False,
                checked,
                checked,
                applied,
                status,
                decided,
                "" if status != "rejected" else "人均收入超过保障标准",
                waiting,
            ]
        )
        names_by_household[household_id] = name
        number_of[household_id] = number
        household_id += 1
        return household_id - 1

    def category_of(hid: int) -> str:
        return str(household_rows[hid - first_household][3])

    def set_status(hid: int, status: str) -> None:
        household_rows[hid - first_household][10] = status

    # --- leases of the households housed on 1 January --------------------------------------------
    lease_id = bulk.next_id(Lease)
    leases: list[PlannedLease] = []
    occupied = homes[:start_n]
    vacant_at_start = homes[start_n:]
    for unit in occupied:
        applied = _day(rng, dt.date(2012, 1, 1), dt.date(2020, 6, 30))
        hid = new_household(Household.Status.HOUSED, applied, applied + dt.timedelta(days=rng.randrange(20, 60)))
        start = _day(rng, dt.date(2021, 1, 1), dt.date(2022, 12, 31))
        unit.history += [("vacant", dt.date(2019, 1, 1), "纳入公租房管理"), ("let", start, "签订租赁合同")]
        leases.append(
            PlannedLease(
                lease_id,
                unit,
                hid,
                names_by_household[hid],
                category_of(hid),
                start,
                _term_end(start, 3),
            )
        )
        lease_id += 1
    for unit in vacant_at_start:
        unit.history.append(("vacant", dt.date(2019, 1, 1), "纳入公租房管理"))

    # --- exits of 2023: early ones free the homes the later draws need ------------------------------
    needed = max(0, alloc_n - len(vacant_at_start))
    exiting = rng.sample(leases, exits_n)
    forced_ids = {lease.id for lease in rng.sample(exiting, forced_n)}
    exit_rows: list[tuple[object, ...]] = []
    exit_id = bulk.next_id(Exit)
    freed: list[tuple[dt.date, PlannedUnit]] = []
    # The review opens on REVIEW_OPENS for the households in force that day (the seed's count): so many
    # exits fall before it; the others after it, those freeing homes for the draws by the end of May.
    early = min(exits_n, max(0, start_n - ctx.n(REVIEWS_DUE)))
    for index, lease in enumerate(exiting):
        if index < early:
            done = _day(rng, dt.date(YEAR, 1, 10), REVIEW_OPENS - dt.timedelta(days=1))
        elif index < needed:
            done = _day(rng, REVIEW_OPENS + dt.timedelta(days=1), dt.date(YEAR, 5, 31))
        else:
            done = _day(rng, REVIEW_OPENS + dt.timedelta(days=1), dt.date(YEAR, 12, 20))
        forced = lease.id in forced_ids
        reason = (
            rng.choice(["arrears", "sublet", "vacant", "over_income"])
            if forced
            else rng.choice(["voluntary", "voluntary", "owns_home", "over_income"])
        )
        notice = done - dt.timedelta(days=rng.randrange(120, 200) if forced else rng.randrange(20, 60))
        lease.ended_on = done
        lease.unit.history.append(("vacant", done, "清退收回"))
        freed.append((done, lease.unit))
        set_status(lease.household or 0, Household.Status.EXITED)
        exit_rows.append(
            (
                exit_id,
                f"QT{notice.year}-{index + 1:05d}",
                lease.id,
                lease.household,
                reason,
                notice,
                notice + dt.timedelta(days=30),
                3 if forced else 1,
                forced,
                "completed",
                done,
                "经法院裁定强制执行" if forced else "",
                notice - dt.timedelta(days=EXIT_LEAD_DAYS),
            )
        )
        exit_id += 1
    staying = [lease for lease in leases if lease.ended_on is None]
    for index, lease in enumerate(rng.sample(staying, ctx.n(8))):
        notice = _day(rng, dt.date(YEAR, 10, 1), dt.date(YEAR, 12, 10))
        exit_rows.append(
            (
                exit_id,
                f"QT{YEAR}-{exits_n + index + 1:05d}",
                lease.id,
                lease.household,
                rng.choice(["over_income", "arrears", "vacant"]),
                notice,
                notice + dt.timedelta(days=60),
                1,
                False,
                "notified",
                None,
                "",
                notice - dt.timedelta(days=EXIT_LEAD_DAYS),
            )
        )
        exit_id += 1

    # --- the waiting list and the 2023 lotteries ----------------------------------------------------
    waiting: list[int] = []
    for _ in range(alloc_n + ctx.n(120)):
        applied = _day(rng, dt.date(2021, 6, 1), dt.date(YEAR, 2, 28))
        waiting.append(
            new_household(Household.Status.WAITING, applied, applied + dt.timedelta(days=rng.randrange(20, 40)))
        )
    draw_days = [dt.date(YEAR, 3, 15), dt.date(YEAR, 6, 15), dt.date(YEAR, 9, 15), dt.date(YEAR, 11, 15)]
    pool = list(vacant_at_start)
    remaining = alloc_n
    draws: list[Draw] = []
    for index, held in enumerate(draw_days):
        # Announced two weeks ahead: the homes vacant by then and every household on the list that day.
        announced = held - dt.timedelta(days=14)
        previous = draw_days[index - 1] - dt.timedelta(days=14)
        pool += [unit for day, unit in freed if previous <= day < announced or (index == 0 and day < announced)]
        size = remaining if index == len(draw_days) - 1 else min(len(pool), round(alloc_n / len(draw_days)))
        size = min(size, len(pool), remaining)
        if size <= 0:
            continue
        offered = pool[:size]
        pool = pool[size:]
        external = f"{rng.randrange(10**8):08d}"
        entrants = [number_of[h] for h in waiting if _waiting_since(household_rows[h - first_household]) <= announced]
        codes = [u.code for u in offered]
        digest = rules.inputs_hash(held, entrants, codes)
        seed = rules.draw_seed(digest, external)
        picks = rules.draw(seed, entrants, codes)
        draw = Draw.objects.create(
            number=f"YH{YEAR}-{index + 1:05d}",
            status=Draw.Status.HELD,
            announced_on=announced,
            draw_on=held,
            seed_source=DRAW_SEED_SOURCE,
            inputs_hash=digest,
            external_value=external,
            held_on=held,
            seed=seed,
            households=sorted(entrants),
            units=sorted(codes),
            result=rules.draw_as_json(picks),
            note=f"{YEAR}年第{index + 1}批公租房公开摇号配租（公证处现场监督）",
        )
        draws.append(draw)
        by_code = {u.code: u for u in offered}
        hid_of = {number_of[h]: h for h in waiting}
        for unit in offered:
            unit.history.append(("reserved", announced, f"摇号 {draw.number} 公告房源"))
        drawn = {pick.unit for pick in picks if pick.unit}
        for unit in offered:
            if unit.code not in drawn:  # fewer entrants than homes: back to the next draw
                unit.history.append(("vacant", held, f"摇号 {draw.number} 未配出"))
                pool.append(unit)
        for pick in picks:
            if pick.unit is None:
                continue
            hid = hid_of[pick.household]
            waiting.remove(hid)
            unit = by_code[pick.unit]
            start = held + dt.timedelta(days=rng.randrange(15, 30))
            unit.history += [("reserved", held, f"摇号 {draw.number} 配租"), ("let", start, "签订租赁合同")]
            leases.append(
                PlannedLease(
                    lease_id,
                    unit,
                    hid,
                    names_by_household[hid],
                    category_of(hid),
                    start,
                    _term_end(start, 3),
                    draw=draw.pk,
                )
            )
            set_status(hid, Household.Status.HOUSED)
            lease_id += 1
        remaining -= len(drawn)
    # A few applications still to decide, and some refused.
    for _ in range(ctx.n(25)):
        new_household(Household.Status.APPLIED, _day(rng, dt.date(YEAR, 11, 1), dt.date(YEAR, 12, 28)), None)
    for _ in range(ctx.n(40)):
        applied = _day(rng, dt.date(YEAR, 1, 1), dt.date(YEAR, 10, 31))
        new_household(Household.Status.REJECTED, applied, applied + dt.timedelta(days=30))
    vacant_end = [u for u in homes if u.history[-1][0] == "vacant"]
    for unit in vacant_end[: ctx.n(6)]:
        unit.history.append(("repair", dt.date(YEAR, 12, 1), "空置房翻新维修"))
    for unit in vacant_end[ctx.n(6) : ctx.n(6) + ctx.n(2)]:
        unit.history.append(("reserved", dt.date(YEAR, 12, 15), "预留应急保障"))

    # --- shop leases ---------------------------------------------------------------------------------
    shop_leases: list[PlannedLease] = []
    for index, unit in enumerate(shops):
        if index % 17 == 16:
            unit.history.append(("vacant", dt.date(2019, 1, 1), "纳入公租房管理"))
            continue
        start = _day(rng, dt.date(2020, 1, 1), dt.date(2022, 12, 31))
        tenant = f"怀化市{rng.choice(names.SURNAMES)}记{rng.choice(SHOP_TRADES)}"
        unit.history += [("vacant", dt.date(2019, 1, 1), "纳入公租房管理"), ("let", start, "签订门面租赁合同")]
        shop_leases.append(
            PlannedLease(
                lease_id,
                unit,
                None,
                tenant,
                Category.COMMERCIAL,
                start,
                _term_end(start, 5),
            )
        )
        lease_id += 1

    # --- fit the areas to the seed's rent ---------------------------------------------------------
    shop_collected = (COLLECTED_SHOPS * Decimal(shops_n) / Decimal(SHOPS)).quantize(rules.FEN)
    home_collected = (COLLECTED_HOMES * ratio).quantize(rules.FEN)
    billed_total = ((shop_collected + home_collected) / COLLECTION_RATE).quantize(rules.FEN)
    shop_billed = _fit_areas(
        shop_leases,
        {Category.COMMERCIAL: (SHOP_PER_M2, Decimal(0))},
        (shop_collected / SHOP_RATE).quantize(rules.FEN),
        Decimal("15"),
        Decimal("160"),
    )
    home_billed = _fit_areas(leases, HOME_RATES, billed_total - shop_billed, Decimal("30"), Decimal("60"))

    # --- write: buildings, units, rental units and their history ---------------------------------------
    bulk.insert_rows(Building, ["id", "project_id", "number", "floors", "structure", "lift_count"], building_rows)
    bulk.insert_rows(
        Unit,
        ["id", "code", "project_id", "building_id", "entrance", "room", "floor", "area", "use", "created", "updated"],
        [
            (
                u.id,
                u.code,
                unit_project[u.id],
                unit_building[u.id][0],
                unit_building[u.id][1],
                unit_building[u.id][2],
                unit_building[u.id][3],
                u.area,
                "residential" if u.kind == Kind.HOME else "shop",
                now,
                now,
            )
            for u in units
        ],
    )
    bulk.insert_rows(
        Ownership,
        ["unit_id", "person_id", "enterprise_id", "start", "end"],
        [(u.id, None, owner.pk, OWNED_SINCE, None) for u in units],
    )
    bulk.insert_rows(
        RentalUnit,
        ["id", "unit_id", "kind", "state", "state_since"],
        [(u.id, u.id, u.kind, u.history[-1][0], u.history[-1][1]) for u in units],
    )
    bulk.insert_rows(
        UnitStateChange,
        ["rental_unit_id", "state", "on", "note"],
        [(u.id, state, on, note) for u in units for state, on, note in u.history],
    )
    bulk.insert_rows(
        Person,
        ["id", "name", "id_type", "id_number", "birth_date", "phone", "address", "initials", "created", "updated"],
        person_rows,
    )
    bulk.insert_rows(
        Household,
        [
            "id",
            "number",
            "applicant_id",
            "category",
            "members_count",
            "monthly_income",
            "owns_home",
            "income_checked",
            "housing_checked",
            "applied_on",
            "status",
            "decided_on",
            "decision_note",
            "waiting_since",
        ],
        household_rows,
    )
    bulk.insert_rows(HouseholdMember, ["household_id", "person_id", "relation"], member_rows)
    lease_numbers: dict[tuple[str, int], int] = {}

    def lease_row(lease: PlannedLease) -> tuple[object, ...]:
        per_m2, reduction = (SHOP_PER_M2, Decimal(0)) if lease.unit.kind == Kind.SHOP else HOME_RATES[lease.category]
        rent = rules.monthly_rent(lease.unit.area, per_m2, reduction)
        rate = shop_rate if lease.unit.kind == Kind.SHOP else rates[lease.category]
        prefix = "ZL" if lease.unit.kind == Kind.HOME else "MM"
        key = (prefix, lease.start.year)
        lease_numbers[key] = lease_numbers.get(key, 0) + 1
        return (
            lease.id,
            f"{prefix}{lease.start.year}-{lease_numbers[key]:05d}",
            lease.unit.kind,
            lease.unit.id,
            lease.household,
            lease.tenant,
            lease.category,
            lease.unit.area,
            rate.pk,
            to_fen(rent),
            to_fen(rent * 2),
            lease.start,
            lease.end,
            lease.ended_on,
            "ended" if lease.ended_on else "active",
            None,
            lease.draw,
        )

    all_leases = sorted(leases + shop_leases, key=lambda lease: (lease.start, lease.id))
    bulk.insert_rows(
        Lease,
        [
            "id",
            "number",
            "kind",
            "rental_unit_id",
            "household_id",
            "tenant_name",
            "category",
            "area",
            "rate_id",
            "monthly_rent",
            "deposit",
            "start",
            "end",
            "ended_on",
            "status",
            "renewed_from_id",
            "draw_id",
        ],
        [lease_row(lease) for lease in all_leases],
    )
    bulk.insert_rows(
        Exit,
        [
            "id",
            "number",
            "lease_id",
            "household_id",
            "reason",
            "notice_on",
            "deadline",
            "notices",
            "forced",
            "status",
            "completed_on",
            "note",
            "prepared_on",
        ],
        exit_rows,
    )
    _exit_history(exit_rows)
    bulk.reset_sequences(Building, Unit, Ownership, RentalUnit, Person, Household, Lease, Exit, ExitEvent)

    # --- bills through the billing action, then the payments --------------------------------------------
    for month in range(1, 13):
        actions.bill_month(None, dt.date(YEAR, month, 1))
    bill_rows = list(RentBill.objects.filter(month__year=YEAR).values_list("id", "lease_id", "kind", "month", "amount"))
    _pay(rng, bill_rows, home_billed - home_collected, shop_billed - shop_collected)
    _reviews(ctx, rng, leases)
    _inspections(ctx, rng, [lease for lease in leases if lease.ended_on is None and lease.start.year < YEAR])
    _repairs(ctx, rng, ratio, units)
    _filings(ctx, rng, seen)
    ctx.out.write(
        f"  rental: {homes_n} homes, {shops_n} shops, {len(household_rows)} households, {len(all_leases)} leases, "
        f"{len(bill_rows)} bills, {len(draws)} draws\n"
    )


def _exit_history(exit_rows: list[tuple[object, ...]]) -> None:
    """Each exit's history as the workflow writes it: prepared by the station, reviewed by 住房保障服务部,
    approved by the leader, then the notice, notices again and forced exit, and completion. Dates follow
    from the exit's own (no random draw, so the rest of the demo city is unchanged)."""
    users = {u.username: u for u in User.objects.filter(username__in=("station", "housing", "leader"))}
    event_id = bulk.next_id(ExitEvent)
    rows: list[tuple[object, ...]] = []
    for exit_id, _, _, _, _, notice, deadline, notices, forced, status, done, _, prepared in exit_rows:
        assert isinstance(notice, dt.date) and isinstance(deadline, dt.date) and isinstance(prepared, dt.date)
        steps = [
            (prepared, "station", "create", "", "draft"),
            (prepared + dt.timedelta(days=1), "station", "submit", "draft", "submitted"),
            (prepared + dt.timedelta(days=4), "housing", "review", "submitted", "reviewed"),
            (prepared + dt.timedelta(days=8), "leader", "approve", "reviewed", "approved"),
            (notice, "station", "serve", "approved", "notified"),
        ]
        for index in range(1, int(str(notices))):
            steps.append((deadline + dt.timedelta(days=15 * index), "station", "notice_again", "notified", "notified"))
        if forced:
            steps.append((deadline + dt.timedelta(days=45), "station", "force", "notified", "notified"))
        if status == "completed" and isinstance(done, dt.date):
            steps.append((done, "station", "complete", "notified", "completed"))
        for day, who, step, before, after in steps:
            user = users.get(who)
            at = timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0)))
            name = user.full_name if user else ""
            rows.append(
                (event_id, exit_id, bulk.db_datetime(at), user.pk if user else None, who, name, step, before, after, "")
            )
            event_id += 1
    bulk.insert_rows(
        ExitEvent,
        [
            "id",
            "exit_id",
            "at",
            "actor_id",
            "actor_name",
            "actor_full_name",
            "step",
            "from_status",
            "to_status",
            "note",
        ],
        rows,
    )


def _pay(
    rng: random.Random,
    bill_rows: list[tuple[int, int, str, dt.date, Decimal]],
    home_unpaid: Decimal,
    shop_unpaid: Decimal,
) -> None:
    """Pay every bill except arrears adding up exactly to what the seed leaves unpaid, latest months first."""
    paid = {bill_id: amount for bill_id, _, _, _, amount in bill_rows}
    by_lease: dict[int, list[tuple[int, int, str, dt.date, Decimal]]] = {}
    for row in bill_rows:
        by_lease.setdefault(row[1], []).append(row)
    for kind, unpaid in ((Kind.HOME, home_unpaid), (Kind.SHOP, shop_unpaid)):
        debtors = [lease for lease, rows in by_lease.items() if rows[0][2] == kind]
        rng.shuffle(debtors)
        left = unpaid
        for lease in debtors:
            if left <= 0:
                break
            rows = sorted(by_lease[lease], key=lambda r: r[3], reverse=True)[: rng.choice((1, 1, 2, 3, 4, 6))]
            for bill_id, _, _, _, amount in rows:
                part = min(amount, left)
                paid[bill_id] = amount - part
                left -= part
                if left <= 0:
                    break
        # Few leases (a small demo): leave more of their bills unpaid, latest first.
        for bill_id, _, bill_kind, _, _amount in sorted(bill_rows, key=lambda r: r[3], reverse=True):
            if left <= 0:
                break
            if bill_kind == kind and paid[bill_id] > 0:
                part = min(paid[bill_id], left)
                paid[bill_id] -= part
                left -= part
    first_payment = bulk.next_id(Payment)  # the action numbers from here: the bank ids follow the payments'
    planned: list[actions.BillPayment] = []
    for bill_id, lease_id, bill_kind, month, _amount in bill_rows:
        amount = paid[bill_id]
        if amount <= 0:
            continue
        day = month + dt.timedelta(days=rng.randrange(3, 27))
        channel = "bank" if rng.random() < 0.65 else "counter"
        txn = f"GZ{day:%Y%m%d}{first_payment + len(planned):08d}" if channel == "bank" else None
        planned.append(actions.BillPayment(bill_id, lease_id, bill_kind, amount, day, channel, txn))
    actions.record_bill_payments(None, planned)
    # Reminders (催缴通知) on 20 December to half of the leases owing bills due before that day.
    reminded_on = dt.date(YEAR, 12, 20)
    owed: dict[int, Decimal] = {}
    for bill_id, lease_id, _kind, month, amount in bill_rows:
        if paid[bill_id] < amount and rules.month_end(month) < reminded_on:
            owed[lease_id] = owed.get(lease_id, Decimal(0)) + amount - paid[bill_id]
    debtors = sorted(owed)
    actions.issue_reminders(
        None, {lease: owed[lease] for lease in debtors[::2]}, on=reminded_on, deadline=dt.date(YEAR + 1, 1, 5)
    )


def _reviews(ctx: Context, rng: random.Random, leases: list[PlannedLease]) -> None:
    """The 2023 annual review, opened as `open_reviews` does: on the opening day, one review for every
    household with a home lease in force; most completed, a household that leaves later reviewed on or
    before the day it left."""
    opened = REVIEW_OPENS
    population = [
        lease
        for lease in leases
        if lease.household is not None and lease.start <= opened and (lease.ended_on is None or lease.ended_on > opened)
    ]
    due = rng.sample(population, len(population))
    done_n = min(len(due), ctx.n(REVIEWS_DONE))
    rows: list[Review] = []
    for index, lease in enumerate(due):
        if index < done_n:
            outcome = "market" if index % 90 == 1 else "exit" if index % 130 == 2 else "pass"
            last = min(dt.date(YEAR, 11, 30), lease.ended_on or dt.date(YEAR, 11, 30))
            first = min(max(opened, dt.date(YEAR, 4, 1)), last)
            rows.append(
                Review(
                    household_id=_household(lease),
                    year=YEAR,
                    outcome=outcome,
                    reviewed_on=_day(rng, first, last),
                    note="收入超过保障标准，按市场租金计租" if outcome == "market" else "",
                )
            )
        else:
            rows.append(Review(household_id=_household(lease), year=YEAR, outcome="due", reviewed_on=None, note=""))
    actions.take_over_records(None, rows)


def _inspections(ctx: Context, rng: random.Random, leases: list[PlannedLease]) -> None:
    """Home visits of the three-year full-coverage plan: 2023 target "double 30%"."""
    plans = [
        InspectionPlan(
            year=YEAR,
            inspection_percent=Decimal(30),
            reinspection_percent=Decimal(30),
            note="入户调查三年全覆盖，2023年实现“双30%”",
        ),
        InspectionPlan(year=YEAR + 1, inspection_percent=Decimal(35), reinspection_percent=Decimal(30)),
    ]
    actions.take_over_records(None, plans)
    visited = rng.sample(leases, min(len(leases), ctx.n(INSPECTIONS)))
    findings = ["lives"] * 94 + ["vacant"] * 3 + ["sublet"] * 2 + ["other_use"]
    inspectors = ["刘洋", "赵强", "孙丽", "周杰"]
    rows: list[Inspection] = []
    for index, lease in enumerate(visited):
        day = _day(rng, dt.date(YEAR, 3, 1), dt.date(YEAR, 10, 31))
        finding = rng.choice(findings)
        rows.append(_visit(lease, "inspection", day, finding, rng.choice(inspectors)))
        if index < ctx.n(REINSPECTIONS):
            again = day + dt.timedelta(days=rng.randrange(15, 55))
            found = "lives" if finding == "lives" else rng.choice(["lives", finding])
            rows.append(_visit(lease, "reinspection", again, found, rng.choice(inspectors)))
    actions.take_over_records(None, rows)


def _visit(lease: PlannedLease, visit: str, day: dt.date, finding: str, inspector: str) -> Inspection:
    return Inspection(
        household_id=_household(lease),
        lease_id=lease.id,
        visit=visit,
        visited_on=day,
        finding=finding,
        inspector=inspector,
    )


def _household(lease: PlannedLease) -> int:
    assert lease.household is not None, "a home lease"
    return lease.household


def _repairs(ctx: Context, rng: random.Random, ratio: Decimal, units: list[PlannedUnit]) -> None:
    """Repair work orders: the year's completed ones cost exactly the seed's total."""
    count = ctx.n(REPAIRS)
    target = (REPAIR_COST * ratio).quantize(rules.FEN)
    weights = [Decimal(rng.randrange(500, 9000)) for _ in range(count)]
    total_weight = sum(weights, Decimal(0))
    costs = [(target * w / total_weight).quantize(rules.FEN) for w in weights]
    costs[-1] += target - sum(costs, Decimal(0))
    rows: list[Repair] = []
    for index, cost in enumerate(costs):
        reported = _day(rng, dt.date(YEAR, 1, 3), dt.date(YEAR, 12, 10))
        rows.append(
            Repair(
                number=f"WX{YEAR}-{index + 1:05d}",
                rental_unit_id=rng.choice(units).id,
                reported_on=reported,
                description=rng.choice(REPAIR_WORK),
                vendor=rng.choice(VENDORS),
                cost=cost,
                status="done",
                completed_on=reported + dt.timedelta(days=rng.randrange(1, 20)),
            )
        )
    for index in range(ctx.n(12)):
        reported = _day(rng, dt.date(YEAR, 12, 12), dt.date(YEAR, 12, 29))
        assigned = index % 2 == 0
        rows.append(
            Repair(
                number=f"WX{YEAR}-{count + index + 1:05d}",
                rental_unit_id=rng.choice(units).id,
                reported_on=reported,
                description=rng.choice(REPAIR_WORK),
                vendor=rng.choice(VENDORS) if assigned else "",
                cost=Decimal("0.00"),
                status="assigned" if assigned else "reported",
                completed_on=None,
            )
        )
    actions.take_over_records(None, rows)


def _filings(ctx: Context, rng: random.Random, seen: set[str]) -> None:
    from anju.core.demokit import names
    from anju.core.demokit.ids import make_resident_id

    surnames, given, streets = names.SURNAMES, names.GIVEN_NAMES, names.STREETS
    rows: list[Filing] = []
    for index in range(ctx.n(FILINGS)):
        filed = _day(rng, dt.date(YEAR, 1, 5), dt.date(YEAR, 12, 28))
        start = filed + dt.timedelta(days=rng.randrange(0, 20))
        area = Decimal(rng.randrange(4000, 14000)) / 100
        rows.append(
            Filing(
                number=f"BA{YEAR}-{index + 1:05d}",
                filed_on=filed,
                lessor=rng.choice(surnames) + rng.choice(given),
                lessor_id=make_resident_id(rng, seen)[0],
                lessee=rng.choice(surnames) + rng.choice(given),
                lessee_id=make_resident_id(rng, seen)[0],
                address=f"怀化市鹤城区{rng.choice(streets)}{rng.randrange(1, 400)}号",
                area=area,
                start=start,
                end=_term_end(start, 1),
                monthly_rent=(area * Decimal(rng.randrange(10, 25))).quantize(rules.FEN),
            )
        )
    actions.take_over_records(None, rows)


def register_steps() -> None:
    register(Step(60, "public rental housing", build_rental))
