from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from anju.core.models import AuditEvent
from anju.registry.models import Enterprise, Person
from anju.registry.tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def city() -> dict[str, object]:
    zhang = factories.person("张三", seq=11)
    li = factories.person("李四", seq=12, phone="13900139000")
    developer = factories.enterprise()
    units = [
        factories.unit(room="101", owner=zhang),
        factories.unit(room="102", owner=li),
        factories.unit(room="201", owner=developer),
        factories.unit(project_code="P0002", project_name="金磊富裕城", room="301"),
    ]
    return {"zhang": zhang, "li": li, "developer": developer, "units": units}


def test_unit_list_shows_owners_with_masked_id_numbers(client_for, city) -> None:
    zhang: Person = city["zhang"]  # type: ignore[assignment]
    page = client_for("office").get(reverse("registry:units")).content.decode()
    assert "P0001-1-1-101" in page and "张三" in page
    assert zhang.id_number not in page and zhang.id_number[:3] + "*" * 11 + zhang.id_number[-4:] in page


def test_role_with_see_id_sees_full_numbers(client_for, city) -> None:
    zhang: Person = city["zhang"]  # type: ignore[assignment]
    housing = client_for("housing")
    assert zhang.id_number in housing.get(reverse("registry:units")).content.decode()
    assert zhang.id_number in housing.get(reverse("registry:person", args=[zhang.pk])).content.decode()
    assert zhang.id_number not in client_for("office").get(reverse("registry:person", args=[zhang.pk])).content.decode()


@pytest.mark.parametrize(
    ("query", "expected", "absent"),
    [
        ("project=P0002", ["P0002-1-1-301"], ["P0001-1-1-101"]),
        ("q=zs", ["P0001-1-1-101"], ["P0001-1-1-102"]),  # pinyin initials of 张三
        ("q=李四", ["P0001-1-1-102"], ["P0001-1-1-101"]),
        ("q=P0001-1-1-2", ["P0001-1-1-201"], ["P0001-1-1-101"]),
        ("owner=none", ["P0002-1-1-301"], ["P0001-1-1-101"]),
    ],
)
def test_unit_list_filters(client_for, city, query: str, expected: list[str], absent: list[str]) -> None:
    page = client_for("office").get(reverse("registry:units") + "?" + query).content.decode()
    for code in expected:
        assert code in page
    for code in absent:
        assert code not in page


def test_unit_list_paginates(client_for, db) -> None:
    for i in range(55):
        factories.unit(room=f"{i + 1}01")
    client = client_for("office")
    first = client.get(reverse("registry:units")).content.decode()
    second = client.get(reverse("registry:units") + "?page=2").content.decode()
    assert "P0001-1-1-101" in first and "P0001-1-1-5501" not in first
    assert "P0001-1-1-5501" in second


def test_unit_export_masks_and_is_audited(client_for, city) -> None:
    zhang: Person = city["zhang"]  # type: ignore[assignment]
    response = client_for("office").get(reverse("registry:units") + "?project=P0001&export=xlsx")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("项目编码", "项目名称", "幢号") and len(rows) == 4
    ids = {row[9] for row in rows[1:]}
    assert zhang.id_number not in ids and any(v and v.endswith(zhang.id_number[-4:]) for v in ids)
    dated = f"房屋清单_{timezone.localdate()}.xlsx"  # the file as downloaded, named with the day
    assert AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT, object_repr=dated).exists()


def test_role_without_export_cannot_export(client_for, city) -> None:
    assert client_for("finance").get(reverse("registry:units") + "?export=xlsx").status_code == 403


def test_search_finds_persons_enterprises_units_and_projects(client_for, city) -> None:
    client = client_for("office")
    assert "张三" in client.get(reverse("registry:search") + "?q=zs").content.decode()
    assert "宏达" in client.get(reverse("registry:search") + "?q=hhhd").content.decode()
    zhang: Person = city["zhang"]  # type: ignore[assignment]
    assert "张三" not in client.get(reverse("registry:search"), {"q": zhang.id_number}).content.decode()
    assert "张三" in client_for("housing").get(reverse("registry:search"), {"q": zhang.id_number}).content.decode()
    assert "金磊富裕城" in client.get(reverse("registry:search") + "?q=P0002").content.decode()


def test_an_id_number_is_neither_shown_nor_rebuilt_by_a_role_that_may_not_see_it(client_for, city) -> None:
    """The information department edits the registry without seeing IDs: the edit form shows the ID masked
    and keeps it; searching by the last digits alone finds nothing (a full number cannot be rebuilt digit by
    digit), with the name it finds the person and is audited."""
    zhang: Person = city["zhang"]  # type: ignore[assignment]
    info = client_for("information")
    form = info.get(reverse("registry:person_edit", args=[zhang.pk])).content.decode()
    assert zhang.id_number not in form and zhang.id_number[-4:] in form
    info.post(
        reverse("registry:person_edit", args=[zhang.pk]), {"name": "张三", "phone": "13900139000", "address": "新地址"}
    )
    zhang.refresh_from_db()
    assert zhang.phone == "13900139000" and zhang.id_number == city["zhang"].id_number  # type: ignore[attr-defined]
    for digits in (zhang.id_number[-4:], zhang.id_number[-5:], zhang.id_number[-6:], zhang.id_number[-17:]):
        assert "张三" not in info.get(reverse("registry:persons"), {"q": digits}).content.decode()
    found = info.get(reverse("registry:persons"), {"q": f"张三 {zhang.id_number[-4:]}"}).content.decode()
    assert "张三" in found and zhang.id_number not in found
    assert AuditEvent.objects.filter(action="view", actor=info.user).count() == 1  # type: ignore[attr-defined]


