"""The 12345 work orders import (the issue's contract): `anju petitions import-orders FILE`, .csv in UTF-8 or
GBK and .xlsx, each row a case on the 12345 channel due add_working_days(date of 受理时间, 办理时限); a bad row
refuses the whole file naming its row and column, an order already imported is skipped and counted."""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.management import call_command

from anju.core.models import User
from anju.lib.xlsx import workbook_bytes
from anju.petitions.models import Case, CaseDeadline
from anju.petitions.orders_import import HEADERS
from anju.petitions.tests import factories

pytestmark = pytest.mark.django_db
HEAD = ",".join(HEADERS)


def run(tmp_path: Path, text: str | bytes, name: str = "orders.csv") -> tuple[int, dict]:
    path = tmp_path / name
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    out = io.StringIO()
    try:
        call_command("petitions", "import-orders", str(path), stdout=out)
        status = 0
    except SystemExit as exit_:
        status = int(exit_.code or 0)
    return status, json.loads(out.getvalue().strip().splitlines()[-1])


GOOD = (
    f"{HEAD}\n"
    "GD001,2024-09-27 16:20,张三,13907450001,物业管理,小区电梯故障,5\n"
    "GD002,2024-04-03 09:00,李四,13907450002,公租房,申请公租房,5\n"
    "GD003,2024-04-26 10:00,王五,0745-2222222,维修资金,维修资金使用,3\n"
)


def test_orders_become_cases_due_in_working_days(tmp_path: Path) -> None:
    status, result = run(tmp_path, GOOD)
    assert status == 0
    assert result == {
        "imported": 3,
        "skipped": 0,
        "cases": [
            {"row": 2, "order": "GD001", "due": "2024-10-10"},
            {"row": 3, "order": "GD002", "due": "2024-04-11"},
            {"row": 4, "order": "GD003", "due": "2024-04-30"},  # 04-28, a working Sunday, counts
        ],
    }
    case = Case.objects.get(reference="GD002")
    assert case.channel.code == "hotline12345" and case.category == "rental"
    assert case.petitioners.get().phone == "13907450002"
    assert CaseDeadline.objects.get(case=case, step="complete").amount == 5


def test_an_order_already_imported_is_skipped_and_counted(tmp_path: Path) -> None:
    run(tmp_path, GOOD)
    status, result = run(tmp_path, GOOD + "GD004,2024-05-06 09:00,赵六,13907450004,其他,咨询,2\n")
    assert status == 0
    assert (result["imported"], result["skipped"]) == (1, 3)
    assert result["cases"] == [{"row": 5, "order": "GD004", "due": "2024-05-08"}]
    assert Case.objects.count() == 4


def test_gbk_and_xlsx(tmp_path: Path) -> None:
    status, result = run(tmp_path, GOOD.encode("gbk"))
    assert status == 0 and result["imported"] == 3
    rows = [["GD010", "2024-04-03 09:00", "钱七", "13907450010", "白蚁", "白蚁", 5]]
    status, result = run(tmp_path, workbook_bytes("工单", list(HEADERS), rows), "orders.xlsx")
    assert status == 0 and result["cases"] == [{"row": 2, "order": "GD010", "due": "2024-04-11"}]
    assert Case.objects.get(reference="GD010").category == "termite"


def test_bad_rows_refuse_the_whole_file(tmp_path: Path) -> None:
    text = (
        f"{HEAD}\n"
        "GD001,2024-09-27 16:20,张三,13907450001,物业管理,小区电梯故障,5\n"
        "GD002,2099-01-01 09:00,李四,13907450002,公租房,申请公租房,5\n"
        "GD003,2024-04-26 10:00,王五,13907450003,维修资金,维修资金使用,0\n"
        "GD004,2024-04-26 10:00,,13907450004,维修资金,维修资金使用,2.5\n"
        "GD005,2003-04-26 10:00,孙八,13907450005,其他,内容,3\n"
    )
    status, result = run(tmp_path, text)
    assert status == 1
    by_cell = {(e["row"], e["column"]) for e in result["errors"]}
    assert by_cell == {
        (3, "受理时间"),
        (4, "办理时限（工作日）"),
        (5, "诉求人"),
        (5, "办理时限（工作日）"),
        (6, "受理时间"),
    }
    calendar = next(e for e in result["errors"] if e["row"] == 6)
    assert "2003" in calendar["message"]
    assert not Case.objects.exists()


def test_the_daily_overdue_list(make_user: Callable[..., User]) -> None:
    handler = make_user("lm", "office")
    late = factories.assigned(handler, dt.date(2024, 3, 1))  # reply and completion due 2024-04-30
    out = io.StringIO()
    call_command("petitions", "overdue", "2024-05-06", stdout=out)
    result = json.loads(out.getvalue())
    assert result["date"] == "2024-05-06"
    assert [(r["case"], r["due"]) for r in result["overdue"]] == [(late.number, "2024-04-30")] * 2
    assert {r["handler"] for r in result["overdue"]} == {"lm"}
