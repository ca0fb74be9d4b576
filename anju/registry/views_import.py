"""The property-roll import page and its template download."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from anju.core.listing import client_ip, xlsx_response
from anju.core.permissions import require
from anju.lib.tabular import FILE_ROW, ImportRejected, RowError
from anju.registry import importer

MODULE = "registry"
# Past this many rows the error table stops; the count says how many more there are, and
# `anju import-units` lists them all.
ERRORS_SHOWN = 1000


@require(MODULE, "handle")
def import_units(request: HttpRequest) -> HttpResponse:
    context: dict[str, object] = {"headers": importer.HEADERS, "max_rows": settings.IMPORT_MAX_ROWS}
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise ImportRejected([RowError(FILE_ROW, "", _("Choose a file to import."))])
            summary = importer.import_units(
                request.user,  # type: ignore[arg-type]
                upload.name or "",
                upload.read(),
                ip=client_ip(request),
            )
        except ImportRejected as rejected:
            context.update(
                errors=rejected.errors[:ERRORS_SHOWN],
                error_count=len(rejected.errors),
                errors_hidden=max(0, len(rejected.errors) - ERRORS_SHOWN),
            )
        else:
            context.update(summary=summary, filename=upload.name)
    return render(request, "registry/import.html", context)


@require(MODULE, "handle")
def import_template(request: HttpRequest) -> HttpResponse:
    return xlsx_response("房屋清册导入模板.xlsx", importer.template_bytes())
