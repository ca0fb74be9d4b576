"""The 拨付 request of a payment batch (购房补贴资金拨付申请) as Word (python-docx): count, total and the total
in capitals, with the organisation's name from its settings page."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from anju.core import audit, docx, organisation
from anju.core.client_address import client_ip
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
    document = docx.official(data["title"], title_pt=18)
    document.add_paragraph(data["body"])
    docx.facts_table(document, data["rows"])
    docx.right(document, f"{data['organisation'].name}\n{data['today']:%Y年%m月%d日}")
    return docx.to_bytes(document)


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
