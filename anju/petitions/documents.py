"""The written notices of a case as Word (python-docx) and PDF (the embedded fonts of anju.core.pdf): the
acceptance notice (受理告知书), the notice of non-acceptance (不予受理告知书), the forwarding notice (转送告知书)
and the reply (信访事项处理意见书), with the organisation's name from its settings page. Every download is in
the audit log."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.http import Http404, HttpRequest, HttpResponse
from django.template.loader import render_to_string

from anju.core import audit, docx, organisation, pdf
from anju.core.client_address import client_ip
from anju.core.models import AuditEvent
from anju.petitions.models import Case

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF_TYPE = "application/pdf"
S = Case.Status
# kind -> (title, the states in which the case has that notice)
KINDS = {
    "acceptance": ("信访事项受理告知书", (S.ACCEPTED, S.ASSIGNED, S.REPLIED, S.CLOSED, S.REVIEWING)),
    "rejection": ("信访事项不予受理告知书", (S.NOT_ACCEPTED,)),
    "forwarding": ("信访事项转送告知书", (S.FORWARDED,)),
    "reply": ("信访事项处理意见书", (S.REPLIED, S.CLOSED, S.REVIEWING)),
}


def available(case: Case) -> list[tuple[str, str]]:
    """(kind, title) of the notices the case has in its state."""
    return [(kind, title) for kind, (title, states) in KINDS.items() if case.status in states]


def _petitioner(case: Case) -> str:
    names = [p.name for p in case.petitioners.all() if p.name]
    return "、".join(names) or "信访人"


def facts(case: Case, kind: str) -> dict[str, Any]:
    title = KINDS[kind][0]
    org = organisation.current()
    who = _petitioner(case)
    rows = [
        ("信访人", who),
        ("信访事项", case.subject),
        ("来源渠道", f"{case.channel.name}{' ' + case.reference if case.reference else ''}"),
        ("收件时间", f"{case.received_at:%Y年%m月%d日}"),
    ]
    if kind == "acceptance":
        complete = case.deadlines.filter(step="complete").first()
        body = (
            f"{who}：您于{case.received_at:%Y年%m月%d日}提出的信访事项，本单位已于{case.accepted_on:%Y年%m月%d日}依法受理，"
            + (f"将在{complete.due:%Y年%m月%d日}前办结并书面答复。" if complete else "将依法办理并书面答复。")
        )
    elif kind == "rejection":
        body = f"{who}：您提出的信访事项，经审查，不予受理。理由：{case.decision_note}"
    elif kind == "forwarding":
        body = f"{who}：您提出的信访事项，依法转送{case.forwarded_to}办理。理由：{case.decision_note}"
    else:
        body = case.reply
        rows.append(("答复日期", f"{case.replied_on:%Y年%m月%d日}" if case.replied_on else ""))
        body += "\n如不服本处理意见，可自收到本意见书之日起30日内向本单位或上一级机关申请复查。"
    return {"title": title, "number": case.number, "organisation": org, "rows": rows, "body": body}


def docx_bytes(case: Case, kind: str) -> bytes:
    data = facts(case, kind)
    document = docx.official(data["title"])
    docx.right(document, f"编号：{data['number']}")
    docx.facts_table(document, data["rows"])
    for paragraph in data["body"].split("\n"):
        document.add_paragraph(paragraph)
    docx.right(document, f"{data['organisation'].name}（盖章）")
    return docx.to_bytes(document)


def pdf_bytes(case: Case, kind: str) -> bytes:
    return pdf.write_pdf(render_to_string("petitions/notice_pdf.html", facts(case, kind)))


def notice_response(request: HttpRequest, case: Case, kind: str, fmt: str) -> HttpResponse:
    if kind not in dict(available(case)):
        raise Http404(kind)
    if fmt == "docx":
        data, content_type = docx_bytes(case, kind), DOCX_TYPE
    elif fmt == "pdf":
        data, content_type = pdf_bytes(case, kind), PDF_TYPE
    else:
        raise Http404(fmt)
    name = f"{KINDS[kind][0]}-{case.number}.{fmt}"
    audit.record(
        request.user if request.user.is_authenticated else None,  # type: ignore[arg-type]
        AuditEvent.Action.EXPORT,
        case,
        object_repr=name[:200],
        ip=client_ip(request),
    )
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response
