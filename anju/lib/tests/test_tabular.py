"""Reading uploaded tables: formats, headers, row numbers, file-level errors and number parsing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import pytest

from anju.lib.tabular import ImportRejected, RowError, cell_text, parse_decimal, parse_int, read_table
from anju.lib.xlsx import rows_bytes

HEADERS = ["编码", "名称", "面积"]


def xlsx(*rows: Sequence[Any]) -> bytes:
    return rows_bytes(rows)


def csv_bytes(text: str, encoding: str = "utf-8-sig") -> bytes:
    return text.encode(encoding)


def rejected(filename: str, content: bytes, **kwargs: Any) -> list[RowError]:
    with pytest.raises(ImportRejected) as info:
        read_table(filename, content, HEADERS, max_rows=kwargs.pop("max_rows", 100), **kwargs)
    return info.value.errors


def test_xlsx_rows_keyed_by_header_with_spreadsheet_row_numbers() -> None:
    content = xlsx(HEADERS, ["A1", " 甲小区 ", 89.5], [None, None, None], ["A2", "乙", 12])
    rows = read_table("roll.xlsx", content, HEADERS, max_rows=100)
    assert [row.number for row in rows] == [2, 4]  # the empty row 3 is skipped but keeps its number
    assert rows[0].cells == {"编码": "A1", "名称": "甲小区", "面积": 89.5}
    assert rows[1].text("面积") == "12"


def test_columns_may_come_in_any_order() -> None:
    content = xlsx(["面积", "名称", "编码"], [1, "甲", "A1"])
    (row,) = read_table("roll.xlsx", content, HEADERS, max_rows=100)
    assert row.cells == {"编码": "A1", "名称": "甲", "面积": 1}


def test_a_whitespace_only_row_counts_as_empty() -> None:
    content = xlsx(HEADERS, ["  ", "", None], ["A1", "甲", 1])
    (row,) = read_table("roll.xlsx", content, HEADERS, max_rows=100)
    assert row.number == 3


def test_csv_utf8_with_bom() -> None:
    rows = read_table("roll.csv", csv_bytes("编码,名称,面积\nA1, 甲 ,89.50\n\nA2,乙,1\n"), HEADERS, max_rows=100)
    assert [(r.number, r.cells["名称"], r.cells["面积"]) for r in rows] == [(2, "甲", "89.50"), (4, "乙", "1")]


def test_csv_gb18030() -> None:
    rows = read_table("roll.csv", csv_bytes("编码,名称,面积\nA1,龘小区,1\n", "gb18030"), HEADERS, max_rows=100)
    assert rows[0].cells["名称"] == "龘小区"


def test_csv_quoted_cells_may_hold_commas_and_newlines() -> None:
    rows = read_table("roll.csv", csv_bytes('编码,名称,面积\nA1,"甲,乙\n丙",1\nA2,丁,2\n'), HEADERS, max_rows=100)
    assert rows[0].cells["名称"] == "甲,乙\n丙"
    assert rows[1].number == 3


def test_missing_unknown_repeated_and_blank_headers_are_row_1_errors() -> None:
    errors = rejected("roll.xlsx", xlsx(["编码", None, "编码", "备注"], ["A1", "", "", ""]))
    assert RowError(1, "B列", "第B列的表头为空") in errors
    assert RowError(1, "编码", "表头“编码”重复") in errors
    assert any(e.row == 1 and e.column == "备注" and "未知的表头" in e.message for e in errors)
    assert RowError(1, "名称", "缺少表头“名称”") in errors
    assert RowError(1, "面积", "缺少表头“面积”") in errors


def test_optional_headers_may_be_left_out() -> None:
    rows = read_table("roll.xlsx", xlsx(["编码", "名称"], ["A1", "甲"]), HEADERS, max_rows=100, required=["编码"])
    assert rows[0].cells == {"编码": "A1", "名称": "甲"}
    assert rows[0].text("面积") == ""


def test_data_beyond_the_headers_is_an_error_once_per_column() -> None:
    errors = rejected("roll.xlsx", xlsx(HEADERS, ["A1", "甲", 1, "多余"], ["A2", "乙", 1, "多余"]))
    assert errors == [RowError(2, "D列", "第D列有数据但没有表头")]


@pytest.mark.parametrize(
    ("filename", "content", "message"),
    [
        ("roll.xlsx", b"", "文件为空"),
        ("roll.csv", b"", "文件为空"),
        ("roll.xlsx", xlsx(), "文件为空"),
        ("roll.xlsx", xlsx(HEADERS), "文件中没有数据行"),
        ("roll.csv", "编码,名称,面积\n\n".encode(), "文件中没有数据行"),
        ("roll.xlsx", b"this is not a workbook", "无法读取 .xlsx 文件：文件已损坏或不是 Excel 工作簿"),
        ("roll.xlsx", xlsx(HEADERS, ["A1", "甲", 1])[:300], "无法读取 .xlsx 文件：文件已损坏或不是 Excel 工作簿"),
        (
            "roll.xls",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100),
            "无法读取 .xls 文件：文件已损坏或不是 Excel 工作簿",
        ),
        ("roll.pdf", b"%PDF-1.4", "文件不是电子表格：请上传 .xlsx、.xls 或 .csv 文件"),
        ("roll.csv", b"\x00\x01\x02binary", "文件不是有效的 CSV 文本文件"),
    ],
)
def test_file_level_problems_are_row_0_errors(filename: str, content: bytes, message: str) -> None:
    assert rejected(filename, content) == [RowError(0, "", message)]


def test_an_xlsx_under_another_name_is_read_as_xlsx() -> None:
    rows = read_table("upload", xlsx(HEADERS, ["A1", "甲", 1]), HEADERS, max_rows=100)
    assert rows[0].cells["编码"] == "A1"


def test_row_limit() -> None:
    content = xlsx(HEADERS, ["A1", "甲", 1], ["A2", "乙", 1], ["A3", "丙", 1])
    assert len(read_table("roll.xlsx", content, HEADERS, max_rows=3)) == 3
    errors = rejected("roll.xlsx", content, max_rows=2)
    assert errors == [RowError(0, "", "数据行超过2行的上限，请拆分为多个文件分别导入")]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (89.5, Decimal("89.50")),
        (12, Decimal("12.00")),
        (Decimal("7.1"), Decimal("7.10")),
        (" 89.50 ", Decimal("89.50")),
        ("89.500", Decimal("89.50")),
        ("1e2", Decimal("100.00")),
        (0.1, Decimal("0.10")),
    ],
)
def test_parse_decimal(value: Any, expected: Decimal) -> None:
    assert parse_decimal(value, 2) == expected
    assert parse_decimal(value, 2).as_tuple().exponent == -2


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (89.123, "最多2位小数"),
        ("89.123", "最多2位小数"),
        ("abc", "应为数字"),
        ("", "应为数字"),
        (None, "应为数字"),
        (True, "应为数字"),
        ("NaN", "应为数字"),
        (float("inf"), "应为数字"),
    ],
)
def test_parse_decimal_refuses(value: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_decimal(value, 2)


@pytest.mark.parametrize(("value", "expected"), [(3, 3), (3.0, 3), ("3", 3), (" -1 ", -1), (Decimal("12"), 12)])
def test_parse_int(value: Any, expected: int) -> None:
    assert parse_int(value) == expected


@pytest.mark.parametrize("value", [3.5, "3.5", "3.0", "三", "", None, False])
def test_parse_int_refuses(value: Any) -> None:
    with pytest.raises(ValueError, match="应为整数"):
        parse_int(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, ""),
        (101, "101"),
        (101.0, "101"),
        (13800138000, "13800138000"),
        (2.5, "2.5"),
        (" 甲 ", "甲"),
        # .xlsx cells hold naive datetimes.
        (dt.datetime(2024, 5, 1), "2024-05-01"),  # noqa: DTZ001
        (dt.datetime(2024, 5, 1, 8, 30), "2024-05-01 08:30:00"),  # noqa: DTZ001
        (dt.date(2024, 5, 1), "2024-05-01"),
    ],
)
def test_cell_text(value: Any, expected: str) -> None:
    assert cell_text(value) == expected
