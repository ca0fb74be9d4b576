"""The property-roll import: every rule, all or nothing, the command and the page."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from collections.abc import Callable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook
from stdnum.cn import uscc

from anju.core.models import AuditEvent
from anju.lib.tabular import ImportRejected, RowError
from anju.registry.importer import HEADERS, ImportSummary, import_units, template_bytes
from anju.registry.models import Building, Enterprise, Ownership, Person, Project, Unit

pytestmark = pytest.mark.django_db

WEIGHTS = [2 ** (17 - i) % 11 for i in range(17)]


def resident_id(birth: str = "19900101", sequence: str = "123", region: str = "110105") -> str:
    """A valid resident ID number (GB 11643 check digit)."""
    body = region + birth + sequence
    check = (12 - sum(int(d) * w for d, w in zip(body, WEIGHTS, strict=True)) % 11) % 11
    return body + ("X" if check == 10 else str(check))


def with_wrong_check_digit(number: str) -> str:
    return number[:-1] + ("0" if number[-1] != "0" else "1")


def credit_code(body: str) -> str:
    """A valid unified social credit code from its first 17 characters."""
    return body + uscc.calc_check_digit(body)


ZHANG = resident_id("19800512", "031")
LI = resident_id("19751130", "042")
WANG = resident_id("19921208", "017")
DEVELOPER = "91110000600037341L"


def row(
    project: str = "P001",
    project_name: str = "幸福小区",
    building: Any = "1",
    entrance: Any = "1",
    room: Any = "101",
    floor: Any = 1,
    area: Any = 89.5,
    use: str = "住宅",
    owner: str = "张三",
    number: str = ZHANG,
    phone: Any = "13800138000",
) -> list[Any]:
    return [project, project_name, building, entrance, room, floor, area, use, owner, number, phone]


def xlsx(rows: Sequence[Sequence[Any]], headers: Sequence[str] = HEADERS) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(list(headers))
    for r in rows:
        ws.append(list(r))
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: Sequence[Sequence[Any]], encoding: str = "utf-8-sig", headers: Sequence[str] = HEADERS) -> bytes:
    lines = [",".join(headers)] + [",".join("" if v is None else str(v) for v in r) for r in rows]
    return ("\n".join(lines) + "\n").encode(encoding)


def run(rows: Sequence[Sequence[Any]], filename: str = "清册.xlsx") -> ImportSummary:
    return import_units(None, filename, xlsx(rows))


def counts() -> dict[str, int]:
    return {
        "units": Unit.objects.count(),
        "persons": Person.objects.count(),
        "enterprises": Enterprise.objects.count(),
        "projects": Project.objects.count(),
        "buildings": Building.objects.count(),
        "ownerships": Ownership.objects.count(),
        "audit": AuditEvent.objects.filter(action=AuditEvent.Action.IMPORT).count(),
    }


def rejected(
    rows: Sequence[Sequence[Any]], content: bytes | None = None, filename: str = "清册.xlsx"
) -> list[RowError]:
    """The errors of a refused file, having checked that nothing was written."""
    before = counts()
    with pytest.raises(ImportRejected) as info:
        import_units(None, filename, content if content is not None else xlsx(rows))
    assert counts() == before
    return info.value.errors


def chinese(text: str) -> bool:
    return re.search(r"[\u4e00-\u9fff]", text) is not None


def only_error(errors: list[RowError], row_number: int, column: str) -> RowError:
    assert [(e.row, e.column) for e in errors] == [(row_number, column)], errors
    assert chinese(errors[0].message)
    return errors[0]


def last_import_after() -> Any:
    return AuditEvent.objects.filter(action=AuditEvent.Action.IMPORT).latest("id").after


def today() -> dt.date:
    return timezone.localdate()


# --- Writing ---------------------------------------------------------------------------------


def test_creates_projects_buildings_units_owners_and_ownerships() -> None:
    summary = run(
        [
            row(),
            row(room="102", owner="李四", number=LI, phone=None, area=120),
            row(building="2", room="201", floor=2, use="门面", owner="", number="", phone=""),
        ]
    )
    assert summary == ImportSummary(created=3, updated=0, unchanged=0)
    assert summary.as_dict() == {"created": 3, "updated": 0, "unchanged": 0}

    project = Project.objects.get(code="P001")
    assert (project.name, project.kind, project.initials) == ("幸福小区", Project.Kind.COMMERCIAL, "xfxq")
    assert sorted(Building.objects.filter(project=project).values_list("number", flat=True)) == ["1", "2"]

    unit = Unit.objects.get(code="P001-1-1-101")
    assert (unit.project, unit.building.number, unit.entrance, unit.room) == (project, "1", "1", "101")
    assert (unit.floor, unit.area, unit.use) == (1, Decimal("89.50"), Unit.Use.RESIDENTIAL)
    assert Unit.objects.get(code="P001-1-1-102").area == Decimal("120.00")
    shop = Unit.objects.get(code="P001-2-1-201")
    assert shop.use == Unit.Use.SHOP
    assert shop.current_ownership() is None

    zhang = Person.objects.get(id_number=ZHANG)
    assert (zhang.name, zhang.id_type, zhang.birth_date) == ("张三", Person.IdType.RESIDENT, dt.date(1980, 5, 12))
    assert (zhang.phone, zhang.initials) == ("13800138000", "zs")
    assert Person.objects.get(id_number=LI).phone == ""

    ownership = unit.current_ownership()
    assert ownership is not None
    assert (ownership.person, ownership.start, ownership.end) == (zhang, today(), None)


def test_one_audit_event_lists_created_units() -> None:
    run([row(), row(room="102")], filename="幸福小区清册.xlsx")
    event = AuditEvent.objects.get(action=AuditEvent.Action.IMPORT)
    assert (event.model, event.object_repr, event.actor_name.startswith("cli")) == (
        "registry.Unit",
        "幸福小区清册.xlsx",
        True,
    )
    assert event.after == {"created": ["P001-1-1-101", "P001-1-1-102"], "updated": [], "unchanged": 0}
    assert "2" in event.note


def test_importing_the_same_file_again_changes_nothing() -> None:
    rows = [
        row(),
        row(room="102", owner="李四", number=LI, phone="13900139000"),
        row(room="103", owner="", number="", phone=""),
    ]
    run(rows)
    before = counts()
    stamps = list(Unit.objects.order_by("code").values_list("updated", flat=True))
    assert run(rows) == ImportSummary(created=0, updated=0, unchanged=3)
    assert counts() == {**before, "audit": before["audit"] + 1}
    assert list(Unit.objects.order_by("code").values_list("updated", flat=True)) == stamps
    assert last_import_after() == {
        "created": [],
        "updated": [],
        "unchanged": 3,
    }


def test_floor_and_phone_changes_update_the_unit_and_are_audited() -> None:
    run([row(), row(room="102", owner="李四", number=LI, phone="13900139000")])
    summary = run([row(floor=2), row(room="102", owner="李四", number=LI, phone="13700137000")])
    assert summary == ImportSummary(created=0, updated=2, unchanged=0)
    assert Unit.objects.get(code="P001-1-1-101").floor == 2
    assert Person.objects.get(id_number=LI).phone == "13700137000"
    after = last_import_after()
    assert after["updated"] == [
        {"code": "P001-1-1-101", "before": {"floor": 1}, "after": {"floor": 2}},
        {"code": "P001-1-1-102", "before": {"phone": "13900139000"}, "after": {"phone": "13700137000"}},
    ]


def test_empty_owner_and_phone_keep_what_is_registered() -> None:
    run([row()])
    summary = run([row(owner="", number="", phone="")])
    assert summary == ImportSummary(created=0, updated=0, unchanged=1)
    ownership = Unit.objects.get().current_ownership()
    assert ownership is not None and ownership.person is not None
    assert ownership.person.phone == "13800138000"
    assert run([row(phone="")]) == ImportSummary(created=0, updated=0, unchanged=1)


def test_owner_change_closes_the_current_ownership_and_opens_a_new_one() -> None:
    run([row()])
    first = Ownership.objects.get()
    first.start = dt.date(2015, 3, 1)
    first.save()

    summary = run([row(owner="王五", number=WANG, phone="13600136000")])
    assert summary == ImportSummary(created=0, updated=1, unchanged=0)
    first.refresh_from_db()
    assert first.end == today()
    current = Unit.objects.get().current_ownership()
    assert current is not None
    assert (current.person.name, current.start, current.end) == ("王五", today(), None)  # type: ignore[union-attr]
    assert Ownership.objects.count() == 2
    after = last_import_after()
    assert after["updated"] == [
        {
            "code": "P001-1-1-101",
            "before": {"owner": "张三", "owner_id_number": ZHANG},
            "after": {"owner": "王五", "owner_id_number": WANG},
        }
    ]


def test_an_owner_for_a_unit_without_one_opens_an_ownership() -> None:
    run([row(owner="", number="", phone="")])
    assert run([row()]) == ImportSummary(created=0, updated=1, unchanged=0)
    ownership = Unit.objects.get().current_ownership()
    assert ownership is not None and ownership.start == today()


def test_enterprise_owner_by_unified_social_credit_code() -> None:
    digits_only = credit_code("91310000000000000")  # all digits but the check: not a resident ID
    summary = run(
        [
            row(owner="某某房地产开发有限公司", number=DEVELOPER.lower(), phone="13500135000"),
            row(room="102", owner="上海某某置业有限公司", number=digits_only, phone=""),
        ]
    )
    assert summary.created == 2
    developer = Enterprise.objects.get(uscc=DEVELOPER)
    assert (developer.name, developer.contact_phone, developer.initials) == (
        "某某房地产开发有限公司",
        "13500135000",
        "mmfdckfyxgs",
    )
    ownership = Unit.objects.get(code="P001-1-1-101").current_ownership()
    assert ownership is not None
    assert (ownership.enterprise, ownership.person) == (developer, None)
    assert Enterprise.objects.filter(uscc=digits_only).exists()
    assert Person.objects.count() == 0

    # The developer sells the unit to a person.
    assert run([row(), row(room="102", owner="上海某某置业有限公司", number=digits_only, phone="")]).updated == 1
    closed = Ownership.objects.get(enterprise=developer)
    assert closed.end == today()


def test_existing_registry_records_are_reused() -> None:
    project = Project.objects.create(code="P001", name="幸福小区", kind=Project.Kind.PUBLIC_RENTAL)
    Building.objects.create(project=project, number="1")
    person = Person.objects.create(name="张三", id_number=ZHANG, phone="13800138000")
    assert run([row()]).created == 1
    assert (Project.objects.count(), Building.objects.count(), Person.objects.count()) == (1, 1, 1)
    project.refresh_from_db()
    assert project.kind == Project.Kind.PUBLIC_RENTAL
    assert Ownership.objects.get().person == person


def test_csv_utf8_and_gb18030_with_columns_in_another_order() -> None:
    headers = list(reversed(HEADERS))
    content = csv_bytes([list(reversed(row(area="89.5")))], headers=headers)
    assert import_units(None, "清册.csv", content).created == 1
    content = csv_bytes([list(reversed(row(room="102", area="70")))], encoding="gb18030", headers=headers)
    assert import_units(None, "清册.csv", content).created == 1
    assert Unit.objects.get(code="P001-1-1-102").area == Decimal("70.00")
    assert Project.objects.get().name == "幸福小区"


def test_numeric_cells_from_excel() -> None:
    assert (
        run([row(building=3, entrance=2, room=1501, floor=15.0, area=Decimal("88.1"), phone=13800138000)]).created == 1
    )
    unit = Unit.objects.get()
    assert (unit.code, unit.floor, unit.area) == ("P001-3-2-1501", 15, Decimal("88.10"))


def test_basement_floor_and_lowercase_x_in_resident_id() -> None:
    number = next(n for s in range(100, 200) if (n := resident_id("19850101", str(s)))[-1] == "X")
    assert run([row(floor=-1, number=number.lower())]).created == 1
    assert Unit.objects.get().floor == -1
    assert Person.objects.get().id_number == number


# --- Refusals: one rule each ----------------------------------------------------------------


def test_bad_resident_id_checksum() -> None:
    error = only_error(
        rejected([row(), row(room="102", number=with_wrong_check_digit(LI), owner="李四")]), 3, "证件号码"
    )
    assert error.message == "居民身份证号码校验位错误"


def test_impossible_birth_date_in_resident_id() -> None:
    error = only_error(rejected([row(number=resident_id("19900230"))]), 2, "证件号码")
    assert "出生日期" in error.message


def test_birth_date_after_today() -> None:
    future = (today() + dt.timedelta(days=400)).strftime("%Y%m%d")
    error = only_error(rejected([row(number=resident_id(future))]), 2, "证件号码")
    assert "晚于今天" in error.message


def test_short_number_is_reported_as_a_resident_id() -> None:
    error = only_error(rejected([row(number="110105800512031")]), 2, "证件号码")
    assert "18位" in error.message


def test_bad_unified_social_credit_code() -> None:
    error = only_error(rejected([row(owner="某公司", number="91110000600037341X")]), 2, "证件号码")
    assert "统一社会信用代码" in error.message


def test_id_number_stored_as_a_number_by_excel() -> None:
    error = only_error(rejected([row(number=float(ZHANG))]), 2, "证件号码")  # type: ignore[arg-type]
    assert "文本格式" in error.message


@pytest.mark.parametrize("area", [0, -5, "0.00", "abc", 89.123, "89.123", "100000000"])
def test_area_must_be_positive_with_at_most_2_decimals(area: Any) -> None:
    error = only_error(rejected([row(), row(room="102", area=area)]), 3, "建筑面积")
    assert error.message.startswith("建筑面积")


def test_unknown_use() -> None:
    error = only_error(rejected([row(use="商业")]), 2, "房屋用途")
    assert "住宅、非住宅或门面" in error.message


def test_every_use_label() -> None:
    run([row(use="住宅"), row(room="102", use="非住宅"), row(room="103", use="门面")])
    assert list(Unit.objects.order_by("code").values_list("use", flat=True)) == [
        Unit.Use.RESIDENTIAL,
        Unit.Use.NON_RESIDENTIAL,
        Unit.Use.SHOP,
    ]


@pytest.mark.parametrize("floor", ["3.5", 3.5, "三", "3F"])
def test_floor_must_be_an_integer(floor: Any) -> None:
    error = only_error(rejected([row(floor=floor)]), 2, "楼层")
    assert "整数" in error.message


def test_unit_twice_in_the_file_names_the_first_row() -> None:
    error = only_error(rejected([row(), row(room="102"), row(owner="李四", number=LI)]), 4, "房号")
    assert "P001-1-1-101" in error.message and "第2行" in error.message


def test_area_differing_from_the_registered_unit() -> None:
    run([row()])
    error = only_error(rejected([row(area=90)]), 2, "建筑面积")
    assert "89.50" in error.message and "90.00" in error.message and "更正" in error.message


def test_use_differing_from_the_registered_unit() -> None:
    run([row()])
    error = only_error(rejected([row(use="门面")]), 2, "房屋用途")
    assert "住宅" in error.message and "门面" in error.message and "更正" in error.message


@pytest.mark.parametrize("column", ["项目编码", "项目名称", "幢号", "单元", "房号", "楼层", "建筑面积", "房屋用途"])
def test_required_fields(column: str) -> None:
    values = row()
    values[HEADERS.index(column)] = None
    error = only_error(rejected([row(room="102"), values]), 3, column)
    assert error.message == f"{column}不能为空"


def test_owner_name_without_id_number() -> None:
    error = only_error(rejected([row(number="")]), 2, "证件号码")
    assert "业主姓名" in error.message


def test_id_number_without_owner_name() -> None:
    error = only_error(rejected([row(owner="")]), 2, "业主姓名")
    assert "证件号码" in error.message


def test_phone_without_owner() -> None:
    only_error(rejected([row(owner="", number="")]), 2, "联系电话")


@pytest.mark.parametrize("column", ["项目编码", "幢号", "单元", "房号"])
@pytest.mark.parametrize("char", ["-", "/"])
def test_dash_or_slash_inside_a_code_part(column: str, char: str) -> None:
    values = row()
    values[HEADERS.index(column)] = f"1{char}2"
    error = only_error(rejected([values]), 2, column)
    assert f"“{char}”" in error.message


def test_project_name_differing_from_the_registered_project() -> None:
    Project.objects.create(code="P001", name="幸福家园")
    error = only_error(rejected([row()]), 2, "项目名称")
    assert "幸福家园" in error.message and "幸福小区" in error.message


def test_two_names_for_one_project_code_in_the_file() -> None:
    error = only_error(rejected([row(), row(room="102", project_name="幸福家园")]), 3, "项目名称")
    assert "第2行" in error.message and "幸福小区" in error.message and "幸福家园" in error.message


def test_one_id_number_with_two_names_in_the_file() -> None:
    error = only_error(rejected([row(), row(room="102", owner="张叁")]), 3, "业主姓名")
    assert "第2行" in error.message and "张三" in error.message and "张叁" in error.message


def test_name_differing_from_the_registered_person() -> None:
    Person.objects.create(name="张叁", id_number=ZHANG)
    error = only_error(rejected([row()]), 2, "业主姓名")
    assert "张叁" in error.message and "张三" in error.message


def test_name_differing_from_the_registered_enterprise() -> None:
    Enterprise.objects.create(name="某某房地产开发有限公司", uscc=DEVELOPER)
    error = only_error(rejected([row(owner="某某置业有限公司", number=DEVELOPER)]), 2, "业主姓名")
    assert "某某房地产开发有限公司" in error.message


def test_one_owner_with_two_phones_in_the_file() -> None:
    error = only_error(rejected([row(), row(room="102", phone="13900139000")]), 3, "联系电话")
    assert "第2行" in error.message


@pytest.mark.parametrize("phone", ["0571-88888888", "12345", "1380013800a"])
def test_phone_must_be_a_mobile_number(phone: str) -> None:
    error = only_error(rejected([row(phone=phone)]), 2, "联系电话")
    assert "手机号码" in error.message


def test_too_long_code_part() -> None:
    error = only_error(rejected([row(room="1" * 21)]), 2, "房号")
    assert "20" in error.message


def test_every_bad_row_is_listed_in_row_and_column_order() -> None:
    errors = rejected(
        [
            row(),
            row(room="102", area="abc", use="商业"),
            row(room="103"),
            row(room="101", floor="x"),
            row(room="105", number=with_wrong_check_digit(WANG), owner="王五"),
        ]
    )
    assert [(e.row, e.column) for e in errors] == [
        (3, "建筑面积"),
        (3, "房屋用途"),
        (5, "房号"),
        (5, "楼层"),
        (6, "证件号码"),
    ]
    assert all(chinese(e.message) for e in errors)


def test_a_bad_row_still_counts_for_duplicates() -> None:
    errors = rejected([row(area="abc"), row(owner="李四", number=LI)])
    assert [(e.row, e.column) for e in errors] == [(2, "建筑面积"), (3, "房号")]


def test_wrong_headers() -> None:
    headers = [h for h in HEADERS if h != "楼层"] + ["备注"]
    errors = rejected([], content=xlsx([row()[:5] + row()[6:] + ["x"]], headers=headers))
    assert {(e.row, e.column) for e in errors} == {(1, "备注"), (1, "楼层")}
    assert all(chinese(e.message) for e in errors)


@pytest.mark.parametrize(
    ("filename", "content"),
    [("清册.xlsx", b""), ("清册.xlsx", b"not a spreadsheet"), ("清册.txt", b"hello"), ("清册.xlsx", xlsx([]))],
)
def test_empty_file_or_not_a_spreadsheet(filename: str, content: bytes) -> None:
    (error,) = rejected([], content=content, filename=filename)
    assert (error.row, error.column) == (0, "")
    assert chinese(error.message)


def test_row_limit(settings: Any) -> None:
    settings.IMPORT_MAX_ROWS = 2
    (error,) = rejected([row(), row(room="102"), row(room="103")])
    assert (error.row, error.column) == (0, "")
    assert "2行" in error.message


# --- The template ---------------------------------------------------------------------------


def test_template_has_the_headers_and_a_sheet_of_rules() -> None:
    wb = load_workbook(io.BytesIO(template_bytes()))
    sheet, notes = wb.worksheets
    assert [c.value for c in sheet[1]] == HEADERS
    assert sheet.max_row == 1
    assert notes.title == "说明"
    text = "\n".join(str(c.value) for c in notes["A"] if c.value)
    for header in HEADERS:
        assert header in text
    assert sheet.column_dimensions["J"].number_format == "@"


# --- The command ----------------------------------------------------------------------------


def command(*args: str) -> tuple[int, dict[str, Any]]:
    out = io.StringIO()
    try:
        call_command("import-units", *args, stdout=out)
        code = 0
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    return code, json.loads(out.getvalue())


def test_command_prints_the_counts(tmp_path: Path) -> None:
    path = tmp_path / "清册.xlsx"
    path.write_bytes(xlsx([row(), row(room="102")]))
    assert command(str(path)) == (0, {"created": 2, "updated": 0, "unchanged": 0})
    assert command(str(path)) == (0, {"created": 0, "updated": 0, "unchanged": 2})


def test_command_prints_every_error_and_exits_1(tmp_path: Path) -> None:
    path = tmp_path / "清册.csv"
    path.write_bytes(csv_bytes([row(area="89.5"), row(room="102", area="0")]))
    code, data = command(str(path))
    assert code == 1
    assert data == {"errors": [{"row": 3, "column": "建筑面积", "message": "建筑面积应大于0：0.00"}]}
    assert Unit.objects.count() == 0


def test_command_with_a_missing_file(tmp_path: Path) -> None:
    code, data = command(str(tmp_path / "nope.xlsx"))
    assert code == 1
    [error] = data["errors"]
    assert (error["row"], error["column"]) == (0, "")
    assert chinese(error["message"])


def test_command_output_is_not_ascii_escaped(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "清册.xlsx"
    path.write_bytes(xlsx([row(use="商业")]))
    with pytest.raises(SystemExit) as info:
        call_command("import-units", str(path))
    assert info.value.code == 1
    assert "商业" in capsys.readouterr().out


# --- The page -------------------------------------------------------------------------------


def upload(client: Client, content: bytes, name: str = "清册.xlsx") -> Any:
    file = io.BytesIO(content)
    file.name = name
    return client.post(reverse("registry:import"), {"file": file})


def test_page_shows_the_form_the_template_link_and_the_rules(client_for: Callable[..., Client]) -> None:
    response = client_for("housing").get(reverse("registry:import"))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<input type="file" name="file" accept=".xlsx,.xls,.csv">' in html
    assert '<button type="submit" class="primary">' in html
    assert reverse("registry:import_template") in html
    assert "项目编码" in html
    assert 'id="import-summary"' not in html and 'id="import-errors"' not in html


def test_page_imports_and_shows_the_summary(client_for: Callable[..., Client]) -> None:
    client = client_for("housing")
    response = upload(client, xlsx([row(), row(room="102")]))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="import-summary"' in html
    summary = html.split('id="import-summary"')[1].split("</section>")[0]
    assert re.findall(r"<dd>(\d+)</dd>", summary) == ["2", "0", "0"]
    assert Unit.objects.count() == 2
    event = AuditEvent.objects.get(action=AuditEvent.Action.IMPORT)
    assert event.actor == client.user  # type: ignore[attr-defined]
    assert event.ip == "127.0.0.1"


def test_page_lists_every_error_and_imports_nothing(client_for: Callable[..., Client]) -> None:
    response = upload(client_for("housing"), xlsx([row(), row(room="102", area="abc"), row(use="商业")]))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="import-summary"' not in html
    table = html.split('id="import-errors"')[1].split("</table>")[0]
    cells = re.findall(r"<tr><td>(.*?)</td><td>(.*?)</td><td>(.*?)</td></tr>", table)
    assert [(r, c) for r, c, _ in cells] == [("3", "建筑面积"), ("4", "房号"), ("4", "房屋用途")]
    assert "Nothing was imported." in html or "未导入任何数据" in html
    assert Unit.objects.count() == 0


def test_page_reports_a_file_level_error(client_for: Callable[..., Client]) -> None:
    response = upload(client_for("housing"), b"%PDF-1.4", name="roll.pdf")
    html = response.content.decode()
    assert 'id="import-errors"' in html
    assert "请上传 .xlsx、.xls 或 .csv 文件" in html


def test_page_without_a_file(client_for: Callable[..., Client]) -> None:
    response = client_for("housing").post(reverse("registry:import"), {})
    assert 'id="import-errors"' in response.content.decode()
    assert Unit.objects.count() == 0


def test_page_needs_the_handle_permission(client_for: Callable[..., Client]) -> None:
    client = client_for("office")
    assert client.get(reverse("registry:import")).status_code == 403
    assert upload(client, xlsx([row()])).status_code == 403
    assert client.get(reverse("registry:import_template")).status_code == 403
    assert Unit.objects.count() == 0


def test_anonymous_users_go_to_the_login_page() -> None:
    client = Client()
    for name in ("registry:import", "registry:import_template"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("core:login"))


def test_template_download(client_for: Callable[..., Client]) -> None:
    response = client_for("housing").get(reverse("registry:import_template"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert (
        "%E6%88%BF%E5%B1%8B%E6%B8%85%E5%86%8C%E5%AF%BC%E5%85%A5%E6%A8%A1%E6%9D%BF.xlsx"
        in response["Content-Disposition"]
    )
    wb = load_workbook(io.BytesIO(response.content))
    assert [c.value for c in wb.worksheets[0][1]] == HEADERS
