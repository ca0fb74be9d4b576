"""Pages of arrears recovery: the board (挂图作战), cases with their timeline, evidence and recoveries,
the printable notice (追缴告知书), the yearly targets."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from anju.core import attachments, kpis
from anju.core.errors import refused
from anju.core.imports_views import error_context
from anju.core.links import reverse
from anju.core.listing import (
    Action,
    ChoiceFilter,
    Column,
    HiddenFilter,
    Link,
    ListPage,
    Search,
    Tag,
    export_xlsx,
    label_of,
    link_column,
    pager,
    paginate,
    valid_int,
    valid_month,
)
from anju.core.models import Attachment
from anju.core.permissions import actor, can, check, require
from anju.core.pickers import PickerField
from anju.core.templatetags.anju import money
from anju.fund.arrears import actions, items_import, queries, rules
from anju.fund.arrears.models import (
    ZERO,
    CaseAction,
    Evidence,
    RecoveryCase,
    RecoveryTarget,
    SchedulingMeeting,
    Stage,
)
from anju.fund.arrears.todos import idle_cases
from anju.fund.models import Account
from anju.lib.money import capitals
from anju.lib.tabular import ImportRejected
from anju.registry.models import Project

MODULE = "fund"
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


YEARS = (2000, 2100)  # the years a page can show; a year outside is clamped to the nearest


def _year(request: HttpRequest) -> int:
    """The year asked for (clamped to 2000–2100), else the latest year with a target, else this year."""
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        latest = RecoveryTarget.objects.order_by("-year").values_list("year", flat=True).first()
        year = latest or timezone.localdate().year
    return min(max(year, YEARS[0]), YEARS[1])


class CaseForm(forms.Form):
    project = PickerField("project", "fund", label=_("Project"))
    opened_on = forms.DateField(label=_("Opened on"), widget=DATE)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
    items = forms.FileField(label=_("Units owed (.xlsx/.csv: 房屋编码, 欠缴金额)"), required=False)

    def clean_project(self) -> Project:
        project: Project = self.cleaned_data["project"]
        if project.developer is None:
            raise ValidationError(_("The project has no developer on record."))
        return project


class ActionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Action"), choices=CaseAction.Kind.choices)
    date = forms.DateField(label=_("Date"), widget=DATE)
    participants = forms.CharField(label=_("Participants"), max_length=300, required=False)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)
    amount = forms.DecimalField(label=_("Amount involved"), max_digits=14, decimal_places=2, required=False)


class EvidenceForm(forms.Form):
    collected_on = forms.DateField(label=_("Collected on"), widget=DATE)
    description = forms.CharField(label=_("Description"), max_length=300)
    units = forms.CharField(
        label=_("Units covered"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Unit codes, one per line; leave empty for every unit of the case."),
    )
    file = forms.FileField(label=_("File"), required=False)

    def clean_units(self) -> list[str] | None:
        codes = self.cleaned_data["units"].split()
        return codes or None


class RecoveryForm(forms.Form):
    amount = forms.DecimalField(label=_("Amount recovered"), max_digits=14, decimal_places=2, min_value=Decimal("0.01"))
    received_on = forms.DateField(label=_("Received on"), widget=DATE)
    bank = forms.ModelChoiceField(
        label=_("Bank special account"), queryset=Account.objects.filter(kind=Account.Kind.BANK, closed__isnull=True)
    )
    payer = forms.CharField(label=_("Payer"), max_length=120, required=False)
    bank_txn_id = forms.CharField(label=_("Bank transaction id"), max_length=64)


class TargetForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    amount = forms.DecimalField(label=_("Target amount"), max_digits=14, decimal_places=2, min_value=Decimal("0.01"))
    issued_by = forms.CharField(label=_("Issuing authority"), max_length=120, required=False)
    document = forms.CharField(label=_("Document number"), max_length=120, required=False)


# --- board ------------------------------------------------------------------------------------


def _matrix_rows(rows: list[queries.BoardRow]) -> SafeString:
    """The board's projects × stages rows as HTML, built here once: the template resolved a dozen variables
    and a filter or two for each of a case's 12 cells (99 cases of the demo city: most of the page's CPU)."""
    html = []
    for row in rows:
        case = row.case
        stages = "".join(f'<td class="stage {cell}">{"●" if cell == "current" else ""}</td>' for cell in row.cells)
        html.append(
            format_html(
                '<tr data-stage="{}"><td class="nowrap"><a href="{}">{}</a></td>'
                '<td class="nowrap" title="{}">{}</td><td class="num">{}</td><td class="num">{}</td>'
                '<td class="num">{}</td>{}</tr>',
                case.stage,
                reverse("arrears:case", args=[case.pk]),
                case.number,
                case.developer.name,
                case.project.name,
                case.households,
                money(case.owed),
                money(case.recovered),
                mark_safe(stages),  # the stage cells' classes are stage_cells' own words
            )
        )
    return mark_safe("\n".join(html))  # each row built by format_html


@require(MODULE, "view")
def board(request: HttpRequest) -> HttpResponse:
    """挂图作战: projects × stages, owed and recovered, progress against the year's target."""
    year = _year(request)
    data = queries.board(year)
    if request.GET.get("export") == "xlsx":
        check(request.user, MODULE, "export")
        headers = ["案件编号", "项目", "开发企业", "户数", "欠缴金额", "已追缴", "尚欠", "阶段"]
        rows = (
            [
                r.case.number,
                r.case.project.name,
                r.case.developer.name,
                r.case.households,
                r.case.owed,
                r.case.recovered,
                r.case.outstanding,
                r.case.get_stage_display(),
            ]
            for r in data.rows
        )
        return export_xlsx(
            request,
            filename=f"维修资金追缴挂图作战{year}.xlsx",
            title="追缴挂图",
            headers=headers,
            rows=rows,
            totals=[False, False, False, True, True, True, True, False],  # households and money
        )
    return render(
        request,
        "arrears/board.html",
        {
            "year": year,
            "board": data,
            "figures": kpis.kept_figures(queries.registry_entries(), year, queries.TABLES),
            "matrix": _matrix_rows(data.rows),
            "meetings": SchedulingMeeting.objects.filter(date__year=year),
            "target_line": f"{data.target:.2f}",
        },
    )


