"""Writing .xlsx files (lists, templates) with openpyxl.

Every text a person typed may reach a spreadsheet (a name, a memo, a cell echoed in an error table), so
every writer passes its values through `safe`: a text starting with = + - @, a tab or a carriage return
is written as text with a leading apostrophe, never as a formula (CSV/formula injection).

`workbook_bytes` writes a sheet finance can compute with: numbers stay numbers (money `#,##0.00`,
counts `#,##0`), dates are dates (`yyyy-mm-dd`), the header row is frozen, the columns are as wide as
their first rows, and the columns that declare a total get a 合计 row. It streams (openpyxl's write-only
mode): a list of hundreds of thousands of rows is never held in memory as cells."""

from __future__ import annotations

import datetime as dt
import io
import itertools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"[-+]?\d[\d,]*(\.\d+)?%?")  # "-5.00" is a number written as text, not a formula

MONEY = "#,##0.00"
COUNT = "#,##0"
PERCENT = "0.00%"
DATE = "yyyy-mm-dd"
DATETIME = "yyyy-mm-dd hh:mm"
TOTAL_LABEL = "合计"
SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
WIDTH_SAMPLE = 200  # rows read before the column widths are set (write-only mode sets them first)
MIN_WIDTH, MAX_WIDTH = 8, 60


def safe(value: Any) -> Any:
    """The value as a cell may hold it without being run as a formula: text starting with = + - @ tab or
    CR gets a leading apostrophe; numbers, dates and other text are unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def safe_row(row: Iterable[Any]) -> list[Any]:
    return [safe(value) for value in row]


def sheet_title(title: str) -> str:
    """A sheet name Excel accepts: no [ ] : * ? / \\, at most 31 characters, never empty."""
    return SHEET_FORBIDDEN.sub("", title).strip("'")[:31] or "Sheet1"


def number_format(value: Any, *, count: bool = False) -> str | None:
    """The format a typed value is shown with: a Decimal with its own places (money: 2 → #,##0.00), a
    date or a time, an int as a count (#,##0) only when its column is summed — a year or a number stays
    plain; text None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        exponent = value.as_tuple().exponent
        places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
        return "#,##0" + ("." + "0" * places if places else "")
    if isinstance(value, dt.datetime):
        return DATETIME
    if isinstance(value, dt.date):
        return DATE
    if isinstance(value, int | float) and count:
        return COUNT if isinstance(value, int) else MONEY
    return None


def _width(value: Any) -> int:
    """Characters a value takes in a cell; a Chinese character counts as two."""
    if value is None:
        return 0
    if isinstance(value, Decimal | float):
        text = f"{value:,.2f}"
    elif isinstance(value, dt.datetime):
        text = "2026-01-01 00:00"
    elif isinstance(value, dt.date):
        text = "2026-01-01"
    else:
        text = str(value)
    longest = max(text.split("\n"), key=len) if text else ""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in longest)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def workbook_bytes(
    title: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    notes: Sequence[str] = (),
    totals: Sequence[bool] = (),
    formats: Sequence[str | None] = (),
) -> bytes:
    """One sheet with a bold, frozen header row and the rows; an optional second sheet 说明 with notes.

    totals[i]: column i is summed in a last 合计 row (money and counts; never an ID or a year).
    formats[i]: the number format of column i's numbers where its values' own is not meant (a rate
    stored as a fraction: PERCENT)."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet_title(title))
    summed = [index < len(totals) and bool(totals[index]) for index in range(len(headers))]
    fixed = [formats[index] if index < len(formats) else None for index in range(len(headers))]
    iterator = iter(rows)
    sample = list(itertools.islice(iterator, WIDTH_SAMPLE))
    for index, header in enumerate(headers):
        width = max([_width(header) + 2, *(_width(row[index]) + 2 for row in sample if index < len(row))])
        ws.column_dimensions[get_column_letter(index + 1)].width = min(MAX_WIDTH, max(MIN_WIDTH, width))
    ws.freeze_panes = "A2"

    header_cells = []
    for h in headers:
        cell = WriteOnlyCell(ws, value=safe(h))
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = Alignment(horizontal="center")
        header_cells.append(cell)
    ws.append(header_cells)
    sums: list[Any] = [0 for _ in headers]
    cell = _Cells(ws)
    for row in itertools.chain(sample, iterator):
        cells: list[Any] = []
        for index, value in enumerate(row):
            total = index < len(summed) and summed[index]
            if total and _is_number(value):
                sums[index] += Decimal(str(value)) if isinstance(value, float) else value
            cells.append(cell(value, fixed[index] if index < len(fixed) else None, count=total))
        ws.append(cells)
    if any(summed):
        _total_row(ws, cell, sums, summed, fixed)
    if notes:
        ns = wb.create_sheet("说明")
        ns.column_dimensions["A"].width = 100
        for line in notes:
            ns.append([safe(line)])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


class _Cells:
    """Typed cells of one write-only sheet: each format's style is made once and copied onto every cell
    that uses it (setting a number format cell by cell doubles the writing time of a long list)."""

    def __init__(self, ws: Any) -> None:
        self.ws = ws
        self.styles: dict[tuple[str | None, bool], Any] = {}

    def __call__(self, value: Any, fixed: str | None, *, count: bool = False, bold: bool = False) -> Any:
        fmt = (fixed if _is_number(value) else None) or number_format(value, count=count)
        if fmt is None and not bold:
            return safe(value)
        key = (fmt, bold)
        style = self.styles.get(key)
        if style is None:
            template = WriteOnlyCell(self.ws)
            if fmt is not None:
                template.number_format = fmt
            if bold:
                template.font = Font(bold=True)
            style = self.styles[key] = template._style
        return Cell(self.ws, row=1, column=1, value=safe(value), style_array=style)


def _total_row(ws: Any, cell: _Cells, sums: list[Any], summed: list[bool], fixed: list[str | None]) -> None:
    cells = []
    for index, total in enumerate(sums):
        if summed[index]:
            fmt = fixed[index] or number_format(total, count=True) or COUNT
            if isinstance(total, Decimal) and fmt.startswith("#,##0") and "." not in fmt:
                fmt = MONEY  # a sum of Decimals of no places (a Decimal("0") start) is still money
            cells.append(cell(total, fmt, count=True, bold=True))
        else:
            cells.append(cell(TOTAL_LABEL if index == 0 else None, None, bold=True))
    ws.append(cells)


def rows_bytes(rows: Iterable[Sequence[Any]]) -> bytes:
    """One plain sheet holding the rows as given (no header styling): a file as a user would fill it in."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    for row in rows:
        ws.append(list(row))
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
