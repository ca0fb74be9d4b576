"""No text a person typed is ever written into a spreadsheet as a formula (CSV/formula injection)."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

from hypothesis import example, given
from hypothesis import strategies as st
from openpyxl import load_workbook

from anju.lib.xlsx import safe, workbook_bytes

DANGEROUS = ['=HYPERLINK("http://x","点我")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(1)", "\tX", "\rY"]


def test_dangerous_text_is_written_as_text_with_an_apostrophe() -> None:
    data = workbook_bytes("清单", ["姓名", "金额", "日期", "备注"], [[v, Decimal("-5.00"), dt.date(2023, 1, 2), "-5.00"]
                                                                 for v in DANGEROUS], notes=["=1+1"])  # fmt: skip
    book = load_workbook(io.BytesIO(data))
    sheet = book["清单"]
    for row, value in zip(sheet.iter_rows(min_row=2), DANGEROUS, strict=True):
        assert row[0].data_type == "s" and row[0].value == "'" + value
        assert row[1].value == -5 and row[3].value == "-5.00"  # a number, and a number written as text: unchanged
    assert book["说明"]["A1"].value == "'=1+1"


@given(st.text(max_size=20))
@example("+0")  # a plus sign is never read as a plain number: Excel would take "+0" as a formula start
def test_no_text_starts_with_a_formula_character_after_safe(text: str) -> None:
    value = safe(text)
    assert value == text or (value == "'" + text and text[0] in "=+-@\t\r")
    if isinstance(value, str) and value[:1] in ("=", "+", "@", "\t", "\r"):
        raise AssertionError(value)


# --- a sheet finance can compute with -------------------------------------------------------------------


def _book(**kwargs: object) -> object:
    moment = dt.datetime(2026, 3, 1, 9, 30)  # noqa: DTZ001  # local wall-clock time: spreadsheets have no zones
    rows = [
        ["甲", Decimal("1234.50"), 3, dt.date(2026, 3, 1), moment, 2023],
        ["乙", Decimal("0.25"), 4, dt.date(2026, 3, 2), None, 2024],
        ["丙", None, 0, None, None, 2025],
    ]
    data = workbook_bytes(
        "账户/余额:2026[一]",
        ["名称", "金额", "户数", "日期", "时间", "年度"],
        rows,
        totals=[False, True, True, False, False, False],
        **kwargs,  # type: ignore[arg-type]
    )
    return load_workbook(io.BytesIO(data))


def test_numbers_and_dates_are_typed_and_formatted() -> None:
    book = _book()
    sheet = book.worksheets[0]  # type: ignore[attr-defined]
    assert sheet.title == "账户余额2026一"  # no [ ] : * ? / \ in a sheet name
    assert sheet.freeze_panes == "A2"
    money, count, day, moment, year = sheet["B2"], sheet["C2"], sheet["D2"], sheet["E2"], sheet["F2"]
    assert money.data_type == "n" and money.value == 1234.5 and money.number_format == "#,##0.00"
    assert count.value == 3 and count.number_format == "#,##0"  # a summed int is a count
    assert day.is_date and day.value.date() == dt.date(2026, 3, 1) and day.number_format == "yyyy-mm-dd"
    assert moment.is_date and moment.number_format == "yyyy-mm-dd hh:mm"
    assert year.value == 2023 and year.number_format == "General"  # a year is no count: no 2,023
    # The widths follow the contents: Chinese headers count double, the dated column fits a date.
    assert sheet.column_dimensions["A"].width >= 6 and sheet.column_dimensions["E"].width >= 16


def test_the_total_row_sums_the_declared_columns_only() -> None:
    sheet = _book().worksheets[0]  # type: ignore[attr-defined]
    last = [cell for cell in sheet[sheet.max_row]]
    assert last[0].value == "合计" and last[0].font.b
    body = list(sheet.iter_rows(min_row=2, max_row=sheet.max_row - 1, values_only=True))
    assert last[1].value == sum(row[1] or 0 for row in body) == 1234.75 and last[1].number_format == "#,##0.00"
    assert last[2].value == sum(row[2] for row in body) == 7 and last[2].number_format == "#,##0"
    assert [cell.value for cell in last[3:]] == [None, None, None]  # dates and years are not summed


def test_no_total_row_without_a_total_column_and_a_column_format_wins() -> None:
    data = workbook_bytes("比率", ["名称", "比率"], [["甲", Decimal("0.1234")]], formats=[None, "0.00%"])
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    assert sheet.max_row == 2 and sheet["B2"].number_format == "0.00%" and sheet["B2"].value == 0.1234


def test_a_generator_of_rows_is_read_once_past_the_width_sample() -> None:
    produced = 0

    def rows():  # type: ignore[no-untyped-def]
        nonlocal produced
        for index in range(5000):
            produced += 1
            yield [f"户{index}", Decimal("1.01"), 1]

    data = workbook_bytes("长清单", ["户", "金额", "数"], rows(), totals=[False, True, True])
    sheet = load_workbook(io.BytesIO(data), read_only=True).worksheets[0]
    last = next(iter(sheet.iter_rows(min_row=5002, max_row=5002, values_only=True)))
    assert produced == 5000 and last == ("合计", 5050.0, 5000)


# --- the streaming writer: what any reader finds in the file ---------------------------------------------


def test_text_of_any_kind_reads_back_as_written_in_openpyxl_and_calamine() -> None:
    from python_calamine import CalamineWorkbook

    texts = ["a & b <c> \"d\" 'e'", " leading", "trailing ", "line\nbreak", "tab\tinside", "\u3000全角空格", "张三"]
    moment = dt.datetime(2026, 3, 1, 9, 30, 15)  # noqa: DTZ001
    row = [*texts, True, 1.5, 7, moment, dt.date(2026, 3, 1), Decimal("12.30"), None, ""]
    data = workbook_bytes("各种值", [f"列{index}" for index in range(len(row))], [row], notes=["说明一", "说明二"])
    book = load_workbook(io.BytesIO(data))
    cells = [cell.value for cell in book.worksheets[0][2]]
    assert cells[: len(texts)] == texts
    assert cells[len(texts) :] == [True, 1.5, 7, moment, dt.datetime(2026, 3, 1), 12.3, None, None]  # noqa: DTZ001
    notes = book["说明"]
    assert [c.value for c in notes["A"]] == ["说明一", "说明二"] and notes.column_dimensions["A"].width == 100
    read = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()
    assert read[1][: len(texts)] == texts
    assert read[1][len(texts) + 1 : len(texts) + 5] == [1.5, 7, moment, dt.date(2026, 3, 1)]


def test_characters_xml_cannot_hold_are_dropped_and_excel_escapes_kept_literal() -> None:
    from python_calamine import CalamineWorkbook

    data = workbook_bytes("清单", ["备注"], [["a\x01b\x1fc\ud800"], ["_x0041_"], ["CR\rkept"]])
    read = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()
    assert read[1:] == [["abc"], ["_x0041_"], ["CR\rkept"]]  # Excel's reading: _x005F_ escapes the underscore


def test_the_header_is_bold_filled_and_centred_and_each_format_is_one_style() -> None:
    data = workbook_bytes(
        "款项", ["名称", "金额"], [["甲", Decimal(f"{n}.50")] for n in range(300)], totals=[False, True]
    )
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    header = sheet["A1"]
    assert header.font.b and header.fill.fgColor.rgb.endswith("DDEBF7") and header.alignment.horizontal == "center"
    assert {sheet.cell(row, 2).style_id for row in range(2, 302)} == {sheet["B2"].style_id}
    assert (
        sheet["A302"].value == "合计"
        and sheet["A302"].font.b
        and sheet["B302"].value == sum(n + 0.5 for n in range(300))
    )
