"""The demo city's registry: developers, projects (小区), buildings, units and their owners, at the
seed's scale (~250k units)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal

from anju.core import bulk
from anju.core.demokit import Context, Step, names, register
from anju.core.demokit.ids import make_resident_id, make_uscc
from anju.lib.pinyin import initials, person_initials
from anju.registry import actions
from anju.registry.actions import NewHolding, NewPerson, NewUnit
from anju.registry.models import Building, Enterprise, Ownership, Person, Project, Unit


def _progress(ctx: Context, label: str, total: int) -> actions.Progress:
    return lambda done: ctx.progress(label, done, total)


def build_enterprises(ctx: Context) -> None:
    rng = ctx.rng
    count = ctx.n(450, minimum=len(names.SEED_PROJECTS))
    seen: set[str] = set()
    enterprises = []
    for i in range(count):
        code = make_uscc(rng)
        while code in seen:
            code = make_uscc(rng)
        seen.add(code)
        word = names.COMPANY_WORDS[i % len(names.COMPANY_WORDS)]
        name = f"怀化市{word}房地产开发有限公司" if i < len(names.COMPANY_WORDS) else f"怀化{word}{i:03d}置业有限公司"
        legal = rng.choice(names.SURNAMES) + rng.choice(names.GIVEN_NAMES)
        enterprises.append(
            Enterprise(
                name=name,
                uscc=code,
                legal_representative=legal,
                contact_person=rng.choice(names.SURNAMES) + rng.choice(names.GIVEN_NAMES),
                contact_phone=f"13{rng.randrange(0, 10)}{rng.randrange(0, 10**8):08d}",
                address=f"怀化市{rng.choice(names.DISTRICTS)}{rng.choice(names.STREETS)}{rng.randrange(1, 300)}号",
                initials=initials(name),
            )
        )
    ctx.data["enterprises"] = actions.register_enterprises(
        None, enterprises, progress=_progress(ctx, "enterprises", len(enterprises))
    )


def _project_names(ctx: Context, count: int) -> list[str]:
    result = list(names.SEED_PROJECTS)
    seen = set(result)
    rng = ctx.rng
    while len(result) < count:
        candidate = rng.choice(names.PLACE_WORDS) + rng.choice(names.PROJECT_SUFFIXES)
        if candidate in seen:
            candidate = f"{candidate}{rng.choice('一二三四五六七八九')}期"
        if candidate not in seen:
            seen.add(candidate)
            result.append(candidate)
    return result[:count]


def build_projects(ctx: Context) -> None:
    rng = ctx.rng
    developers: list[Enterprise] = ctx.data["enterprises"]  # type: ignore[assignment]
    count = ctx.n(600, minimum=len(names.SEED_PROJECTS))
    projects = []
    for i, name in enumerate(_project_names(ctx, count)):
        developer = developers[i % len(developers)]
        district = names.DISTRICTS[i % len(names.DISTRICTS)]
        projects.append(
            Project(
                code=f"P{i + 1:04d}",
                name=name,
                developer=developer,
                district=district,
                address=f"怀化市{district}{rng.choice(names.STREETS)}{rng.randrange(1, 500)}号",
                kind=Project.Kind.SOLD_PUBLIC if i % 40 == 39 else Project.Kind.COMMERCIAL,
                initials=initials(name),
            )
        )
    ctx.data["projects"] = actions.register_projects(None, projects, progress=_progress(ctx, "projects", len(projects)))
    _mark_unreachable(ctx)


def _mark_unreachable(ctx: Context) -> None:
    """The developers the report could not serve notices to: unreachable, some re-registered."""
    projects: list[Project] = ctx.data["projects"]  # type: ignore[assignment]
    by_name = {p.name: p for p in projects}
    rng = ctx.rng
    for index, project_name in enumerate(names.UNREACHABLE_PROJECTS):
        developer = by_name[project_name].developer
        assert developer is not None
        actions.set_unreachable(
            None,
            developer,
            unreachable=True,
            since=dt.date(2023, 8, 1) + dt.timedelta(days=index * 9),
            note="追缴告知书无法送达：注册地址无此单位，法定代表人电话停机",
        )
        if index % 2 == 0:
            actions.record_past_registration(
                None,
                developer,
                date=dt.date(2019 + index % 3, 3 + index, 12),
                old_name=developer.name.replace("有限公司", "实业有限公司"),
                old_legal_representative=rng.choice(names.SURNAMES) + rng.choice(names.GIVEN_NAMES),
                note="名称及法定代表人变更登记",
            )


def _unit_plan(ctx: Context) -> Iterator[tuple[Project, int, int, int]]:
    """(project, floors, entrances, homes per floor per entrance) per building, ~250k units in all."""
    projects: list[Project] = ctx.data["projects"]  # type: ignore[assignment]
    target = ctx.n(250_000, minimum=200)
    rng = ctx.rng
    remaining = target
    for index, project in enumerate(projects):
        share = remaining // (len(projects) - index)
        while share > 0:
            floors = rng.choice((6, 7, 11, 18, 26, 33))
            entrances = rng.choice((1, 2, 3))
            per_floor = rng.choice((2, 2, 3, 4))
            if floors * entrances * per_floor > share and share < 12:
                floors, entrances, per_floor = max(1, share // 2), 1, 2 if share > 1 else 1
            units = floors * entrances * per_floor
            yield project, floors, entrances, per_floor
            share -= units
            remaining -= units


def build_units(ctx: Context) -> None:
    """Buildings and units of the plan, registered set-based through the registry's actions."""
    rng = ctx.rng
    projects: list[Project] = ctx.data["projects"]  # type: ignore[assignment]
    project_index = {p.pk: i for i, p in enumerate(projects)}
    numbers: dict[int, int] = {}
    buildings: list[Building] = []
    # per building: (project, entrance, floor, room, area, use) of each unit
    plan: list[list[tuple[Project, str, int, str, Decimal, str]]] = []
    for project, floors, entrances, per_floor in _unit_plan(ctx):
        numbers[project.pk] = numbers.get(project.pk, 0) + 1
        structure = Building.Structure.BRICK_CONCRETE if floors <= 7 else Building.Structure.SHEAR
        lifts = 0 if floors <= 7 else entrances * (2 if floors > 18 else 1)
        number = str(numbers[project.pk])
        buildings.append(Building(project=project, number=number, floors=floors, structure=structure, lift_count=lifts))
        shops_on_ground = floors >= 11 and rng.random() < 0.3
        units = []
        for entrance in range(1, entrances + 1):
            for floor in range(1, floors + 1):
                use = Unit.Use.SHOP if shops_on_ground and floor == 1 else Unit.Use.RESIDENTIAL
                low, high = (5500, 14500) if use == Unit.Use.RESIDENTIAL else (3000, 12000)
                for door in range(1, per_floor + 1):
                    area = Decimal(rng.randrange(low, high)) / 100
                    units.append((project, str(entrance), floor, f"{floor}{door:02d}", area, str(use)))
        plan.append(units)
    actions.register_buildings(None, buildings, progress=_progress(ctx, "buildings", len(buildings)))
    new_units = [
        NewUnit(
            Unit.make_code(project.code, building.number, entrance, room),
            project.pk,
            building.pk,
            entrance,
            room,
            floor,
            area,
            use,
        )
        for building, units in zip(buildings, plan, strict=True)
        for project, entrance, floor, room, area, use in units
    ]
    with bulk.indexes_built_after(Unit):
        ids = actions.register_units(None, new_units, progress=_progress(ctx, "units", len(new_units)))
    # (unit id, project index) for the owners step
    ctx.data["unit_index"] = [(ids[u.code], project_index[u.project_id]) for u in new_units]


