"""Pages for deposits: standards (元/m²), deposit notices (交存通知书) one by one or per project,
developer notices for unsold units, and replenishment (续交)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import F, OuterRef, Q, Subquery
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from anju.core.errors import refused
from anju.core.links import reverse
from anju.core.listing import (
    Action,
    ChoiceFilter,
    Column,
    DateRangeFilter,
    HiddenFilter,
    Link,
    Muted,
    Search,
    Tag,
    TextFilter,
    label_of,
    link_column,
    valid_int,
)
from anju.core.permissions import can, require
from anju.fund import queries, rules
from anju.fund.bank import actions as bank
from anju.fund.deposits import actions as deposits
from anju.fund.deposits.forms import BatchForm, CancelForm, NoticeForm, ReplenishForm, StandardEditForm, StandardForm
from anju.fund.models import DepositBatch, DepositNotice, DepositStandard
from anju.fund.views import fund_list
from anju.lib.money import capitals

MODULE = "fund"


# --- Standards -------------------------------------------------------------------------------


@require(MODULE, "view")
def standards(request: HttpRequest) -> HttpResponse:
    in_force = {s.pk for s in deposits.standards_on(timezone.localdate()).values()}
    can_handle = can(request.user, MODULE, "handle")
    return fund_list(
        request,
        title=_("Deposit standards"),
        tab="deposits",
        template="fund/deposits_standards.html",
        queryset=DepositStandard.objects.order_by("building_type", "use_class", "-effective_from"),
        columns=[
            Column(
                _("Building type"), lambda s: label_of(s, "building_type"), "building_type", export_label="房屋类型"
            ),
            Column(_("Use"), lambda s: label_of(s, "use_class"), "use_class", export_label="用途"),
            Column(
                _("Effective from"),
                lambda s: (s.effective_from, Tag(_("In force"), "create") if s.pk in in_force else None),
                "effective_from",
                export_label="生效日期",
                export_value=lambda s: s.effective_from,
            ),
            Column(_("Rate (yuan/m²)"), lambda s: s.rate, "rate", export_label="标准（元/㎡）"),
            Column(_("Basis (document number)"), lambda s: s.basis, "basis", export_label="依据"),
            Column(
                "",
                lambda s: Link(_("Edit"), reverse("fund:standard_edit", args=[s.pk])) if can_handle else "",
                export=False,
            ),
        ],
        search=Search(["basis__icontains"], _("Basis (document number)")),
        filters=[
            ChoiceFilter(
                "building_type",
                _("Building type"),
                DepositStandard.BuildingType.choices,
                everything=_("All building types"),
            ),
            ChoiceFilter("use_class", _("Use"), DepositStandard.UseClass.choices, everything=_("All uses")),
        ],
        filename="维修资金交存标准",
        sheet="交存标准",
        actions=[Action(_("New deposit standard"), reverse("fund:standard_create"), "handle")],
        empty=_("No deposit standards yet."),
        table_id="standards",
    )


def _standard_form_page(request: HttpRequest, form: forms.Form, title: str, apply: Any) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        with refused(form) as outcome:
            apply(form.cleaned_data)
        if outcome.ok:
            messages.success(request, _("Saved."))
            return redirect("fund:standards")
    return render(request, "fund/deposits_standard_form.html", {"form": form, "title": title})


@require(MODULE, "handle")
def standard_create(request: HttpRequest) -> HttpResponse:
    return _standard_form_page(
        request,
        StandardForm(request.POST if request.method == "POST" else None),
        _("New deposit standard"),
        lambda d: deposits.create_standard(request.user, **d),  # type: ignore[arg-type]
    )


@require(MODULE, "handle")
def standard_edit(request: HttpRequest, pk: int) -> HttpResponse:
    standard = get_object_or_404(DepositStandard, pk=pk)
    initial = {"effective_from": standard.effective_from, "rate": standard.rate, "basis": standard.basis}
    return _standard_form_page(
        request,
        StandardEditForm(request.POST if request.method == "POST" else None, initial=initial),
        str(standard),
        lambda d: deposits.update_standard(request.user, standard, **d),  # type: ignore[arg-type]
    )


# --- Notices ---------------------------------------------------------------------------------

NOTICE_TAGS = {DepositNotice.Status.PAID: "create", DepositNotice.Status.CANCELLED: "delete"}


@require(MODULE, "view")
def notices(request: HttpRequest) -> HttpResponse:
    return fund_list(
        request,
        title=_("Deposit notices"),
        tab="deposits",
        queryset=DepositNotice.objects.select_related("account__unit", "account__project").order_by(
            "-issued_on", "-pk"
        ),
        columns=[
            link_column(_("Notice number"), "number", "fund:notice", export_label="通知书编号"),
            Column(_("Kind"), lambda n: label_of(n, "kind"), "kind", export_label="类型"),
            Column("", lambda n: label_of(n, "status"), page=False, export_label="状态"),
            Column(
                _("Unit code"),
                lambda n: Link(n.account.unit.code, reverse("fund:statement", args=[n.account.unit.code])),
                "account__unit__code",
                export_label="房屋编码",
                export_value=lambda n: n.account.unit.code if n.account.unit else "",
            ),
            Column(
                _("Project"),
                lambda n: n.account.project.name if n.account.project else "",
                "account__project__name",
                export_label="项目",
            ),
            Column(_("Payer"), lambda n: n.payer, "payer", export_label="交存人"),
            Column(_("Floor area (m²)"), lambda n: n.area, "area", export_label="建筑面积"),
            Column(_("Rate (yuan/m²)"), lambda n: n.rate, "rate", export_label="标准（元/㎡）"),
            Column(_("Amount"), lambda n: n.amount, "amount", total=True, export_label="金额"),
            Column(_("Issued on"), lambda n: n.issued_on, "issued_on", export_label="开具日期"),
            Column(
                _("Status"),
                lambda n: Tag(label_of(n, "status"), NOTICE_TAGS.get(n.status, "")),
                "status",
                export=False,
            ),
        ],
        search=Search(
            ["number__icontains", "account__unit__code__istartswith", "payer__icontains"],
            _("Notice number, unit code or payer"),
        ),
        filters=[
            TextFilter("project", _("Project code"), "account__unit__project__code"),
            ChoiceFilter("kind", _("Kind"), DepositNotice.Kind.choices, everything=_("All kinds")),
            ChoiceFilter("status", _("Status"), DepositNotice.Status.choices, everything=_("All statuses")),
            DateRangeFilter("issued_on"),
            HiddenFilter("batch", lambda qs, batch: qs.filter(batch_id=batch), valid_int),
        ],
        filename="交存通知书",
        actions=[
            Action(_("Issue a deposit notice"), reverse("fund:notice_create"), "handle"),
            Action(_("Issue for a project"), reverse("fund:notice_batch"), "handle", primary=False),
        ],
        empty=_("No notices match."),
        table_id="notices",
    )


@require(MODULE, "handle")
def notice_create(request: HttpRequest) -> HttpResponse:
    form = NoticeForm(request.POST if request.method == "POST" else None, initial={"unit": request.GET.get("unit", "")})
    if request.method == "POST" and form.is_valid():
        with refused(form) as outcome:
            notice = deposits.issue_notice(
                request.user,  # type: ignore[arg-type]
                form.cleaned_data["unit"],
                issued_on=form.cleaned_data["issued_on"],
            )
        if outcome.ok:
            messages.success(request, _("Notice %(number)s issued.") % {"number": notice.number})
            return redirect("fund:notice", notice.pk)
    return render(request, "fund/deposits_notice_form.html", {"form": form})


@require(MODULE, "view")
def notice(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(
        DepositNotice.objects.select_related(
            "account__unit__building", "account__project", "standard", "batch", "paid_entry"
        ),
        pk=pk,
    )
    unit = item.account.unit
    return render(
        request,
        "fund/deposits_notice.html",
        {
            "notice": item,
            "unit": unit,
            "capitals": capitals(item.amount),
            "banks": bank.bank_accounts(),
            "threshold": rules.REPLENISH_THRESHOLD * 100,
            "account": item.account,
            "cancel_form": CancelForm() if item.status == DepositNotice.Status.ISSUED else None,
            "can_handle": can(request.user, MODULE, "handle"),
        },
    )


@require(MODULE, "handle")
def notice_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(DepositNotice, pk=pk)
    if request.method != "POST":
        return redirect("fund:notice", pk)
    form = CancelForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason for cancelling."))
        return redirect("fund:notice", pk)
    with refused(request) as outcome:
        deposits.cancel_notice(request.user, item, reason=form.cleaned_data["reason"])  # type: ignore[arg-type]
    if outcome.ok:
        messages.success(request, _("Notice %(number)s cancelled.") % {"number": item.number})
    return redirect("fund:notice", pk)


@require(MODULE, "handle")
def notice_batch(request: HttpRequest) -> HttpResponse:
    form = BatchForm(
        request.POST if request.method == "POST" else None, initial={"project": request.GET.get("project", "")}
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        issue = deposits.issue_developer_notices if d["payer"] == BatchForm.FOR_DEVELOPER else deposits.issue_batch
        with refused(form) as outcome:
            batch = issue(request.user, d["project"], issued_on=d["issued_on"], note=d["note"])  # type: ignore[arg-type]
        if outcome.ok:
            count = batch.notices.count()
            messages.success(request, _("%(count)s notices issued.") % {"count": count})
            return redirect(reverse("fund:notices") + f"?batch={batch.pk}")
    batches = DepositBatch.objects.select_related("project").order_by("-issued_on", "-pk")[:20]
    return render(request, "fund/deposits_batch.html", {"form": form, "batches": batches})


# --- Replenishment ---------------------------------------------------------------------------


@require(MODULE, "view")
def replenishment(request: HttpRequest) -> HttpResponse:
    form = ReplenishForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not can(request.user, MODULE, "handle"):
            raise PermissionDenied
        if form.is_valid():
            with refused(form) as outcome:
                issued = deposits.issue_replenishment_notices(
                    request.user,  # type: ignore[arg-type]
                    project=form.cleaned_data["project"],
                    issued_on=form.cleaned_data["issued_on"],
                )
            if outcome.ok:
                messages.success(request, _("%(count)s notices issued.") % {"count": len(issued)})
                return redirect(reverse("fund:notices") + "?kind=replenish&status=issued")
    open_notice = deposits.open_notices().filter(kind=DepositNotice.Kind.REPLENISH, account=OuterRef("pk"))
    accounts = (
        queries.replenishment_listed()
        .select_related("unit", "project")
        .annotate(
            notice_id=Subquery(open_notice.values("pk")[:1]), notice_number=Subquery(open_notice.values("number")[:1])
        )
    )
    pending = {"no": Q(notice_id__isnull=True), "yes": Q(notice_id__isnull=False)}
    return fund_list(
        request,
        title=_("Replenishment"),
        tab="deposits",
        template="fund/deposits_replenishment.html",
        context={
            "form": form,
            "can_handle": can(request.user, MODULE, "handle"),
            "threshold": rules.REPLENISH_THRESHOLD * 100,
            "without_notice": deposits.replenishment_candidates_count(),
        },
        queryset=accounts.order_by("unit__code"),
        columns=[
            Column(
                _("Unit code"),
                lambda a: Link(a.unit.code, reverse("fund:statement", args=[a.unit.code])),
                "unit__code",
                export_label="房屋编码",
                export_value=lambda a: a.unit.code if a.unit else "",
            ),
            Column(_("Project"), lambda a: a.project.name if a.project else "", "project__name", export_label="项目"),
            Column(_("First deposit"), lambda a: a.first_deposit, "first_deposit", total=True, export_label="首期交存"),
            Column(_("Balance"), lambda a: a.balance, "balance", total=True, export_label="余额"),
            Column(
                _("Amount due"),
                lambda a: rules.replenishment_amount(a.balance, a.first_deposit),
                total=F("first_deposit") - F("balance"),
                export_label="应续交",
            ),
            Column(
                _("Replenishment notice"),
                lambda a: (
                    Link(a.notice_number, reverse("fund:notice", args=[a.notice_id])) if a.notice_id else Muted("—")
                ),
                "notice_number",
                export_label="续交通知书",
                export_value=lambda a: a.notice_number or "",
            ),
        ],
        search=Search(hint=_("Unit code or project name"), apply=lambda qs, q: qs.filter(queries.ledgers_matching(q))),
        filters=[
            TextFilter("project", _("Project code"), "unit__project__code"),
            ChoiceFilter(
                "pending",
                _("Replenishment notice"),
                [("no", _("No notice yet")), ("yes", _("Notice issued"))],
                apply=lambda qs, value: qs.filter(pending[value]),
                everything=_("With or without a notice"),
            ),
        ],
        filename="续交房屋",
        sheet="续交",
        empty=_("No unit needs replenishment."),
        table_id="replenishment",
    )
