"""The units export (房屋清单) read as values at file speed (issue 17): the same rows, types and formats as
finance needs them (issue 19 item 7), ID numbers masked for a role without see_id, and no object or query
per unit."""

from __future__ import annotations

import io
from urllib.parse import quote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from anju.lib.ids import mask_id
from anju.registry.models import Unit
from anju.registry.tests import factories

pytestmark = pytest.mark.django_db
HEADERS = (
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
)


@pytest.fixture
def city() -> dict[str, object]:
    zhang = factories.person("张三", seq=11)
    developer = factories.enterprise()
    units = [
        factories.unit(room="101", area="89.50", owner=zhang),
        factories.unit(room="1201", area="120.25", owner=developer),
        factories.unit(project_code="P0002", project_name="金磊富裕城", building="3", room="301", area="75.75"),
    ]
    Unit.objects.filter(pk=units[2].pk).update(use=Unit.Use.SHOP)
    return {"zhang": zhang, "developer": developer}


@pytest.mark.parametrize("role", ["office", "housing"])
def test_the_units_file_holds_each_unit_with_its_current_owner_typed(client_for, city, role: str) -> None:
    zhang, developer = city["zhang"], city["developer"]
    response = client_for(role).get(reverse("registry:units") + "?export=xlsx")
    assert response.status_code == 200
    assert quote(f"房屋清单_{timezone.localdate()}.xlsx") in response["Content-Disposition"]  # named with the day
    book = load_workbook(io.BytesIO(response.content))
    sheet = book.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    id_number = zhang.id_number if role == "housing" else mask_id(zhang.id_number)  # type: ignore[attr-defined]
    assert rows == [
        HEADERS,
        ("P0001", "恒大御景湾", "1", "1", "101", 1, 89.5, "住宅", "张三", id_number, "13800138000"),
        ("P0001", "恒大御景湾", "1", "1", "1201", 12, 120.25, "住宅", developer.name, developer.uscc, None),  # type: ignore[attr-defined]
        ("P0002", "金磊富裕城", "3", "1", "301", 3, 75.75, "门面", None, None, None),
    ]
    assert sheet.title == "房屋" and sheet.freeze_panes == "A2" and sheet["A1"].font.b
    area, floor = sheet["G2"], sheet["F2"]
    assert area.data_type == "n" and area.number_format == "#,##0.00"
    assert floor.data_type == "n" and floor.number_format == "General"  # a floor is no count
    assert sheet.column_dimensions["B"].width >= 12  # a Chinese name counts double


def test_the_export_reads_every_unit_in_the_same_few_queries(client_for, city) -> None:
    client = client_for("office")
    client.get(reverse("registry:units") + "?export=xlsx")  # the session and the permissions, once
    counted = []
    for room in ("401", "402"):
        factories.unit(room=room, owner=factories.person(f"业主{room}", seq=int(room)))
        with CaptureQueriesContext(connection) as captured:
            client.get(reverse("registry:units") + "?export=xlsx")
        counted.append(len(captured.captured_queries))
    assert counted[0] == counted[1]
    owners = [q["sql"] for q in captured.captured_queries if "registry_ownership" in q["sql"]]
    assert len(owners) == 1 and "LEFT OUTER JOIN" in owners[0]  # the owner joined, not prefetched per chunk


def test_a_filtered_export_holds_the_filtered_units(client_for, city) -> None:
    response = client_for("office").get(reverse("registry:units") + "?project=P0002&export=xlsx")
    rows = list(load_workbook(io.BytesIO(response.content)).worksheets[0].iter_rows(values_only=True))
    assert [row[:5] for row in rows[1:]] == [("P0002", "金磊富裕城", "3", "1", "301")]