def build_owners(ctx: Context) -> None:
    """Most units sold to persons (some owners hold two); about 3% unsold, held by the developer."""
    rng = ctx.rng
    unit_index: list[tuple[int, int]] = ctx.data["unit_index"]  # type: ignore[assignment]
    projects: list[Project] = ctx.data["projects"]  # type: ignore[assignment]
    seen: set[str] = set()
    initials_cache: dict[str, str] = {}
    persons: list[NewPerson] = []
    # (unit id, index of the person in persons or None, developer id or None, start)
    holdings: list[tuple[int, int | None, int | None, dt.date]] = []
    for unit_id, project_idx in unit_index:
        start = dt.date(2008, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 16))
        if rng.random() < 0.03:
            holdings.append((unit_id, None, projects[project_idx].developer_id, start))
        elif persons and rng.random() < 0.04:
            holdings.append((unit_id, rng.randrange(0, len(persons)), None, start))
        else:
            number, birth = make_resident_id(rng, seen)
            name = rng.choice(names.SURNAMES) + rng.choice(names.GIVEN_NAMES)
            if name not in initials_cache:
                initials_cache[name] = person_initials(name)
            phone = f"1{rng.choice('3578')}{rng.randrange(0, 10)}{rng.randrange(0, 10**8):08d}"
            address = f"怀化市{rng.choice(names.DISTRICTS)}{rng.choice(names.STREETS)}"
            holdings.append((unit_id, len(persons), None, start))
            persons.append(NewPerson(name, number, birth, phone, address, initials_cache[name]))
    # The trigram indexes of names, addresses and initials are built once the persons are in (PostgreSQL).
    with bulk.indexes_built_after(Person):
        ids = actions.register_persons(None, persons, progress=_progress(ctx, "persons", len(persons)))
    person_ids = [ids[p.id_number] for p in persons]
    with bulk.indexes_built_after(Ownership):
        actions.open_ownerships(
            None,
            (
                NewHolding(unit_id, None if person is None else person_ids[person], developer_id, start)
                for unit_id, person, developer_id, start in holdings
            ),
            progress=_progress(ctx, "ownerships", len(holdings)),
        )


def register_steps() -> None:
    register(
        Step(20, "enterprises", build_enterprises),
        Step(21, "projects", build_projects),
        Step(22, "buildings and units", build_units),
        Step(23, "owners", build_owners),
    )
