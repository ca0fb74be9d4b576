"""The .xlsx download of a list (audited) and the client address the audit log records."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from anju.core import audit
from anju.core.models import AuditEvent
from anju.lib.xlsx import workbook_bytes

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(filename: str, data: bytes) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def export_xlsx(
    request: HttpRequest,
    *,
    filename: str,
    title: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
) -> HttpResponse:
    """The list as an .xlsx download; the export is written to the audit log."""
    data = workbook_bytes(title, headers, rows)
    audit.record(
        request.user if request.user.is_authenticated else None,  # type: ignore[arg-type]
        AuditEvent.Action.EXPORT,
        model=title,
        object_repr=filename,
        note=request.GET.urlencode()[:500],
        ip=client_ip(request),
    )
    return xlsx_response(filename, data)


def client_ip(request: HttpRequest) -> str | None:
    """The client's address. Behind a reverse proxy (TRUST_X_FORWARDED_FOR) it is the address the proxy
    appended last to X-Forwarded-For, which the client cannot forge; otherwise REMOTE_ADDR."""
    if settings.TRUST_X_FORWARDED_FOR:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if forwarded:
            return forwarded[-1]
    return request.META.get("REMOTE_ADDR") or None
