"""The registry search's units (issue 17): found without reading every person matching the name before the
LIMIT, they are the first units of the one query `unit_filter` describes — by code, by a current owner's
name, phone, ID number or initials, by an owning enterprise — whether a name matches few persons or more
than OWNERS_LISTED; and the search page's queries do not grow with the owners."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from anju.registry import queries
from anju.registry.models import Enterprise, Ownership, Person, Unit
from anju.registry.tests import factories

pytestmark = pytest.mark.django_db

SEARCHES = ["张", "张伟", "李", "zw", "P0002", "p0002", "P0002-1", "1380013", "13800138000", "宏达", "房地产", "王"]
SEARCHES += ["无此人"]


def _city(owners: int) -> None:
    """`owners` persons named 张…, each owning a unit of P0001 (some sold on: no longer current), a few 李
    and an enterprise owning units of P0002, and units named by code only."""
    for seq in range(owners):
        person = factories.person(
            name=f"张伟{seq}" if seq % 3 == 0 else f"张{seq}", seq=seq + 1, phone=f"1390000{seq:04d}"
        )
        factories.unit(project_code="P0001", room=f"{101 + seq}", owner=person)
    Ownership.objects.filter(unit__room__in=["102", "105"]).update(end=dt.date(2022, 1, 1))
    li = factories.person(name="李四", seq=900, phone="13800138000")
    firm = factories.enterprise()
    for room in ("101", "102"):
        factories.unit(project_code="P0002", project_name="宏达花园", room=room, owner=li if room == "101" else firm)
    for room in ("201", "202"):
        factories.unit(project_code="P0003", project_name="张家界苑", room=room)


def _one_query(q: str, limit: int, see_id: bool) -> list[Unit]:
    return list(Unit.objects.filter(queries.unit_filter(q, see_id=see_id)).select_related("project")[:limit])


def test_the_unit_filter_is_the_rule_over_codes_and_current_owners() -> None:
    """The units list's search, a union of ids, against its rule computed in Python: a code starting with the
    search (any case), or a current owner — a person the person search finds, an enterprise the enterprise
    search finds. Sold-on units' former owners do not count."""
    _city(owners=9)
    current = list(Ownership.objects.filter(end__isnull=True).select_related("unit"))
    for q in SEARCHES:
        for see_id in (True, False):
            persons = set(Person.objects.filter(queries.person_filter(q, see_id=see_id)).values_list("pk", flat=True))
            firms = set(Enterprise.objects.filter(queries.enterprise_filter(q)).values_list("pk", flat=True))
            expected = {
                code for code in Unit.objects.values_list("code", flat=True) if code.upper().startswith(q.upper())
            }
            expected |= {o.unit.code for o in current if o.person_id in persons or o.enterprise_id in firms}
            found = set(Unit.objects.filter(queries.unit_filter(q, see_id=see_id)).values_list("code", flat=True))
            assert found == expected, (q, see_id)
    assert len(Unit.objects.filter(queries.unit_filter("张"))) == 7  # 9 owners, 2 sold on


@pytest.mark.parametrize("listed", [0, 2, 200])
def test_the_units_found_are_the_first_of_the_one_query(monkeypatch: pytest.MonkeyPatch, listed: int) -> None:
    monkeypatch.setattr(queries, "OWNERS_LISTED", listed)  # 0, 2: owners walk the units; 200: their list
    _city(owners=9)
    for q in SEARCHES:
        for limit in (3, 20):
            for see_id in (True, False):
                assert queries._units(q, limit, see_id=see_id) == _one_query(q, limit, see_id), (q, limit, see_id)
    assert len(queries._units("张", 20, see_id=True)) == 7  # 9 owners, 2 sold on


def test_the_search_page_takes_the_same_queries_for_few_and_many_owners(
    monkeypatch: pytest.MonkeyPatch, client_for: Callable[..., Client]
) -> None:
    monkeypatch.setattr(queries, "OWNERS_LISTED", 4)
    client = client_for("office")
    counts = []
    for add in (lambda: _city(owners=3), lambda: _more(owners=12)):  # below, then past OWNERS_LISTED
        add()
        with CaptureQueriesContext(connection) as run:
            assert client.get("/registry/search/?q=张").status_code == 200
        counts.append(len(run))
    assert counts[0] == counts[1]


def _more(owners: int) -> None:
    for seq in range(owners):
        person = factories.person(name=f"张{seq}", seq=100 + seq, phone=f"1370000{seq:04d}")
        factories.unit(project_code="P0009", room=f"{101 + seq}", owner=person)


@pytest.mark.parametrize("q", ["P0001-1-1-10\U0010ffff", "1\ud7ff", "\U0010ffff"])
def test_a_search_ending_in_the_last_characters_finds_nothing_and_fails_nothing(
    q: str, client_for: Callable[..., Client]
) -> None:
    """A code range needs the character after the search's last: past U+10FFFF there is none, and after U+D7FF
    comes a surrogate SQLite cannot bind. Such a search is the prefix test alone."""
    _city(owners=2)
    assert not Unit.objects.filter(queries.code_prefix(q)).exists()
    assert not Unit.objects.filter(queries.unit_filter(q)).exists()
    client = client_for("office")
    assert client.get("/registry/", {"q": q}).status_code == 200
    assert client.get("/registry/search/", {"q": q}).status_code == 200
