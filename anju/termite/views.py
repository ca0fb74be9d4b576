"""Termite control's pages: the year's board, prevention applications (accept, return, contract),
buildings under warranty (treatment stages, acceptance, revisits), the revisit plan, control requests."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from functools import partial
from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anju.core import attachments, memo, related
from anju.core import kpis as registry
from anju.core.errors import refused
from anju.core.links import reverse
from anju.core.listing import (
    Action,
    ChoiceFilter,
    Column,
    HiddenFilter,
    ListPage,
    Muted,
    Search,
    Tag,
    label_of,
    link_column,
    valid_int,
)
from anju.core.permissions import actor, can, require
from anju.termite import actions, queries
from anju.termite.forms import (
    AcceptForm,
    ApplicationForm,
    BuildingAcceptForm,
    ChemicalForm,
    CloseControlForm,
    ContractForm,
    FeeRateForm,
    IssueForm,
    LabourPriceForm,
    LotForm,
    RequestForm,
    ReturnForm,
    RevisitForm,
    TreatControlForm,
    TreatmentForm,
    WarrantyRuleForm,
)
from anju.termite.models import (
    Application,
    ChemicalIssue,
    ControlRequest,
    FeeRate,
    LabourPrice,
    Revisit,
    WarrantyBuilding,
    WarrantyRule,
)

MODULE = "termite"
YEARS = (2000, 2100)


def _year(request: HttpRequest) -> int:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        year = timezone.localdate().year
    return min(max(year, YEARS[0]), YEARS[1])


# A page of several small forms, each posting its `step`: the form (class or factory) and the action it runs.
Step = tuple[Callable[..., django_forms.Form], Callable[[dict[str, Any]], object]]


def _post_step(request: HttpRequest, forms: dict[str, Any], steps: dict[str, Step]) -> bool:
    """On a POST: the handle permission, the step's form bound (shown with its errors as `<step>_form`) and
    its action run inside `refused()`; True once the action succeeded (the view redirects)."""
    if request.method != "POST":
        return False
    if not can(request.user, MODULE, "handle"):
        raise PermissionDenied(f"{MODULE}:handle")
    step = request.POST.get("step") or ""
    if step not in steps:
        return False
    form_class, act = steps[step]
    form = form_class(request.POST, request.FILES)
    forms[f"{step}_form"] = form
    if not form.is_valid():
        return False
    with refused(form) as outcome:
        act(dict(form.cleaned_data))
    return outcome.ok


def _list(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    kwargs.setdefault("crumbs", [(_("Termite control"), reverse("termite:home"))])
    return ListPage(module=MODULE, tabs="termite/_tabs.html", **kwargs).render(request)


# --- the board ----------------------------------------------------------------------------------------


@require(MODULE, "view")
def home(request: HttpRequest) -> HttpResponse:
    """The year's figures (each linked to its records) and the revisit plan's progress by month."""
    year = _year(request)
    today = timezone.localdate()
    with memo.scope():  # the revisit plan, read once for its KPIs, its progress and its overdue buildings
        figures = [
            (kpi, kpi.compute(year), kpi.records_url(year) if kpi.records_url else "")
            for kpi in registry.all_kpis(MODULE)
        ]
        progress = queries.plan_progress(year)
        overdue = queries.overdue_figures(year, today)
    return render(
        request,
        "termite/home.html",
        {
            "year": year,
            "figures": figures,
            "due": progress.due,
            "months": progress.months,
            "not_visited": progress.not_visited,
            "overdue": overdue,
            "follow_ups": queries.overdue_follow_ups(today).order_by("follow_up_due")[:20],
            "tab": "home",
        },
    )


# --- applications -------------------------------------------------------------------------------------


@require(MODULE, "view")
def applications(request: HttpRequest) -> HttpResponse:
    return _list(
        request,
        title=_("Prevention applications"),
        tab="applications",
        queryset=Application.objects.order_by("-received_on", "-number"),
        columns=[
            link_column(_("Application number"), "number", "termite:application", export_label="申请编号"),
            Column(_("Developer"), lambda a: a.developer_name, "developer_name", export_label="建设单位"),
            Column(_("Project"), lambda a: a.project_name, "project_name", export_label="项目"),
            Column(_("Area (m²)"), lambda a: a.area, "area", total=True, export_label="面积"),
            Column(_("Application received on"), lambda a: a.received_on, "received_on", export_label="收件日期"),
            Column(_("Accepted on"), lambda a: a.accepted_on or Muted("—"), "accepted_on", export_label="受理日期"),
            Column(_("Status"), lambda a: Tag(label_of(a, "status"), a.status), "status", export_label="状态"),
        ],
        search=Search(
            ["number__icontains", "developer_name__icontains", "project_name__icontains"],
            _("Number, developer or project"),
        ),
        filters=[
            ChoiceFilter("status", _("Status"), Application.Status.choices, everything=_("All statuses")),
            HiddenFilter(
                "year",
                lambda qs, year: qs.filter(
                    Q(accepted_on__year=year) | Q(accepted_on__isnull=True, received_on__year=year)
                ),
                valid_int,
            ),
        ],
        filename="白蚁预防申请",
        actions=[
            Action(_("New application"), reverse("termite:application_create"), "handle"),
            Action(_("Import applications"), reverse("termite:applications_import"), "handle"),
        ],
        empty=_("No applications match."),
    )


@require(MODULE, "handle")
def application_create(request: HttpRequest) -> HttpResponse:
    form = ApplicationForm(request.POST or None, initial={"received_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        with refused(form) as outcome:
            application = actions.register_application(
                actor(request),
                developer_name=d["developer_name"],
                project_name=d["project_name"],
                permit_number=d["permit_number"],
                received_on=d["received_on"],
                buildings=d["buildings"],
            )
        if outcome.ok:
            messages.success(request, _("Application %(number)s received.") % {"number": application.number})
            return redirect("termite:application", application.pk)
    return render(
        request, "termite/form.html", {"form": form, "title": _("New prevention application"), "tab": "applications"}
    )


@require(MODULE, "view")
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_object_or_404(Application, pk=pk)
    forms: dict[str, Any] = {
        "accept_form": AcceptForm(initial={"on": timezone.localdate()}),
        "return_form": ReturnForm(initial={"on": timezone.localdate()}),
        "contract_form": ContractForm(initial={"signed_on": timezone.localdate(), "warranty_years": 15}),
    }
    who = actor(request)
    steps: dict[str, Step] = {
        "accept": (AcceptForm, lambda d: actions.accept_application(who, application, on=d["on"])),
        "return": (ReturnForm, lambda d: actions.return_application(who, application, on=d["on"], reason=d["reason"])),
        "contract": (ContractForm, lambda d: _sign(request, application, d)),
    }
    if _post_step(request, forms, steps):
        return redirect("termite:application", application.pk)
    return render(
        request,
        "termite/application.html",
        {
            "application": application,
            "buildings": application.buildings.order_by("building_no"),
            "contracts": application.contracts.prefetch_related("buildings"),
            "attachments": attachments.for_record(application),
            "document_kinds": [(k, k) for k in DOCUMENT_KINDS],
            "may_handle": can(request.user, MODULE, "handle"),
            "tab": "applications",
            **forms,
        },
    )


def _sign(request: HttpRequest, application: Application, d: dict[str, Any]) -> object:
    contract = actions.sign_contract(actor(request), application, **d)
    if contract.short_warranty:
        messages.warning(
            request,
            _("The warranty of %(years)s years is below the national minimum of 15 years (城市房屋白蚁防治管理规定).")
            % {"years": contract.warranty_years},
        )
    return contract


DOCUMENT_KINDS = ["申请表", "建设工程规划许可证", "施工许可证", "总平面图", "建筑面积测算", "其他"]


@require(MODULE, "handle")
def application_document(request: HttpRequest, pk: int) -> HttpResponse:
    """Attach a document (application form, permits, site plan, area survey) to an application."""
    application = get_object_or_404(Application, pk=pk)
    upload = request.FILES.get("file")
    kind = request.POST.get("kind", "")
    if request.method != "POST" or upload is None or kind not in DOCUMENT_KINDS:
        messages.error(request, _("Choose a file and its kind."))
        return redirect("termite:application", pk)
    with refused(request) as outcome:
        attachments.attach(application, upload, module=MODULE, kind=kind, actor=actor(request))
    if outcome.ok:
        messages.success(request, _("Document attached."))
    return redirect("termite:application", pk)


# --- buildings under warranty -------------------------------------------------------------------------


def _warranty_filter(qs: QuerySet[WarrantyBuilding], day: str) -> QuerySet[WarrantyBuilding]:
    try:
        on = dt.date.fromisoformat(day)
    except ValueError:
        return qs.none()
    return qs.filter(pk__in=queries.under_warranty_on(on))


def _valid_day(value: str) -> str | None:
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return None
    return value


@require(MODULE, "view")
def buildings(request: HttpRequest) -> HttpResponse:
    return _list(
        request,
        title=_("Buildings under prevention"),
        tab="buildings",
        queryset=WarrantyBuilding.objects.select_related("contract").order_by(
            "-accepted_on", "contract__number", "building_no"
        ),
        columns=[
            link_column(_("Building"), "building_no", "termite:building", export_label="幢号"),
            Column(_("Contract"), lambda b: b.contract.number, "contract__number", export_label="合同编号"),
            Column(_("Project"), lambda b: b.contract.project_name, "contract__project_name", export_label="项目"),
            Column(_("Area (m²)"), lambda b: b.area, "area", total=True, export_label="面积"),
            Column(
                _("Acceptance date"),
                lambda b: b.accepted_on or Muted(_("not yet")),
                "accepted_on",
                export_label="验收日期",
            ),
            Column(
                _("Warranty end"),
                lambda b: b.explicit_end or b.nominal_end or Muted("—"),
                "nominal_end",
                export_label="包治期止",
            ),
        ],
        search=Search(
            ["contract__number__icontains", "contract__project_name__icontains", "contract__developer_name__icontains"],
            _("Contract, project or developer"),
        ),
        filters=[
            HiddenFilter("accepted", lambda qs, year: qs.filter(accepted_on__year=year), valid_int),
            HiddenFilter("in_warranty", _warranty_filter, _valid_day),
        ],
        filename="白蚁预防房屋",
        actions=[
            Action(_("Import past contracts"), reverse("termite:history_import"), "handle"),
            Action(_("Import revisits"), reverse("termite:revisits_import"), "handle"),
        ],
        empty=_("No buildings match."),
    )


@require(MODULE, "view")
def building_detail(request: HttpRequest, pk: int) -> HttpResponse:
    building = get_object_or_404(WarrantyBuilding.objects.select_related("contract"), pk=pk)
    today = timezone.localdate()
    forms: dict[str, Any] = {
        "treatment_form": TreatmentForm(initial={"date": today}),
        "accept_form": BuildingAcceptForm(initial={"on": today}),
        "revisit_form": RevisitForm(initial={"date": today, "area_checked": building.area}),
        "issue_form": IssueForm(initial={"date": today}, treatments=building.treatments.all()),
    }
    who = actor(request)
    steps: dict[str, Step] = {
        "treatment": (TreatmentForm, lambda d: actions.record_treatment(who, building, **d)),
        "accept": (BuildingAcceptForm, lambda d: actions.accept_building(who, building, on=d["on"])),
        "revisit": (RevisitForm, lambda d: _revisit(request, building, d)),
        "issue": (
            partial(IssueForm, treatments=building.treatments.all()),
            lambda d: actions.issue_chemical(who, d.pop("lot"), **d),
        ),
    }
    if _post_step(request, forms, steps):
        return redirect("termite:building", building.pk)
    end, final = actions.warranty_end(building)
    return render(
        request,
        "termite/building.html",
        {
            "building": building,
            "end": end,
            "end_final": final,
            "under_warranty": end is not None
            and building.accepted_on is not None
            and building.accepted_on <= today <= end,
            "treatments": building.treatments.order_by("date", "pk"),
            "revisits": _with_photos(building.revisits.select_related("control_request").order_by("-date")),
            "issues": ChemicalIssue.objects.filter(treatment__building=building).select_related("lot__chemical"),
            "may_handle": can(request.user, MODULE, "handle"),
            "tab": "buildings",
            **forms,
        },
    )


def _revisit(request: HttpRequest, building: WarrantyBuilding, d: dict[str, Any]) -> object:
    """The revisit and its photos, together or not at all."""
    photos = request.FILES.getlist("photos")
    with transaction.atomic():
        revisit = actions.record_revisit(actor(request), building, **d)
        for photo in photos:
            attachments.attach(revisit, photo, module=MODULE, kind="回访照片", actor=actor(request))
    return revisit


def _with_photos(revisits: QuerySet[Revisit]) -> list[Revisit]:
    """The revisits, each with its photos (`revisit.photos`), in one query for them all."""
    rows = list(revisits)
    photos = attachments.for_records(Revisit, [r.pk for r in rows])
    for r in rows:
        r.photos = photos.get(r.pk, [])  # type: ignore[attr-defined]
    return rows


@require(MODULE, "view")
def plan(request: HttpRequest) -> HttpResponse:
    """The year's revisit plan: every building due, with its revisit of the year if any."""
    year = _year(request)
    queryset = (
        queries.revisit_plan(year)
        .select_related("contract")
        .annotate(visited_on=Max("revisits__date", filter=Q(revisits__date__year=year)))
    )
    return _list(
        request,
        title=_("Revisit plan %(year)s") % {"year": year},
        tab="plan",
        queryset=queryset.order_by("contract__project_name", "building_no"),
        columns=[
            link_column(_("Building"), "building_no", "termite:building", export_label="幢号"),
            Column(_("Project"), lambda b: b.contract.project_name, "contract__project_name", export_label="项目"),
            Column(_("Area (m²)"), lambda b: b.area, "area", total=True, export_label="面积"),
            Column(_("Acceptance date"), lambda b: b.accepted_on, "accepted_on", export_label="验收日期"),
            Column(
                _("Warranty end"), lambda b: b.explicit_end or b.nominal_end, "nominal_end", export_label="包治期止"
            ),
            Column(
                _("Revisited on"),
                lambda b: b.visited_on or Tag(_("not yet"), "update"),
                "visited_on",
                export_label="回访日期",
            ),
        ],
        search=Search(["contract__number__icontains", "contract__project_name__icontains"], _("Contract or project")),
        filters=[
            HiddenFilter("year", lambda qs, _y: qs),
            ChoiceFilter(
                "visited",
                _("Revisited"),
                [("1", _("Revisited")), ("0", _("Not yet")), ("late", _("Overdue revisit"))],
                apply=lambda qs, v: (
                    qs.filter(pk__in=queries.overdue_revisits(year, timezone.localdate()).values("pk"))
                    if v == "late"
                    else qs.filter(visited_on__isnull=v == "0")
                ),
                everything=_("All"),
            ),
        ],
        filename=f"白蚁回访计划{year}",
        empty=_("No building is due for a revisit this year."),
    )