def test_detail_pages_render(client_for, city) -> None:
    client = client_for("office")
    developer: Enterprise = city["developer"]  # type: ignore[assignment]
    assert client.get(reverse("registry:unit", args=["P0001-1-1-201"])).status_code == 200
    assert developer.name in client.get(reverse("registry:unit", args=["P0001-1-1-201"])).content.decode()
    assert client.get(reverse("registry:enterprise", args=[developer.pk])).status_code == 200
    assert "恒大御景湾" in client.get(reverse("registry:project", args=["P0001"])).content.decode()
    assert client.get(reverse("registry:unit", args=["NOPE"])).status_code == 404


def test_person_create_validates_the_id_number(client_for, db) -> None:
    client = client_for("housing")
    bad = factories.resident_id(seq=5)[:-1] + ("0" if factories.resident_id(seq=5)[-1] != "0" else "1")
    response = client.post(
        reverse("registry:person_create"),
        {"name": "王五", "id_type": "resident", "id_number": bad, "phone": ""},
    )
    assert response.status_code == 200 and "校验位" in response.content.decode()
    assert not Person.objects.exists()
    good = factories.resident_id(birth=dt.date(1990, 2, 3), seq=5)
    response = client.post(
        reverse("registry:person_create"),
        {"name": "王五", "id_type": "resident", "id_number": good, "phone": "13700137000"},
    )
    person = Person.objects.get()
    assert response.status_code == 302 and person.birth_date == dt.date(1990, 2, 3) and person.initials == "ww"
    assert AuditEvent.objects.filter(action=AuditEvent.Action.CREATE, model="registry.Person").exists()


def test_passport_numbers_have_no_checksum(client_for, db) -> None:
    client_for("housing").post(
        reverse("registry:person_create"),
        {"name": "John Smith", "id_type": "passport", "id_number": "e12345678"},
    )
    assert Person.objects.get().id_number == "E12345678"


def test_person_edit_is_audited_with_before_and_after(client_for, city) -> None:
    li: Person = city["li"]  # type: ignore[assignment]
    client_for("housing").post(
        reverse("registry:person_edit", args=[li.pk]),
        {
            "name": "李四",
            "id_type": "resident",
            "id_number": li.id_number,
            "phone": "13600136000",
            "address": "鹤城区迎丰中路1号",
        },
    )
    event = AuditEvent.objects.filter(action=AuditEvent.Action.UPDATE, model="registry.Person").get()
    assert event.before["phone"] == "13900139000" and event.after["phone"] == "13600136000"


def test_marking_an_enterprise_unreachable(client_for, city) -> None:
    developer: Enterprise = city["developer"]  # type: ignore[assignment]
    url = reverse("registry:enterprise_unreachable", args=[developer.pk])
    client = client_for("housing")
    response = client.post(url, {"unreachable": "on", "since": "", "note": "无法送达"})
    assert response.status_code == 200 and "失联日期" in response.content.decode()
    client.post(url, {"unreachable": "on", "since": "2023-08-01", "note": "注册地址无此单位"})
    developer.refresh_from_db()
    assert developer.unreachable and developer.unreachable_since == dt.date(2023, 8, 1)
    page = client.get(reverse("registry:enterprises") + "?unreachable=1").content.decode()
    assert developer.name in page


def test_reregistration_keeps_history(client_for, city) -> None:
    developer: Enterprise = city["developer"]  # type: ignore[assignment]
    old_name, old_code = developer.name, developer.uscc
    new_code = factories.credit_code(99)
    client_for("housing").post(
        reverse("registry:enterprise_reregister", args=[developer.pk]),
        {
            "date": "2022-06-01",
            "name": "怀化新宏达置业有限公司",
            "uscc": new_code,
            "legal_representative": "王五",
        },
    )
    developer.refresh_from_db()
    assert developer.name == "怀化新宏达置业有限公司" and developer.uscc == new_code
    registration = developer.registrations.get()
    assert (registration.old_name, registration.old_uscc, registration.new_uscc) == (
        old_name,
        old_code,
        new_code,
    )
    page = client_for("office", username="o2").get(reverse("registry:enterprise", args=[developer.pk])).content.decode()
    assert old_name in page


def test_view_only_role_cannot_edit(client_for, city) -> None:
    li: Person = city["li"]  # type: ignore[assignment]
    assert client_for("office").get(reverse("registry:person_edit", args=[li.pk])).status_code == 403
