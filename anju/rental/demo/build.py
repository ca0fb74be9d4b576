"""The demo city's public rental housing: the three estates (城东, 城南, 城北) with their homes and
shops, the households, and a whole 2023 of records from which every rental.* KPI of KPIS.md is
computed at the seed's precision.

Everything is planned in Python first (so unit areas can be fitted to the seed's rent totals), then
written through the registry's set-based registration (estates, buildings, homes, owner, residents)
and rental's `take_over_tenancies` and `take_over_records` (the tenancies and draws of before); the
monthly bills come from the real billing action (`bill_month`)."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import TYPE_CHECKING

from anju.core import bulk
from anju.core.demokit import Step, register
from anju.core.fields import to_fen
from anju.lib.pinyin import initials, person_initials
from anju.registry import actions as registry_actions
from anju.registry.models import Building, Person, Project, Unit
from anju.rental import actions, rules
from anju.rental.models import (
    Category,
    Draw,
    Exit,
    Household,
    Kind,
    Lease,
    RentBill,
    RentRate,
)

if TYPE_CHECKING:
    from anju.core.demokit import Context

from anju.rental.demo.plan import (
    ALLOCATIONS,
    CATEGORY_MIX,
    COLLECTED_HOMES,
    COLLECTED_SHOPS,
    COLLECTION_RATE,
    DRAW_SEED_SOURCE,
    ESTATES,
    EXIT_LEAD_DAYS,
    EXITS,
    FORCED,
    HOME_RATES,
    HOMES,
    HOUSEHOLDS,
    OWNED_SINCE,
    REVIEW_OPENS,
    REVIEWS_DUE,
    SHOP_PER_M2,
    SHOP_RATE,
    SHOP_TRADES,
    SHOPS,
    YEAR,
    PlannedLease,
    PlannedUnit,
    _day,
    _fit_areas,
    _owner,
    _term_end,
    _waiting_since,
)
from anju.rental.demo.records import (
    _exit_history,
    _filings,
    _inspections,
    _pay,
    _repairs,
    _reviews,
)


def build_rental(ctx: Context) -> None:
    from anju.core.demokit import names
    from anju.core.demokit.ids import make_resident_id

    rng = random.Random(20230501)
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
            initials_of[name] = person_initials(name)
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
    unit_id = bulk.next_id(Unit)  # planned ids, replaced by the registered ones
    buildings: list[Building] = []
    units: list[PlannedUnit] = []
    unit_project: dict[int, int] = {}
    unit_building: dict[int, tuple[int, str, str, int]] = {}  # building's index in `buildings`
    homes_left, shops_left = homes_n, shops_n
    for index, (code, name, share) in enumerate(ESTATES):
        last = index == len(ESTATES) - 1
        estate_homes = homes_left if last else round(homes_n * share)
        estate_shops = shops_left if last else round(shops_n * share)
        homes_left -= estate_homes
        shops_left -= estate_shops
        [project] = registry_actions.register_projects(
            None,
            [
                Project(
                    code=code,
                    name=name,
                    kind=Project.Kind.PUBLIC_RENTAL,
                    district="鹤城区",
                    address=f"怀化市鹤城区{name[:2]}{rng.choice(names.STREETS)}{rng.randrange(1, 300)}号",
                    initials=initials(name),
                )
            ],
        )
        number = 0
        while estate_homes > 0 or estate_shops > 0:
            number += 1
            floors = 6 if estate_homes < 600 or number % 3 else 11
            building_id = len(buildings)
            buildings.append(
                Building(
                    project_id=project.pk,
                    number=str(number),
                    floors=floors,
                    structure="brick_concrete" if floors == 6 else "shear",
                    lift_count=0 if floors == 6 else 2,
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
    homes = [u for u in units if u.kind == Kind.HOME]
    shops = [u for u in units if u.kind == Kind.SHOP]
    rng.shuffle(homes)
    owner = _owner()

    # --- households ------------------------------------------------------------------------------
    persons: list[registry_actions.NewPerson] = []

    def new_person() -> tuple[int, str]:
        """A resident to register; returns its index in `persons` (the id is known once registered)."""
        number, birth = make_resident_id(rng, seen)
        name = person_name()
        persons.append(
            registry_actions.NewPerson(
                name=name,
                id_number=number,
                birth_date=birth,
                phone=f"1{rng.choice('3578')}{rng.randrange(0, 10)}{rng.randrange(0, 10**8):08d}",
                address=f"怀化市{rng.choice(names.DISTRICTS)}{rng.choice(names.STREETS)}",
                initials=initials_cached(name),
            )
        )
        return len(persons) - 1, name

    household_id = bulk.next_id(Household)
    household_rows: list[list[object]] = []
    first_household = household_id
    member_rows: list[tuple[int, int, str]] = []
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
        draw = Draw(
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
        actions.take_over_records(None, [draw])
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

    # --- write: the registry's buildings, homes, owner and residents, then the tenancies --------------
    registry_actions.register_buildings(None, buildings)
    unit_ids = registry_actions.register_units(
        None,
        [
            registry_actions.NewUnit(
                code=u.code,
                project_id=unit_project[u.id],
                building_id=buildings[unit_building[u.id][0]].pk,
                entrance=unit_building[u.id][1],
                room=unit_building[u.id][2],
                floor=unit_building[u.id][3],
                area=u.area,
                use="residential" if u.kind == Kind.HOME else "shop",
            )
            for u in units
        ],
    )
    for u in units:
        u.id = unit_ids[u.code]
    registry_actions.open_ownerships(
        None, (registry_actions.NewHolding(u.id, None, owner.pk, OWNED_SINCE) for u in units)
    )
    person_ids = registry_actions.register_persons(None, persons)
    person_of = [person_ids[p.id_number] for p in persons]
    for row in household_rows:
        row[2] = person_of[int(str(row[2]))]
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
    actions.take_over_tenancies(
        None,
        actions.Tenancies(
            units=[(u.id, u.id, u.kind, u.history[-1][0], u.history[-1][1]) for u in units],
            states=[(u.id, state, on, note) for u in units for state, on, note in u.history],
            households=household_rows,
            members=[(household, person_of[person], relation) for household, person, relation in member_rows],
            leases=[lease_row(lease) for lease in all_leases],
            exits=exit_rows,
            exit_events=_exit_history(exit_rows),
        ),
    )

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


def register_steps() -> None:
    register(Step(60, "public rental housing", build_rental))
