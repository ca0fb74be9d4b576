"""Pages for fund use applications (维修资金使用申请): list, form, detail with its tabs, votes, payments,
attachments, and the printable payment instruction (拨款通知书) and publicity notice (公示)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anju.core import attachments, audit, workflow
from anju.core.client_address import client_ip
from anju.core.errors import refused
from anju.core.imports_views import import_page
from anju.core.links import reverse
from anju.core.listing import (
    Action,
    ChoiceFilter,
    Column,
    Link,
    Search,
    Tag,
    TextFilter,
    YearFilter,
    label_of,
    link_column,
    xlsx_response,
)
from anju.core.models import AuditEvent
from anju.core.permissions import actor, can, require
from anju.fund.models import UseApplication, UsePayment
from anju.fund.use import actions as use
from anju.fund.use import queries as use_queries
from anju.fund.use.forms import ApplicationForm, PayForm, initial_data
from anju.fund.views import fund_list
from anju.lib.money import capitals, round_fen
from anju.lib.xlsx import workbook_bytes

MODULE = "fund"
Status = UseApplication.Status
TABS = ("scope", "vote", "history", "payments", "attachments")
EMERGENCY = "应急"


@require(MODULE, "view")
def application_list(request: HttpRequest) -> HttpResponse:
    years = sorted({d.year for d in UseApplication.objects.dates("created", "year")}, reverse=True)
    return fund_list(
        request,
        title=_("Use applications"),
        tab="use",
        template="fund/use_list.html",
        queryset=use_queries.applications().order_by("-created", "-pk"),
        columns=[
            link_column(_("Number"), "number", "fund:use", export_label="申请编号"),
            Column(
                _("Kind"),
                lambda a: Tag(EMERGENCY, "emergency") if a.is_emergency else label_of(a, "kind"),
                "kind",
                export_label="类型",
                export_value=lambda a: ("（应急）" if a.is_emergency else "") + str(label_of(a, "kind")),
            ),
            Column(_("Project"), lambda a: a.project.name, "project__name", export_label="项目"),
            Column(_("Repair"), lambda a: a.title, "title", export_label="维修项目"),
            Column(_("Applicant"), lambda a: a.applicant_name, "applicant_name", export_label="申请人"),
            Column(_("Budget"), lambda a: a.budget, "budget", total=True, export_label="预算"),
            Column(
                _("Final cost"),
                lambda a: a.final_cost,
                "final_cost",
                total=True,
                export_label="审计结算",
                export_value=lambda a: a.final_cost if a.final_cost is not None else "",
            ),
            Column(_("Status"), lambda a: Tag(label_of(a, "status"), a.status), "status", export_label="状态"),
            Column(
                _("Created"),
                lambda a: timezone.localtime(a.created).date(),
                "created",
                export_label="申请日期",
                export_value=lambda a: timezone.localtime(a.created).strftime("%Y-%m-%d"),
            ),
        ],
        search=Search(hint=_("Number, repair, project or applicant"), apply=use_queries.search),
        filters=[
            ChoiceFilter("status", _("Status"), Status.choices, everything=_("All statuses")),
            ChoiceFilter("kind", _("Kind"), UseApplication.Kind.choices, everything=_("All kinds")),
            TextFilter(
                "project",
                _("Project code or name"),
                apply=lambda qs, p: qs.filter(Q(project__code=p) | Q(project__name__icontains=p)),
            ),
            YearFilter("created__year", years=years, everything=_("All years")),
        ],
        filename="维修资金使用申请",
        sheet="使用申请",
        actions=[
            Action(_("Payments"), reverse("fund:use_payments"), primary=False),
            Action(_("New use application"), reverse("fund:use_create"), "handle"),
        ],
        empty=_("No use applications match."),
        table_id="use-applications",
    )


@require(MODULE, "handle")
def application_create(request: HttpRequest) -> HttpResponse:
    form = ApplicationForm(request.POST or None, initial={"applicant_kind": "property_company"})
    if request.method == "POST" and form.is_valid():
        with refused(form) as outcome:
            application = use.create_application(actor(request), form.data_for())
        if outcome.ok:
            messages.success(request, _("Application saved as a draft."))
            return redirect("fund:use", application.pk)
    return render(request, "fund/use_form.html", {"form": form, "application": None})


@require(MODULE, "handle")
def application_edit(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_object_or_404(use_queries.applications(), pk=pk)
    if application.status != Status.DRAFT:
        messages.error(request, _("Only a draft can be edited."))
        return redirect("fund:use", pk)
    form = ApplicationForm(request.POST or None, initial=initial_data(application))
    if request.method == "POST" and form.is_valid():
        voted = use_queries.votes_recorded(application)
        with refused(form) as outcome:
            use.update_application(actor(request), application, form.data_for())
        if outcome.ok:
            messages.success(request, _("Application saved."))
            if voted and not use_queries.votes_recorded(application):
                messages.warning(
                    request,
                    _("The scope or the repair items changed: the owners' votes were cleared. Record the vote again."),
                )
            return redirect("fund:use", pk)
    return render(request, "fund/use_form.html", {"form": form, "application": application})


def _tab_url(pk: int, tab: str) -> str:
    return f"{reverse('fund:use', args=[pk])}?tab={tab}"


def _pay_initial(application: UseApplication, payments: int) -> dict[str, Any]:
    kind = UsePayment.Kind.ADVANCE if application.status == Status.APPROVED else UsePayment.Kind.SETTLEMENT
    return {
        "kind": kind,
        "value_date": timezone.localdate(),
        "percent": Decimal("30") if kind == "advance" else None,
        "expected_payments": payments,
    }


# The publicity notice (公示) is of an approved repair: its cost and split, then what was paid.
PUBLIC_STATUSES = (Status.APPROVED, Status.PAYING, Status.PAID, Status.CLOSED)


@require(MODULE, "view")
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_object_or_404(
        use_queries.applications().select_related("applicant_enterprise", "created_by"), pk=pk
    )
    tab = request.GET.get("tab", "scope")
    if tab not in TABS:
        tab = "scope"
    paid_fund, paid_self = use_queries.paid_total(application)
    context: dict[str, Any] = {
        "a": application,
        "tab": tab,
        "wf": workflow.page(use.WORKFLOW, application, request.user, step_url=reverse("fund:use_step", args=[pk])),
        "items": application.items.all(),
        "paid_fund": paid_fund,
        "paid_self": paid_self,
        "public": application.status in PUBLIC_STATUSES,
    }
    if tab == "scope":
        rows = use_queries.split(application)
        context["rows"] = rows
        context["totals"] = {
            "area": sum((r.scope_unit.area for r in rows), Decimal(0)),
            "share": sum((r.share for r in rows), Decimal(0)),
            "from_fund": sum((r.from_fund for r in rows), Decimal(0)),
            "shortfall": sum((r.shortfall for r in rows), Decimal(0)),
            "paid_fund": sum((r.scope_unit.paid_fund for r in rows), Decimal(0)),
            "paid_self": sum((r.scope_unit.paid_self for r in rows), Decimal(0)),
        }
    elif tab == "vote":
        context["scope"] = application.scope_units.select_related("unit").order_by("unit__code")
        context["votes"] = use.Vote.choices
        context["can_vote"] = (
            application.status == Status.DRAFT and not application.is_emergency and can(request.user, MODULE, "handle")
        )
    elif tab == "payments":
        payments = list(application.payments.select_related("entry", "bank_account").order_by("value_date", "pk"))
        context["payments"] = payments
        context["pay_form"] = PayForm(initial=_pay_initial(application, len(payments)))
        context["can_pay"] = application.status in (Status.APPROVED, Status.PAYING) and can(
            request.user, MODULE, "handle"
        )
    else:
        context["attachments"] = attachments.for_record(application)
        context["attachment_kinds"] = [(k, k) for k in use.ATTACHMENT_KINDS]
    return render(request, "fund/use_detail.html", context)


@require(MODULE, "view")
def application_step(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_object_or_404(UseApplication, pk=pk)
    if request.method == "POST":
        workflow.post_step(use.WORKFLOW, request, application, use.take_step)
    return redirect("fund:use", pk)


@require(MODULE, "handle")
def application_votes(request: HttpRequest, pk: int) -> HttpResponse:
    """The vote grid's save (one select per scope unit) and the vote sheet import (the one upload page)."""
    application = get_object_or_404(UseApplication, pk=pk)
    target = redirect(_tab_url(pk, "vote"))
    if request.method != "POST":
        return target
    if "file" in request.FILES:
        return import_page(request, "fund.use_votes", pk=pk)
    votes = {key.removeprefix("vote:"): str(v) for key, v in request.POST.items() if key.startswith("vote:")}
    with refused(request) as outcome:
        result = use.record_votes(actor(request), application, votes)
    if not outcome.ok:
        return target
    if result.outcome.passed:
        messages.success(request, _("Votes saved: the vote passes."))
    else:
        messages.warning(request, _("Votes saved: the vote does not pass (yet)."))
    return target


