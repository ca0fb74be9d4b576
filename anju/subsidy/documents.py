"""The 拨付 request of a payment batch (购房补贴资金拨付申请) as Word (python-docx): count, total and the total
in capitals, with the organisation's name from its settings page."""

from __future__ import annotations

import io
from typing import Any
from urllib.parse import quote

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from anju.core import audit, organisation
from anju.core.listing import client_ip
from anju.core.models import AuditEvent
from anju.subsidy import payments
from anju.subsidy.models import Batch

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def facts(batch: Batch) -> dict[str, Any]:
    request = payments.disbursement_request(batch)
    title = f"关于拨付{batch.program.name}{batch.label}补贴资金的申请"
    body = (
        f"根据{batch.program.document or batch.program.name}，{batch.label}共{request.count}户申请已经中心资料审查、"
        f"税务核验、财政审核和公示，无异议。现申请拨付补贴资金{request.total:,.2f}元（大写：{request.capitals}），"
        "按付款文件发放至各收款人账户。"
    )
    return {
        "title": title,
        "body": body,
        "rows": [
            ("批次", f"{batch.label}（{batch.number}）"),
            ("户数", f"{request.count}户"),
            ("金额", f"{request.total:,.2f}元"),
            ("大写", request.capitals),
            ("付款文件SHA-256", batch.file_sha256 or "（尚未生成付款文件）"),
        ],
        "organisation": organisation.current(),
        "today": timezone.localdate(),
    }


def docx_bytes(batch: Batch) -> bytes:
    data = facts(batch)
    document = Document()
    style = document.styles["Normal"]
    style.font.name = "仿宋"  # type: ignore[attr-defined]
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "仿宋")  # type: ignore[attr-defined]
    style.font.size = Pt(14)  # type: ignore[attr-defined]
    heading = document.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = heading.add_run(data["title"])
    run.bold = True
    run.font.size = Pt(18)
    document.add_paragraph(data["body"])
    table = document.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for label, value in data["rows"]:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = label, str(value)
    signature = document.add_paragraph(f"{data['organisation'].name}\n{data['today']:%Y年%m月%d日}")
    signature.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def request_response(request: HttpRequest, batch: Batch) -> HttpResponse:
    name = f"购房补贴拨付申请-{batch.label}.docx"
    audit.record(
        request.user if request.user.is_authenticated else None,  # type: ignore[arg-type]
        AuditEvent.Action.EXPORT,
        batch,
        object_repr=name[:200],
        ip=client_ip(request),
    )
    response = HttpResponse(docx_bytes(batch), content_type=DOCX_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response
