"""No text a person typed is ever written into a spreadsheet as a formula (CSV/formula injection)."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

from hypothesis import given
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
def test_no_text_starts_with_a_formula_character_after_safe(text: str) -> None:
    value = safe(text)
    assert value == text or (value == "'" + text and text[0] in "=+-@\t\r")
    if isinstance(value, str) and value[:1] in ("=", "+", "@", "\t", "\r"):
        raise AssertionError(value)
