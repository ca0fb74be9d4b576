"""The import kit: the pipeline is all or nothing with one audit event, every registered import has a
template whose headers are its columns, and the one upload page handles a good and a bad file."""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from anju.core import imports
from anju.core.models import AuditEvent, Role, User
from anju.lib.tabular import TEXT_KINDS, Column, ImportRejected, Kind, RowError
from anju.lib.xlsx import rows_bytes

pytestmark = pytest.mark.django_db


class RolesImport(imports.ImportSpec):
    """A toy import writing roles: every step observable."""

    key = "test.roles"
    title = "角色导入"
    module = "users"
    columns = (Column("代码", required=True, max_length=40), Column("名称", required=True), Column("人数", Kind.INT))
    example = ("clerks", "办事员", 3)

    def fetch(self, parsed: imports.Parsed, options: imports.Options) -> set[str]:
        codes = [row.values["代码"] for row in parsed.rows if row.values["代码"]]
        return set(Role.objects.filter(code__in=codes).values_list("code", flat=True))

    def check(self, parsed: imports.Parsed, fetched: set[str], options: imports.Options) -> list[RowError]:
        return [
            RowError(row.number, "代码", f"角色“{row.values['代码']}”已存在")
            for row in parsed.rows
            if row.values["代码"] in fetched
        ]

    def write(self, actor: User | None, parsed: imports.Parsed, fetched: Any, options: imports.Options) -> int:
        Role.objects.bulk_create(Role(code=row["代码"], name=row["名称"]) for row in parsed.rows)
        if options.get("explode"):
            raise ImportRejected([RowError(0, "", "写入时被拒绝")])
        return len(parsed.rows)

    def audit(self, result: int, options: imports.Options) -> imports.AuditEntry:
        return imports.AuditEntry(model="core.Role", after={"created": result}, note=f"新增{result}个角色")

    def summary(self, result: int) -> list[tuple[Any, Any]]:
        return [("新增", result)]


@pytest.fixture
def spec() -> Iterator[RolesImport]:
    spec = RolesImport()
    imports.register(spec)
    yield spec
    imports._specs.pop(spec.key)


def xlsx(*rows: Sequence[Any]) -> bytes:
    return rows_bytes(rows)


def test_a_good_file_is_written_with_one_import_event(spec: RolesImport) -> None:
    before = Role.objects.count()
    result = imports.run(spec, None, "roles.xlsx", xlsx(["代码", "名称", "人数"], ["a1", "甲", 2], ["a2", "乙", None]))
    assert result == 2 and Role.objects.count() == before + 2
    event = AuditEvent.objects.get(action=AuditEvent.Action.IMPORT)
    assert (event.model, event.object_repr, event.after, event.note) == (
        "core.Role",
        "roles.xlsx",
        {"created": 2},
        "新增2个角色",
    )


def test_errors_of_every_step_come_together_sorted_and_nothing_is_written(spec: RolesImport) -> None:
    before = Role.objects.count()
    content = xlsx(["人数", "代码", "名称"], ["x", "office", "甲"], [1, "", "乙"], [2, "ok", "丙"])
    with pytest.raises(ImportRejected) as info:
        imports.run(spec, None, "roles.xlsx", content)
    assert [(e.row, e.column, e.message) for e in info.value.errors] == [
        (2, "代码", "角色“office”已存在"),  # check, against the database
        (2, "人数", "人数应为整数：x"),  # parse
        (3, "代码", "代码不能为空"),
    ]
    assert Role.objects.count() == before and not AuditEvent.objects.exists()


def test_a_refusal_while_writing_rolls_back_what_was_written(spec: RolesImport) -> None:
    before = Role.objects.count()
    with pytest.raises(ImportRejected, match="导入被拒绝"):
        imports.run(spec, None, "roles.xlsx", xlsx(["代码", "名称", "人数"], ["z1", "甲", 1]), explode=True)
    assert Role.objects.count() == before and not AuditEvent.objects.exists()


