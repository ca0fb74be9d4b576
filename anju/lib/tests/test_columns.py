"""Typed columns: each kind's good and bad values and messages, every error at once, the bank-style
amount, date and time parsers, and reading .xls / skipped rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from anju.lib.tabular import (
    Column,
    ImportRejected,
    Kind,
    Row,
    RowError,
    column_letter,
    parse_amount,
    parse_date,
    parse_rows,
    parse_time,
    parse_value,
    read_table,
)
from anju.lib.xlsx import rows_bytes

D = Decimal
BODY = "11010519800512031"
ZHANG = BODY + "10X98765432"[sum(int(d) * (2 ** (17 - i) % 11) for i, d in enumerate(BODY)) % 11]
CREDIT = "91110000600037341L"  # a valid unified social credit code
FIXTURE = Path(__file__).resolve().parents[2] / "core" / "tests" / "fixtures" / "icbc_statement.xls"


@pytest.mark.parametrize(
    ("column", "raw", "value"),
    [
        (Column("名称"), " 甲 ", "甲"),
        (Column("房号"), 101.0, "101"),  # a number cell
        (Column("流水号", Kind.CODE), 20230301000001.0, "20230301000001"),
        (Column("楼层", Kind.INT), "-1", -1),
        (Column("楼层", Kind.INT), 3.0, 3),
        (Column("面积", Kind.DECIMAL), 89.5, D("89.50")),
        (Column("面积", Kind.DECIMAL, places=0), "12", D("12")),
        (Column("金额", Kind.MONEY), "1,234.50", D("1234.50")),
        (Column("金额", Kind.MONEY), "-1,234.5", D("-1234.50")),
        (Column("金额", Kind.MONEY), "(1,000.00)", D("-1000.00")),
        (Column("金额", Kind.MONEY), "¥12", D("12.00")),
        (Column("金额", Kind.MONEY), 0.1, D("0.10")),
        (Column("日期", Kind.DATE), "2023年3月1日", dt.date(2023, 3, 1)),
        (Column("日期", Kind.DATE), 20230301.0, dt.date(2023, 3, 1)),
        (Column("日期", Kind.DATE), "2023-03-01 10:30:00", dt.date(2023, 3, 1)),
        (Column("日期", Kind.DATE), dt.datetime(2023, 3, 1, 10, 30), dt.date(2023, 3, 1)),  # noqa: DTZ001
        (Column("时间", Kind.TIME), "09:30", dt.time(9, 30)),
        (Column("时间", Kind.TIME), "093012", dt.time(9, 30, 12)),
        (Column("用途", Kind.CHOICE, choices={"住宅": "residential", "门面": "shop"}), "门面", "shop"),
        (Column("身份证", Kind.ID_NUMBER), ZHANG, ZHANG),
        (Column("信用代码", Kind.USCC), CREDIT, CREDIT),
        (Column("电话", Kind.PHONE), "138-0013-8000", "13800138000"),
        (Column("电话", Kind.PHONE), 13800138000.0, "13800138000"),
    ],
)
def test_each_kind_reads_its_good_values(column: Column, raw: Any, value: Any) -> None:
    assert parse_value(column, raw) == value


@pytest.mark.parametrize(
    ("column", "raw", "message"),
    [
        (Column("名称", max_length=2), "甲乙丙", "名称不能超过2个字符"),
        (
            Column("流水号", Kind.CODE),
            1.2345678901234567e17,
            "流水号是数字格式，Excel 已丢失末尾几位；请将该列设为文本格式后重新填写",
        ),
        (Column("楼层", Kind.INT), "3.5", "楼层应为整数：3.5"),
        (Column("面积", Kind.DECIMAL), 89.123, "面积最多2位小数：89.123"),
        (Column("面积", Kind.DECIMAL), "abc", "面积应为数字：abc"),
        (Column("金额", Kind.MONEY), "1,2", "金额应为数字：1,2"),
        (Column("金额", Kind.MONEY), "1e3", "金额应为数字：1e3"),
        (Column("金额", Kind.MONEY), "1.234", "金额最多2位小数：1.234"),
        (Column("日期", Kind.DATE), "2023-02-30", "日期格式错误：2023-02-30（应如 2023-03-01）"),
        (Column("日期", Kind.DATE), "01/03/2023", "日期格式错误：01/03/2023（应如 2023-03-01）"),
        (Column("日期", Kind.DATE), "2023-03-01 garbage", "日期格式错误：2023-03-01 garbage（应如 2023-03-01）"),
        (Column("时间", Kind.TIME), "25:00", "时间格式错误：25:00"),
        (
            Column("用途", Kind.CHOICE, choices={"住宅": 1, "非住宅": 2, "门面": 3}),
            "商业",
            "用途“商业”无效，应为住宅、非住宅或门面",
        ),
        (Column("身份证", Kind.ID_NUMBER), ZHANG[:-1] + "0", "居民身份证号码校验位错误"),
        (
            Column("身份证", Kind.ID_NUMBER),
            float(ZHANG[:-1] + "0"),
            "身份证是数字格式，Excel 已丢失末尾几位；请将该列设为文本格式后重新填写",
        ),
        (Column("信用代码", Kind.USCC), CREDIT[:-1] + "0", "统一社会信用代码校验位错误"),
        (Column("电话", Kind.PHONE), "123", "手机号码应为11位，以1开头：123"),
        (Column("金额", Kind.MONEY, terse=True), "abc", "应为数字"),
    ],
)
def test_each_kind_refuses_bad_values_with_a_chinese_message(column: Column, raw: Any, message: str) -> None:
    with pytest.raises(ValueError) as info:
        parse_value(column, raw)
    assert str(info.value) == message


def test_a_column_check_gets_the_typed_value_and_gives_the_whole_message() -> None:
    def positive(amount: Decimal) -> Decimal:
        if amount <= 0:
            raise ValueError("金额应大于0")
        return amount

    column = Column("金额", Kind.MONEY, check=positive)
    assert parse_value(column, "5") == D("5.00")
    with pytest.raises(ValueError, match=r"^金额应大于0$"):
        parse_value(column, "-5")


def test_parse_rows_gives_typed_values_and_every_error_at_once() -> None:
    columns = [
        Column("编码", required=True),
        Column("面积", Kind.DECIMAL, required=True),
        Column("日期", Kind.DATE),
        Column("备注", key="note"),
    ]
    rows = [
        Row(2, {"编码": "A1", "面积": 89.5, "日期": "2023/3/1", "备注": "x"}),
        Row(3, {"编码": None, "面积": "abc", "日期": "bad", "备注": None}),
    ]
    parsed, errors = parse_rows(rows, columns)
    assert parsed[0].values == {"编码": "A1", "面积": D("89.50"), "日期": dt.date(2023, 3, 1), "note": "x"}
    assert parsed[0].ok and parsed[0].get("note") == "x"
    assert parsed[1].values == {"编码": None, "面积": None, "日期": None, "note": None}
    assert parsed[1].failed == {"编码", "面积", "日期"} and parsed[1].text("面积") == "abc"
    assert errors == [
        RowError(3, "编码", "编码不能为空"),
        RowError(3, "面积", "面积应为数字：abc"),
        RowError(3, "日期", "日期格式错误：bad（应如 2023-03-01）"),
    ]


@pytest.mark.parametrize(
    ("text", "amount"),
    [("5.", D("5.00")), (".5", D("0.50")), ("+1,000", D("1000.00")), (" 1 234.00 ", D("1234.00"))],
)
def test_amounts_as_people_write_them(text: str, amount: Decimal) -> None:
    assert parse_amount(text) == amount


@pytest.mark.parametrize("text", ["", "-", "1,23", "12,345,67", "1e3", "NaN", "五元", "(5"])
def test_amounts_that_are_not(text: str) -> None:
    with pytest.raises(ValueError):
        parse_amount(text)


def test_parentheses_only_when_allowed_and_dates_in_the_given_formats() -> None:
    with pytest.raises(ValueError):
        parse_amount("(5)", parentheses=False)
    assert parse_date("01/03/2023", ["%d/%m/%Y"]) == dt.date(2023, 3, 1)
    with pytest.raises(ValueError):
        parse_date("2023-03-01", ["%Y年%m月%d日"])
    assert parse_time(0.5) == dt.time(12, 0)
    assert [column_letter(i) for i in (0, 25, 26, 27)] == ["A", "Z", "AA", "AB"]


def xlsx(*rows: Sequence[Any]) -> bytes:
    return rows_bytes(rows)


def test_rows_above_the_header_summary_rows_and_unknown_columns() -> None:
    content = xlsx(
        ["某银行明细"], [], ["日期", "其他", "金额"], ["2023-03-01", "x", 5], ["2023-03-02", "", 6], ["合计", "", 11]
    )
    rows = read_table("s.xlsx", content, ["日期", "金额"], max_rows=10, skip_rows=2, skip_footer=1, ignore_unknown=True)
    assert [(row.number, row.cells) for row in rows] == [
        (4, {"日期": "2023-03-01", "金额": 5.0}),
        (5, {"日期": "2023-03-02", "金额": 6.0}),
    ]
    with pytest.raises(ImportRejected) as info:
        read_table("s.xlsx", content, ["日期", "金额"], max_rows=10, skip_rows=2)
    assert info.value.errors[0] == RowError(3, "其他", "未知的表头“其他”，表头应为：日期、金额")
    with pytest.raises(ImportRejected) as info:
        read_table("s.xlsx", content, ["日期", "金额"], max_rows=10, skip_rows=9)
    assert info.value.errors == [RowError(0, "", "文件不足10行，找不到表头")]


def test_the_row_limit_counts_data_rows_not_the_skipped_footer() -> None:
    content = xlsx(["日期"], ["2023-03-01"], ["2023-03-02"], ["合计"])
    assert len(read_table("s.xlsx", content, ["日期"], max_rows=2, skip_footer=1)) == 2
    with pytest.raises(ImportRejected, match="导入被拒绝"):
        read_table("s.xlsx", content, ["日期"], max_rows=1, skip_footer=1)


def test_an_xls_file_is_read_with_its_date_cells() -> None:
    headers = ["交易日期", "贷方发生额", "交易流水号"]
    rows = read_table(FIXTURE.name, FIXTURE.read_bytes(), headers, max_rows=10, skip_rows=3, ignore_unknown=True)
    assert [row.number for row in rows] == [5, 6, 7, 8]
    assert rows[0].cells == {"交易日期": "2023年03月01日", "贷方发生额": "5,000.00", "交易流水号": "ICBC20230301001"}
    assert rows[2].cells["交易日期"] == dt.date(2023, 3, 3)


def test_file_types_can_be_restricted() -> None:
    with pytest.raises(ImportRejected) as info:
        read_table("s.csv", "日期\n2023-03-01\n".encode(), ["日期"], max_rows=10, suffixes=[".xls"])
    assert info.value.errors == [RowError(0, "", "不接受 .csv 文件，请上传 .xls 文件")]
