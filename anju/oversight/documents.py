"""The task-decomposition table (整改任务分解表) of an inspection as Word (python-docx): for each finding its
tasks with the responsible unit and person, the target, the deadline and the interim progress deadline, under
the notice's number. Every download is in the audit log."""

from __future__ import annotations

import io
from urllib.parse import quote

from django.http import HttpRequest, HttpResponse
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from anju.core import audit, organisation
from anju.core.client_address import client_ip
from anju.core.models import AuditEvent
from anju.oversight.models import Inspection, Task

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
HEADERS = ("序号", "问题描述", "整改类型", "整改目标", "责任单位", "责任人", "整改时限", "阶段性进展时限")


def _day(value: object) -> str:
    return f"{value:%Y年%m月%d日}" if value else ""


def rows(inspection: Inspection) -> list[tuple[str, ...]]:
    """One row per task, numbered by its finding (a finding with two tasks gives 3-1, 3-2)."""
    tasks = Task.objects.filter(finding__inspection=inspection).select_related("finding", "owner")
    out: list[tuple[str, ...]] = []
    counts: dict[int, int] = {}
    ordered = sorted(tasks, key=lambda t: (t.finding.number, t.number))
    totals = {t.finding_id: sum(1 for x in ordered if x.finding_id == t.finding_id) for t in ordered}
    for t in ordered:
        counts[t.finding_id] = counts.get(t.finding_id, 0) + 1
        number = str(t.finding.number) if totals[t.finding_id] == 1 else f"{t.finding.number}-{counts[t.finding_id]}"
        out.append((number, t.finding.text, t.get_kind_display(), t.target, t.unit, str(t.owner),
                    _day(t.deadline), _day(t.interim_deadline)))  # fmt: skip
    return out


def decomposition_docx(inspection: Inspection) -> bytes:
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width
    section.left_margin = section.right_margin = Cm(1.8)
    style = document.styles["Normal"]
    style.font.name = "仿宋"  # type: ignore[attr-defined]
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "仿宋")  # type: ignore[attr-defined]
    style.font.size = Pt(11)  # type: ignore[attr-defined]
    heading = document.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = heading.add_run(f"《{inspection.title}》反馈意见整改任务分解表")
    run.bold = True
    run.font.size = Pt(18)
    if inspection.decomposition_number:
        line = f"{inspection.decomposition_number}　{_day(inspection.decomposition_on)}"
        document.add_paragraph(line).alignment = WD_ALIGN_PARAGRAPH.CENTER
    table = document.add_table(rows=1, cols=len(HEADERS))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, HEADERS, strict=True):
        cell.text = text
        cell.paragraphs[0].runs[0].bold = True
    for row in rows(inspection):
        for cell, text in zip(table.add_row().cells, row, strict=True):
            cell.text = text
    document.add_paragraph(f"{organisation.current().name}").alignment = WD_ALIGN_PARAGRAPH.RIGHT
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def decomposition_response(request: HttpRequest, inspection: Inspection) -> HttpResponse:
    name = f"整改任务分解表-{inspection.title}.docx"
    data = decomposition_docx(inspection)
    audit.record(request.user if request.user.is_authenticated else None, AuditEvent.Action.EXPORT,  # type: ignore[arg-type]
                 inspection, object_repr=name[:200], ip=client_ip(request))  # fmt: skip
    response = HttpResponse(data, content_type=DOCX_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response
