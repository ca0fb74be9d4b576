"""Pages for deposits: standards (元/m²), deposit notices (交存通知书) one by one or per project,
developer notices for unsold units, and replenishment (续交)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, Q, Subquery
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anju.core.listing import export_xlsx, paginate, querystring_without_page
from anju.core.permissions import can, require
from anju.fund import bank, deposits, queries, rules
from anju.fund.models import DepositBatch, DepositNotice, DepositStandard
from anju.lib.money import capitals
from anju.registry.models import Project, Unit

MODULE = "fund"


def _export_requested(request: HttpRequest) -> bool:
    if request.GET.get("export") != "xlsx":
        return False
    if not can(request.user, MODULE, "export"):
        raise PermissionDenied
    return True


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"})


class StandardForm(forms.Form):
    building_type = forms.ChoiceField(label=gettext_lazy("Building type"), choices=DepositStandard.BuildingType.choices)
    use_class = forms.ChoiceField(label=gettext_lazy("Use"), choices=DepositStandard.UseClass.choices)
    effective_from = forms.DateField(label=gettext_lazy("Effective from"), widget=_date_input())
    rate = forms.DecimalField(
        label=gettext_lazy("Rate (yuan/m²)"), max_digits=10, decimal_places=2, min_value=Decimal("0.01")
    )
    basis = forms.CharField(label=gettext_lazy("Basis (document number)"), max_length=120, required=False)


class StandardEditForm(forms.Form):
    effective_from = forms.DateField(label=gettext_lazy("Effective from"), widget=_date_input())
    rate = forms.DecimalField(
        label=gettext_lazy("Rate (yuan/m²)"), max_digits=10, decimal_places=2, min_value=Decimal("0.01")
    )
    basis = forms.CharField(label=gettext_lazy("Basis (document number)"), max_length=120, required=False)


class NoticeForm(forms.Form):
    unit = forms.CharField(label=gettext_lazy("Unit code"), max_length=80)
    issued_on = forms.DateField(
        label=gettext_lazy("Issued on"),
        required=False,
        widget=_date_input(),
        help_text=gettext_lazy("Empty: today. The standard in force on this day applies."),
    )

    def clean_unit(self) -> Unit:
        code = self.cleaned_data["unit"].strip()
        unit = Unit.objects.filter(code=code).first()
        if unit is None:
            raise forms.ValidationError(f"房屋编码“{code}”不存在")
        return unit


class BatchForm(forms.Form):
    FOR_OWNERS = "owners"
    FOR_DEVELOPER = "developer"

    project = forms.CharField(label=gettext_lazy("Project code"), max_length=30)
    payer = forms.ChoiceField(
        label=gettext_lazy("Notices for"),
        choices=[
            (FOR_OWNERS, gettext_lazy("Every unit not yet deposited (first deposit)")),
            (FOR_DEVELOPER, gettext_lazy("The developer's unsold units (art. 21)")),
        ],
        initial=FOR_OWNERS,
        widget=forms.RadioSelect,
    )
    issued_on = forms.DateField(label=gettext_lazy("Issued on"), required=False, widget=_date_input())
    note = forms.CharField(label=gettext_lazy("Note"), max_length=200, required=False)

    def clean_project(self) -> Project:
        code = self.cleaned_data["project"].strip()
        project = Project.objects.filter(code=code).select_related("developer").first()
        if project is None:
            raise forms.ValidationError(f"项目编码“{code}”不存在")
        return project


class CancelForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=200)


class ReplenishForm(forms.Form):
    project = forms.CharField(label=gettext_lazy("Project code"), max_length=30, required=False)
    issued_on = forms.DateField(label=gettext_lazy("Issued on"), required=False, widget=_date_input())

    def clean_project(self) -> Project | None:
        code = self.cleaned_data["project"].strip()
        if not code:
            return None
        project = Project.objects.filter(code=code).first()
        if project is None:
            raise forms.ValidationError(f"项目编码“{code}”不存在")
        return project


# --- Standards -------------------------------------------------------------------------------


@require(MODULE, "view")
def standards(request: HttpRequest) -> HttpResponse:
    rows = DepositStandard.objects.all()
    building_type = request.GET.get("building_type", "")
    if building_type:
        rows = rows.filter(building_type=building_type)
    use_class = request.GET.get("use_class", "")
    if use_class:
        rows = rows.filter(use_class=use_class)
    q = request.GET.get("q", "").strip()
    if q:
        rows = rows.filter(basis__icontains=q)
    rows = rows.order_by("building_type", "use_class", "-effective_from")
    if _export_requested(request):
        data = (
            [s.get_building_type_display(), s.get_use_class_display(), s.effective_from, s.rate, s.basis] for s in rows
        )
        return export_xlsx(
            request,
            filename="维修资金交存标准.xlsx",
            title="交存标准",
            headers=["房屋类型", "用途", "生效日期", "标准（元/㎡）", "依据"],
            rows=data,
        )
    in_force = {s.pk for s in deposits.standards_on(timezone.localdate()).values()}
    return render(
        request,
        "fund/deposits_standards.html",
        {
            "page": paginate(request, rows),
            "qs": querystring_without_page(request),
            "filters": request.GET,
            "in_force": in_force,
            "building_types": DepositStandard.BuildingType.choices,
            "use_classes": DepositStandard.UseClass.choices,
            "can_handle": can(request.user, MODULE, "handle"),
        },
    )


def _standard_form_page(request: HttpRequest, form: forms.Form, title: str, apply: Any) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        try:
            apply(form.cleaned_data)
        except deposits.DepositError as exc:
            form.add_error(None, str(exc))
        else:
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

NOTICE_HEADERS = [
    "通知书编号",
    "类型",
    "状态",
    "房屋编码",
    "项目",
    "交存人",
    "建筑面积",
    "标准（元/㎡）",
    "金额",
    "开具日期",
]


@require(MODULE, "view")
def notices(request: HttpRequest) -> HttpResponse:
    rows = DepositNotice.objects.select_related("account__unit", "account__project")
    q = request.GET.get("q", "").strip()
    if q:
        rows = rows.filter(Q(number__icontains=q) | Q(account__unit__code__istartswith=q) | Q(payer__icontains=q))
    for name in ("kind", "status"):
        value = request.GET.get(name, "")
        if value:
            rows = rows.filter(**{name: value})
    project = request.GET.get("project", "").strip()
    if project:
        rows = rows.filter(account__unit__project__code=project)
    batch = request.GET.get("batch", "")
    if batch.isdigit():
        rows = rows.filter(batch_id=int(batch))
    start = parse_date(request.GET.get("from", "") or "")
    if start:
        rows = rows.filter(issued_on__gte=start)
    end = parse_date(request.GET.get("to", "") or "")
    if end:
        rows = rows.filter(issued_on__lte=end)
    rows = rows.order_by("-issued_on", "-pk")
    if _export_requested(request):
        data = (
            [
                n.number,
                n.get_kind_display(),
                n.get_status_display(),
                n.account.unit.code if n.account.unit else "",
                n.account.project.name if n.account.project else "",
                n.payer,
                n.area,
                n.rate,
                n.amount,
                n.issued_on,
            ]
            for n in rows.iterator(chunk_size=2000)
        )
        return export_xlsx(request, filename="交存通知书.xlsx", title="交存通知书", headers=NOTICE_HEADERS, rows=data)
    return render(
        request,
        "fund/deposits_notices.html",
        {
            "page": paginate(request, rows),
            "qs": querystring_without_page(request),
            "filters": request.GET,
            "kinds": DepositNotice.Kind.choices,
            "statuses": DepositNotice.Status.choices,
            "can_handle": can(request.user, MODULE, "handle"),
        },
    )


@require(MODULE, "handle")
def notice_create(request: HttpRequest) -> HttpResponse:
    form = NoticeForm(request.POST if request.method == "POST" else None, initial={"unit": request.GET.get("unit", "")})
    if request.method == "POST" and form.is_valid():
        try:
            notice = deposits.issue_notice(
                request.user,  # type: ignore[arg-type]
                form.cleaned_data["unit"],
                issued_on=form.cleaned_data["issued_on"],
            )
        except deposits.DepositError as exc:
            form.add_error(None, str(exc))
        else:
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
    try:
        deposits.cancel_notice(request.user, item, reason=form.cleaned_data["reason"])  # type: ignore[arg-type]
    except deposits.DepositError as exc:
        messages.error(request, str(exc))
    else:
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
        try:
            batch = issue(request.user, d["project"], issued_on=d["issued_on"], note=d["note"])  # type: ignore[arg-type]
        except deposits.DepositError as exc:
            form.add_error(None, str(exc))
        else:
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
            try:
                issued = deposits.issue_replenishment_notices(
                    request.user,  # type: ignore[arg-type]
                    project=form.cleaned_data["project"],
                    issued_on=form.cleaned_data["issued_on"],
                )
            except deposits.DepositError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("%(count)s notices issued.") % {"count": len(issued)})
                return redirect(reverse("fund:notices") + "?kind=replenish&status=issued")
    open_notice = deposits.open_notices().filter(kind=DepositNotice.Kind.REPLENISH, account=OuterRef("pk"))
    accounts = (
        queries.replenishment_due()
        .select_related("unit", "project")
        .annotate(
            notice_id=Subquery(open_notice.values("pk")[:1]), notice_number=Subquery(open_notice.values("number")[:1])
        )
    )
    q = request.GET.get("q", "").strip()
    if q:
        accounts = accounts.filter(Q(unit__code__istartswith=q) | Q(project__name__icontains=q))
    project = request.GET.get("project", "").strip()
    if project:
        accounts = accounts.filter(unit__project__code=project)
    if request.GET.get("pending") == "no":
        accounts = accounts.filter(notice_id__isnull=True)
    elif request.GET.get("pending") == "yes":
        accounts = accounts.filter(notice_id__isnull=False)
    accounts = accounts.order_by("unit__code")
    if _export_requested(request):
        data = (
            [
                a.unit.code if a.unit else "",
                a.project.name if a.project else "",
                a.first_deposit,
                a.balance,
                rules.replenishment_amount(a.balance, a.first_deposit),
                a.notice_number or "",
            ]  # type: ignore[attr-defined]
            for a in accounts.iterator(chunk_size=2000)
        )
        return export_xlsx(
            request,
            filename="续交房屋.xlsx",
            title="续交",
            headers=["房屋编码", "项目", "首期交存", "余额", "应续交", "续交通知书"],
            rows=data,
        )
    page = paginate(request, accounts)
    for a in page.object_list:
        a.due = rules.replenishment_amount(a.balance, a.first_deposit)  # type: ignore[attr-defined]
    return render(
        request,
        "fund/deposits_replenishment.html",
        {
            "page": page,
            "qs": querystring_without_page(request),
            "filters": request.GET,
            "form": form,
            "can_handle": can(request.user, MODULE, "handle"),
            "threshold": rules.REPLENISH_THRESHOLD * 100,
            "without_notice": deposits.replenishment_candidates().count(),
        },
    )
