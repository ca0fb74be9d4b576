"""Registry test data built through the registry's own actions and models."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from stdnum.cn import ric, uscc

from anju.registry import actions
from anju.registry.models import Building, Enterprise, Person, Project, Unit


def resident_id(birth: dt.date = dt.date(1980, 5, 17), seq: int = 1, region: str = "431202") -> str:
    body = f"{region}{birth:%Y%m%d}{seq:03d}"
    return body + ric.calc_check_digit(body + "0")


def credit_code(seed: int) -> str:
    chars = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    rng = random.Random(seed)
    body = "91431200" + "".join(rng.choice(chars) for _ in range(9))
    return body + uscc.calc_check_digit(body)


def person(name: str = "张三", seq: int = 1, phone: str = "13800138000") -> Person:
    return actions.create_person(
        None, name=name, id_type=Person.IdType.RESIDENT, id_number=resident_id(seq=seq), phone=phone
    )


def enterprise(name: str = "怀化宏达房地产开发有限公司", seed: int = 1) -> Enterprise:
    return actions.create_enterprise(None, name=name, uscc=credit_code(seed), legal_representative="李四")


def unit(
    project_code: str = "P0001",
    project_name: str = "恒大御景湾",
    building: str = "1",
    entrance: str = "1",
    room: str = "101",
    area: str = "89.50",
    owner: Person | Enterprise | None = None,
) -> Unit:
    project = Project.objects.filter(code=project_code).first()
    if project is None:
        (project,) = actions.register_projects(None, [Project(code=project_code, name=project_name)])
    bld = Building.objects.filter(project=project, number=building).first()
    if bld is None:
        (bld,) = actions.register_buildings(None, [Building(project=project, number=building)])
    code = Unit.make_code(project_code, building, entrance, room)
    ids = actions.register_units(
        None,
        [
            actions.NewUnit(
                code, project.pk, bld.pk, entrance, room, int(room[:-2] or 1), Decimal(area), Unit.Use.RESIDENTIAL
            )
        ],
    )
    if owner is not None:
        person_id, enterprise_id = (owner.pk, None) if isinstance(owner, Person) else (None, owner.pk)
        actions.open_ownerships(None, [actions.NewHolding(ids[code], person_id, enterprise_id, dt.date(2015, 3, 1))])
    return Unit.objects.get(pk=ids[code])
