"""Writing .xlsx files (lists, templates) with openpyxl."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter


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
        cell = WriteOnlyCell(ws, value=h)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = Alignment(horizontal="center")
        header_cells.append(cell)
    ws.append(header_cells)
    for row in rows:
        ws.append(list(row))
    if notes:
        ns = wb.create_sheet("说明")
        ns.column_dimensions["A"].width = 100
        for line in notes:
            ns.append([line])
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
