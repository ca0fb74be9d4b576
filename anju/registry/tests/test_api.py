"""The registry JSON API: permissions, masking, filters, pagination, search and the unit import."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.db.models import Count, Sum
from django.test import Client
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook
from stdnum.cn import ric

from anju.core.models import AuditEvent
from anju.lib.ids import mask_id
from anju.lib.pinyin import initials
from anju.registry.models import (
    Building,
    Enterprise,
    EnterpriseRegistration,
    Ownership,
    Person,
    Project,
    Unit,
)

API = "/api/registry"
USCC = "91110000600037341L"


def resident_id(birth: str, sequence: int) -> str:
    body = f"110105{birth}{sequence:03d}"
    # stdnum's calc_check_digit expects the full number and ignores its last character.
    number = body + ric.calc_check_digit(body + "0")
    assert ric.is_valid(number)
    return number


@dataclass
class Registry:
    zhang: Person
    li: Person
    developer: Enterprise
    project: Project
    owned_by_zhang: Unit
    owned_by_developer: Unit
    vacant: Unit


def make_person(name: str, id_number: str, **extra: Any) -> Person:
    return Person.objects.create(name=name, id_number=id_number, initials=initials(name), **extra)


@pytest.fixture
def registry(db: None) -> Registry:
    developer = Enterprise.objects.create(
        name="安居置业有限公司",
        uscc=USCC,
        legal_representative="王五",
        contact_phone="0931-8888888",
        initials=initials("安居置业有限公司"),
    )
    EnterpriseRegistration.objects.create(
        enterprise=developer, date=dt.date(2019, 5, 1), old_name="安居房地产开发公司", new_name=developer.name
    )
    Enterprise.objects.create(
        name="失联物业公司", uscc="91110000MA01ABCD0J", unreachable=True, initials=initials("失联物业公司")
    )
    project = Project.objects.create(
        code="P001", name="幸福小区", developer=developer, district="城关区", initials=initials("幸福小区")
    )
    Project.objects.create(
        code="P002",
        name="公租家园",
        district="七里河区",
        kind=Project.Kind.PUBLIC_RENTAL,
        initials=initials("公租家园"),
    )
    first = Building.objects.create(
        project=project, number="1", floors=6, structure=Building.Structure.FRAME, lift_count=1
    )
    second = Building.objects.create(project=project, number="2", floors=18, lift_count=2)

    def unit(building: Building, room: str, area: str, use: str = Unit.Use.RESIDENTIAL) -> Unit:
        return Unit.objects.create(
            code=Unit.make_code(project.code, building.number, "1", room),
            project=project,
            building=building,
            entrance="1",
            room=room,
            floor=int(room[0]),
            area=Decimal(area),
            use=use,
        )

    owned_by_zhang = unit(first, "101", "89.5")
    owned_by_developer = unit(first, "102", "100.25", Unit.Use.SHOP)
    vacant = unit(second, "101", "120")
    zhang = make_person("张三", resident_id("19900307", 123), phone="13800000001", birth_date=dt.date(1990, 3, 7))
    li = make_person("李四", resident_id("19851111", 456), phone="13800000002")
    make_person("John Smith", "E12345678", id_type=Person.IdType.PASSPORT)
    Ownership.objects.create(unit=owned_by_zhang, person=li, start=dt.date(2015, 1, 1), end=dt.date(2020, 6, 30))
    Ownership.objects.create(unit=owned_by_zhang, person=zhang, start=dt.date(2020, 7, 1))
    Ownership.objects.create(unit=owned_by_developer, enterprise=developer, start=dt.date(2018, 1, 1))
    return Registry(zhang, li, developer, project, owned_by_zhang, owned_by_developer, vacant)


def xlsx(rows: Sequence[Sequence[Any]]) -> io.BytesIO:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    buffer.name = "房屋清册.xlsx"
    return buffer


GET_PATHS = [
    "persons",
    "persons/{person}",
    "enterprises",
    "enterprises/{enterprise}",
    "projects",
    "projects/P001",
    "units",
    "units/P001-1-1-101",
    "search?q=zs",
]


def url(path: str, registry: Registry) -> str:
    return f"{API}/" + path.format(person=registry.zhang.pk, enterprise=registry.developer.pk)


@pytest.mark.parametrize("path", GET_PATHS)
def test_get_endpoints_need_authentication(client: Client, registry: Registry, path: str) -> None:
    assert client.get(url(path, registry)).status_code == 401


@pytest.mark.parametrize("path", GET_PATHS)
def test_get_endpoints_need_registry_view(client_for: Callable[..., Client], registry: Registry, path: str) -> None:
    response = client_for().get(url(path, registry))
    assert response.status_code == 403
    assert response.json() == {"detail": "Permission denied: registry:view"}


@pytest.mark.parametrize("path", GET_PATHS)
def test_get_endpoints_answer_a_role_with_registry_view(
    client_for: Callable[..., Client], registry: Registry, path: str
) -> None:
    assert client_for("finance").get(url(path, registry)).status_code == 200


def test_import_needs_registry_view_and_handle(client_for: Callable[..., Client], registry: Registry) -> None:
    url = f"{API}/units/import"
    assert Client().post(url, {"file": xlsx([["x"]])}).status_code == 401
    assert client_for().post(url, {"file": xlsx([["x"]])}).status_code == 403
    response = client_for("office").post(url, {"file": xlsx([["x"]])})
    assert response.status_code == 403
    assert response.json() == {"detail": "Permission denied: registry:handle"}


def test_person_list_masks_id_numbers_without_see_id(client_for: Callable[..., Client], registry: Registry) -> None:
    office = client_for("office").get(f"{API}/persons?q=张三").json()
    housing = client_for("housing").get(f"{API}/persons?q=张三").json()
    assert office["items"][0]["id_number"] == mask_id(registry.zhang.id_number)
    assert office["items"][0]["id_number"] == "110" + "*" * 11 + registry.zhang.id_number[-4:]
    assert housing["items"][0]["id_number"] == registry.zhang.id_number


def test_person_detail(client_for: Callable[..., Client], registry: Registry) -> None:
    body = client_for("office").get(f"{API}/persons/{registry.li.pk}").json()
    assert body["name"] == "李四"
    assert body["id_number"] == mask_id(registry.li.id_number)
    assert body["ownerships"] == [
        {"unit_code": "P001-1-1-101", "project_name": "幸福小区", "start": "2015-01-01", "end": "2020-06-30"}
    ]


def test_person_list_paginates_with_a_total(client_for: Callable[..., Client], registry: Registry) -> None:
    client = client_for("office")
    body = client.get(f"{API}/persons?limit=2").json()
    assert body["count"] == 3
    assert [p["name"] for p in body["items"]] == ["John Smith", "张三"]
    body = client.get(f"{API}/persons?limit=2&offset=2").json()
    assert body["count"] == 3
    assert [p["name"] for p in body["items"]] == ["李四"]


def test_person_list_filters(client_for: Callable[..., Client], registry: Registry) -> None:
    client = client_for("office")
    passports = client.get(f"{API}/persons?id_type=passport").json()
    assert [p["name"] for p in passports["items"]] == ["John Smith"]
    assert client.get(f"{API}/persons?q=ls").json()["items"][0]["name"] == "李四"
    last_digits = registry.zhang.id_number[-6:]
    # Without the right to see IDs, the last digits find a person only with the name, and it is audited.
    assert client.get(f"{API}/persons?q={last_digits}").json()["items"] == []
    assert client.get(f"{API}/persons?q={registry.zhang.id_number}").json()["items"] == []
    assert [p["name"] for p in client.get(f"{API}/persons?q=张三 {last_digits}").json()["items"]] == ["张三"]
    assert AuditEvent.objects.filter(action="view", note__contains=f"****{last_digits}").count() == 1
    housing = client_for("housing")  # may see IDs: the digits alone, or the full number
    assert [p["name"] for p in housing.get(f"{API}/persons?q={last_digits}").json()["items"]] == ["张三"]
    assert [p["name"] for p in housing.get(f"{API}/persons?q={registry.zhang.id_number}").json()["items"]] == ["张三"]


@pytest.mark.parametrize(
    "query",
    ["persons?id_type=nope", "units?use=nope", "projects?kind=nope", "persons?limit=0", "persons?offset=-1"],
)
def test_invalid_parameters_are_422(client_for: Callable[..., Client], registry: Registry, query: str) -> None:
    assert client_for("office").get(f"{API}/{query}").status_code == 422


@pytest.mark.parametrize("path", ["persons/999999", "enterprises/999999", "projects/NOPE", "units/NOPE"])
def test_missing_records_are_404(client_for: Callable[..., Client], registry: Registry, path: str) -> None:
    response = client_for("office").get(f"{API}/{path}")
    assert response.status_code == 404
    assert "detail" in response.json()


def test_enterprise_list_and_unreachable_filter(client_for: Callable[..., Client], registry: Registry) -> None:
    client = client_for("office")
    assert client.get(f"{API}/enterprises").json()["count"] == 2
    unreachable = client.get(f"{API}/enterprises?unreachable=true").json()
    assert [e["name"] for e in unreachable["items"]] == ["失联物业公司"]
    assert client.get(f"{API}/enterprises?q=ajzy").json()["items"][0]["uscc"] == USCC


def test_enterprise_detail_has_re_registrations(client_for: Callable[..., Client], registry: Registry) -> None:
    body = client_for("office").get(f"{API}/enterprises/{registry.developer.pk}").json()
    assert body["uscc"] == USCC
    assert body["registrations"][0]["old_name"] == "安居房地产开发公司"
    assert body["registrations"][0]["date"] == "2019-05-01"
    assert [p["code"] for p in body["projects"]] == ["P001"]


def test_project_list_and_filters(client_for: Callable[..., Client], registry: Registry) -> None:
    client = client_for("office")
    body = client.get(f"{API}/projects").json()
    assert body["count"] == 2
    first = body["items"][0]
    assert first["code"] == "P001"
    assert first["developer"] == {"id": registry.developer.pk, "name": "安居置业有限公司"}
    assert first["unit_count"] == 3
    assert first["total_area"] == "309.75"
    assert body["items"][1]["total_area"] == "0.00"
    assert [p["code"] for p in client.get(f"{API}/projects?kind=public_rental").json()["items"]] == ["P002"]
    assert [p["code"] for p in client.get(f"{API}/projects?district=城关区").json()["items"]] == ["P001"]
    assert [p["code"] for p in client.get(f"{API}/projects?q=xfxq").json()["items"]] == ["P001"]


def _counts_or_sums(captured: CaptureQueriesContext, table: str) -> list[str]:
    """The captured statements that count or sum over `table` (not the page's own LIMITed rows)."""
    return [
        q["sql"]
        for q in captured.captured_queries
        if table in q["sql"] and ("COUNT(" in q["sql"] or "SUM(" in q["sql"])
    ]


def test_the_project_sums_follow_every_change_of_the_units_and_are_not_summed_again_unchanged(
    client_for: Callable[..., Client], registry: Registry
) -> None:
    """The projects list and its API take each project's unit count and area from sums kept per version of
    the units: equal to summing the project's units after each change (a unit added, moved to another
    project, its area changed, deleted), and not summed over the units again while they are unchanged."""
    client = client_for("office")
    other = Project.objects.get(code="P002")

    def expected() -> dict[str, tuple[int, str]]:
        return {
            p.code: (p.n, f"{p.area or Decimal('0.00'):.2f}")
            for p in Project.objects.annotate(n=Count("units"), area=Sum("units__area"))
        }

    def shown() -> dict[str, tuple[int, str]]:
        body = client.get(f"{API}/projects").json()
        return {p["code"]: (p["unit_count"], p["total_area"]) for p in body["items"]}

    def page_sums() -> dict[str, tuple[int, str]]:
        rows = client.get("/registry/projects/").context["rows"]
        cells = [[str(cell["html"]) for cell in row["cells"]] for row in rows]
        return {re.sub("<[^>]+>", "", c[0]): (int(c[5]), c[6].replace(",", "")) for c in cells}

    assert shown() == page_sums() == expected()
    building = registry.vacant.building
    added = Unit.objects.create(
        code="P002-1-1-101", project=other, building=building, entrance="1", room="101", floor=1, area=Decimal("77.77")
    )
    assert shown() == page_sums() == expected()
    assert expected()["P002"] == (1, "77.77")
    Unit.objects.filter(pk=registry.vacant.pk).update(project=other)
    assert shown() == page_sums() == expected()
    Unit.objects.filter(pk=added.pk).update(area=Decimal("10.01"))
    assert shown() == page_sums() == expected()
    Unit.objects.filter(pk__in=[added.pk, registry.vacant.pk]).delete()
    assert shown() == page_sums() == expected() and expected()["P002"] == (0, "0.00")
    with CaptureQueriesContext(connection) as captured:
        client.get(f"{API}/projects")
        client.get("/registry/projects/")
    assert _counts_or_sums(captured, "registry_unit") == []


def test_the_persons_count_follows_every_change_and_is_not_counted_again_unchanged(
    client_for: Callable[..., Client], registry: Registry
) -> None:
    """Unfiltered, the persons API's count is all persons', kept per version of their table: right after a
    person is added or deleted, not counted again while nobody changes; filtered, it counts the matches."""
    client = client_for("office")
    assert client.get(f"{API}/persons").json()["count"] == Person.objects.count() == 3
    make_person("王五", resident_id("19800101", 333))
    assert client.get(f"{API}/persons").json()["count"] == 4
    with CaptureQueriesContext(connection) as captured:
        assert client.get(f"{API}/persons?limit=1").json()["count"] == 4
    assert _counts_or_sums(captured, "registry_person") == []
    Person.objects.filter(name="王五").delete()
    assert client.get(f"{API}/persons").json()["count"] == 3
    assert client.get(f"{API}/persons?q=张").json()["count"] == Person.objects.filter(name__contains="张").count() == 1
    assert client.get(f"{API}/persons?id_type=passport").json()["count"] == 1


def test_project_detail_has_buildings(client_for: Callable[..., Client], registry: Registry) -> None:
    body = client_for("office").get(f"{API}/projects/P001").json()
    assert body["buildings"] == [
        {
            "number": "1",
            "floors": 6,
            "structure": "frame",
            "lift_count": 1,
            "unit_count": 2,
            "total_area": "189.75",
        },
        {
            "number": "2",
            "floors": 18,
            "structure": "",
            "lift_count": 2,
            "unit_count": 1,
            "total_area": "120.00",
        },
    ]


def test_unit_list_has_current_owners(client_for: Callable[..., Client], registry: Registry) -> None:
    items = client_for("office").get(f"{API}/units").json()["items"]
    assert [u["code"] for u in items] == ["P001-1-1-101", "P001-1-1-102", "P001-2-1-101"]
    assert items[0]["area"] == "89.50"
    assert items[0]["building"] == "1"
    assert items[0]["owner"] == {
        "kind": "person",
        "id": registry.zhang.pk,
        "name": "张三",
        "id_number": mask_id(registry.zhang.id_number),
        "phone": "13800000001",
    }
    assert items[1]["owner"] == {
        "kind": "enterprise",
        "id": registry.developer.pk,
        "name": "安居置业有限公司",
        "id_number": USCC,
        "phone": "0931-8888888",
    }
    assert items[2]["owner"] is None


def test_unit_list_shows_full_id_numbers_with_see_id(client_for: Callable[..., Client], registry: Registry) -> None:
    items = client_for("housing").get(f"{API}/units?q=P001-1-1-101").json()["items"]
    assert items[0]["owner"]["id_number"] == registry.zhang.id_number


def test_unit_list_filters(client_for: Callable[..., Client], registry: Registry) -> None:
    client = client_for("office")

    def codes(query: str) -> list[str]:
        return [u["code"] for u in client.get(f"{API}/units?{query}").json()["items"]]

    assert codes("building=2") == ["P001-2-1-101"]
    assert codes("use=shop") == ["P001-1-1-102"]
    assert codes("project=P002") == []
    assert codes("q=张三") == ["P001-1-1-101"]
    assert codes("q=ajzy") == ["P001-1-1-102"]


def test_unit_list_queries_do_not_grow_with_units(
    client_for: Callable[..., Client], registry: Registry, django_assert_max_num_queries: Any
) -> None:
    client = client_for("office")
    building = Building.objects.get(number="2")
    for room in range(201, 221):
        unit = Unit.objects.create(
            code=f"P001-2-1-{room}",
            project=registry.project,
            building=building,
            entrance="1",
            room=str(room),
            floor=2,
            area=Decimal(50),
        )
        Ownership.objects.create(unit=unit, person=registry.li, start=dt.date(2021, 1, 1))
    with django_assert_max_num_queries(10):
        body = client.get(f"{API}/units").json()
    assert body["count"] == 23


def test_unit_detail_has_ownership_history(client_for: Callable[..., Client], registry: Registry) -> None:
    body = client_for("office").get(f"{API}/units/{registry.owned_by_zhang.code}").json()
    assert body["project_code"] == "P001"
    assert body["owner"]["name"] == "张三"
    assert [(o["owner"]["name"], o["start"], o["end"]) for o in body["ownerships"]] == [
        ("张三", "2020-07-01", None),
        ("李四", "2015-01-01", "2020-06-30"),
    ]
    assert body["ownerships"][1]["owner"]["id_number"] == mask_id(registry.li.id_number)


def test_search_by_pinyin_initials(client_for: Callable[..., Client], registry: Registry) -> None:
    office = client_for("office")
    body = office.get(f"{API}/search?q=zs").json()
    assert [p["name"] for p in body["persons"]] == ["张三"]
    assert body["persons"][0]["id_number"] == mask_id(registry.zhang.id_number)
    assert client_for("housing").get(f"{API}/search?q=zs").json()["persons"][0]["id_number"] == (
        registry.zhang.id_number
    )
    assert [p["code"] for p in office.get(f"{API}/search?q=xfxq").json()["projects"]] == ["P001"]


def test_search_by_unit_code(client_for: Callable[..., Client], registry: Registry) -> None:
    body = client_for("office").get(f"{API}/search?q=P001-1-1").json()
    assert [u["code"] for u in body["units"]] == ["P001-1-1-101", "P001-1-1-102"]
    assert body["units"][0]["area"] == "89.50"
    assert body["units"][0]["project_name"] == "幸福小区"
    assert body["persons"] == body["enterprises"] == []


def test_search_with_empty_query_finds_nothing(client_for: Callable[..., Client], registry: Registry) -> None:
    body = client_for("office").get(f"{API}/search?q=").json()
    assert body == {"persons": [], "enterprises": [], "projects": [], "units": []}


def test_openapi_lists_the_paths(client_for: Callable[..., Client]) -> None:
    client = client_for("office")
    assert client.get("/api/docs").status_code == 200
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in [
        "/api/me",
        "/api/registry/persons",
        "/api/registry/persons/{person_id}",
        "/api/registry/enterprises",
        "/api/registry/enterprises/{enterprise_id}",
        "/api/registry/projects",
        "/api/registry/projects/{code}",
        "/api/registry/units",
        "/api/registry/units/{code}",
        "/api/registry/units/import",
        "/api/registry/search",
    ]:
        assert path in paths


ROLL_HEADERS = [
    "项目编码",
    "项目名称",
    "幢号",
    "单元",
    "房号",
    "楼层",
    "建筑面积",
    "房屋用途",
    "业主姓名",
    "证件号码",
    "联系电话",
]


def test_import_creates_units(client_for: Callable[..., Client], registry: Registry) -> None:
    owner_id = resident_id("19950101", 789)
    roll: list[list[Any]] = [
        ROLL_HEADERS,
        ["P003", "和平新村", "1", "1", "101", 1, 88.5, "住宅", "王小明", owner_id, "13900000000"],
        ["P001", "幸福小区", "1", "1", "101", 1, 89.5, "住宅", None, None, None],
    ]
    client = client_for("housing")
    response = client.post(f"{API}/units/import", {"file": xlsx(roll)})
    assert response.status_code == 200
    assert response.json() == {"created": 1, "updated": 0, "unchanged": 1}
    unit = client.get(f"{API}/units/P003-1-1-101").json()
    assert unit["area"] == "88.50"
    assert unit["owner"]["id_number"] == owner_id
    response = client.post(f"{API}/units/import", {"file": xlsx(roll)})
    assert response.json() == {"created": 0, "updated": 0, "unchanged": 2}


def test_import_rejects_a_file_with_bad_rows(client_for: Callable[..., Client], registry: Registry) -> None:
    roll: list[list[Any]] = [
        ROLL_HEADERS,
        ["P003", "和平新村", "1", "1", "101", 1, 88.5, "住宅", None, None, None],
        ["P003", "和平新村", "1", "1", "102", 1, "很大", "别墅", None, None, None],
    ]
    response = client_for("housing").post(f"{API}/units/import", {"file": xlsx(roll)})
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert [(e["row"], e["column"]) for e in errors] == [(3, "建筑面积"), (3, "房屋用途")]
    assert all(e["message"] for e in errors)
    assert not Unit.objects.filter(project__code="P003").exists()


def test_import_rejects_a_file_that_is_not_a_roll(client_for: Callable[..., Client], registry: Registry) -> None:
    response = client_for("housing").post(f"{API}/units/import", {"file": xlsx([["姓名"], ["张三"]])})
    assert response.status_code == 400
    assert {e["row"] for e in response.json()["errors"]} == {1}


def test_import_without_a_file_is_422(client_for: Callable[..., Client], registry: Registry) -> None:
    assert client_for("housing").post(f"{API}/units/import").status_code == 422
