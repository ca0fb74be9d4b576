"""The import contract of issue 14: headers, all or nothing with row and column, skipped numbers, duplicates
imported and flagged (the existing application too), the command's last line, the programs command."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from anju.core.models import AuditEvent
from anju.lib.xlsx import workbook_bytes
from anju.registry.models import Person
from anju.subsidy.importer import HEADERS, import_applications
from anju.subsidy.models import Application, Flag
from anju.subsidy.tests import factories as f

pytestmark = pytest.mark.django_db


def row(n: int, **changes: str) -> dict[str, str]:
    values = {
        "申请编号": f"GF2023-{n:05d}",
        "购房人姓名": f"购房人{n}",
        "购房人身份证号": f.resident_id(n),
        "共同购房人身份证号": "",
        "房屋坐落": f"鹤城区迎丰中路{n}号",
        "不动产单元号": f"431202003001GB{n:05d}F0001",
        "合同备案号": f"WQ2023-{n:05d}",
        "合同签订日期": "2023-06-01",
        "建筑面积": "98.50",
        "成交总价": "520000.00",
        "契税完税凭证号": f"HN2023-{n:06d}",
        "契税税额": "15600.00",
        "收款人": f"购房人{n}",
        "收款账号": f"62170000{n:011d}",
        "开户行": "中国建设银行怀化分行",
        "申请日期": "2023-07-10",
    }
    values.update(changes)
    return values


def as_csv(rows: list[dict[str, str]], encoding: str = "utf-8") -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=HEADERS)
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def write(tmp_path, rows, name="a.csv", encoding="utf-8"):
    path = tmp_path / name
    if name.endswith(".xlsx"):
        path.write_bytes(workbook_bytes("申请", list(HEADERS), [[r[h] for h in HEADERS] for r in rows]))
    else:
        path.write_bytes(as_csv(rows, encoding))
    return path


def run(*args: str) -> tuple[int, object]:
    out = io.StringIO()
    try:
        call_command("subsidy", *args, stdout=out)
        code = 0
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    return code, json.loads(out.getvalue().strip().splitlines()[-1])


def test_a_clean_file_is_imported_with_buyers_from_the_registry(tmp_path) -> None:
    f.program()
    co = f.resident_id(901)
    rows = [row(1, 共同购房人身份证号=f"{co}；{f.resident_id(902)}"), row(2), row(3)]
    code, out = run("import-applications", str(write(tmp_path, rows, "a.xlsx")), "--program", "hh2023")
    assert code == 0 and out == {"imported": 3, "skipped": 0, "flagged": 0, "flags": []}
    app = Application.objects.get(number="GF2023-00001")
    assert app.amount == Decimal("7800.00") and app.status == "documents"
    assert sorted(app.buyers.values_list("id_number", flat=True)) == sorted([f.resident_id(1), co, f.resident_id(902)])
    assert Person.objects.filter(id_number=co).exists()
    assert app.events.get().step == "import"
    assert AuditEvent.objects.filter(action="import", model="subsidy.Application").count() == 1


def test_gbk_csv_duplicates_in_the_file_and_against_the_database_are_flagged_both_sides(tmp_path) -> None:
    prog = f.program()
    existing = f.application(prog, n=50, unit_code="431202003001GB99999F0001")
    rows = [
        row(1),
        row(2, 不动产单元号="431202003001GB99999F0001"),  # the existing application's home
        row(3, 合同备案号="WQ2023-00001", 收款账号=f"62170000{1:011d}"),  # row 2's contract and account
        row(4, 共同购房人身份证号=f.resident_id(50)),  # the existing one's buyer, pending
        row(5, 契税完税凭证号="HN2023-000004", 购房人身份证号=f.resident_id(4)),  # row 5's voucher and buyer
    ]
    code, out = run("import-applications", str(write(tmp_path, rows, encoding="gbk")), "--program", "hh2023")
    assert code == 0
    assert out["imported"] == 5 and out["skipped"] == 0 and out["flagged"] == 4
    assert out["flags"] == [
        {"row": 3, "application": "GF2023-00002", "reasons": ["same_unit"]},
        {"row": 4, "application": "GF2023-00003", "reasons": ["same_contract", "shared_account"]},
        {"row": 5, "application": "GF2023-00004", "reasons": ["same_buyer"]},
        {"row": 6, "application": "GF2023-00005", "reasons": ["same_tax_voucher", "same_buyer"]},
    ]
    assert set(existing.flags.values_list("reason", flat=True)) == {"same_unit", "same_buyer"}
    first = Application.objects.get(number="GF2023-00001")
    assert set(first.flags.values_list("reason", flat=True)) == {"same_contract", "shared_account"}
    # Importing the same file again skips every row; a number repeated in the file is skipped too.
    code, again = run("import-applications", str(write(tmp_path, rows)), "--program", "hh2023")
    assert again == {"imported": 0, "skipped": 5, "flagged": 0, "flags": []}
    code, repeated = run(
        "import-applications", str(write(tmp_path, [row(7), row(7, 购房人姓名="另一人")])), "--program", "hh2023"
    )
    assert repeated == {"imported": 1, "skipped": 1, "flagged": 0, "flags": []}


def test_a_bad_row_refuses_the_whole_file_named_by_row_and_column(tmp_path) -> None:
    f.program()
    bad_id = f.resident_id(7)[:-1] + ("0" if f.resident_id(7)[-1] != "0" else "1")
    rows = [
        row(1),
        row(2, 购房人身份证号=bad_id),
        row(3, 建筑面积="0"),
        row(4, 成交总价="-5"),
        row(5, 合同签订日期="2021-12-31"),
        row(6, 房屋坐落=""),
    ]
    code, out = run("import-applications", str(write(tmp_path, rows)), "--program", "hh2023")
    assert code == 1
    where = [(e["row"], e["column"]) for e in out["errors"]]
    assert where == [(3, "购房人身份证号"), (4, "建筑面积"), (5, "成交总价"), (6, "合同签订日期"), (7, "房屋坐落")]
    assert "校验位" in out["errors"][0]["message"]
    assert not Application.objects.exists()


def test_an_unknown_program_and_the_programs_command(tmp_path) -> None:
    code, out = run("import-applications", str(write(tmp_path, [row(1)])), "--program", "nope")
    assert code == 1 and out["errors"][0]["row"] == 0
    f.program()
    assert run("programs") == (
        0,
        [{"code": "hh2023", "name": "2023年中心城区购房补贴", "from": "2022-01-01", "to": "2023-12-31"}],
    )


def test_duplicate_detection_is_set_based(tmp_path) -> None:
    prog = f.program()
    for n in range(100, 110):
        f.application(prog, n=n)

    def queries(rows: list[dict[str, str]]) -> int:
        with CaptureQueriesContext(connection) as ctx:
            import_applications(None, "a.csv", as_csv(rows), program="hh2023")
        return len(ctx.captured_queries)

    small = queries([row(200 + i, 购房人身份证号=f.resident_id(100 + i)) for i in range(3)])
    large = queries([row(300 + i, 购房人身份证号=f.resident_id(100 + i % 10)) for i in range(60)])
    assert large == small
    assert Flag.objects.filter(reason="same_buyer").count() > 60
