"""The registry's actions refuse with stable codes, and the set-based registration returns the new ids."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from anju.registry import actions
from anju.registry.errors import RegistryError
from anju.registry.models import Building, Ownership, Person, Project, Unit
from anju.registry.tests import factories

pytestmark = pytest.mark.django_db


def test_bad_resident_id_is_refused_on_its_field() -> None:
    valid = factories.resident_id(seq=5)
    wrong = valid[:-1] + ("0" if valid[-1] != "0" else "1")  # a check digit that does not match
    with pytest.raises(RegistryError) as caught:
        actions.create_person(None, name="张三", id_type=Person.IdType.RESIDENT, id_number=wrong)
    assert caught.value.code == "registry.bad_id_number"
    assert caught.value.field == "id_number"
    assert not Person.objects.exists()


def test_bad_phone_and_taken_uscc_are_refused() -> None:
    with pytest.raises(RegistryError) as caught:
        factories.person(phone="12345")
    assert caught.value.code == "registry.bad_phone"
    factories.enterprise(seed=3)
    with pytest.raises(RegistryError) as taken:
        factories.enterprise(name="另一家公司", seed=3)
    assert (taken.value.code, taken.value.field) == ("registry.number_taken", "uscc")


def test_register_units_and_owners_set_based() -> None:
    (project,) = actions.register_projects(None, [Project(code="P9", name="测试小区")])
    (building,) = actions.register_buildings(None, [Building(project=project, number="1")])
    units = [
        actions.NewUnit(
            Unit.make_code("P9", "1", "1", f"{n}01"),
            project.pk,
            building.pk,
            "1",
            f"{n}01",
            n,
            Decimal("88.50"),
            "residential",
        )
        for n in (1, 2, 3)
    ]
    done: list[int] = []
    unit_ids = actions.register_units(None, units, progress=done.append)
    assert set(unit_ids) >= {u.code for u in units} and done[-1] == 3
    person_ids = actions.register_persons(
        None, [actions.NewPerson("李四", factories.resident_id(seq=7), dt.date(1980, 5, 17))]
    )
    owner = person_ids[factories.resident_id(seq=7)]
    opened = actions.open_ownerships(
        None, [actions.NewHolding(unit_ids[u.code], owner, None, dt.date(2020, 1, 1)) for u in units]
    )
    assert opened == 3
    assert Ownership.objects.filter(person_id=owner, end__isnull=True).count() == 3
    assert Unit.objects.get(pk=unit_ids[units[1].code]).area == Decimal("88.50")
