"""Prevention applications of the past imported (`anju termite import-applications`): one application per
原申请编号, accepted ones counted in their year with the fee of the rates then in force, all rows or none
with rows and columns named, a second import skipped, and the same building of a year refused."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from anju.lib.xlsx import rows_bytes
from anju.termite import actions, queries
from anju.termite.applications_import import COLUMNS
from anju.termite.models import Application, FeeRate
from anju.termite.tests.test_history import run

pytestmark = pytest.mark.django_db
HEADERS = [c.name for c in COLUMNS]


def sheet(tmp_path: Path, *rows: list[object]) -> str:
    path = tmp_path / "applications.xlsx"
    path.write_bytes(rows_bytes([HEADERS, *rows]))
    return str(path)


def test_rows_become_applications_accepted_with_their_fee(tmp_path: Path) -> None:
    actions.set_fee_rate(None, kind=FeeRate.Kind.PREVENTION, amount=Decimal("1.00"), effective_from=dt.date(2020, 1, 1))
    actions.set_fee_rate(
        None,
        kind=FeeRate.Kind.PREVENTION,
        amount=Decimal("2.00"),
        effective_from=dt.date(2020, 1, 1),
        structure="brick_concrete",
    )
    file = sheet(
        tmp_path,
        ["2022-015", "宏达公司", "鹤城花园", "P-1", "2022-12-20", "1", "框架", "8650.50", 18, "480.60", "2023-01-04"],
        ["2022-015", "宏达公司", "鹤城花园", "P-1", "2022-12-20", "2", "砖混", "1000", "", "", "2023-01-04"],
        ["2023-002", "舞水公司", "舞水湾", "", "2023-02-01", "1", "", "500.25", "", "", ""],
    )
    code, data = run("import-applications", file)
    assert code == 0 and data["imported"] == 2 and data["buildings"] == 3 and data["accepted"] == 1
    accepted = Application.objects.get(reference="2022-015")
    assert accepted.status == "accepted" and accepted.area == Decimal("9650.50")
    assert accepted.fee == Decimal("10650.50")  # 8650.50 × 1 + 1000 × 2
    assert accepted.number.startswith("YF2022-")
    assert queries.accepted_area(2023) == Decimal("9650.50")
    received = Application.objects.get(reference="2023-002")
    assert received.status == "received" and received.buildings.get().structure == "frame"
    code, again = run("import-applications", file)
    assert code == 0 and again["imported"] == 0 and again["skipped"] == 2 and Application.objects.count() == 2
    # The counter refuses the same building of the same year after the import.
    with pytest.raises(Exception, match="已有预防申请"):
        actions.register_application(
            None,
            developer_name="宏达公司",
            project_name="鹤城花园",
            received_on=dt.date(2022, 12, 30),
            buildings=[actions.BuildingArea("2", Decimal("10"))],
        )


def test_bad_rows_refuse_the_file_naming_row_and_column(tmp_path: Path) -> None:
    actions.register_application(
        None,
        developer_name="宏达公司",
        project_name="鹤城花园",
        received_on=dt.date(2023, 3, 1),
        buildings=[actions.BuildingArea("9", Decimal("10"))],
    )
    file = sheet(
        tmp_path,
        ["A1", "宏达公司", "鹤城花园", "", "2023-03-01", "1", "框架", "9000", 18, "480", ""],  # over 480 × 18
        ["A1", "宏达公司", "鹤城花园", "", "2023-03-02", "2", "框架", "100", "", "", ""],  # another 收件日期
        ["A2", "宏达公司", "鹤城花园", "", "2023-04-01", "9", "框架", "100", "", "", ""],  # taken in Anju
        ["A3", "宏达公司", "鹤城花园", "", "2023-05-01", "2", "框架", "100", "", "", "2023-04-30"],  # accepted early
        ["A4", "宏达公司", "鹤城花园", "", "2023-05-01", "3", "木头", "0", "", "", ""],
    )
    code, data = run("import-applications", file)
    errors = {(e["row"], e["column"]) for e in data["errors"]}  # type: ignore[union-attr]
    assert code == 1
    assert {(2, "建筑面积"), (3, "收件日期"), (4, "幢号"), (5, "受理日期"), (6, "结构"), (6, "建筑面积")} <= errors
    assert (5, "幢号") in errors  # 鹤城花园 2幢 of 2023 is also in row 3 (A1)
    assert Application.objects.count() == 1
