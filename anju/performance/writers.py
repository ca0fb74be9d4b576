"""The report's four files: report.docx (python-docx), report.pdf (WeasyPrint from an HTML template of the
same content), attachments.xlsx (附件1-1 and 附件1-2 with merged cells and borders, its figures numbers
that finance can sum) and figures.json."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from anju.core import pdf
from anju.lib.xlsx import safe
from anju.performance.report import Report, Table, build

FILES = ("report.docx", "report.pdf", "attachments.xlsx", "figures.json")
FILE_LABELS = {"report.docx": "自评报告.docx", "report.pdf": "自评报告.pdf", "attachments.xlsx": "附件.xlsx"}


def file_label(year: int, name: str) -> str:
    """The name a report file is downloaded as: 2023年度自评报告.docx."""
    return f"{year}年度{FILE_LABELS.get(name, name)}"


BODY_FONT = "仿宋"
TITLE_FONT = "宋体"
HEADING_FONT = "黑体"


def _font(run: object, name: str, size: float, *, bold: bool = False) -> None:
    run.font.name = name  # type: ignore[attr-defined]
    run.font.size = Pt(size)  # type: ignore[attr-defined]
    run.font.bold = bold  # type: ignore[attr-defined]
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()  # type: ignore[attr-defined]
    fonts.set(qn("w:eastAsia"), name)


def _paragraph(
    doc: object,
    text: str,
    *,
    font: str = BODY_FONT,
    size: float = 14,
    bold: bool = False,
    indent: bool = True,
    align: object = None,
) -> None:
    p = doc.add_paragraph()  # type: ignore[attr-defined]
    fmt = p.paragraph_format
    fmt.line_spacing = Pt(28)
    fmt.space_after = Pt(0)
    if indent:
        fmt.first_line_indent = Pt(size * 2)
    if align is not None:
        p.alignment = align
    _font(p.add_run(text), font, size, bold=bold)


def _docx_table(doc: object, table: Table) -> None:
    t = doc.add_table(rows=table.rows, cols=table.columns)  # type: ignore[attr-defined]
    t.style = "Table Grid"
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    t.autofit = False
    total = sum(table.widths)
    usable = 16.0
    widths = [Cm(usable * w / total) for w in table.widths]
    # Word reads the cells' widths, LibreOffice the grid's: set both.
    for index, column in enumerate(t.columns):
        column.width = widths[index]
    # `Table.cell` rebuilds the whole grid on every call: take every cell once, before any merge (the merged
    # regions are disjoint, so the other regions' cells stay valid).
    grid = t._cells
    for index, docx_cell in enumerate(grid):
        docx_cell.width = widths[index % table.columns]
    targets = [
        (
            cell,
            grid[cell.row * table.columns + cell.col],
            grid[(cell.row + cell.rowspan - 1) * table.columns + cell.col + cell.colspan - 1],
        )
        for cell in table.cells
    ]
    for cell, first_cell, last_cell in targets:
        target = first_cell.merge(last_cell) if last_cell is not first_cell else first_cell
        lines = cell.text.split("\n")
        first = target.paragraphs[0]
        for index, line in enumerate(lines):
            p = first if index == 0 else target.add_paragraph()
            p.alignment = {
                "left": WD_ALIGN_PARAGRAPH.LEFT,
                "right": WD_ALIGN_PARAGRAPH.RIGHT,
            }.get(cell.align, WD_ALIGN_PARAGRAPH.CENTER)
            if cell.indent:
                p.paragraph_format.left_indent = Pt(9 * cell.indent)
            _font(p.add_run(line), BODY_FONT, 9, bold=cell.bold)


def docx_bytes(report: Report) -> bytes:
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.orientation = WD_ORIENT.PORTRAIT
    section.top_margin = section.bottom_margin = Cm(3.0)
    section.left_margin = section.right_margin = Cm(2.6)
    _paragraph(doc, report.title, font=TITLE_FONT, size=20, bold=True, indent=False, align=WD_ALIGN_PARAGRAPH.CENTER)
    for chapter in report.chapters:
        _paragraph(doc, chapter.heading, font=HEADING_FONT, size=16)
        for title, paragraphs in chapter.parts:
            if title:
                _paragraph(doc, title, font="楷体", size=16, bold=True)
            for text in paragraphs:
                _paragraph(doc, text)
    for table in report.tables:
        doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        _paragraph(doc, table.code, font=HEADING_FONT, size=14, indent=False)
        _paragraph(doc, table.title, font=TITLE_FONT, size=18, bold=True, indent=False, align=WD_ALIGN_PARAGRAPH.CENTER)
        _docx_table(doc, table)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


NUMBER = re.compile(r"-?\d+(?:\.(\d+))?")
PERCENTAGE = re.compile(r"(-?\d+(?:\.(\d+))?)%")


def typed(text: str) -> tuple[Any, str | None]:
    """A cell's text as the spreadsheet holds it: a plain figure ("57", "1135.38", "91.5") as a number
    shown with the places it was written with, a percentage ("92.98%") as the fraction with a percent
    format; text with a unit ("533.64万元", "≤202万元") or words stays text (made safe)."""
    if match := NUMBER.fullmatch(text):
        places = len(match.group(1) or "")
        value = Decimal(text) if places else int(text)
        return value, "#,##0" + ("." + "0" * places if places else "")
    if match := PERCENTAGE.fullmatch(text):
        places = len(match.group(2) or "")
        return Decimal(match.group(1)) / 100, "0" + ("." + "0" * places if places else "") + "%"
    return safe(text) or None, None


def xlsx_bytes(report: Report) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)  # type: ignore[arg-type]
    for table in report.tables:
        ws = wb.create_sheet(table.code)
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=table.columns)
        ws.cell(1, 1, safe(table.code)).font = Font(bold=True)
        ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=table.columns)
        title = ws.cell(2, 1, safe(table.title))
        title.font = Font(bold=True, size=16)
        title.alignment = Alignment(horizontal="center")
        offset = 3  # the table starts on row 3
        for index, width in enumerate(table.widths, start=1):
            ws.column_dimensions[get_column_letter(index)].width = width * 11
        for row in range(table.rows):
            for col in range(table.columns):
                ws.cell(offset + row, col + 1).border = BORDER
        for cell in table.cells:
            value, number_format = typed(cell.text)
            target = ws.cell(offset + cell.row, cell.col + 1, value)
            if number_format:
                target.number_format = number_format
            target.alignment = Alignment(horizontal=cell.align, vertical="center", wrap_text=True, indent=cell.indent)
            target.font = Font(bold=cell.bold)
            if cell.rowspan > 1 or cell.colspan > 1:
                ws.merge_cells(
                    start_row=offset + cell.row,
                    start_column=cell.col + 1,
                    end_row=offset + cell.row + cell.rowspan - 1,
                    end_column=cell.col + cell.colspan,
                )
        ws.print_options.horizontalCentered = True
        ws.page_setup.orientation = "portrait"
        ws.page_setup.fitToWidth = 1
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def html(report: Report) -> str:
    tables = [
        {"table": t, "rows": t.by_row(), "widths": [f"{w * 100 / sum(t.widths):.1f}" for w in t.widths]}
        for t in report.tables
    ]
    return render_to_string("performance/report_pdf.html", {"report": report, "tables": tables})


def pdf_bytes(report: Report) -> bytes:
    return pdf.write_pdf(html(report))


def json_bytes(report: Report) -> bytes:
    return json.dumps(report.figures, ensure_ascii=False, indent=2).encode()


def write_all(year: int, out: Path, progress: Callable[[int, str], None] | None = None) -> Report:
    """Write the four files into the directory (created if needed) and return the report."""

    def step(percent: int, label: str) -> None:
        if progress:
            progress(percent, label)

    out.mkdir(parents=True, exist_ok=True)
    report = build(year, progress)
    step(55, _("Writing %(file)s") % {"file": "figures.json"})
    (out / "figures.json").write_bytes(json_bytes(report))
    step(60, _("Writing %(file)s") % {"file": "report.docx"})
    (out / "report.docx").write_bytes(docx_bytes(report))
    step(70, _("Writing %(file)s") % {"file": "attachments.xlsx"})
    (out / "attachments.xlsx").write_bytes(xlsx_bytes(report))
    step(75, _("Writing %(file)s") % {"file": "report.pdf"})
    (out / "report.pdf").write_bytes(pdf_bytes(report))
    step(100, _("Done"))
    return report
