"""The records behind a KPI of the budget and performance line (`/performance/kpi/<code>/<year>/`): the
figure, its definition and a list of the records it is computed from, or the owning line's own page."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from anju.core import kpis as registry
from anju.core.listing import Column, IdColumn, ListPage
from anju.core.permissions import check, login_required
from anju.performance import queries
from anju.performance.models import kpi_name
from anju.performance.views import _YEARS, FIRST_YEAR, LAST_YEAR, display

SENSITIVE = ("id_number", "id_no", "idcard", "id_card", "uscc_secret", "password", "digest")


def _is_sensitive(name: str) -> bool:
    lowered = name.lower()
    return any(word in lowered for word in SENSITIVE)


def record_value(attname: str, choices: dict[Any, Any] | None = None) -> Callable[[Any], Any]:
    """A record field's cell: a choice's label, 是/否, JSON cut to 200 characters, None as empty."""

    def value(obj: Any) -> Any:
        raw = getattr(obj, attname)
        if raw is None:
            return ""
        if choices and raw in choices:
            return str(choices[raw])
        if isinstance(raw, bool):
            return _("Yes") if raw else _("No")
        if isinstance(raw, dict | list):
            return json.dumps(raw, ensure_ascii=False)[:200]
        return raw

    return value


def _kpi_name(obj: Any) -> str:
    return kpi_name(obj.kpi_code) if obj.kpi_code else ""


def record_columns(qs: QuerySet[Any]) -> list[Column]:
    """A column per concrete field of the records; ID-number-like fields are masked without see_id."""
    model: type[Model] = qs.model
    columns: list[Column] = []
    for f in model._meta.concrete_fields:
        if any(word in f.name.lower() for word in ("password", "digest")):
            continue
        label = str(f.verbose_name)
        if f.name == "key":  # a binding code read by programs (a special fund's KPI), not by people
            continue
        if f.name == "kpi_code":  # an indicator's bound figure: its name (the code is the KPI page's tooltip)
            columns.append(Column(label, _kpi_name, f.attname))
        elif _is_sensitive(f.attname):
            columns.append(IdColumn(label, record_value(f.attname)))
        else:
            choices = dict(f.flatchoices) if f.choices else None
            columns.append(Column(label, record_value(f.attname, choices), f.attname))
    return columns


def _not_found(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "performance/not_found.html", {"message": message}, status=404)


@login_required
def kpi_records(request: HttpRequest, code: str, year: int) -> HttpResponse:
    kpi = registry.find(code)
    if kpi is None:
        return _not_found(request, _("There is no KPI %(code)s.") % {"code": code})
    if not FIRST_YEAR <= year <= LAST_YEAR:
        return _not_found(request, _("The year must be between %(first)s and %(last)s.") % _YEARS)
    module = queries.kpi_module(kpi)
    check(request.user, module, "view")
    if kpi.records_url is not None:
        return redirect(kpi.records_url(year))
    if kpi.module not in queries.OWN_MODULES:
        # Another module's records are listed by that module's own pages (its filters, masking and permissions):
        # a generic table of its raw rows is not served here.
        return _not_found(
            request,
            _("The records behind %(name)s are listed by their own module, which has no page for them yet.")
            % {"name": kpi.name},
        )
    raw = queries.safe_compute(kpi, year)
    context = {
        "kpi": kpi,
        "year": year,
        "value": display(kpi, raw),
        "raw": "—" if raw is None else registry.as_json(kpi, raw),
    }
    if kpi.records is None:
        return render(request, "performance/kpi_records.html", {**context, "title": kpi.name, "no_records": True})
    qs = kpi.records(year)
    return ListPage(
        module=module,
        title=kpi.name,
        heading=f"{kpi.name} · {year}",
        template="performance/kpi_records.html",
        context=context,
        queryset=qs,
        columns=record_columns(qs),
        filename=f"{kpi.name}_{year}",
        sheet=kpi.name,
        empty=_("No records."),
        table_id="kpi-records",
    ).render(request)


# --- the leaders' dashboard -------------------------------------------------------------------------
