"""Search by an index (issue 17): initials with the surname read as a surname, written by the actions and
recomputed for existing rows by the migration; latin letters matched by an initials prefix and an ID
number's last digits by the stored, indexed last 4 characters; on SQLite no search of a person reads the
whole table. The results are those of the rule itself, computed here in Python over all persons, so they
are the same on either database."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.db import connection

from anju.lib.pinyin import initials, person_initials
from anju.registry import actions, queries
from anju.registry.models import Person, Unit
from anju.registry.tests import factories as registry

pytestmark = pytest.mark.django_db
NAMES = ["张伟", "张薇", "曾伟", "单伟", "王子", "Zwart Jan", "Ozwald", "李四", "解放"]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("单小明", "sxm"),
        ("曾国藩", "zgf"),
        ("解缙", "xj"),
        ("仇英", "qy"),
        ("区华", "oh"),
        ("查良镛", "zly"),
        ("翟明", "zm"),
        ("尉迟恭", "ycg"),
        ("长孙无忌", "zswj"),
        ("张三", "zs"),
        ("John Smith", "johnsmith"),
    ],
)
def test_a_persons_initials_read_the_surname_as_a_surname(name: str, expected: str) -> None:
    assert person_initials(name) == expected


def test_the_surname_reading_is_for_persons_only() -> None:
    # A place or company name keeps the common reading: 单 in 单位 is dān.
    assert initials("单位宿舍")[0] == "d" and person_initials("单位宿舍")[0] == "s"
    assert initials("曾经小区")[0] == "c" and person_initials("曾经小区")[0] == "z"


def test_the_actions_write_the_surname_initials() -> None:
    person = registry.person("单伟", seq=1)
    assert person.initials == "sw"
    actions.update_person(
        None, person, name="曾伟", id_type=person.id_type, id_number=person.id_number, phone="", address=""
    )
    person.refresh_from_db()
    assert person.initials == "zw"
    ids = actions.register_persons(None, [actions.NewPerson("解放", registry.resident_id(seq=2), None)])
    assert Person.objects.get(pk=ids[registry.resident_id(seq=2)]).initials == "xf"


def test_the_migration_recomputes_the_initials_of_existing_persons() -> None:
    kept = registry.person("张伟", seq=1)
    stale = [registry.person(name, seq=i + 2) for i, name in enumerate(["单伟", "曾伟", "仇英"])]
    Person.objects.filter(pk__in=[p.pk for p in stale]).update(initials="old")
    migration = importlib.import_module("anju.registry.migrations.0002_person_search")
    migration.CHUNK = 2  # several chunks
    migration.surname_initials(apps, None)
    assert dict(Person.objects.values_list("name", "initials")) == {
        "张伟": "zw",
        "单伟": "sw",
        "曾伟": "zw",
        "仇英": "qy",
    }
    assert Person.objects.get(pk=kept.pk).initials == "zw"


def test_the_id_tail_is_the_numbers_last_4_characters_uppercased() -> None:
    person = registry.person("张伟", seq=1)
    Person.objects.filter(pk=person.pk).update(id_number="43120219800517123x")
    assert Person.objects.values_list("id_tail", flat=True).get(pk=person.pk) == "123X"


@pytest.fixture
def people() -> list[Person]:
    return [registry.person(name, seq=i + 1, phone=f"1390000{i:04d}") for i, name in enumerate(NAMES)]


def found(q: str, *, see_id: bool) -> set[str]:
    return set(Person.objects.filter(queries.person_filter(q, see_id=see_id)).values_list("name", flat=True))


def by_rule(people: list[Person], q: str, *, see_id: bool) -> set[str]:
    """The search rule over every person, in Python."""
    pair = queries.id_suffix_query(q)
    if pair is not None:
        return {p.name for p in people if pair[0] in p.name and p.id_number.endswith(pair[1])}
    result = set()
    for p in people:
        if q.isascii() and q.isalpha():
            hit = p.initials.startswith(q.lower())
        elif q.rstrip("Xx").isdigit():
            hit = p.phone == q
        else:
            hit = q in p.name or p.phone == q
        if see_id:
            hit = hit or p.id_number == q.upper() or (4 <= len(q) < 18 and p.id_number.endswith(q.upper()))
        if hit:
            result.add(p.name)
    return result


@pytest.mark.parametrize(
    "q", ["zw", "ZW", "z", "sw", "zwart", "oz", "张", "伟", "13900000003", "0517001", "张伟 0011", "0011 张伟"]
)
@pytest.mark.parametrize("see_id", [True, False])
def test_search_finds_what_the_rule_says(people, q: str, see_id: bool) -> None:
    assert found(q, see_id=see_id) == by_rule(people, q, see_id=see_id)


def test_latin_letters_find_by_initials_prefix_including_surnames_and_latin_names(people) -> None:
    assert found("zw", see_id=False) == {"张伟", "张薇", "曾伟", "Zwart Jan"}
    assert found("sw", see_id=False) == {"单伟"}
    # A name is searched from its start: Ozwald is found by "oz", not by "zw".
    assert "Ozwald" in found("oz", see_id=False)


def test_an_id_suffix_needs_a_name_without_see_id(people) -> None:
    zhang = next(p for p in people if p.name == "张伟")
    tail = zhang.id_number[-4:]
    assert found(tail, see_id=False) == set()
    assert found(f"张伟 {tail}", see_id=False) == {"张伟"}
    assert found(tail, see_id=True) == {p.name for p in people if p.id_number.endswith(tail)}


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the plan checked is SQLite's")
@pytest.mark.parametrize(
    ("q", "see_id"), [("zw", True), ("zw", False), ("张伟 0011", False), ("0517001", True), ("13900000003", False)]
)
def test_a_search_reads_indexes_not_the_whole_person_table(people, q: str, see_id: bool) -> None:
    sql, params = Person.objects.filter(queries.person_filter(q, see_id=see_id)).query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        plan = " | ".join(str(row[-1]) for row in cursor.fetchall())
    assert "SEARCH registry_person" in plan and "SCAN registry_person" not in plan, plan


@pytest.mark.parametrize("q", ["张", "伟", "13900000003", "zw", "张伟 0011"])
@pytest.mark.parametrize("see_id", [True, False])
def test_the_registry_search_lists_the_first_persons_of_the_whole_rule(people, q: str, see_id: bool) -> None:
    """The search asks each alternative of the rule alone (an index each) and keeps the first of them in
    the persons' order: the same persons as the rule in one query, for any limit."""
    odd = registry.person("李", seq=40)
    Person.objects.filter(pk=odd.pk).update(phone="伟")  # a phone holding a name matches by the phone alone
    for limit in (1, 2, 20):
        whole = list(Person.objects.filter(queries.person_filter(q, see_id=see_id))[:limit])
        assert queries.search(q, limit, see_id=see_id).persons == whole