@require(MODULE, "export")
def vote_sheet(request: HttpRequest, pk: int) -> HttpResponse:
    """The vote sheet (.xlsx) with the scope's units: the import template, filled with the current votes.
    It lists the owners' names, so it is an export: export permission, written to the audit log."""
    application = get_object_or_404(UseApplication, pk=pk)
    filename = f"业主表决-{application.number}.xlsx"
    data = workbook_bytes(
        "业主表决",
        use_queries.VOTE_HEADERS,
        use_queries.vote_sheet_rows(application),
        notes=[
            "表决意见填写：同意、反对、弃权 或 未表决（留空即未表决）。",
            "业主、建筑面积两列仅供核对，导入时不读取。",
        ],
    )
    audit.record(
        actor(request),
        AuditEvent.Action.EXPORT,
        application,
        object_repr=filename,
        note=f"业主表决表 {application.number}",
        ip=client_ip(request),
    )
    return xlsx_response(filename, data)


@require(MODULE, "handle")
def application_pay(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_object_or_404(UseApplication, pk=pk)
    target = _tab_url(pk, "payments")
    if request.method != "POST":
        return redirect(target)
    form = PayForm(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            messages.error(request, f"{label} {' '.join(str(e) for e in errors)}".strip())
        return redirect(target)
    d = form.cleaned_data
    amount = d["amount"]
    if d["kind"] == UsePayment.Kind.ADVANCE and amount is None and d["percent"] is not None:
        amount = round_fen(application.budget * d["percent"] / 100)
    with refused(request) as outcome:
        payment = use.pay(
            actor(request),
            application,
            kind=d["kind"],
            value_date=d["value_date"],
            amount=amount,
            final_cost=d["final_cost"],
            bank=d["bank"],
            expected_payments=d["expected_payments"],
        )
    if not outcome.ok:
        return redirect(target)
    messages.success(request, _("Paid %(amount)s.") % {"amount": f"{payment.amount:,.2f}"})
    return redirect(target)


@require(MODULE, "handle")
def application_attach(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_object_or_404(UseApplication, pk=pk)
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, _("Choose a file to upload."))
        else:
            with refused(request) as outcome:
                use.attach(actor(request), application, kind=request.POST.get("kind", ""), upload=upload)
            if outcome.ok:
                messages.success(request, _("File uploaded."))
    return redirect(_tab_url(pk, "attachments"))


@require(MODULE, "view")
def payment_list(request: HttpRequest) -> HttpResponse:
    years = sorted({d.year for d in UsePayment.objects.dates("value_date", "year")}, reverse=True)
    return fund_list(
        request,
        title=_("Payments for repairs"),
        crumbs=[(_("Maintenance fund"), reverse("fund:home")), (_("Use applications"), reverse("fund:uses"))],
        tab="use",
        template="fund/use_list.html",
        queryset=UsePayment.objects.select_related("application__project", "entry").order_by("-value_date", "-pk"),
        columns=[
            Column(_("Payment date"), lambda p: p.value_date, "value_date", export_label="拨付日期"),
            Column(
                _("Application"),
                lambda p: (
                    Link(p.application.number, reverse("fund:use", args=[p.application.pk])),
                    Tag(EMERGENCY, "emergency") if p.application.is_emergency else None,
                ),
                "application__number",
                export_label="申请编号",
                export_value=lambda p: p.application.number + ("（应急）" if p.application.is_emergency else ""),
            ),
            Column(
                _("Project"), lambda p: p.application.project.name, "application__project__name", export_label="项目"
            ),
            Column(_("Repair"), lambda p: p.application.title, "application__title", export_label="维修项目"),
            Column(_("Payment"), lambda p: label_of(p, "kind"), "kind", export_label="类型"),
            Column(_("Amount"), lambda p: p.amount, "amount", total=True, export_label="金额"),
            Column(_("From the fund"), lambda p: p.from_fund, "from_fund", total=True, export_label="维修资金支付"),
            Column(
                _("Owners' own payment"), lambda p: p.self_funded, "self_funded", total=True, export_label="业主自筹"
            ),
            Column(
                _("Entry"),
                lambda p: str(p.entry.seq) if p.entry else "—",
                "entry__seq",
                export_label="凭证号",
                export_value=lambda p: p.entry.seq if p.entry else "",
            ),
            Column(
                "",
                lambda p: Link(_("Payment instruction"), reverse("fund:use_instruction", args=[p.pk])),
                export=False,
            ),
        ],
        search=Search(
            [
                "application__number__icontains",
                "application__title__icontains",
                "application__project__name__icontains",
            ],
            _("Number, repair or project"),
        ),
        filters=[
            ChoiceFilter("kind", _("Kind"), UsePayment.Kind.choices, everything=_("All kinds")),
            YearFilter("value_date__year", years=years, everything=_("All years")),
        ],
        filename="维修资金拨付",
        sheet="拨付记录",
        empty=_("No payments match."),
        table_id="use-payments",
    )


@require(MODULE, "view")
def payment_instruction(request: HttpRequest, pk: int) -> HttpResponse:
    """拨款通知书: the instruction to the bank to pay the contractor, with each unit's part."""
    payment = get_object_or_404(
        UsePayment.objects.select_related(
            "application__project", "application__contractor", "entry__posted_by", "bank_account", "created_by"
        ),
        pk=pk,
    )
    shares = payment.shares.select_related("scope_unit__unit").order_by("scope_unit__unit__code")
    return render(
        request,
        "fund/use_instruction.html",
        {
            "p": payment,
            "a": payment.application,
            "shares": shares,
            "amount_capitals": capitals(payment.from_fund),
            "printed": timezone.localdate(),
        },
    )


@require(MODULE, "view")
def publicity(request: HttpRequest, pk: int) -> HttpResponse:
    """公示: the repair's cost (the final cost once settled, else the budget) and each unit's share. Only
    for an approved application: before that nothing was decided (nor, for an ordinary one, voted)."""
    application = get_object_or_404(use_queries.applications(), pk=pk)
    if application.status not in PUBLIC_STATUSES:
        messages.error(request, _("The publicity notice is for an approved application."))
        return redirect("fund:use", pk)
    settled = application.final_cost is not None
    cost = application.final_cost if application.final_cost is not None else application.budget
    if settled:
        # What each unit actually bore, from its account and by its owner, over all payments.
        scope = application.scope_units.select_related("unit").order_by("unit__code")
        rows = [
            {"unit": s, "share": s.paid_fund + s.paid_self, "from_fund": s.paid_fund, "self": s.paid_self}
            for s in scope
        ]
    else:
        # The budget's split: what was paid in advances as it was paid, the rest (share − paid) as the
        # account's balance would cover it now.
        rows = [
            {
                "unit": r.scope_unit,
                "share": r.paid + r.to_pay,
                "from_fund": r.scope_unit.paid_fund + r.from_fund,
                "self": r.scope_unit.paid_self + r.shortfall,
            }
            for r in use_queries.split(application)
        ]
    return render(
        request,
        "fund/use_publicity.html",
        {
            "a": application,
            "cost": cost,
            "settled": settled,
            "vote_passed": application.kind == UseApplication.Kind.ORDINARY and application.vote_passed,
            "rows": rows,
            "units": len(rows),
            "area": sum((r["unit"].area for r in rows), Decimal(0)),
            "totals": {k: sum((r[k] for r in rows), Decimal(0)) for k in ("share", "from_fund", "self")},
            "items": application.items.all(),
            "cost_capitals": capitals(cost),
            "printed": timezone.localdate(),
        },
    )
