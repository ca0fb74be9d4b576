"""The demo city's registry: developers, projects (小区), buildings, units and their owners, at the
seed's scale (~250k units)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal

from django.db.models import Model
from django.utils import timezone

from anju.core import bulk
from anju.core.demokit import Context, Step, names, register
from anju.core.demokit.ids import make_resident_id, make_uscc
from anju.lib.pinyin import initials
from anju.registry.models import Building, Enterprise, EnterpriseRegistration, Ownership, Person, Project, Unit

BATCH = 5000


def batched_create(ctx: Context, label: str, model: type[Model], objects: list, batch: int = BATCH) -> list:
    total = len(objects)
    created: list = []
    for start in range(0, total, batch):
        created.extend(model._default_manager.bulk_create(objects[start : start + batch], batch_size=batch))
        ctx.progress(label, min(start + batch, total), total)
    if total == 0:
        ctx.progress(label, 0, 0)
    return created


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
    ctx.data["enterprises"] = batched_create(ctx, "enterprises", Enterprise, enterprises)


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
    ctx.data["projects"] = batched_create(ctx, "projects", Project, projects)
    _mark_unreachable(ctx)


def _mark_unreachable(ctx: Context) -> None:
    """The developers the report could not serve notices to: unreachable, some re-registered."""
    projects: list[Project] = ctx.data["projects"]  # type: ignore[assignment]
    by_name = {p.name: p for p in projects}
    rng = ctx.rng
    registrations = []
    for index, project_name in enumerate(names.UNREACHABLE_PROJECTS):
        developer = by_name[project_name].developer
        assert developer is not None
        developer.unreachable = True
        developer.unreachable_since = dt.date(2023, 8, 1) + dt.timedelta(days=index * 9)
        developer.unreachable_note = "追缴告知书无法送达：注册地址无此单位，法定代表人电话停机"
        developer.save(update_fields=["unreachable", "unreachable_since", "unreachable_note"])
        if index % 2 == 0:
            old_name = developer.name.replace("有限公司", "实业有限公司")
            registrations.append(
                EnterpriseRegistration(
                    enterprise=developer,
                    date=dt.date(2019 + index % 3, 3 + index, 12),
                    old_name=old_name,
                    new_name=developer.name,
                    old_legal_representative=rng.choice(names.SURNAMES) + rng.choice(names.GIVEN_NAMES),
                    new_legal_representative=developer.legal_representative,
                    note="名称及法定代表人变更登记",
                )
            )
    EnterpriseRegistration.objects.bulk_create(registrations)


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
    """Buildings and units as plain rows with explicit ids (see anju.core.bulk)."""
    rng = ctx.rng
    now = timezone.now()
    building_rows: list[tuple[object, ...]] = []
    unit_rows: list[tuple[object, ...]] = []
    unit_index: list[tuple[int, int]] = []  # (unit id, project index) for the owners step
    numbers: dict[int, int] = {}
    building_id = bulk.next_id(Building)
    unit_id = bulk.next_id(Unit)
    projects: list[Project] = ctx.data["projects"]  # type: ignore[assignment]
    project_index = {p.pk: i for i, p in enumerate(projects)}
    for project, floors, entrances, per_floor in _unit_plan(ctx):
        numbers[project.pk] = numbers.get(project.pk, 0) + 1
        number = str(numbers[project.pk])
        structure = Building.Structure.BRICK_CONCRETE if floors <= 7 else Building.Structure.SHEAR
        lifts = 0 if floors <= 7 else entrances * (2 if floors > 18 else 1)
        building_rows.append((building_id, project.pk, number, floors, structure, lifts))
        shops_on_ground = floors >= 11 and rng.random() < 0.3
        for entrance in range(1, entrances + 1):
            for floor in range(1, floors + 1):
                use = Unit.Use.SHOP if shops_on_ground and floor == 1 else Unit.Use.RESIDENTIAL
                low, high = (5500, 14500) if use == Unit.Use.RESIDENTIAL else (3000, 12000)
                for door in range(1, per_floor + 1):
                    room = f"{floor}{door:02d}"
                    code = Unit.make_code(project.code, number, str(entrance), room)
                    area = Decimal(rng.randrange(low, high)) / 100
                    unit_rows.append(
                        (
                            unit_id,
                            code,
                            project.pk,
                            building_id,
                            str(entrance),
                            room,
                            floor,
                            area,
                            str(use),
                            now,
                            now,
                        )
                    )
                    unit_index.append((unit_id, project_index[project.pk]))
                    unit_id += 1
        building_id += 1
    bulk.insert_rows(
        Building,
        ["id", "project_id", "number", "floors", "structure", "lift_count"],
        building_rows,
        progress=lambda done: ctx.progress("buildings", done, len(building_rows)),
    )
    bulk.insert_rows(
        Unit,
        [
            "id",
            "code",
            "project_id",
            "building_id",
            "entrance",
            "room",
            "floor",
            "area",
            "use",
            "created",
            "updated",
        ],
        unit_rows,
        progress=lambda done: ctx.progress("units", done, len(unit_rows)),
    )
    bulk.reset_sequences(Building, Unit)
    ctx.data["unit_index"] = unit_index


def build_owners(ctx: Context) -> None:
    """Most units sold to persons (some owners hold two); about 3% unsold, held by the developer."""
    rng = ctx.rng
    now = timezone.now()
    unit_index: list[tuple[int, int]] = ctx.data["unit_index"]  # type: ignore[assignment]
    projects: list[Project] = ctx.data["projects"]  # type: ignore[assignment]
    seen: set[str] = set()
    initials_cache: dict[str, str] = {}
    person_rows: list[tuple[object, ...]] = []
    ownership_rows: list[tuple[object, ...]] = []
    person_id = first_person = bulk.next_id(Person)
    ownership_id = bulk.next_id(Ownership)
    resident = str(Person.IdType.RESIDENT)
    for unit_id, project_idx in unit_index:
        start = dt.date(2008, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 16))
        if rng.random() < 0.03:
            owner: tuple[int | None, int | None] = (None, projects[project_idx].developer_id)
        elif person_rows and rng.random() < 0.04:
            owner = (rng.randrange(first_person, person_id), None)
        else:
            number, birth = make_resident_id(rng, seen)
            name = rng.choice(names.SURNAMES) + rng.choice(names.GIVEN_NAMES)
            if name not in initials_cache:
                initials_cache[name] = initials(name)
            phone = f"1{rng.choice('3578')}{rng.randrange(0, 10)}{rng.randrange(0, 10**8):08d}"
            address = f"怀化市{rng.choice(names.DISTRICTS)}{rng.choice(names.STREETS)}"
            person_rows.append(
                (person_id, name, resident, number, birth, phone, address, initials_cache[name], now, now)
            )
            owner = (person_id, None)
            person_id += 1
        ownership_rows.append((ownership_id, unit_id, owner[0], owner[1], start, None))
        ownership_id += 1
    bulk.insert_rows(
        Person,
        [
            "id",
            "name",
            "id_type",
            "id_number",
            "birth_date",
            "phone",
            "address",
            "initials",
            "created",
            "updated",
        ],
        person_rows,
        progress=lambda done: ctx.progress("persons", done, len(person_rows)),
    )
    bulk.insert_rows(
        Ownership,
        ["id", "unit_id", "person_id", "enterprise_id", "start", "end"],
        ownership_rows,
        progress=lambda done: ctx.progress("ownerships", done, len(ownership_rows)),
    )
    bulk.reset_sequences(Person, Ownership)


def register_steps() -> None:
    register(
        Step(20, "enterprises", build_enterprises),
        Step(21, "projects", build_projects),
        Step(22, "buildings and units", build_units),
        Step(23, "owners", build_owners),
    )
