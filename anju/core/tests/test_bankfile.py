"""The bank-file spec: two layouts read to the same canonical lines (Anju's template and a 工商银行-style
.xls statement: title rows, 借方/贷方 columns, 2023年03月01日 and 20230301 dates, thousands separators,
a 合计 row), bad lines named by the bank's headers, and the profiles page."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from anju.core import bankfile
from anju.core.models import AuditEvent, BankProfile
from anju.lib.tabular import ImportRejected
from anju.lib.xlsx import rows_bytes

pytestmark = pytest.mark.django_db
D = Decimal
ICBC_XLS = (Path(__file__).parent / "fixtures" / "icbc_statement.xls").read_bytes()


def icbc(**changes: Any) -> BankProfile:
    values: dict[str, Any] = {
        "name": "工商银行对账单",
        "bank": "中国工商银行",
        "skip_rows": 3,
        "skip_footer": 1,
        "txn_id_column": "交易流水号",
        "date_column": "交易日期",
        "time_column": "交易时间",
        "debit_column": "借方发生额",
        "credit_column": "贷方发生额",
        "counterparty_column": "对方户名",
        "account_column": "对方账号",
        "memo_column": "摘要",
        "reference_column": "附言",
        "balance_column": "余额",
        "date_formats": ["%Y年%m月%d日", "%Y%m%d", "%Y-%m-%d"],
        "file_types": [".xls", ".xlsx", ".csv"],
        **changes,
    }
    return bankfile.save_profile(None, None, code="icbc", **values)


def xlsx(*rows: Sequence[Any]) -> bytes:
    return rows_bytes(rows)


STANDARD_ROWS: list[list[Any]] = [
    ["交易流水号", "交易日期", "金额", "付款人", "摘要", "余额"],
    ["ICBC20230301001", "2023-03-01", 5000, "张三", "维修资金", "5000.00"],
    ["ICBC20230302001", "2023/3/2", "1,234.50", "李四", "维修资金", 6234.5],
    ["ICBC20230303001", dt.date(2023, 3, 3), "-12.00", "工商银行", "手续费", "6,222.50"],
]


def canonical(lines: list[bankfile.BankLine]) -> list[tuple[Any, ...]]:
    return [(x.txn_id, x.date, x.credit, x.debit, x.amount, x.counterparty, x.memo, x.balance) for x in lines]


def test_two_layouts_read_to_the_same_canonical_lines() -> None:
    standard = bankfile.read_bank_file("标准.xlsx", xlsx(*STANDARD_ROWS))
    statement = bankfile.read_bank_file("工行.xls", ICBC_XLS, icbc())
    assert (
        canonical(standard)
        == canonical(statement)
        == [
            (
                "ICBC20230301001",
                dt.date(2023, 3, 1),
                D("5000.00"),
                D("0.00"),
                D("5000.00"),
                "张三",
                "维修资金",
                D("5000.00"),
            ),
            (
                "ICBC20230302001",
                dt.date(2023, 3, 2),
                D("1234.50"),
                D("0.00"),
                D("1234.50"),
                "李四",
                "维修资金",
                D("6234.50"),
            ),
            (
                "ICBC20230303001",
                dt.date(2023, 3, 3),
                D("0.00"),
                D("12.00"),
                D("-12.00"),
                "工商银行",
                "手续费",
                D("6222.50"),
            ),
        ]
    )
    # The bank's own layout carries more: the time, the payer's account, the reference, its row numbers.
    first = statement[0]
    assert (first.row, first.time, first.account, first.reference) == (
        5,
        dt.time(9, 30, 12),
        "6222000011112222",
        "P0001-1-1-101",
    )


def test_csv_in_gbk_and_xlsx_of_the_same_layout_read_alike() -> None:
    profile = icbc(skip_rows=0, skip_footer=0)
    header = "交易日期,交易时间,借方发生额,贷方发生额,余额,对方户名,附言,交易流水号"
    text = f'{header}\n20230301,09:30:12,,"5,000.00","5,000.00",张三,P0001-1-1-101,T1\n'
    from_csv = bankfile.read_bank_file("s.csv", text.encode("gb18030"), profile)
    rows = [next(csv.reader([line])) for line in text.splitlines()]
    from_xlsx = bankfile.read_bank_file("s.xlsx", xlsx(*rows), profile)
    assert canonical(from_csv) == canonical(from_xlsx)
    assert from_csv[0].reference == "P0001-1-1-101" and from_csv[0].credit == D("5000.00")


def test_a_direction_column_signs_an_unsigned_amount() -> None:
    profile = icbc(
        skip_rows=0,
        skip_footer=0,
        debit_column="",
        credit_column="",
        amount_column="发生额",
        direction_column="借贷标志",
        credit_marks="贷, 收入",
        debit_marks="借，支出",
    )
    content = xlsx(
        ["交易流水号", "交易日期", "借贷标志", "发生额", "余额"],
        ["T1", "20230301", "贷", "100.00", "100.00"],
        ["T2", "20230302", "借", "30.00", "70.00"],
        ["T3", "20230303", "收入", "-5.00", "75.00"],
    )
    lines = bankfile.read_bank_file("s.xlsx", content, profile)
    assert [(line.credit, line.debit) for line in lines] == [
        (D("100.00"), D("0.00")),
        (D("0.00"), D("30.00")),
        (D("5.00"), D("0.00")),
    ]


def test_a_direction_mark_that_is_neither_way_is_refused_not_taken_as_money_out() -> None:
    profile = icbc(
        skip_rows=0,
        skip_footer=0,
        debit_column="",
        credit_column="",
        amount_column="发生额",
        direction_column="借贷标志",
        credit_marks="贷",
        debit_marks="借",
    )
    content = xlsx(
        ["交易流水号", "交易日期", "借贷标志", "发生额", "余额"],
        ["T1", "20230301", "贷方", "100.00", "100.00"],
        ["T2", "20230302", "", "30.00", "70.00"],
    )
    with pytest.raises(ImportRejected) as info:
        bankfile.read_bank_file("s.xlsx", content, profile)
    assert [(e.row, e.column) for e in info.value.errors] == [(2, "借贷标志"), (3, "借贷标志")]
    assert info.value.errors[0].message == "借贷标志“贷方”无法识别，应为借、贷之一"


def test_a_negative_figure_in_a_debit_or_credit_column_is_refused() -> None:
    profile = icbc(skip_rows=0, skip_footer=0)
    content = xlsx(
        ["交易流水号", "交易日期", "借方发生额", "贷方发生额", "余额"],
        ["T1", "20230301", "-100.00", "", "100.00"],
        ["T2", "20230302", "", "(30.00)", "70.00"],
        ["T3", "20230303", "", "20.00", "90.00"],
    )
    with pytest.raises(ImportRejected) as info:
        bankfile.read_bank_file("s.xlsx", content, profile)
    assert [e.row for e in info.value.errors] == [2, 3]
    assert info.value.errors[0].message == "借方发生额和贷方发生额不能为负数"


def test_bad_lines_are_named_by_the_banks_own_headers() -> None:
    profile = icbc(skip_rows=0, skip_footer=0)
    content = xlsx(
        ["交易流水号", "交易日期", "借方发生额", "贷方发生额", "余额"],
        ["T1", "2023年13月01日", "", "5.00", "5.00"],
        ["T2", "20230302", "", "", "5.00"],
        ["T3", "20230302", "1.00", "2.00", "6.00"],
        ["T1", "20230303", "", "1,2", "6.00"],
        ["T5", "20990101", "", "1.00", "7.00"],
    )
    with pytest.raises(ImportRejected) as info:
        bankfile.read_bank_file("s.xlsx", content, profile)
    assert [(e.row, e.column) for e in info.value.errors] == [
        (2, "交易日期"),
        (3, "贷方发生额"),
        (4, "贷方发生额"),
        (5, "贷方发生额"),
        (6, "交易日期"),
    ]
    assert info.value.errors[1].message == "借方发生额和贷方发生额不能都为空"
    assert info.value.errors[4].message == "交易日期晚于今天：2099-01-01"


def test_profiles_page_permission_audit_and_the_fixed_standard(client_for: Callable[..., Client]) -> None:
    assert client_for("housing").get(reverse("core:bank_profiles")).status_code == 403
    client = client_for("finance")
    assert "安居标准格式" in client.get(reverse("core:bank_profiles")).content.decode()
    data = {
        "code": "ccb",
        "name": "建设银行",
        "skip_rows": "0",
        "skip_footer": "0",
        "txn_id_column": "账户明细编号-交易流水号",
        "date_column": "交易时间",
        "amount_column": "交易金额",
        "date_formats": ["%Y%m%d", "%Y-%m-%d"],
        "file_types": [".xls"],
    }
    bad = client.post(reverse("core:bank_profile_create"), {**data, "debit_column": "支出"})
    assert bad.status_code == 200 and not BankProfile.objects.filter(code="ccb").exists()
    response = client.post(reverse("core:bank_profile_create"), data)
    assert response.status_code == 302
    profile = BankProfile.objects.get(code="ccb")
    assert (profile.amount_column, profile.file_types, profile.strict) == ("交易金额", [".xls"], False)
    event = AuditEvent.objects.get(model="core.BankProfile")
    assert event.action == AuditEvent.Action.CREATE and event.after["date_formats"] == ["%Y%m%d", "%Y-%m-%d"]  # type: ignore[index]
    client.post(reverse("core:bank_profile_edit", args=[profile.pk]), {**data, "code": "other", "name": "建行"})
    profile.refresh_from_db()
    assert (profile.code, profile.name) == ("ccb", "建行")
    assert AuditEvent.objects.filter(model="core.BankProfile", action=AuditEvent.Action.UPDATE).count() == 1
    standard = bankfile.standard()
    response = client.post(reverse("core:bank_profile_edit", args=[standard.pk]), {**data, "name": "改"})
    assert response.status_code == 302 and bankfile.standard().name == "安居标准格式"
    with pytest.raises(bankfile.ProfileError):
        bankfile.save_profile(None, standard, name="改")