# --- cases ------------------------------------------------------------------------------------


def _list(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    """An arrears list: the fund's and the board's breadcrumbs and the arrears tabs."""
    kwargs.setdefault(
        "crumbs", [(_("Maintenance fund"), reverse("fund:home")), (_("Recovery board"), reverse("arrears:board"))]
    )
    return ListPage(module=MODULE, tabs="arrears/_tabs.html", **kwargs).render(request)


@require(MODULE, "view")
def case_list(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    month = valid_month(request.GET.get("month", ""))
    return _list(
        request,
        title=_("Recovery cases"),
        tab="cases",
        queryset=RecoveryCase.objects.select_related("project", "developer").order_by("number"),
        columns=[
            link_column(_("Case number"), "number", "arrears:case", export_label="案件编号"),
            Column(_("Project"), lambda c: c.project.name, "project__name", export_label="项目"),
            Column(
                _("Developer"),
                lambda c: (c.developer.name, Tag(_("unreachable"), "rejected") if c.developer.unreachable else None),
                "developer__name",
                export_label="开发企业",
                export_value=lambda c: c.developer.name,
            ),
            Column(_("Households"), lambda c: c.households, "households", export_label="户数"),
            Column(_("Owed"), lambda c: c.owed, "owed", total=True, export_label="欠缴金额"),
            Column(_("Recovered"), lambda c: c.recovered, "recovered", total=True, export_label="已追缴"),
            Column(_("Stage"), lambda c: Tag(label_of(c, "stage"), c.stage), "stage", export_label="阶段"),
        ],
        search=Search(
            ["number__icontains", "project__name__icontains", "developer__name__icontains"],
            _("Case number, project or developer"),
            initials=["project__initials", "developer__initials"],
        ),
        filters=[
            ChoiceFilter("stage", _("Stage"), Stage.choices, everything=_("All stages")),
            HiddenFilter(
                "kpi",
                lambda qs, kpi: qs.filter(pk__in=queries.cases_for_kpi(kpi, year, month).values("pk")),
                tag=lambda kpi: f"{queries.kpi_filter_name(kpi) or kpi} {year}" + (f"年{month}月" if month else ""),
            ),
            HiddenFilter("year", lambda qs, _year: qs),
            HiddenFilter("month", lambda qs, _month: qs, valid_month),
            HiddenFilter(
                "idle",
                lambda qs, days: qs.filter(pk__in=idle_cases(days).values("pk")),
                valid_int,
                tag=lambda days: _("no action for %(days)s days") % {"days": days},
            ),
        ],
        filename="维修资金追缴案件",
        sheet="追缴案件",
        actions=[Action(_("New case"), reverse("arrears:case_create"), "handle")],
        empty=_("No cases match."),
        table_id="case-list",
    )


@require(MODULE, "handle")
def case_create(request: HttpRequest) -> HttpResponse:
    context: dict[str, Any] = {}
    if request.method == "POST":
        form = CaseForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            project: Project = data["project"]
            upload = data["items"]
            # The case goes with its file: a rejected file opens nothing.
            with refused(form) as outcome, transaction.atomic():
                case = actions.open_case(
                    actor(request),
                    developer=project.developer,  # type: ignore[arg-type]
                    project=project,
                    opened_on=data["opened_on"],
                    note=data["note"],
                )
                if upload is not None:
                    items_import.import_items(actor(request), case, upload.name or "", upload.read())
            if outcome.ok:
                messages.success(request, _("Case opened."))
                return redirect("arrears:case", case.pk)
            if isinstance(outcome.error, ImportRejected):
                context.update(error_context(outcome.error))
    else:
        form = CaseForm(initial={"opened_on": timezone.localdate()})
    return render(request, "arrears/case_form.html", {"form": form, **context})


@require(MODULE, "view")
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_object_or_404(RecoveryCase.objects.select_related("project", "developer"), pk=pk)
    evidence = list(case.evidence.all())
    files: dict[int, list[Attachment]] = defaultdict(list)
    content_type = ContentType.objects.get_for_model(Evidence)
    for attachment in Attachment.objects.filter(
        content_type=content_type, object_id__in=[e.pk for e in evidence]
    ).select_related("uploaded_by"):
        files[attachment.object_id].append(attachment)
    for item in evidence:
        item.files = files[item.pk]  # type: ignore[attr-defined]
    items = paginate(request, case.items.select_related("unit", "account").order_by("unit__code"))
    return render(
        request,
        "arrears/case_detail.html",
        {
            "case": case,
            "items": items,
            "pager": pager(request, items),
            "timeline": case.actions.order_by("date", "pk"),
            "evidence": evidence,
            "recoveries": case.recoveries.select_related("entry", "bank").order_by("received_on", "pk"),
            "action_form": ActionForm(initial={"date": timezone.localdate()}),
            "evidence_form": EvidenceForm(initial={"collected_on": timezone.localdate()}),
            "recovery_form": _recovery_form(case),
            "steps": list(zip(Stage.labels, queries.stage_cells(case.stage, list(Stage.values)), strict=True)),
        },
    )


def _recovery_form(case: RecoveryCase, data: Any = None) -> RecoveryForm:
    form = RecoveryForm(
        data,
        initial={"amount": case.outstanding, "received_on": timezone.localdate(), "payer": case.developer.name},
    )
    banks = list(form.fields["bank"].queryset[:2])  # type: ignore[attr-defined]
    if len(banks) == 1:
        form.fields["bank"].initial = banks[0]
        form.fields["bank"].empty_label = None  # type: ignore[attr-defined]
    return form


@require(MODULE, "handle")
def case_action_add(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_object_or_404(RecoveryCase, pk=pk)
    form = ActionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with refused(request) as outcome:
            actions.add_action(
                actor(request),
                case,
                kind=data["kind"],
                date=data["date"],
                participants=data["participants"],
                note=data["note"],
                amount=data["amount"],
            )
        if outcome.ok:
            messages.success(request, _("Action recorded."))
    elif request.method == "POST":
        messages.error(request, _("Check the action's fields."))
    return redirect("arrears:case", pk)


@require(MODULE, "handle")
def evidence_add(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_object_or_404(RecoveryCase, pk=pk)
    form = EvidenceForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with refused(request) as outcome, transaction.atomic():
            if data["file"] is not None:
                attachments.validate(data["file"])
            evidence = actions.add_evidence(
                actor(request),
                case,
                collected_on=data["collected_on"],
                description=data["description"],
                units=data["units"],
            )
            if data["file"] is not None:
                attachments.attach(evidence, data["file"], module=MODULE, kind="证据", actor=actor(request))
        if outcome.ok:
            messages.success(request, _("Evidence recorded."))
    elif request.method == "POST":
        messages.error(request, _("Check the evidence fields."))
    return redirect("arrears:case", pk)


@require(MODULE, "handle")
def evidence_upload(request: HttpRequest, pk: int) -> HttpResponse:
    evidence = get_object_or_404(Evidence, pk=pk)
    upload = request.FILES.get("file")
    if request.method == "POST" and upload is not None:
        with refused(request) as outcome:
            attachments.attach(evidence, upload, module=MODULE, kind="证据", actor=actor(request))
        if outcome.ok:
            messages.success(request, _("File uploaded."))
    return redirect("arrears:case", evidence.case_id)


@require(MODULE, "handle")
def recovery_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Record money recovered: the first POST shows the split for confirmation, the second posts it."""
    case = get_object_or_404(RecoveryCase.objects.select_related("project", "developer"), pk=pk)
    if request.method != "POST":
        return redirect("arrears:case", pk)
    form = _recovery_form(case, request.POST)
    if not form.is_valid():
        messages.error(request, _("Check the recovery's fields."))
        return redirect("arrears:case", pk)
    data = form.cleaned_data
    items = list(case.items.select_related("unit").order_by("unit__code"))
    try:
        shares = rules.split_recovery(data["amount"], {i.unit.code: i.outstanding for i in items})
    except ValueError:
        messages.error(
            request, _("The amount is more than the case still owes (%(owed)s).") % {"owed": case.outstanding}
        )
        return redirect("arrears:case", pk)
    if request.POST.get("confirm") != "1":
        rows = [(i, shares.get(i.unit.code, Decimal("0.00"))) for i in items if i.unit.code in shares]
        return render(
            request,
            "arrears/recovery_confirm.html",
            {"case": case, "form": form, "rows": rows, "data": data, "capitals": capitals(data["amount"])},
        )
    with refused(request) as outcome:
        recovery = actions.record_recovery(
            actor(request),
            case,
            amount=data["amount"],
            received_on=data["received_on"],
            bank=data["bank"],
            payer=data["payer"],
            bank_txn_id=data["bank_txn_id"],
        )
    if outcome.ok:
        messages.success(
            request,
            _("Recovery of %(amount)s posted as entry #%(seq)s.")
            % {"amount": recovery.amount, "seq": recovery.entry.seq},
        )
    return redirect("arrears:case", pk)


@require(MODULE, "view")
def notice_print(request: HttpRequest, pk: int) -> HttpResponse:
    """追缴告知书: the written notice to the developer, for printing and serving."""
    case = get_object_or_404(RecoveryCase.objects.select_related("project", "developer"), pk=pk)
    return render(
        request,
        "arrears/notice_print.html",
        {
            "case": case,
            "outstanding": case.outstanding,
            "capitals": capitals(case.outstanding),
            "printed": timezone.localdate(),
            "deadline": timezone.localdate() + dt.timedelta(days=30),
        },
    )


# --- targets ----------------------------------------------------------------------------------


@require(MODULE, "view")
def target_list(request: HttpRequest) -> HttpResponse:
    form = TargetForm(request.POST or None)
    if request.method == "POST":
        if not can(request.user, MODULE, "handle"):
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            actions.set_target(
                actor(request),
                year=data["year"],
                amount=data["amount"],
                issued_by=data["issued_by"],
                document=data["document"],
            )
            messages.success(request, _("Target saved."))
            return redirect("arrears:targets")
    recovered = queries.recovered_by_year()
    return _list(
        request,
        title=_("Recovery targets"),
        crumbs=[(_("Recovery board"), reverse("arrears:board"))],
        tab="targets",
        template="arrears/targets.html",
        context={"form": form},
        queryset=RecoveryTarget.objects.all(),
        columns=[
            Column(_("Year"), lambda t: Link(t.year, f"{reverse('arrears:board')}?year={t.year}"), "year"),
            Column(_("Target amount"), lambda t: t.amount, "amount"),
            Column(_("Recovered"), lambda t: recovered.get(t.year, ZERO)),
            Column(
                format_lazy("{} (%)", _("Completion rate")),
                lambda t: kpis.rate(recovered.get(t.year, ZERO), t.amount),
            ),
            Column(_("Issuing authority"), lambda t: t.issued_by, "issued_by"),
            Column(_("Document number"), lambda t: t.document, "document"),
        ],
        empty=_("No targets yet."),
        table_id="targets",
    )
