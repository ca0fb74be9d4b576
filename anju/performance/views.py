"""Pages of the budget and performance module: budget records, assets, indicators, the report with its
background build, the generic KPI records page and the leaders' dashboard."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.db.models import Model
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from anju.core import audit, memo
from anju.core import kpis as registry
from anju.core.client_address import client_ip
from anju.core.errors import refused
from anju.core.links import reverse
from anju.core.listing import (
    Action,
    ChoiceFilter,
    Column,
    HiddenFilter,
    ListPage,
    Search,
    Tag,
    export_xlsx,
    label_of,
    link_column,
)
from anju.core.models import AuditEvent
from anju.core.permissions import actor, can, check, require
from anju.performance import actions, forms, importer, jobs, narrative, queries, report, rules, writers
from anju.performance.models import (
    Asset,
    BudgetLine,
    Indicator,
    Narrative,
    NarrativeVersion,
    ReportRun,
    SpecialFund,
)

FIRST_YEAR, LAST_YEAR = 2000, 2100

MODULE = "performance"
_YEARS = {"first": FIRST_YEAR, "last": LAST_YEAR}
ERRORS_SHOWN = 1000
# The leaders' dashboard: headline KPIs in this order, shown when registered.
HEADLINES = (
    "fund.collected",
    "fund.disbursed",
    "fund.arrears.rate",
    "rental.homes",
    "rental.collection_rate",
    "termite.treated_area",
    "subsidy.paid",
    "budget.executed",
    "budget.execution_rate",
    "budget.assets_total",
    "org.staff",
    "performance.score",
)


def _year(request: HttpRequest) -> int:
    try:
        year = int(request.GET.get("year") or request.POST.get("year") or default_year())
    except ValueError as exc:
        raise Http404 from exc
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise Http404
    return year


def default_year() -> int:
    """The report year: the latest year with budget lines, else last year."""
    latest = BudgetLine.objects.order_by("-year").values_list("year", flat=True).first()
    return latest or timezone.localdate().year - 1


def years() -> list[int]:
    found = set(BudgetLine.objects.order_by().values_list("year", flat=True).distinct())
    found.add(default_year())
    found.add(timezone.localdate().year)
    return sorted(found, reverse=True)


def display(kpi: registry.Kpi, raw: registry.Value | None) -> str:
    """A KPI value for a page: money in 万元, rates with %, counts whole; a list's items joined by 、."""
    if raw is None:
        return "—"
    if isinstance(raw, list):
        return "、".join(item if isinstance(item, str) else display(kpi, item) for item in raw) or "—"
    if kpi.is_count:
        return f"{int(raw):,}"
    if kpi.unit == registry.MONEY:
        return f"{Decimal(raw) / 10000:,.2f} 万元"
    if kpi.unit == registry.PERCENT:
        return f"{Decimal(raw):.2f}%"
    return f"{Decimal(raw):,.2f} {kpi.unit}"


