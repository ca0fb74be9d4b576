"""Files cannot take the server down (issue 18, item 5): an .xlsx that unpacks to far more than its size,
a sheet claiming too many columns, more rows than the limit, a cell of more than 1,000 characters are
refused with a message, before the workbook is parsed where possible; at most 100 errors are echoed, each
quoted cell cut to 50 characters."""

from __future__ import annotations

import io
import zipfile

import pytest

from anju.lib import tabular
from anju.lib.tabular import Column, ImportRejected, read_table
from anju.lib.xlsx import rows_bytes


def _refused(
    content: bytes, headers: tuple[str, ...] = ("姓名",), name: str = "a.xlsx", **kw: object
) -> ImportRejected:
    with pytest.raises(ImportRejected) as refused:
        read_table(name, content, headers, max_rows=kw.pop("max_rows", 1000), **kw)
    return refused.value


def test_a_zip_bomb_is_refused_before_it_is_read() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"<x>" + b"0" * (30 * 1024 * 1024) + b"</x>")
    message = _refused(buffer.getvalue()).errors[0].message
    assert "解压后" in message and "超过上限" in message


def test_a_sheet_claiming_too_many_columns_or_rows_is_refused() -> None:
    wide = rows_bytes([["姓名", *["x"] * (tabular.MAX_COLUMNS + 1)], ["张三"]])
    assert "列的上限" in _refused(wide).errors[0].message
    long = rows_bytes([["姓名"], *[["张三"]] * 30])
    assert "20行的上限" in _refused(long, max_rows=20).errors[0].message
    assert "20行的上限" in _refused(("姓名\n" + "张三\n" * 30).encode(), name="a.csv", max_rows=20).errors[0].message


def test_long_cells_and_many_errors_are_cut() -> None:
    column = Column("金额", tabular.Kind.MONEY)
    with pytest.raises(ValueError) as long:
        tabular.parse_value(Column("姓名"), "张" * (tabular.MAX_CELL + 1))
    assert "超过1000个字符" in str(long.value) and len(str(long.value)) < 100
    with pytest.raises(ValueError) as bad:
        tabular.parse_value(column, "x" * 500)
    assert "x" * 50 + "…" in str(bad.value) and "x" * 51 not in str(bad.value)
    many = ImportRejected([tabular.RowError(n, "金额", "应为数字") for n in range(2, 302)])
    assert many.count == 300 and len(many.errors) == 100 and many.as_dict()["error_count"] == 300