def test_a_name_part_is_matched_as_a_substring_case_insensitively() -> None:
    """The name part is `icontains` on both databases; PostgreSQL's test of the name's characters (for their
    index) only narrows: upper-cased on both sides, and characters in another order are no substring."""
    for i, name in enumerate(["Anna张", "ANNA李", "伟张", "张伟明"]):
        registry.person(name, seq=60 + i)
    assert found("a张", see_id=False) == {"Anna张"}
    assert found("NA李", see_id=False) == {"ANNA李"}
    assert found("张伟", see_id=False) == {"张伟明"}
    assert found("伟张", see_id=False) == {"伟张"}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the characters' index is PostgreSQL's")
def test_a_chinese_name_part_can_be_read_from_the_names_characters_index(people) -> None:
    sql, params = Person.objects.filter(queries.person_filter("张", see_id=False)).query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = " | ".join(str(row[0]) for row in cursor.fetchall())
    assert "registry_person_name_chars" in plan, plan


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the upper-cased codes' index is PostgreSQL's")
def test_a_unit_code_search_with_letters_can_be_read_from_the_upper_cased_codes_index() -> None:
    for room in ("101", "102", "201"):
        registry.unit(building="1", room=room)
    searched = Unit.objects.filter(queries.code_prefix("p0001-1-1-1"))
    assert sorted(searched.values_list("code", flat=True)) == ["P0001-1-1-101", "P0001-1-1-102"]
    sql, params = searched.values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = " | ".join(str(row[0]) for row in cursor.fetchall())
    assert "registry_unit_code_upper" in plan, plan