# --- control ------------------------------------------------------------------------------------------


@require(MODULE, "view")
def requests(request: HttpRequest) -> HttpResponse:
    return _list(
        request,
        title=_("Control requests"),
        tab="requests",
        queryset=ControlRequest.objects.order_by("-received_on", "-number"),
        columns=[
            link_column(_("Request number"), "number", "termite:request", export_label="编号"),
            Column(_("Request received on"), lambda r: r.received_on, "received_on", export_label="报治日期"),
            Column(
                _("Requester"),
                lambda r: f"{r.requester_name}（{label_of(r, 'requester_kind')}）",
                export_label="报治人",
            ),
            Column(_("Address or location"), lambda r: r.address, export_label="地址"),
            Column(_("Target"), lambda r: label_of(r, "target"), "target", export_label="对象"),
            Column(
                _("Area treated (m²)"), lambda r: r.treated_area, "treated_area", total=True, export_label="灭治面积"
            ),
            Column(_("Trees treated"), lambda r: r.trees_treated, "trees_treated", total=True, export_label="灭治树木"),
            Column(_("Charge basis"), lambda r: label_of(r, "basis"), "basis", export_label="收费"),
            Column(_("Status"), lambda r: Tag(label_of(r, "status"), r.status), "status", export_label="状态"),
        ],
        search=Search(
            ["number__icontains", "requester_name__icontains", "address__icontains"], _("Number, requester or address")
        ),
        filters=[
            ChoiceFilter("status", _("Status"), ControlRequest.Status.choices, everything=_("All statuses")),
            ChoiceFilter("target", _("Target"), ControlRequest.Target.choices, everything=_("Houses and trees")),
            ChoiceFilter("basis", _("Charge basis"), ControlRequest.Basis.choices, everything=_("All")),
            HiddenFilter("treated", lambda qs, year: qs.filter(treated_on__year=year), valid_int),
            ChoiceFilter(
                "follow_up",
                _("Follow-up"),
                [("late", _("Follow-up overdue"))],
                apply=lambda qs, _v: qs.filter(pk__in=queries.overdue_follow_ups(timezone.localdate()).values("pk")),
                everything=_("Any"),
            ),
        ],
        filename="白蚁灭治",
        actions=[Action(_("New control request"), reverse("termite:request_create"), "handle")],
        empty=_("No control requests match."),
    )


