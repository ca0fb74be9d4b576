"""The .xlsx download of a list (audited) and its background job for a long list.

A list of more than BACKGROUND_ROWS rows is exported by the worker: `export_in_background` queues a job
with the list's URL; `run_export` calls the same view for the job's owner with `request.job_progress`
set, so the file has exactly the page's filters, columns, masking and permissions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from importlib import import_module
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.translation import gettext as _

from anju.core import audit, jobs
from anju.core.client_address import client_ip
from anju.core.models import AuditEvent, Job
from anju.lib.errors import DomainError
from anju.lib.xlsx import workbook_bytes

EXPORT_JOB = "core.export"

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def dated(filename: str, day: dt.date | None = None) -> str:
    """The file name with the day it was written: 维修资金专户.xlsx → 维修资金专户_2026-12-06.xlsx."""
    stem, dot, ext = filename.rpartition(".")
    if not dot:
        stem, ext = filename, ""
    day = day or timezone.localdate()
    return f"{stem}_{day.isoformat()}" + (f".{ext}" if ext else "")


def content_disposition(filename: str) -> str:
    """`attachment` with the UTF-8 name (RFC 5987 filename*) and, for clients that ignore it, a plain
    ASCII name (the name itself when it is ASCII, else export.<ext>)."""
    fallback = filename if filename.isascii() else "export." + filename.rpartition(".")[2]
    fallback = fallback.replace('"', "").replace("\\", "")
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"


def xlsx_response(filename: str, data: bytes) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX_TYPE)
    response["Content-Disposition"] = content_disposition(filename)
    response.xlsx_filename = filename  # type: ignore[attr-defined]  # the name a background export keeps
    return response


def export_xlsx(
    request: HttpRequest,
    *,
    filename: str,
    title: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    totals: Sequence[bool] = (),
    formats: Sequence[str | None] = (),
) -> HttpResponse:
    """The list as an .xlsx download named with today's date (`dated`); numbers and dates typed, the
    `totals` columns summed in a 合计 row (`anju.lib.xlsx.workbook_bytes`); the export is written to the
    audit log."""
    filename = dated(filename)
    data = workbook_bytes(title, headers, rows, totals=totals, formats=formats)
    audit.record(
        request.user if request.user.is_authenticated else None,  # type: ignore[arg-type]
        AuditEvent.Action.EXPORT,
        model=title,
        object_repr=filename,
        note=request.GET.urlencode()[:500],
        ip=client_ip(request),
    )
    return xlsx_response(filename, data)


def export_in_background(request: HttpRequest, title: str, rows: int) -> HttpResponse:
    """Queue the export of this list (its URL as it is) and show the job's page."""
    job = jobs.submit(
        request.user,  # type: ignore[arg-type]
        EXPORT_JOB,
        _("Export %(title)s (%(rows)s rows)") % {"title": title, "rows": rows},
        path=request.path,
        query=request.GET.urlencode(),
        ip=client_ip(request),
    )
    messages.info(request, _("The list has %(rows)s rows: it is exported in the background.") % {"rows": rows})
    return redirect("core:job", job.pk)


def run_export(job: Job, progress: jobs.Progress) -> jobs.Output:
    """The worker's side: the list's view, called for the job's owner (its permissions checked again),
    writes the file while reporting the rows done."""
    if job.owner is None:
        raise DomainError("导出任务没有提交人", code="no_owner")
    path, query = job.params["path"], job.params["query"]
    try:
        match = resolve(path)
    except Resolver404 as exc:
        raise DomainError("导出的列表已不存在", code="gone") from exc
    request = HttpRequest()
    request.method = "GET"
    request.path = request.path_info = path
    request.GET = QueryDict(query)
    request.META = {"REMOTE_ADDR": job.params.get("ip") or "", "QUERY_STRING": query, "SERVER_NAME": "worker"}
    request.user = job.owner
    request.session = import_module(settings.SESSION_ENGINE).SessionStore()  # type: ignore[attr-defined]
    request.job_progress = progress  # type: ignore[attr-defined]
    response = match.func(request, *match.args, **match.kwargs)
    filename = getattr(response, "xlsx_filename", None)
    if response.status_code != 200 or filename is None:
        raise DomainError(f"导出失败（{response.status_code}）", code="export_failed")
    job.refresh_from_db(fields=["total"])
    return jobs.Output(result={"summary": [[_("Rows"), job.total]]}, content=response.content, file_name=filename)
