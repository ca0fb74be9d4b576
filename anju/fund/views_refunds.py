"""Pages for refund applications (房屋灭失退款) and a unit's owner history (过户)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anju.core import workflow
from anju.core.listing import export_xlsx, paginate, querystring_without_page
from anju.core.models import User
from anju.core.permissions import actor, can, check, require
from anju.fund import refunds
from anju.fund.models import Account, RefundApplication
from anju.lib.ids import mask_id
from anju.lib.money import capitals

MODULE = "fund"
Status = RefundApplication.Status


class RefundForm(forms.Form):
    unit = forms.CharField(label=_("Unit code"), max_length=80)
    applicant = forms.CharField(label=_("Applicant"), max_length=120)
    reason = forms.CharField(label=_("Reason"), max_length=300, initial="房屋灭失（拆除）")
    payee_bank = forms.CharField(label=_("Payee bank"), max_length=80, required=False)
    payee_account_number = forms.CharField(label=_("Payee account number"), max_length=40, required=False)

    def clean_unit(self) -> Account:
        code = self.cleaned_data["unit"].strip()
        account = Account.objects.select_related("unit").filter(kind=Account.Kind.UNIT, unit__code=code).first()
        if account is None:
            raise forms.ValidationError(_("No unit ledger has this unit code."))
        return account


class PayForm(forms.Form):
    paid_on = forms.DateField(
        label=_("Payment date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    bank = forms.ModelChoiceField(
        label=_("Paid from"), queryset=Account.objects.filter(kind=Account.Kind.BANK, closed__isnull=True)
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        banks = list(self.fields["bank"].queryset[:2])  # type: ignore[attr-defined]
        if len(banks) == 1:
            self.fields["bank"].initial = banks[0]
            self.fields["bank"].empty_label = None  # type: ignore[attr-defined]


@require(MODULE, "view")
def refund_list(request: HttpRequest) -> HttpResponse:
    applications = RefundApplication.objects.select_related("account__unit", "account__project").order_by(
        "-created", "-pk"
    )
    q = request.GET.get("q", "").strip()
    if q:
        applications = applications.filter(Q(account__unit__code__istartswith=q) | Q(applicant__icontains=q))
    status = request.GET.get("status", "")
    if status in Status.values:
        applications = applications.filter(status=status)
    if request.GET.get("export") == "xlsx":
        if not can(request.user, MODULE, "export"):
            raise PermissionDenied
        rows = (
            [
                a.pk,
                a.account.unit.code if a.account.unit else "",
                a.applicant,
                a.reason,
                a.get_status_display(),
                timezone.localtime(a.created).strftime("%Y-%m-%d %H:%M"),
                refunds.refund_amount(a),
            ]
            for a in applications.iterator(chunk_size=2000)
        )
        return export_xlsx(
            request,
            filename="维修资金退款申请.xlsx",
            title="退款申请",
            headers=["编号", "房屋编码", "申请人", "退款原因", "状态", "申请时间", "金额"],
            rows=rows,
        )
    return render(
        request,
        "fund/refund_list.html",
        {
            "page": paginate(request, applications),
            "qs": querystring_without_page(request),
            "filters": request.GET,
            "statuses": Status.choices,
        },
    )


@require(MODULE, "handle")
def refund_create(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = RefundForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                actor: User = request.user  # type: ignore[assignment]
                application = refunds.create_refund(
                    actor,
                    data["unit"],
                    applicant=data["applicant"],
                    reason=data["reason"],
                    payee_bank=data["payee_bank"],
                    payee_account_number=data["payee_account_number"],
                )
            except refunds.RefundError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Refund application created."))
                return redirect("fund:refund", application.pk)
    else:
        initial: dict[str, Any] = {}
        code = request.GET.get("unit", "").strip()
        account = Account.objects.select_related("unit").filter(unit__code=code).first() if code else None
        if account is not None and account.unit is not None:
            initial["unit"] = code
            ownership = account.unit.current_ownership()
            if ownership is not None and ownership.owner is not None:
                initial["applicant"] = ownership.owner.name
        form = RefundForm(initial=initial)
    return render(request, "fund/refund_form.html", {"form": form})


@require(MODULE, "view")
def refund_detail(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_object_or_404(
        RefundApplication.objects.select_related("account__unit", "account__project"), pk=pk
    )
    pay_form = PayForm(initial={"paid_on": timezone.localdate()})
    if request.method == "POST" and request.POST.get("action") != "pay":
        workflow.post_step(refunds.WORKFLOW, request, application, refunds.take_step)
        return redirect("fund:refund", pk)
    if request.method == "POST":
        check(request.user, MODULE, "handle")
        pay_form = PayForm(request.POST)
        if pay_form.is_valid():
            try:
                refunds.pay_refund(
                    actor(request),
                    application,
                    paid_on=pay_form.cleaned_data["paid_on"],
                    bank=pay_form.cleaned_data["bank"],
                )
            except refunds.RefundError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, _("Refund paid; the account is closed."))
            return redirect("fund:refund", pk)
    return render(
        request,
        "fund/refund_detail.html",
        {
            "a": application,
            "amount": refunds.refund_amount(application),
            "wf": workflow.page(
                refunds.WORKFLOW, application, request.user, step_url=reverse("fund:refund", args=[pk])
            ),
            "pay_form": pay_form,
        },
    )


@require(MODULE, "view")
def refund_print(request: HttpRequest, pk: int) -> HttpResponse:
    """The refund approval form (退款审批表) for signing and filing."""
    application = get_object_or_404(
        RefundApplication.objects.select_related(
            "account__unit", "account__project", "created_by", "decided_by", "paid_entry"
        ),
        pk=pk,
    )
    unit = application.account.unit
    ownership = unit.current_ownership() if unit else None
    owner_id = ""
    if ownership is not None and ownership.person is not None:
        number = ownership.person.id_number
        owner_id = number if can(request.user, MODULE, "see_id") else mask_id(number)
    amount = refunds.refund_amount(application)
    return render(
        request,
        "fund/refund_print.html",
        {
            "a": application,
            "unit": unit,
            "ownership": ownership,
            "owner_id": owner_id,
            "amount": amount,
            "amount_capitals": capitals(amount),
            "review": application.events.filter(to_status=Status.REVIEWED).order_by("-at", "-pk").first(),
            "printed": timezone.localdate(),
        },
    )


@require(MODULE, "view")
def owner_history(request: HttpRequest, code: str) -> HttpResponse:
    account = get_object_or_404(Account.objects.select_related("unit", "project"), unit__code=code)
    see_id = can(request.user, MODULE, "see_id")
    periods = []
    for period in refunds.owner_history(account):
        owner = period.ownership.owner
        number = ""
        if period.ownership.person is not None:
            number = period.ownership.person.id_number if see_id else mask_id(period.ownership.person.id_number)
        elif period.ownership.enterprise is not None:
            number = period.ownership.enterprise.uscc
        periods.append({"period": period, "owner": owner, "number": number})
    return render(
        request,
        "fund/history.html",
        {
            "account": account,
            "periods": periods,
            "refunds": RefundApplication.objects.filter(account=account).order_by("-created", "-pk"),
        },
    )