@require(MODULE, "handle")
def request_create(request: HttpRequest) -> HttpResponse:
    """A control request at the counter or by phone; from a building's page (`?warranty=<id>`) it is for that
    building, free while its warranty runs on the day of the request."""
    initial: dict[str, Any] = {"received_on": timezone.localdate()}
    chosen = (request.POST.get("warranty") or request.GET.get("warranty") or "").strip()
    building = (
        WarrantyBuilding.objects.select_related("contract").filter(pk=int(chosen)).first() if chosen.isdigit() else None
    )
    if building is not None:
        initial |= {
            "warranty": building.pk,
            "target": "house",
            "address": f"{building.contract.project_name}{building.building_no}幢",
        }
    form = RequestForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        warranty = building
        with refused(form) as outcome:
            created = actions.open_control_request(
                actor(request),
                received_on=d["received_on"],
                requester_kind=d["requester_kind"],
                requester_name=d["requester_name"],
                phone=d["phone"],
                channel=d["channel"],
                target=d["target"],
                address=d["address"],
                area=d["area"] or Decimal(0),
                trees=d["trees"] or 0,
                species=d["species"],
                warranty=warranty,
            )
        if outcome.ok:
            messages.success(request, _("Control request %(number)s registered.") % {"number": created.number})
            return redirect("termite:request", created.pk)
    context = {"form": form, "title": _("New control request"), "tab": "requests", "building": building}
    return render(request, "termite/form.html", context)


