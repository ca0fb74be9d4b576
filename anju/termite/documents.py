"""The warranty certificate (白蚁预防保证书) of an accepted building, as Word (python-docx) and PDF (the
embedded fonts of anju.core.pdf), with the organisation's name from its settings page."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.http import Http404, HttpRequest, HttpResponse
from django.template.loader import render_to_string

from anju.core import audit, docx, organisation, pdf
from anju.core.client_address import client_ip
from anju.core.models import AuditEvent
from anju.termite import actions
from anju.termite.models import WarrantyBuilding

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF_TYPE = "application/pdf"
TITLE = "白蚁预防保证书"


def facts(building: WarrantyBuilding) -> dict[str, Any]:
    end, _final = actions.warranty_end(building)
    return {
        "title": TITLE,
        "number": building.certificate_number or f"{building.contract.number}-{building.building_no}",
        "organisation": organisation.current(),
        "rows": [
            ("建设单位", building.contract.developer_name),
            ("项目名称", building.contract.project_name),
            ("幢号", f"{building.building_no}幢"),
            ("预防面积", f"{building.area} 平方米"),
            ("合同编号", building.contract.number),
            ("验收日期", f"{building.accepted_on:%Y年%m月%d日}" if building.accepted_on else ""),
            ("包治期限", f"{building.contract.warranty_years}年"),
            ("包治期至", f"{end:%Y年%m月%d日}" if end else ""),
        ],
        "body": (
            "上述房屋已按《城市房屋白蚁防治管理规定》实施白蚁预防处理并经验收合格。包治期内房屋发生蚁害的，"
            "由本单位免费灭治，并按合同约定定期回访复查。"
        ),
    }


def docx_bytes(building: WarrantyBuilding) -> bytes:
    data = facts(building)
    document = docx.official(data["title"], title_pt=22)
    docx.right(document, f"编号：{data['number']}")
    docx.facts_table(document, data["rows"])
    document.add_paragraph(data["body"])
    docx.right(document, f"{data['organisation'].name}（盖章）")
    return docx.to_bytes(document)


def pdf_bytes(building: WarrantyBuilding) -> bytes:
    return pdf.write_pdf(render_to_string("termite/certificate_pdf.html", facts(building)))


def certificate_response(request: HttpRequest, building: WarrantyBuilding, fmt: str) -> HttpResponse:
    if fmt == "docx":
        data, content_type = docx_bytes(building), DOCX_TYPE
    elif fmt == "pdf":
        data, content_type = pdf_bytes(building), PDF_TYPE
    else:
        raise Http404(fmt)
    name = f"{TITLE}-{building.contract.project_name}{building.building_no}幢.{fmt}"
    audit.record(
        request.user if request.user.is_authenticated else None,  # type: ignore[arg-type]
        AuditEvent.Action.EXPORT,
        building,
        object_repr=name[:200],
        ip=client_ip(request),
    )
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response
