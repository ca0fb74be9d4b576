"""Writing .xlsx files (lists, templates) with openpyxl.

Every text a person typed may reach a spreadsheet (a name, a memo, a cell echoed in an error table), so
every writer passes its values through `safe`: a text starting with = + - @, a tab or a carriage return
is written as text with a leading apostrophe, never as a formula (CSV/formula injection)."""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"[-+]?\d[\d,]*(\.\d+)?%?")  # "-5.00" is a number written as text, not a formula


def safe(value: Any) -> Any:
    """The value as a cell may hold it without being run as a formula: text starting with = + - @ tab or
    CR gets a leading apostrophe; numbers, dates and other text are unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def safe_row(row: Iterable[Any]) -> list[Any]:
    return [safe(value) for value in row]


def workbook_bytes(
    title: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    notes: Sequence[str] = (),
) -> bytes:
    """One sheet with a bold header row and the rows; an optional second sheet 说明 with notes."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title[:31])
    widths = [max(8, len(h) * 2 + 2) for h in headers]
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = "A2"

    header_cells = []
    for h in headers:
        cell = WriteOnlyCell(ws, value=safe(h))
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = Alignment(horizontal="center")
        header_cells.append(cell)
    ws.append(header_cells)
    for row in rows:
        ws.append(safe_row(row))
    if notes:
        ns = wb.create_sheet("说明")
        ns.column_dimensions["A"].width = 100
        for line in notes:
            ns.append([safe(line)])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


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
