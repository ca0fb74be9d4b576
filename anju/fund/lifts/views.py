"""Pages of the lift insurance pilot: lifts per building, policies with premium payments, claims, progress."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anju.core.listing import export_xlsx, paginate, querystring_without_page
from anju.core.permissions import actor, check, require
from anju.fund.lifts import actions, queries, rules
from anju.fund.lifts.models import Claim, Insurer, Lift, Policy
from anju.fund.models import Account
from anju.registry.models import Building

MODULE = "fund"
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class LiftForm(forms.Form):
    project = forms.CharField(label=_("Project code"), max_length=20)
    building = forms.CharField(label=_("Building number"), max_length=20)
    registration_code = forms.CharField(label=_("Registration code"), max_length=20)
    entrance = forms.CharField(label=_("Entrance"), max_length=10, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        building = Building.objects.filter(
            project__code=data.get("project", "").strip(), number=data.get("building", "").strip()
        ).first()
        if building is None:
            raise ValidationError(_("No building has this project code and number."))
        data["building_obj"] = building
        return data


class PolicyForm(forms.Form):
    number = forms.CharField(label=_("Policy number"), max_length=40)
    insurer = forms.ModelChoiceField(label=_("Insurer"), queryset=Insurer.objects.select_related("enterprise"))
    lifts = forms.CharField(
        label=_("Lift registration codes"), widget=forms.Textarea(attrs={"rows": 4}), help_text=_("One per line.")
    )
    signed_on = forms.DateField(label=_("Signed on"), widget=DATE)
    start = forms.DateField(label=_("Term start"), widget=DATE)
    end = forms.DateField(label=_("Term end"), widget=DATE)
    premium = forms.DecimalField(label=_("Premium"), max_digits=14, decimal_places=2, min_value=Decimal("0.01"))
    cover = forms.DecimalField(label=_("Cover amount"), max_digits=14, decimal_places=2, min_value=Decimal("0.01"))

    def clean_lifts(self) -> list[Lift]:
        codes = [c.strip() for c in self.cleaned_data["lifts"].split() if c.strip()]
        lifts = list(Lift.objects.filter(registration_code__in=codes))
        missing = sorted(set(codes) - {lift.registration_code for lift in lifts})
        if missing:
            raise ValidationError(_("Unknown lifts: %(codes)s") % {"codes": "、".join(missing[:10])})
        return lifts


class PayForm(forms.Form):
    paid_on = forms.DateField(label=_("Paid on"), widget=DATE)
    bank = forms.ModelChoiceField(
        label=_("Bank special account"), queryset=Account.objects.filter(kind=Account.Kind.BANK, closed__isnull=True)
    )


class ClaimForm(forms.Form):
    lift = forms.CharField(label=_("Lift registration code"), max_length=20)
    date = forms.DateField(label=_("Date"), widget=DATE)
    fault = forms.CharField(label=_("Fault"), max_length=300)
    amount = forms.DecimalField(label=_("Amount claimed"), max_digits=14, decimal_places=2, min_value=Decimal("0.01"))

    def clean_lift(self) -> Lift:
        lift = Lift.objects.filter(registration_code=self.cleaned_data["lift"].strip()).first()
        if lift is None:
            raise ValidationError(_("No lift has this registration code."))
        return lift


@require(MODULE, "view")
def lift_list(request: HttpRequest) -> HttpResponse:
    lifts = Lift.objects.select_related("building__project").annotate(policy_count=Count("policies"))
    lifts = lifts.order_by("building__project__code", "building__number", "registration_code")
    q = request.GET.get("q", "").strip()
    if q:
        lifts = lifts.filter(
            Q(registration_code__startswith=q) | Q(building__project__name__icontains=q) | Q(building__project__code=q)
        )
    insured = request.GET.get("insured", "")
    if insured == "yes":
        lifts = lifts.filter(policy_count__gt=0)
    elif insured == "no":
        lifts = lifts.filter(policy_count=0)
    signed = request.GET.get("signed", "")
    if signed.isdigit():
        year = min(max(int(signed), queries.YEARS[0]), queries.YEARS[1])
        lifts = lifts.filter(pk__in=queries.signed_lifts(year).values("pk"))
    if request.GET.get("export") == "xlsx":
        check(request.user, MODULE, "export")
        rows = (
            [
                lift.registration_code,
                lift.building.project.name,
                f"{lift.building.number}栋",
                lift.entrance,
                lift.policy_count,
            ]
            for lift in lifts.iterator(chunk_size=2000)
        )
        return export_xlsx(
            request,
            filename="电梯登记.xlsx",
            title="电梯",
            headers=["注册代码", "项目", "幢号", "单元", "保险合同数"],
            rows=rows,
        )
    form = LiftForm(request.POST or None)
    if request.method == "POST":
        check(request.user, MODULE, "handle")
        if form.is_valid():
            try:
                actions.register_lift(
                    actor(request),
                    form.cleaned_data["building_obj"],
                    registration_code=form.cleaned_data["registration_code"],
                    entrance=form.cleaned_data["entrance"],
                )
            except actions.LiftError as exc:
                form.add_error("registration_code", str(exc))
            else:
                messages.success(request, _("Lift registered."))
                return redirect("lifts:lifts")
    return render(
        request,
        "lifts/lift_list.html",
        {
            "page": paginate(request, lifts),
            "qs": querystring_without_page(request),
            "filters": request.GET,
            "form": form,
        },
    )


@require(MODULE, "view")
def policy_list(request: HttpRequest) -> HttpResponse:
    policies = Policy.objects.select_related("insurer__enterprise").annotate(lift_count=Count("lifts"))
    q = request.GET.get("q", "").strip()
    if q:
        # Through a subquery: joining the lifts here would multiply the rows the count annotates.
        by_project = Policy.objects.filter(lifts__building__project__name__icontains=q).values("pk")
        policies = policies.filter(Q(number__icontains=q) | Q(pk__in=by_project))
    today = timezone.localdate()
    status = request.GET.get("status", "")
    if status == rules.SIGNED:
        policies = policies.filter(start__gt=today)
    elif status == rules.ACTIVE:
        policies = policies.filter(start__lte=today, end__gte=today)
    elif status == rules.EXPIRED:
        policies = policies.filter(end__lt=today)
    if request.GET.get("export") == "xlsx":
        check(request.user, MODULE, "export")
        rows = (
            [
                p.number,
                str(p.insurer),
                p.lift_count,
                p.signed_on,
                p.start,
                p.end,
                p.premium,
                p.cover,
                p.get_status_display(),
            ]
            for p in policies
        )
        return export_xlsx(
            request,
            filename="电梯维修保险合同.xlsx",
            title="电梯保险合同",
            headers=["合同号", "保险公司", "电梯台数", "签约日期", "起保日期", "终保日期", "保费", "保险金额", "状态"],
            rows=rows,
        )
    form = PolicyForm(request.POST or None, initial={"signed_on": today})
    if request.method == "POST":
        check(request.user, MODULE, "handle")
        if form.is_valid():
            data = form.cleaned_data
            try:
                policy = actions.sign_policy(
                    actor(request),
                    number=data["number"],
                    insurer=data["insurer"],
                    lifts=data["lifts"],
                    signed_on=data["signed_on"],
                    start=data["start"],
                    end=data["end"],
                    premium=data["premium"],
                    cover=data["cover"],
                )
            except actions.LiftError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Policy signed."))
                return redirect("lifts:policy", policy.pk)
    return render(
        request,
        "lifts/policy_list.html",
        {
            "page": paginate(request, policies.order_by("-signed_on", "number")),
            "qs": querystring_without_page(request),
            "filters": request.GET,
            "statuses": Policy.Status.choices,
            "form": form,
        },
    )


@require(MODULE, "view")
def policy_detail(request: HttpRequest, pk: int) -> HttpResponse:
    policy = get_object_or_404(Policy.objects.select_related("insurer__enterprise"), pk=pk)
    form = PayForm(request.POST or None, initial={"paid_on": timezone.localdate()})
    if request.method == "POST":
        check(request.user, MODULE, "handle")
        if form.is_valid():
            try:
                payment = actions.pay_premium(
                    actor(request), policy, paid_on=form.cleaned_data["paid_on"], bank=form.cleaned_data["bank"]
                )
            except actions.LiftError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(
                    request,
                    _("Premium %(amount)s paid (entry #%(seq)s).")
                    % {"amount": payment.amount, "seq": payment.entry.seq},
                )
            return redirect("lifts:policy", pk)
    paid = actions.premium_paid(policy)
    return render(
        request,
        "lifts/policy_detail.html",
        {
            "policy": policy,
            "lifts": policy.lifts.select_related("building__project").order_by("registration_code"),
            "payments": policy.payments.select_related("entry").order_by("paid_on", "pk"),
            "claims": policy.claims.select_related("lift").order_by("date", "pk"),
            "paid": paid,
            "due": policy.premium - paid,
            "form": form,
        },
    )


@require(MODULE, "view")
def claim_list(request: HttpRequest) -> HttpResponse:
    claims = Claim.objects.select_related("lift__building__project", "policy").order_by("-date", "-pk")
    status = request.GET.get("status", "")
    if status in Claim.Status.values:
        claims = claims.filter(status=status)
    if request.GET.get("export") == "xlsx":
        check(request.user, MODULE, "export")
        rows = (
            [
                c.lift.registration_code,
                c.lift.building.project.name,
                c.date,
                c.fault,
                c.amount,
                c.get_status_display(),
                c.paid_amount,
            ]
            for c in claims
        )
        return export_xlsx(
            request,
            filename="电梯保险理赔.xlsx",
            title="理赔",
            headers=["注册代码", "项目", "日期", "故障", "报案金额", "状态", "赔付金额"],
            rows=rows,
        )
    if request.method == "POST" and request.POST.get("settle"):
        check(request.user, MODULE, "handle")
        return _settle(request)
    form = ClaimForm(request.POST or None, initial={"date": timezone.localdate()})
    if request.method == "POST":
        check(request.user, MODULE, "handle")
        if form.is_valid():
            data = form.cleaned_data
            try:
                actions.report_claim(
                    actor(request), data["lift"], date=data["date"], fault=data["fault"], amount=data["amount"]
                )
            except actions.LiftError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Claim reported."))
                return redirect("lifts:claims")
    return render(
        request,
        "lifts/claim_list.html",
        {
            "page": paginate(request, claims),
            "qs": querystring_without_page(request),
            "filters": request.GET,
            "statuses": Claim.Status.choices,
            "form": form,
        },
    )


def _settle(request: HttpRequest) -> HttpResponse:
    """The insurer's decision on a reported claim: paid (with the amount) or rejected."""
    claim = get_object_or_404(Claim.objects.select_related("policy"), pk=request.POST.get("settle"))
    paid: Decimal | None = None
    if request.POST.get("decision") == "paid":
        try:
            paid = Decimal(request.POST.get("paid_amount", "").strip())
        except ArithmeticError:
            paid = None
        if paid is None or not paid.is_finite():
            messages.error(request, _("Enter the amount paid."))
            return redirect("lifts:claims")
    try:
        actions.settle_claim(actor(request), claim, paid_amount=paid)
    except actions.LiftError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Claim settled."))
    return redirect("lifts:claims")


@require(MODULE, "view")
def progress(request: HttpRequest) -> HttpResponse:
    """The pilot's progress: lifts signed up over time against the targets."""
    data = queries.progress(timezone.localdate())
    by_project = (
        Lift.objects.filter(policies__isnull=False)
        .values("building__project__name")
        .annotate(lifts=Count("pk", distinct=True))
        .order_by("-lifts")
    )
    return render(request, "lifts/progress.html", {"progress": data, "by_project": by_project})
