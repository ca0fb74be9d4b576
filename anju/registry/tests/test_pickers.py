"""The searchable pickers (anju.core.pickers) over the registry: the search endpoint's role check, what it
finds and how much, the masking of names and ID numbers, and a form field fed with a picked or typed code."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from anju.core.models import AuditEvent
from anju.core.pickers import LIMIT, PickerField
from anju.fund.use.forms import ApplicationForm
from anju.lib.ids import mask_id
from anju.lib.pinyin import initials
from anju.registry.models import Project
from anju.registry.tests import factories as registry

pytestmark = pytest.mark.django_db


def _pick(client: Client, kind: str, q: str, module: str = "fund") -> list[dict[str, str]]:
    response = client.get(reverse("core:pick", args=[module, kind]), {"q": q})
    assert response.status_code == 200
    results: list[dict[str, str]] = response.json()["results"]
    return results


@pytest.fixture
def estate() -> dict[str, Any]:
    owner = registry.person("王小明", seq=11)
    other = registry.person("李华", seq=12)
    units = [
        registry.unit(room="101", owner=owner),
        registry.unit(room="102", owner=other),
        registry.unit("P0002", "锦溪花园", room="201", area="120.00"),
    ]
    for project in Project.objects.all():
        project.initials = initials(project.name)
        project.address = "怀化市鹤城区迎丰路8号" if project.code == "P0001" else ""
        project.save()
    return {"owner": owner, "other": other, "units": units}


def test_the_endpoint_checks_the_role_of_the_module_the_form_belongs_to(
    estate: dict[str, Any], client_for: Callable[..., Client]
) -> None:
    url = reverse("core:pick", args=["fund", "unit"])
    anonymous = Client().get(url, {"q": "P0001"})
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]
    assert client_for("tax_agency").get(url, {"q": "P0001"}).status_code == 403
    station = client_for("station")
    # a module that does not pick units, and a kind nobody registered
    assert station.get(reverse("core:pick", args=["worklog", "unit"]), {"q": "P"}).status_code == 404
    assert station.get(reverse("core:pick", args=["fund", "nothing"]), {"q": "P"}).status_code == 404
    assert [r["value"] for r in _pick(station, "unit", "P0001")] == ["P0001-1-1-101", "P0001-1-1-102"]


def test_units_are_found_by_code_project_and_owner(estate: dict[str, Any], client_for: Callable[..., Client]) -> None:
    client = client_for("station")
    assert [r["value"] for r in _pick(client, "unit", "p0001-1-1-10")] == ["P0001-1-1-101", "P0001-1-1-102"]
    assert [r["value"] for r in _pick(client, "unit", "锦溪")] == ["P0002-1-1-201"]
    assert [r["value"] for r in _pick(client, "unit", "jxhy")] == ["P0002-1-1-201"]  # 锦溪花园's initials
    assert [r["value"] for r in _pick(client, "unit", "王小")] == ["P0001-1-1-101"]
    assert [r["value"] for r in _pick(client, "unit", "wxm")] == ["P0001-1-1-101"]  # 王小明
    assert _pick(client, "unit", "P0009") == []
    assert _pick(client, "unit", "   ") == []
    (summary,) = [r["summary"] for r in _pick(client, "unit", "P0001-1-1-101")]
    assert summary == "P0001-1-1-101 · 恒大御景湾 1幢1单元101室 · 89.50 m² · 业主 王小明"


def test_projects_buildings_and_enterprises(estate: dict[str, Any], client_for: Callable[..., Client]) -> None:
    developer = registry.enterprise("怀化宏达房地产开发有限公司", seed=5)
    client = client_for("station")
    assert [r["value"] for r in _pick(client, "project", "hdyjw")] == ["P0001"]
    assert [r["value"] for r in _pick(client, "project", "迎丰路")] == ["P0001"]  # by its address
    assert [r["value"] for r in _pick(client, "project", "p000")] == ["P0001", "P0002"]
    assert [r["value"] for r in _pick(client, "building", "P0002-1")] == ["P0002-1"]
    assert [r["value"] for r in _pick(client, "building", "锦溪")] == ["P0002-1"]
    for q in ("怀化宏达", "hhhd", developer.uscc[:8]):
        assert [r["value"] for r in _pick(client, "enterprise", q)] == [developer.uscc]
    assert developer.name in _pick(client, "enterprise", "hhhd")[0]["summary"]


def test_at_most_the_limit_and_a_bounded_number_of_queries(
    estate: dict[str, Any], client_for: Callable[..., Client]
) -> None:
    for room in range(301, 301 + LIMIT + 5):
        registry.unit(room=str(room))
    client = client_for("station")
    with CaptureQueriesContext(connection) as queries:
        found = _pick(client, "unit", "P0001")
    assert len(found) == LIMIT
    assert [r["value"] for r in found] == sorted(r["value"] for r in found)
    # the session, the user and its roles, then the search: a handful of queries, not one per unit
    assert len(queries) < 15
    assert all(" LIMIT " in q["sql"] for q in queries if 'FROM "registry_unit"' in q["sql"])


def test_names_are_masked_unless_the_role_sees_identities(
    estate: dict[str, Any], client_for: Callable[..., Client]
) -> None:
    # 人事财务部 views the fund without seeing identities; the 服务站 sees them.
    masked = _pick(client_for("finance"), "unit", "P0001-1-1-101")[0]["summary"]
    assert "王*明" in masked and "王小明" not in masked
    assert "王小明" in _pick(client_for("station"), "unit", "P0001-1-1-101")[0]["summary"]


def test_a_person_is_found_by_name_and_id_suffix_but_the_number_never_shows(
    estate: dict[str, Any], client_for: Callable[..., Client]
) -> None:
    owner = estate["owner"]
    client = client_for("finance")  # registry:view, no see_id
    found = _pick(client, "person", f"王小明 {owner.id_number[-4:]}", module="registry")
    assert [r["value"] for r in found] == [str(owner.pk)]
    assert owner.id_number not in found[0]["summary"] and mask_id(owner.id_number) in found[0]["summary"]
    # the search by the last digits is in the audit log, as the registry's own search
    assert AuditEvent.objects.filter(model="registry.Person", note__contains=owner.id_number[-4:]).count() == 1
    # a number alone finds nobody
    assert _pick(client, "person", owner.id_number[-6:], module="registry") == []


def _application(**overrides: str) -> dict[str, str]:
    data = {
        "kind": "ordinary",
        "title": "屋面维修",
        "project": "P0001",
        "applicant_kind": "property_company",
        "applicant_name": "怀化物业",
        "scope_kind": "project",
        "items": "屋面防水 1000.00",
    }
    data.update(overrides)
    return data


def test_the_form_takes_a_picked_or_typed_code_and_names_the_field_of_a_wrong_one(estate: dict[str, Any]) -> None:
    contractor = registry.enterprise("怀化建工维修有限公司", seed=77)
    form = ApplicationForm(_application(project="p0001", contractor=contractor.uscc.lower()))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["project"] == Project.objects.get(code="P0001")
    assert form.cleaned_data["contractor"] == contractor
    assert form.cleaned_data["applicant_enterprise"] is None

    wrong = ApplicationForm(_application(project="P0999"))
    assert not wrong.is_valid()
    assert wrong.errors["project"] == ["项目：项目“P0999”不存在，请输入几个字后从提示中选择。"]

    # the box asks the fund's endpoint and shows the chosen record's summary
    html = str(ApplicationForm(initial={"project": Project.objects.get(code="P0001")})["project"])
    assert f'data-picker="{reverse("core:pick", args=["fund", "project"])}"' in html
    assert 'value="P0001"' in html and "P0001 · 恒大御景湾" in html


def test_a_field_of_a_kind_nobody_registered_fails_loudly() -> None:
    field = PickerField("nothing", "fund", label="x")
    with pytest.raises(KeyError):
        field.clean("A1")


def test_the_new_use_application_page_saves_the_picked_project(
    estate: dict[str, Any], client_for: Callable[..., Client]
) -> None:
    from anju.fund import accounts
    from anju.fund.models import UseApplication

    accounts.ensure_unit_accounts()
    client = client_for("station")
    page = client.get(reverse("fund:use_create")).content.decode()
    assert 'data-picker="/pick/fund/project/"' in page and 'data-picker="/pick/fund/enterprise/"' in page
    picked = _pick(client, "project", "hdyjw")[0]["value"]
    response = client.post(reverse("fund:use_create"), _application(project=picked))
    assert response.status_code == 302, response.context["form"].errors
    assert UseApplication.objects.get().project.code == "P0001"


def test_a_unit_typed_in_the_scope_box_is_added_to_the_scope(estate: dict[str, Any]) -> None:
    form = ApplicationForm(_application(scope_kind="list", scope_spec="P0001-1-1-101", scope_add="P0001-1-1-102"))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["scope_spec"] == "P0001-1-1-101\nP0001-1-1-102"
    again = ApplicationForm(_application(scope_kind="list", scope_spec="P0001-1-1-101", scope_add="P0001-1-1-101"))
    assert again.is_valid() and again.cleaned_data["scope_spec"] == "P0001-1-1-101"
    whole = ApplicationForm(_application(scope_kind="project", scope_add="P0001-1-1-102"))
    assert not whole.is_valid() and "scope_add" in whole.errors