@require(MODULE, "view")
def home(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    figures = []
    for kpi in registry.all_kpis():
        if kpi.module in queries.OWN_MODULES:
            figures.append({"kpi": kpi, "value": display(kpi, queries.safe_compute(kpi, year))})
    return render(
        request,
        "performance/home.html",
        {
            "year": year,
            "years": years(),
            "figures": figures,
            "checks": report.checks(year),
            "pending_disposals": Asset.objects.filter(status=Asset.Status.DISPOSAL_REQUESTED).count(),
        },
    )


# --- budget -----------------------------------------------------------------------------------------


@require(MODULE, "view")
def budget(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    sections: list[dict[str, Any]] = []
    for code, label in BudgetLine.Section.choices:
        rows = list(queries.lines(year, code))
        sections.append(
            {
                "code": code,
                "label": label,
                "lines": rows,
                "initial": sum((r.initial for r in rows), Decimal("0.00")),
                "final": sum((r.final for r in rows), Decimal("0.00")),
                "executed": sum((r.executed for r in rows), Decimal("0.00")),
            }
        )
    if request.GET.get("export") == "xlsx":
        check(request.user, MODULE, "export")
        rows_out = [
            [
                year,
                importer.SECTION_LABELS[line.section],
                line.name,
                line.initial,
                line.final,
                line.executed,
                line.prior_year,
                line.note,
            ]
            for s in sections
            for line in s["lines"]
        ]
        return export_xlsx(
            request, filename=f"{year}年预算.xlsx", title="预算", headers=importer.BUDGET_HEADERS, rows=rows_out
        )
    return render(
        request,
        "performance/budget.html",
        {
            "year": year,
            "years": years(),
            "sections": sections,
            "funds": SpecialFund.objects.filter(year=year),
            "staffing": queries.staffing(year),
            "facility": queries.facility_control(year),
            "checks": [c for c in report.checks(year) if not c.rule.startswith("kpi.")],
        },
    )


def _form_page(request: HttpRequest, form: Any, title: str, back: str, **extra: Any) -> HttpResponse:
    return render(request, "performance/form.html", {"form": form, "title": title, "back": back, **extra})


def _budget_url(year: int) -> str:
    return reverse("performance:budget") + f"?year={year}"


@require(MODULE, "handle")
def line_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    line = get_object_or_404(BudgetLine, pk=pk) if pk else None
    year = line.year if line else _year(request)
    initial = (
        {
            f: getattr(line, f)
            for f in ("section", "name", "initial", "final", "executed", "prior_year", "note", "order")
        }
        if line
        else {"section": request.GET.get("section", ""), "initial": 0, "final": 0, "executed": 0, "prior_year": 0}
    )
    form = forms.BudgetLineForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        duplicate = BudgetLine.objects.filter(
            year=year, section=form.cleaned_data["section"], name=form.cleaned_data["name"]
        )
        if line is not None:
            duplicate = duplicate.exclude(pk=line.pk)
        if duplicate.exists():
            form.add_error("name", _("This item already exists in the section for the year."))
        else:
            actions.save_budget_line(actor(request), line, year=year, **form.cleaned_data)
            messages.success(request, _("Saved."))
            return redirect(_budget_url(year))
    title = _("Edit budget line") if line else _("New budget line")
    return _form_page(request, form, f"{year} · {title}", _budget_url(year), year=year, delete_line=line)


@require_POST
@require(MODULE, "handle")
def line_delete(request: HttpRequest, pk: int) -> HttpResponse:
    line = get_object_or_404(BudgetLine, pk=pk)
    actions.delete_budget_line(actor(request), line)
    messages.success(request, _("Deleted."))
    return redirect(_budget_url(line.year))


@require(MODULE, "handle")
def fund_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    fund = get_object_or_404(SpecialFund, pk=pk) if pk else None
    year = fund.year if fund else _year(request)
    fields = ("name", "key", "budget", "used", "balance", "in_department_budget", "note")
    initial = {f: getattr(fund, f) for f in fields} if fund else {"in_department_budget": True}
    form = forms.SpecialFundForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        same = SpecialFund.objects.filter(year=year, name=form.cleaned_data["name"])
        if fund is not None:
            same = same.exclude(pk=fund.pk)
        key = form.cleaned_data.get("key") or ""
        same_key = SpecialFund.objects.filter(year=year, key=key) if key else SpecialFund.objects.none()
        if fund is not None:
            same_key = same_key.exclude(pk=fund.pk)
        if same.exists():
            form.add_error("name", _("This special fund already exists for the year."))
        elif same_key.exists():
            form.add_error("key", _("Another special fund of the year already has this KPI key."))
        else:
            actions.save_special_fund(actor(request), fund, year=year, **form.cleaned_data)
            messages.success(request, _("Saved."))
            return redirect(_budget_url(year))
    return _form_page(request, form, f"{year} · {_('Special fund')}", _budget_url(year), year=year)


STAFFING_FORM_FIELDS = ("posts", "staff", "reported_control_rate")
FACILITY_FORM_FIELDS = ("approved_area", "actual_area", "budget_investment", "actual_investment")


def _year_record_edit(
    request: HttpRequest,
    record_of: Callable[[int], Model | None],
    form_class: type[django_forms.Form],
    fields: tuple[str, ...],
    save: Callable[..., Model],
    title: str,
    *,
    blank: Any = None,
) -> HttpResponse:
    """A one-record-a-year form (staffing, building control): the year's record, else every field `blank`
    (or empty when None), saved through the line's action."""
    year = _year(request)
    record = record_of(year)
    if record:
        initial = {f: getattr(record, f) for f in fields}
    else:
        initial = {} if blank is None else dict.fromkeys(fields, blank)
    form = form_class(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        save(actor(request), year=year, **form.cleaned_data)
        messages.success(request, _("Saved."))
        return redirect(_budget_url(year))
    return _form_page(request, form, f"{year} · {title}", _budget_url(year), year=year)


@require(MODULE, "handle")
def staffing_edit(request: HttpRequest) -> HttpResponse:
    return _year_record_edit(
        request, queries.staffing, forms.StaffingForm, STAFFING_FORM_FIELDS, actions.save_staffing, _("Staffing")
    )


@require(MODULE, "handle")
def facility_edit(request: HttpRequest) -> HttpResponse:
    """楼堂馆所控制情况 of the year (附件1-1): approved and actual area, budgeted and actual investment."""
    form, save = forms.FacilityControlForm, actions.save_facility_control
    return _year_record_edit(
        request, queries.facility_control, form, FACILITY_FORM_FIELDS, save, _("Building control"), blank=0
    )


# --- assets -----------------------------------------------------------------------------------------


ASSET_TAGS = {Asset.Status.DISPOSED: "cancelled", Asset.Status.DISPOSAL_REQUESTED: "submitted"}


@require(MODULE, "view")
def assets(request: HttpRequest) -> HttpResponse:
    year = default_year()
    return ListPage(
        module=MODULE,
        title=_("Asset register"),
        crumbs=[(_("Budget and performance"), reverse("performance:home"))],
        tabs="performance/_tabs.html",
        tab="assets",
        template="performance/assets.html",
        context={
            "year": year,
            "held_current": queries.assets_total(year, Asset.Kind.CURRENT),
            "held_fixed": queries.assets_total(year, Asset.Kind.FIXED),
            "held_total": queries.assets_total(year),
        },
        queryset=Asset.objects.order_by("kind", "code"),
        columns=[
            link_column(_("Asset code"), "code", "performance:asset", export_label="资产编码"),
            Column(_("Name"), lambda a: a.name, "name", export_label="资产名称"),
            Column(_("Kind"), lambda a: label_of(a, "kind"), "kind", export_label="资产类别"),
            Column(_("Asset category"), lambda a: a.category, "category", export_label="分类"),
            Column(_("Value"), lambda a: a.value, "value", total=True, export_label="价值"),
            Column(_("Department"), lambda a: a.department, "department", export_label="使用部门"),
            Column(_("Custodian"), lambda a: a.custodian, "custodian", export_label="保管人"),
            Column(_("Acquired on"), lambda a: a.acquired_on, "acquired_on", export_label="取得日期"),
            Column(
                _("Status"),
                lambda a: Tag(label_of(a, "status"), ASSET_TAGS.get(a.status, "approved")),
                "status",
                export_label="状态",
            ),
            Column(
                "",
                lambda a: a.disposed_on,  # a date in the file, as 取得日期
                page=False,
                export_label="处置日期",
            ),
        ],
        search=Search(["name__icontains", "code__icontains", "custodian__icontains"], _("Code, name, custodian")),
        filters=[
            ChoiceFilter("kind", _("Kind"), Asset.Kind.choices, everything=_("All kinds")),
            ChoiceFilter("status", _("Status"), Asset.Status.choices, everything=_("All statuses")),
            HiddenFilter("department", lambda qs, department: qs.filter(department=department)),
        ],
        filename="资产台账",
        sheet="资产",
        actions=[
            Action(_("Register an asset"), reverse("performance:asset_create"), "handle"),
            Action(_("Import .xlsx"), reverse("performance:asset_import"), "handle", primary=False),
        ],
        empty=_("No assets match."),
    ).render(request)


@require(MODULE, "view")
def asset_detail(request: HttpRequest, pk: int) -> HttpResponse:
    asset = get_object_or_404(Asset, pk=pk)
    return render(
        request,
        "performance/asset_detail.html",
        {
            "asset": asset,
            "changes": asset.changes.select_related("by"),
            "transfer_form": forms.TransferForm(initial={"department": asset.department, "custodian": asset.custodian}),
            "disposal_form": forms.DisposalForm(),
            "decision_form": forms.DecisionForm(),
            "threshold": actions.DISPOSAL_APPROVAL_ABOVE,
        },
    )


@require(MODULE, "handle")
def asset_create(request: HttpRequest) -> HttpResponse:
    form = forms.AssetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if Asset.objects.filter(code=form.cleaned_data["code"]).exists():
            form.add_error("code", _("This asset code is already on the register."))
        else:
            asset = actions.register_asset(actor(request), **form.cleaned_data)
            messages.success(request, _("Saved."))
            return redirect("performance:asset", asset.pk)
    return _form_page(request, form, _("Register an asset"), reverse("performance:assets"))


def _asset_action(request: HttpRequest, pk: int, form_class: type, apply: Any) -> HttpResponse:
    asset = get_object_or_404(Asset, pk=pk)
    form = form_class(request.POST)
    if form.is_valid():
        with refused(request) as outcome:
            apply(asset, form.cleaned_data)
        if outcome.ok:
            messages.success(request, _("Saved."))
    else:
        messages.error(request, _("Please correct the form."))
    return redirect("performance:asset", asset.pk)


@require_POST
@require(MODULE, "handle")
def asset_transfer(request: HttpRequest, pk: int) -> HttpResponse:
    return _asset_action(request, pk, forms.TransferForm, lambda a, d: actions.transfer_asset(actor(request), a, **d))


@require_POST
@require(MODULE, "handle")
def asset_dispose(request: HttpRequest, pk: int) -> HttpResponse:
    return _asset_action(
        request, pk, forms.DisposalForm, lambda a, d: actions.request_disposal(actor(request), a, reason=d["reason"])
    )


@require_POST
@require(MODULE, "approve")
def asset_decide(request: HttpRequest, pk: int) -> HttpResponse:
    approve = request.POST.get("decision") == "approve"
    return _asset_action(
        request,
        pk,
        forms.DecisionForm,
        lambda a, d: actions.decide_disposal(actor(request), a, approve=approve, note=d["note"]),
    )


# --- indicators -------------------------------------------------------------------------------------


@require(MODULE, "view")
def indicators(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    scored = queries.scored_indicators(year)
    total = sum((s.score for s in scored if s.score is not None), Decimal("0.00"))
    return render(
        request,
        "performance/indicators.html",
        {
            "year": year,
            "years": years(),
            "scored": scored,
            "total": total,
            "weight": sum((s.indicator.weight for s in scored), Decimal(0)),
            "grade": rules.grade(rules.rules_for(year), total),
            "can_copy": not scored and Indicator.objects.filter(year=year - 1).exists(),
            "openable": _openable(request.user, [s.indicator.kpi_code for s in scored]),
        },
    )


def _openable(user: Any, codes: list[str]) -> set[str]:
    """The KPI codes whose records page the user may open (the others are shown without a link)."""
    found = [(code, registry.find(code)) for code in set(codes) if code]
    return {code for code, kpi in found if kpi is not None and can(user, queries.kpi_module(kpi), "view")}


INDICATOR_FORM_FIELDS = tuple(forms.IndicatorForm.base_fields)


@require_POST
@require(MODULE, "handle")
def indicators_copy(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    with refused(request) as outcome:
        count = actions.copy_indicators(actor(request), from_year=year - 1, to_year=year)
    if outcome.ok:
        messages.success(request, _("Copied %(count)s indicators from the year before.") % {"count": count})
    return redirect(reverse("performance:indicators") + f"?year={year}")


@require(MODULE, "handle")
def indicator_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    indicator = get_object_or_404(Indicator, pk=pk) if pk else None
    year = indicator.year if indicator else _year(request)
    initial = {f: getattr(indicator, f) for f in INDICATOR_FORM_FIELDS} if indicator else {"kpi_scale": 1}
    form = forms.IndicatorForm(request.POST or None, initial=initial)
    back = reverse("performance:indicators") + f"?year={year}"
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        for text_field in ("band",):
            data[text_field] = data.get(text_field) or ""
        with refused(form) as outcome:
            actions.save_indicator(actor(request), indicator, year=year, **data)
        if outcome.ok:
            messages.success(request, _("Saved."))
            return redirect(back)
    title = _("Edit indicator") if indicator else _("New indicator")
    return _form_page(request, form, f"{year} · {title}", back, year=year)


# --- the report -------------------------------------------------------------------------------------


def _preview(text: str, length: int = 160) -> str:
    """The start of a section's text, never cut inside a {placeholder} (a cut one reads as a code)."""
    if len(text) <= length:
        return text
    cut = text[:length]
    if cut.rfind("{") > cut.rfind("}"):
        cut = cut[: cut.rfind("{")]
    return cut.rstrip() + "…"


@require(MODULE, "view")
def report_page(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    all_texts = report.texts(year)
    edited = set(narrative_keys(year))
    sections = [
        {"section": s, "text": _preview(all_texts[s.key]), "edited": s.key in edited}
        for s in narrative.SECTIONS + narrative.ANNEX_TEXTS
    ]
    runs, busy = _runs(year)
    return render(
        request,
        "performance/report.html",
        {
            "year": year,
            "years": years(),
            "checks": report.checks(year),
            "runs": runs,
            "busy": busy,
            "sections": sections,
            "files": writers.FILES,
        },
    )


@require(MODULE, "view")
def report_preview(request: HttpRequest) -> HttpResponse:
    """The year's report text filled from the records, each figure a link to the records behind it."""
    year = _year(request)
    with memo.scope():  # a figure several KPIs share (the subsidies' states at the year's end) read once
        all_texts = report.texts(year)
        filler = narrative.Filler(year, report.facts(year))
        sections = [(s, filler.marked(all_texts[s.key])) for s in narrative.SECTIONS]
        typed = [c for c in report.narrative_checks(filler, []) if c["rule"] == "narrative.typed_number"]
    kpi_url = reverse("performance:kpi", args=["CODE", year])
    budget_url = reverse("performance:budget") + f"?year={year}"

    def link(code: str) -> str:
        """The page behind a figure, when the user may open it (a figure of a line they cannot see is text)."""
        if code in narrative.YEARS:
            return ""
        if code.startswith("fact."):
            return budget_url
        kpi = registry.find(code)
        if kpi is None or not can(request.user, queries.kpi_module(kpi), "view"):
            return ""
        return kpi_url.replace("CODE", code)

    paragraphs = [
        (s, [[(seg.text, link(seg.codes[0]) if seg.codes else "", " / ".join(seg.codes)) for seg in p] for p in ps])
        for s, ps in sections
    ]
    return render(request, "performance/report_preview.html", {"year": year, "years": years(), "sections": paragraphs,
                                                                "typed": typed})  # fmt: skip


def _runs(year: int) -> tuple[list[ReportRun], bool]:
    """The year's latest runs (lost ones marked failed first) and whether one is still building."""
    jobs.mark_stale()
    runs = list(ReportRun.objects.filter(year=year).select_related("requested_by")[:10])
    return runs, any(r.status in jobs.ACTIVE for r in runs)


def narrative_keys(year: int) -> list[str]:
    return list(Narrative.objects.filter(year=year).values_list("section", flat=True))


@require(MODULE, "handle")
def narrative_edit(request: HttpRequest, section: str) -> HttpResponse:
    year = _year(request)
    if section not in narrative.ALL_TEXTS:
        raise Http404
    spec = narrative.ALL_TEXTS[section]
    back = reverse("performance:report") + f"?year={year}"
    form = forms.NarrativeForm(request.POST or None, initial={"text": report.texts(year)[section]})
    if request.method == "POST":
        if request.POST.get("reset"):
            actions.reset_narrative(actor(request), year=year, section=section)
            messages.success(request, _("The section is back to its default text."))
            return redirect(back)
        if form.is_valid():
            actions.save_narrative(actor(request), year=year, section=section, text=form.cleaned_data["text"])
            messages.success(request, _("Saved."))
            return redirect(back)
    text = form["text"].value() or ""
    filler = narrative.Filler(year, report.facts(year))
    preview = filler.text(text)  # never raises: a sentence that cannot be filled is left out and listed
    # What the form refuses, else what the filler had to leave out (e.g. a text figure in a ratio).
    problems = narrative.validate(text) or [f"占位符{p}：{reason}" for p, reason in filler.invalid.items()]
    title = f"{year} · {spec.chapter} {spec.title}".strip()
    versions = NarrativeVersion.objects.filter(year=year, section=section).select_related("saved_by")[:20]
    return _form_page(request, form, title, back, year=year, preview=preview, preview_problems=problems,
                      narrative_help=True, versions=versions)  # fmt: skip


@require_POST
@require(MODULE, "export")
def report_build(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    partial = bool(request.headers.get("HX-Request"))
    with refused(None if partial else request) as outcome:  # the partial shows the refusal itself
        actions.queue_report(actor(request), year=year)
    if partial:
        return _runs_partial(request, year, error=outcome.message)
    return HttpResponseRedirect(reverse("performance:report") + f"?year={year}")


@require(MODULE, "view")
def report_runs(request: HttpRequest) -> HttpResponse:
    """The runs of a year (htmx partial, polled while one is building)."""
    return _runs_partial(request, _year(request))


def _runs_partial(request: HttpRequest, year: int, error: str = "") -> HttpResponse:
    runs, busy = _runs(year)
    return render(
        request,
        "performance/_runs.html",
        {"runs": runs, "busy": busy, "year": year, "files": writers.FILES, "error": error},
    )


@require(MODULE, "export")
def report_file(request: HttpRequest, pk: int, name: str) -> FileResponse:
    run = get_object_or_404(ReportRun, pk=pk, status=ReportRun.Status.DONE)
    if name not in writers.FILES:
        raise Http404
    path = Path(run.directory) / name
    if not path.is_file():
        raise Http404
    filename = writers.file_label(run.year, name)
    audit.record(
        actor(request),
        AuditEvent.Action.EXPORT,
        run,
        note=name,
        object_repr=filename,
        ip=client_ip(request),
    )
    return FileResponse(path.open("rb"), as_attachment=True, filename=filename)


def dashboard_data(user: Any, year: int) -> dict[str, Any]:
    # Years with budget records only: the year picker also offers the current year before anything is entered.
    # Years with spending recorded (a year entered only for its initial budget, the year-on-year comparison of
    # 二（一）, has no execution to chart).
    budget_years = set(BudgetLine.objects.exclude(executed=0).order_by().values_list("year", flat=True).distinct())
    chart_years = sorted(budget_years | {year})[-5:]
    sections = (BudgetLine.Section.PERSONNEL, BudgetLine.Section.PUBLIC, BudgetLine.Section.PROJECT)
    queries.read_totals(  # the budget totals of the cards, the charts and the scores, in one query
        [(y, column, queries.SPENDING) for y in chart_years for column in ("final", "executed")]
        + [(year, "executed", (s,)) for s in sections]
        + [(year, "executed", sections[:2])]
    )
    cards = []
    for code in HEADLINES:
        kpi = registry.find(code)
        if kpi is None or not can(user, queries.kpi_module(kpi), "view"):
            continue
        raw = queries.safe_compute(kpi, year)
        cards.append(
            {
                "code": code,
                "name": kpi.name,
                "value": display(kpi, raw),
                "url": reverse("performance:kpi", args=[code, year]),
            }
        )
    execution = {
        "years": [str(y) for y in chart_years],
        "final": [float(queries.final(y) / 10000) for y in chart_years],
        "executed": [float(queries.executed(y) / 10000) for y in chart_years],
    }
    spending = [
        {"name": label, "value": float(queries.total(year, "executed", code) / 10000)}
        for code, label in zip(sections, (_("Personnel"), _("Public"), _("Project spending")), strict=True)
    ]
    groups: dict[str, list[float]] = {}
    for s in queries.scored_indicators(year):
        if s.indicator.operator == "na":
            continue
        weight, got = groups.get(s.indicator.level1, [0.0, 0.0])
        groups[s.indicator.level1] = [weight + float(s.indicator.weight), got + float(s.score or 0)]
    scores = {
        "names": list(groups),
        "weights": [v[0] for v in groups.values()],
        "scores": [v[1] for v in groups.values()],
    }
    return {"cards": cards, "execution": execution, "spending": spending, "scores": scores,
            "trends": queries.trends(year, lambda module: can(user, module, "view")),
            "months": [_("Month %(month)s") % {"month": m} for m in range(1, 13)]}  # fmt: skip


@require(MODULE, "view")
def dashboard(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    with memo.scope():  # each data version read once for the figures kept per version (anju.core.kept)
        data = dashboard_data(request.user, year)
    return render(
        request,
        "performance/dashboard.html",
        {"year": year, "years": years(), "cards": data["cards"], "charts": data},
    )
