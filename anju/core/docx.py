"""The Word documents every line prints (notices, certificates, requests, tables): the official body font
(仿宋, East Asian text included), a centred bold title, a two-column table of facts, the file's bytes."""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any

from docx import Document
from docx.document import Document as DocumentType
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt


def official(title: str, *, title_pt: int = 20, body_pt: int = 14) -> DocumentType:
    """A new document in 仿宋 at `body_pt`, opening with `title` centred and bold at `title_pt`."""
    document = Document()
    style = document.styles["Normal"]
    style.font.name = "仿宋"  # type: ignore[attr-defined]
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "仿宋")  # type: ignore[attr-defined]
    style.font.size = Pt(body_pt)  # type: ignore[attr-defined]
    heading = document.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = heading.add_run(title)
    run.bold = True
    run.font.size = Pt(title_pt)
    return document


def facts_table(document: DocumentType, rows: Iterable[tuple[Any, Any]]) -> None:
    """A bordered two-column table: label, value."""
    table = document.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for label, value in rows:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = str(label), str(value)


def right(document: DocumentType, text: str) -> None:
    """A right-aligned line (a number, the signature)."""
    document.add_paragraph(text).alignment = WD_ALIGN_PARAGRAPH.RIGHT


def to_bytes(document: DocumentType) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
