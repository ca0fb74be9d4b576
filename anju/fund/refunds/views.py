"""Pages for refund applications (房屋灭失退款) and a unit's owner history (过户)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from anju.core import workflow
from anju.core.errors import refused
from anju.core.links import reverse
from anju.core.listing import (
    Action,
    ChoiceFilter,
    Column,
    Muted,
    Search,
    Tag,
    label_of,
    link_column,
)
from anju.core.models import User
from anju.core.permissions import actor, can, check, require
from anju.fund.models import Account, RefundApplication
from anju.fund.refunds import actions as refunds
from anju.fund.refunds.forms import PayForm, RefundForm
from anju.fund.views import fund_list
from anju.lib.ids import mask_id
from anju.lib.money import capitals

MODULE = "fund"
Status = RefundApplication.Status


@require(MODULE, "view")
def refund_list(request: HttpRequest) -> HttpResponse:
    return fund_list(
        request,
        title=_("Refund applications"),
        heading=format_lazy("{}（{}）", _("Refund applications"), _("demolition")),
        tab="refunds",
        queryset=RefundApplication.objects.select_related("account__unit", "account__project").order_by(
            "-created", "-pk"
        ),
        columns=[
            link_column(_("No."), "pk", "fund:refund", export_label="编号"),
            Column(
                _("Unit code"),
                lambda a: a.account.unit.code if a.account.unit else "",
                "account__unit__code",
                export_label="房屋编码",
            ),
            Column(_("Applicant"), lambda a: a.applicant, "applicant", export_label="申请人"),
            Column(_("Reason"), lambda a: a.reason, export_label="退款原因"),
            Column(_("Status"), lambda a: Tag(label_of(a, "status"), a.status), "status", export_label="状态"),
            Column(
                _("Created"),
                lambda a: a.created,
                "created",
                export_label="申请时间",
                export_value=lambda a: timezone.localtime(a.created).strftime("%Y-%m-%d %H:%M"),
            ),
            # Until paid, the refund is the account's whole balance (shown greyed); the 合计 is what was
            # refunded, so a balance asked for twice (a rejected and a new application) counts nowhere.
            Column(
                _("Amount"),
                lambda a: a.amount if a.amount is not None else Muted(a.account.balance),
                total="amount",
                export_label="金额",
                export_value=refunds.refund_amount,
            ),
        ],
        search=Search(["account__unit__code__istartswith", "applicant__icontains"], _("Unit code or applicant")),
        filters=[ChoiceFilter("status", _("Status"), Status.choices, everything=_("All statuses"))],
        filename="维修资金退款申请",
        sheet="退款申请",
        actions=[Action(_("New refund application"), reverse("fund:refund_create"), "handle")],
        empty=_("No refund applications match."),
    )


@require(MODULE, "handle")
def refund_create(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = RefundForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            with refused(form) as outcome:
                actor: User = request.user  # type: ignore[assignment]
                application = refunds.create_refund(
                    actor,
                    data["unit"],
                    applicant=data["applicant"],
                    reason=data["reason"],
                    payee_bank=data["payee_bank"],
                    payee_account_number=data["payee_account_number"],
                )
            if outcome.ok:
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
            with refused(request) as outcome:
                refunds.pay_refund(
                    actor(request),
                    application,
                    paid_on=pay_form.cleaned_data["paid_on"],
                    bank=pay_form.cleaned_data["bank"],
                )
            if outcome.ok:
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
