from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from anju.core.models import User
from anju.lib.ids import normalize_resident_id, normalize_uscc
from anju.registry.models import Enterprise, Ownership, Person, Project, Unit

pytestmark = pytest.mark.django_db


def build(scale: float = 0.002) -> str:
    out = io.StringIO()
    call_command("demo", scale=scale, stdout=out)
    return out.getvalue()


def test_demo_fills_an_empty_database_with_valid_records() -> None:
    output = build()
    assert "admin" in output and "Anju@2023demo" in output
    assert User.objects.get(username="leader").can("fund", "approve")
    assert Project.objects.count() >= 15 and Unit.objects.count() >= 200
    # Every unit has exactly one current owner; every number passes the validators.
    assert Ownership.objects.filter(end__isnull=True).count() == Unit.objects.count()
    for person in Person.objects.all()[:200]:
        assert normalize_resident_id(person.id_number) == person.id_number
    for enterprise in Enterprise.objects.all():
        assert normalize_uscc(enterprise.uscc) == enterprise.uscc
    assert Enterprise.objects.filter(unreachable=True).count() == 5
    assert Project.objects.filter(name="恒大御景湾").exists()


def test_demo_refuses_a_database_with_records() -> None:
    build()
    with pytest.raises(CommandError, match="not empty"):
        build()


def test_if_empty_skips_quietly() -> None:
    build()
    out = io.StringIO()
    call_command("demo", if_empty=True, stdout=out)
    assert "not rebuilt" in out.getvalue()


def test_if_empty_names_only_demo_logins_that_still_work() -> None:
    build()
    leader = User.objects.get(username="leader")
    leader.set_password("a-real-password-2024")
    leader.save()
    User.objects.filter(username="office").update(is_active=False)
    info = User.objects.get(username="info")
    info.set_unusable_password()
    info.save()
    out = io.StringIO()
    call_command("demo", if_empty=True, stdout=out)
    listed = {line.split()[0] for line in out.getvalue().splitlines() if line.startswith("  ")}
    assert listed == {"admin", "finance", "housing", "station"}


def test_if_empty_on_a_real_centers_database_prints_no_demo_login(make_user) -> None:
    make_user("wangfang", "finance")
    out = io.StringIO()
    call_command("demo", if_empty=True, stdout=out)
    assert "not rebuilt" in out.getvalue() and "Demo logins" not in out.getvalue()
