"""Pages for the annual disclosure (年度公示) of a project's fund."""

from __future__ import annotations

from urllib.parse import quote

from django.core.exceptions import PermissionDenied
from django.db.models import Min
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from anju.core import audit
from anju.core.client_address import client_ip
from anju.core.listing import xlsx_response
from anju.core.models import AuditEvent, User
from anju.core.permissions import can, require
from anju.fund.disclosure import queries as disclosures
from anju.fund.models import JournalEntry
from anju.registry.models import Project

MODULE = "fund"
PDF_TYPE = "application/pdf"


def _years() -> list[int]:
    first = JournalEntry.objects.aggregate(d=Min("value_date"))["d"]
    this_year = timezone.localdate().year
    return list(range(this_year, (first.year if first else this_year) - 1, -1))


def _year_param(request: HttpRequest) -> int:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return timezone.localdate().year - 1
    if not 1990 <= year <= timezone.localdate().year:
        return timezone.localdate().year - 1
    return year


@require(MODULE, "view")
def disclosure_view(request: HttpRequest) -> HttpResponse:
    projects = Project.objects.order_by("code").only("code", "name")
    code = request.GET.get("project", "").strip()
    year = _year_param(request)
    context: dict[str, object] = {"projects": projects, "code": code, "year": year, "years": _years()}
    if code:
        project = Project.objects.filter(code=code).first()
        if project is None:
            context["not_found"] = True
        else:
            context["d"] = disclosures.project_disclosure(project, year)
    return render(request, "fund/disclosure.html", context)


def _download(request: HttpRequest, code: str, year: int) -> disclosures.Disclosure:
    if not can(request.user, MODULE, "export"):
        raise PermissionDenied
    if not 1990 <= year <= timezone.localdate().year:
        raise Http404
    project = get_object_or_404(Project, code=code)
    return disclosures.project_disclosure(project, year)


def _audit_export(request: HttpRequest, name: str) -> None:
    actor: User = request.user  # type: ignore[assignment]
    audit.record(actor, AuditEvent.Action.EXPORT, model="年度公示", object_repr=name, ip=client_ip(request))


@require(MODULE, "view")
def disclosure_xlsx(request: HttpRequest, code: str, year: int) -> HttpResponse:
    d = _download(request, code, year)
    name = disclosures.filename(d, "xlsx")
    _audit_export(request, name)
    return xlsx_response(name, disclosures.xlsx_bytes(d))


@require(MODULE, "view")
def disclosure_pdf(request: HttpRequest, code: str, year: int) -> HttpResponse:
    d = _download(request, code, year)
    name = disclosures.filename(d, "pdf")
    with translation.override("zh-hans"):
        issuer = _("Housing Security Service Center")
    data = disclosures.pdf_bytes(d, issuer=issuer)
    _audit_export(request, name)
    response = HttpResponse(data, content_type=PDF_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response