@require(MODULE, "view")
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    control = get_object_or_404(ControlRequest.objects.select_related("warranty__contract"), pk=pk)
    today = timezone.localdate()
    forms: dict[str, Any] = {
        "treat_form": TreatControlForm(
            initial={"on": today, "area": control.area or None, "trees": control.trees or None}
        ),
        "close_form": CloseControlForm(initial={"followed_up_on": today}),
        "issue_form": IssueForm(initial={"date": today, "purpose": control.number}),
    }
    who = actor(request)
    steps: dict[str, Step] = {
        "treat": (
            TreatControlForm,
            lambda d: actions.treat_control(
                who, control, on=d["on"], area=d["area"] or Decimal(0), trees=d["trees"] or 0, chemicals=d["chemicals"]
            ),
        ),
        "close": (CloseControlForm, lambda d: actions.close_control(who, control, **d)),
        "issue": (IssueForm, lambda d: actions.issue_chemical(who, d.pop("lot"), control=control, **d)),
    }
    if _post_step(request, forms, steps):
        return redirect("termite:request", control.pk)
    return render(
        request,
        "termite/request.html",
        {
            "control": control,
            "issues": control.issues.select_related("lot__chemical"),
            "related": related.related_to(control),  # e.g. the petition that asked for it
            "may_handle": can(request.user, MODULE, "handle"),
            "tab": "requests",
            **forms,
        },
    )