def test_a_spec_needs_a_key_a_module_and_columns() -> None:
    with pytest.raises(ValueError, match="needs a key"):
        imports.register(imports.ImportSpec())


def test_every_registered_import_has_a_template_of_its_columns(client_for: Callable[..., Client]) -> None:
    client = client_for("leadership")  # may view every module
    specs = imports.all_specs()
    assert {s.key for s in specs} >= {
        "registry.units",
        "fund.bank_receipts",
        "fund.bank_statement",
        "fund.use_votes",
        "arrears.items",
        "rental.payments",
        "performance.budget",
        "performance.assets",
    }
    for spec in specs:
        response = client.get(reverse("core:import_template", args=[spec.key]))
        assert response.status_code == 200, spec.key
        workbook = load_workbook(io.BytesIO(response.content))
        data, notes = workbook.worksheets
        assert [c.value for c in data[1]] == [column.name for column in spec.columns], spec.key
        assert data.max_row == 1  # the example is on the notes sheet, where it cannot be imported by mistake
        text = "\n".join(str(row[0]) for row in notes.iter_rows(values_only=True) if row[0])
        assert "全部导入，要么全部不导入" in text and all(column.name in text for column in spec.columns)
        if spec.example:
            assert "示例" in text
        for index, column in enumerate(spec.columns, start=1):
            fmt = data.column_dimensions[data.cell(1, index).column_letter].number_format
            assert (fmt == "@") == (column.kind in TEXT_KINDS), (spec.key, column)


def test_the_template_needs_the_modules_view_permission(client_for: Callable[..., Client]) -> None:
    url = reverse("core:import_template", args=["rental.payments"])
    assert client_for("finance").get(url).status_code == 403
    information = client_for("information")
    assert information.get(url).status_code == 200
    assert Client().get(url).status_code == 302
    assert information.get(reverse("core:import_template", args=["nope"])).status_code == 404


def upload(client: Client, key: str, content: bytes, name: str = "roles.xlsx") -> str:
    file = io.BytesIO(content)
    file.name = name
    return client.post(reverse("core:import", args=[key]), {"file": file}).content.decode()


def test_the_upload_page_shows_the_errors_then_the_summary(
    spec: RolesImport, client_for: Callable[..., Client]
) -> None:
    client = client_for("admin")
    page = client.get(reverse("core:import", args=[spec.key])).content.decode()
    assert '<input type="file" name="file" accept=".xlsx,.xls,.csv">' in page
    assert reverse("core:import_template", args=[spec.key]) in page and "代码（必填）" in page
    html = upload(client, spec.key, xlsx(["代码", "名称", "人数"], ["office", "甲", 1], ["b1", "", 1]))
    table = html.split('id="import-errors"')[1].split("</table>")[0]
    cells = re.findall(r"<tr><td>(.*?)</td><td>(.*?)</td><td>(.*?)</td></tr>", table)
    assert cells == [("2", "代码", "角色“office”已存在"), ("3", "名称", "名称不能为空")]
    assert 'id="import-summary"' not in html
    html = upload(client, spec.key, xlsx(["代码", "名称", "人数"], ["b1", "乙", 1]))
    summary = html.split('id="import-summary"')[1].split("</section>")[0]
    assert re.findall(r"<dd>(\d+)</dd>", summary) == ["1"]
    event = AuditEvent.objects.get(action=AuditEvent.Action.IMPORT)
    assert event.actor == client.user and event.ip == "127.0.0.1"  # type: ignore[attr-defined]
    assert 'id="import-errors"' in client.post(reverse("core:import", args=[spec.key]), {}).content.decode()


def test_the_upload_page_checks_the_specs_permission(spec: RolesImport, client_for: Callable[..., Client]) -> None:
    assert client_for("finance").get(reverse("core:import", args=[spec.key])).status_code == 403
    assert (
        upload(client_for("office"), spec.key, xlsx(["代码", "名称"], ["c1", "丙"]))
        and not Role.objects.filter(code="c1").exists()
    )
    response = Client().get(reverse("core:import", args=[spec.key]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("core:login"))
