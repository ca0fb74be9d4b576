"""The performance JSON API: budget records, special funds, staffing, indicators with their scores, report runs
and KPI values. Permissions are those of the pages: performance `view` to read, `export` to build a report; a
KPI value needs `view` on the KPI's module. Money in 元 and rates are strings with two decimals."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status
from ninja.errors import HttpError

from anju.core import kpis as registry
from anju.core.apikit import Decimal2, ErrorOut, Money, OptionalDecimal2, Year
from anju.core.permissions import check
from anju.performance import actions, jobs, queries, report, rules, writers
from anju.performance.models import BudgetLine, ReportRun, SpecialFund

MODULE = "performance"
FIRST_YEAR, LAST_YEAR = 2000, 2100
router = Router(tags=["performance"])


def _two(value: Decimal | None) -> Decimal | None:
    """Two decimals, rounded half up (scores and rates are computed to more)."""
    return None if value is None else rules.two(Decimal(value))


class BudgetLineOut(Schema):
    id: int
    year: int
    section: str
    name: str
    initial: Money
    final: Money
    executed: Money
    prior_year: Money
    note: str


class SpecialFundOut(Schema):
    name: str
    key: str
    budget: Money
    used: Money
    balance: Money
    rate: Decimal2


class StaffingOut(Schema):
    posts: int
    staff: int
    reported_control_rate: OptionalDecimal2


class BudgetOut(Schema):
    year: int
    lines: list[BudgetLineOut]
    special_funds: list[SpecialFundOut]
    staffing: StaffingOut | None


class ReportCheckOut(Schema):
    rule: str
    severity: str
    message: str


class IndicatorOut(Schema):
    id: int
    level1: str
    level2: str
    name: str
    weight: Decimal2
    operator: str
    target: OptionalDecimal2
    target_text: str
    unit: str
    kpi_code: str
    actual: OptionalDecimal2
    score: OptionalDecimal2
    override_reason: str
    deviation_note: str
    error: str


class IndicatorsOut(Schema):
    year: int
    total: Decimal2
    grade: str
    indicators: list[IndicatorOut]


class ReportRunOut(Schema):
    id: int
    year: int
    status: str
    progress: int
    step: str
    error: str
    files: list[str]


class KpiValueOut(Schema):
    code: str
    name: str
    unit: str
    year: int
    value: int | str | list[int | str]
    definition: str


def _line(line: BudgetLine) -> dict[str, Any]:
    return {
        "id": line.pk,
        "year": line.year,
        "section": line.section,
        "name": line.name,
        "initial": _two(line.initial),
        "final": _two(line.final),
        "executed": _two(line.executed),
        "prior_year": _two(line.prior_year),
        "note": line.note,
    }


@router.get("/budget/{int:year}", response=BudgetOut, summary="A year's budget lines, special funds and staffing")
def budget(request: HttpRequest, year: Year) -> dict[str, Any]:
    check(request.user, MODULE, "view")
    _check_year(year)
    staffing = queries.staffing(year)
    return {
        "year": year,
        "lines": [_line(line) for line in BudgetLine.objects.filter(year=year).order_by("section", "order", "id")],
        "special_funds": [
            {
                "name": f.name,
                "key": f.key,
                "budget": _two(f.budget),
                "used": _two(f.used),
                "balance": _two(f.balance),
                "rate": _two(registry.rate(f.used, f.budget)),
            }
            for f in SpecialFund.objects.filter(year=year)
        ],
        "staffing": None
        if staffing is None
        else {
            "posts": staffing.posts,
            "staff": staffing.staff,
            "reported_control_rate": _two(staffing.reported_control_rate),
        },
    }


@router.get("/checks/{int:year}", response=list[ReportCheckOut], summary="The consistency checks of a year")
def checks(request: HttpRequest, year: Year) -> list[dict[str, str]]:
    check(request.user, MODULE, "view")
    _check_year(year)
    return [c.as_dict() for c in report.checks(year)]


@router.get("/indicators/{int:year}", response=IndicatorsOut, summary="The indicator tree with scores, total and grade")
def indicators(request: HttpRequest, year: Year) -> dict[str, Any]:
    check(request.user, MODULE, "view")
    _check_year(year)
    scored = queries.scored_indicators(year)
    total = sum((s.score for s in scored if s.score is not None), Decimal("0.00"))
    return {
        "year": year,
        "total": _two(total),
        "grade": rules.grade(rules.rules_for(year), total),
        "indicators": [
            {
                "id": s.indicator.pk,
                "level1": s.indicator.level1,
                "level2": s.indicator.level2,
                "name": s.indicator.name,
                "weight": _two(s.indicator.weight),
                "operator": s.indicator.operator,
                "target": _two(s.indicator.target),
                "target_text": s.indicator.target_text,
                "unit": s.indicator.unit,
                "kpi_code": s.indicator.kpi_code,
                "actual": _two(s.actual),
                "score": _two(s.score),
                "override_reason": s.indicator.override_reason,
                "deviation_note": s.indicator.deviation_note,
                "error": s.error,
            }
            for s in scored
        ],
    }


def _run(run: ReportRun) -> dict[str, Any]:
    return {
        "id": run.pk,
        "year": run.year,
        "status": run.status,
        "progress": run.progress,
        "step": run.step,
        "error": run.error,
        "files": list(writers.FILES) if run.status == ReportRun.Status.DONE else [],
    }


@router.get("/reports", response=list[ReportRunOut], summary="Report runs, newest first")
def report_runs(request: HttpRequest, year: Year | None = None) -> list[dict[str, Any]]:
    check(request.user, MODULE, "view")
    jobs.mark_stale()
    runs = ReportRun.objects.select_related("requested_by")
    if year is not None:
        runs = runs.filter(year=year)
    return [_run(r) for r in runs[:50]]


@router.get("/reports/{int:run_id}", response=ReportRunOut, summary="One report run and its progress")
def report_run(request: HttpRequest, run_id: int) -> dict[str, Any]:
    check(request.user, MODULE, "view")
    jobs.mark_stale()
    return _run(get_object_or_404(ReportRun, pk=run_id))


@router.post(
    "/reports",
    response={202: ReportRunOut, 409: ErrorOut},
    summary="Build a year's report files in the background (409 while one builds)",
)
def report_build(request: HttpRequest, year: Year) -> Status:
    check(request.user, MODULE, "export")
    _check_year(year)
    return Status(202, _run(actions.queue_report(request.user, year=year)))  # type: ignore[arg-type]


@router.get(
    "/kpis/{int:year}", response=list[KpiValueOut], summary="Every registered KPI the caller may see, for a year"
)
def kpi_list(request: HttpRequest, year: Year) -> list[dict[str, Any]]:
    check(request.user, MODULE, "view")
    _check_year(year)
    out = []
    for kpi in registry.all_kpis():
        if not request.user.can(queries.kpi_module(kpi), "view"):  # type: ignore[union-attr]
            continue
        raw = queries.safe_compute(kpi, year)  # once; a KPI that fails is left out (and logged)
        if raw is not None:
            out.append(_kpi(kpi, year, raw))
    return out


@router.get("/kpis/{int:year}/{code}", response=KpiValueOut, summary="One KPI's value for a year")
def kpi_value(request: HttpRequest, year: Year, code: str) -> dict[str, Any]:
    kpi = registry.find(code)
    if kpi is None:
        raise Http404
    check(request.user, queries.kpi_module(kpi), "view")
    _check_year(year)
    raw = queries.safe_compute(kpi, year)
    if raw is None:
        raise HttpError(503, f"指标{kpi.code}（{kpi.name}）计算失败，原因已记入系统日志")
    return _kpi(kpi, year, raw)


def _check_year(year: Year) -> None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise Http404


def _kpi(kpi: registry.Kpi, year: Year, raw: registry.Value) -> dict[str, Any]:
    return {
        "code": kpi.code,
        "name": kpi.name,
        "unit": kpi.unit,
        "year": year,
        "value": registry.as_json(kpi, raw),
        "definition": kpi.definition,
    }