@require(MODULE, "view")
def certificate(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    from anju.termite import documents

    building = get_object_or_404(WarrantyBuilding.objects.select_related("contract"), pk=pk, accepted_on__isnull=False)
    return documents.certificate_response(request, building, fmt)


# --- chemicals and labour -------------------------------------------------------------------------------


@require(MODULE, "view")
def chemicals(request: HttpRequest) -> HttpResponse:
    """Stock by product and lot, the year's issues, the labour prices, and the special fund's use."""
    year = _year(request)
    today = timezone.localdate()
    forms: dict[str, Any] = {
        "chemical_form": ChemicalForm(),
        "lot_form": LotForm(initial={"received_on": today}),
        "issue_form": IssueForm(initial={"date": today}),
        "labour_form": LabourPriceForm(initial={"effective_from": today}),
    }
    who = actor(request)
    steps: dict[str, Step] = {
        "chemical": (ChemicalForm, lambda d: actions.add_chemical(who, **d)),
        "lot": (LotForm, lambda d: actions.receive_lot(who, d.pop("chemical"), **d)),
        "issue": (IssueForm, lambda d: actions.issue_chemical(who, d.pop("lot"), **d)),
        "labour": (LabourPriceForm, lambda d: actions.set_labour_price(who, **d)),
    }
    if _post_step(request, forms, steps):
        return redirect(reverse("termite:chemicals") + f"?year={year}")
    lots = queries.lots_with_stock()
    return render(
        request,
        "termite/chemicals.html",
        {
            "year": year,
            "lots": lots,
            "issues": queries.chemical_issues(year).select_related("treatment__building__contract", "control")[:200],
            "labour": LabourPrice.objects.all(),
            "chemical_cost": queries.chemical_cost(year),
            "labour_cost": queries.labour_cost(year),
            "special_used": queries.special_used(year),
            "may_handle": can(request.user, MODULE, "handle"),
            "tab": "chemicals",
            **forms,
        },
    )


# --- rules: warranty and fees ----------------------------------------------------------------------------


@require(MODULE, "view")
def rules_page(request: HttpRequest) -> HttpResponse:
    """The city's dated warranty rules and fee rates: a new rule or rate applies from its date, earlier
    contracts and requests keep theirs."""
    today = timezone.localdate()
    forms: dict[str, Any] = {
        "warranty_form": WarrantyRuleForm(initial={"effective_from": today, "years": 15}),
        "rate_form": FeeRateForm(initial={"effective_from": today, "minimum_quantity": 0}),
    }
    steps: dict[str, Step] = {
        "warranty": (WarrantyRuleForm, lambda d: _set_rule(request, d)),
        "rate": (FeeRateForm, lambda d: actions.set_fee_rate(actor(request), **d)),
    }
    if _post_step(request, forms, steps):
        return redirect("termite:rules")
    return render(
        request,
        "termite/rules.html",
        {
            "warranty_rules": WarrantyRule.objects.all(),
            "in_force": actions.warranty_rule_on(today),
            "rates": FeeRate.objects.all(),
            "may_handle": can(request.user, MODULE, "handle"),
            "tab": "rules",
            **forms,
        },
    )


def _set_rule(request: HttpRequest, d: dict[str, Any]) -> object:
    rule = actions.set_warranty_rule(actor(request), **d)
    if rule.short:
        messages.warning(
            request, _("%(years)s years is below the national minimum of 15 years.") % {"years": rule.years}
        )
    return rule
