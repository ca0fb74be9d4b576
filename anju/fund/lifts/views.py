"""Pages of the lift insurance pilot: lifts per building, policies with premium payments, claims, progress."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anju.core.errors import refused
from anju.core.links import reverse
from anju.core.listing import (
    ChoiceFilter,
    Column,
    HiddenFilter,
    ListPage,
    Search,
    Tag,
    label_of,
    link_column,
    valid_int,
)
from anju.core.permissions import actor, check, require
from anju.core.pickers import PickerField, PickerWidget
from anju.fund.lifts import actions, queries, rules
from anju.fund.lifts.models import Claim, Insurer, Lift, Policy
from anju.fund.models import Account

MODULE = "fund"
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class LiftForm(forms.Form):
    building = PickerField("building", "fund", label=_("Building"))
    registration_code = forms.CharField(label=_("Registration code"), max_length=20)
    entrance = forms.CharField(label=_("Entrance"), max_length=10, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["building_obj"] = data.get("building")
        return data


class PolicyForm(forms.Form):
    number = forms.CharField(label=_("Policy number"), max_length=40)
    insurer = forms.ModelChoiceField(label=_("Insurer"), queryset=Insurer.objects.select_related("enterprise"))
    lifts = forms.CharField(
        label=_("Lift registration codes"), widget=forms.Textarea(attrs={"rows": 4}), help_text=_("One per line.")
    )
    lift_add = PickerField(
        "lift",
        "fund",
        label=_("Add a lift"),
        required=False,
        widget=PickerWidget("lift", "fund", append_to="lifts"),
        help_text=_("Type a registration code or a project's name and click a suggestion: its code is added above."),
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

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        # a lift typed in the helper box but not clicked is covered all the same
        lift, lifts = data.get("lift_add"), data.get("lifts")
        if lift is not None and lifts is not None and lift not in lifts:
            lifts.append(lift)
        return data


class PayForm(forms.Form):
    paid_on = forms.DateField(label=_("Paid on"), widget=DATE)
    bank = forms.ModelChoiceField(
        label=_("Bank special account"), queryset=Account.objects.filter(kind=Account.Kind.BANK, closed__isnull=True)
    )


class ClaimForm(forms.Form):
    lift = PickerField("lift", "fund", label=_("Lift registration code"), max_length=20)
    date = forms.DateField(label=_("Date"), widget=DATE)
    fault = forms.CharField(label=_("Fault"), max_length=300)
    amount = forms.DecimalField(label=_("Amount claimed"), max_digits=14, decimal_places=2, min_value=Decimal("0.01"))


def _list(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    """A lift pilot list: the fund's and the pilot's breadcrumbs and the pilot's tabs."""
    crumbs = [(_("Maintenance fund"), reverse("fund:home")), (_("Lift insurance pilot"), reverse("lifts:progress"))]
    return ListPage(module=MODULE, crumbs=crumbs, tabs="lifts/_tabs.html", **kwargs).render(request)


def _signed_in(lifts: QuerySet[Lift], year: int) -> QuerySet[Lift]:
    year = min(max(year, queries.YEARS[0]), queries.YEARS[1])
    return lifts.filter(pk__in=queries.signed_lifts(year).values("pk"))


@require(MODULE, "view")
def lift_list(request: HttpRequest) -> HttpResponse:
    form = LiftForm(request.POST or None)
    if request.method == "POST":
        check(request.user, MODULE, "handle")
        if form.is_valid():
            with refused(form) as outcome:
                actions.register_lift(
                    actor(request),
                    form.cleaned_data["building_obj"],
                    registration_code=form.cleaned_data["registration_code"],
                    entrance=form.cleaned_data["entrance"],
                )
            if outcome.ok:
                messages.success(request, _("Lift registered."))
                return redirect("lifts:lifts")
    insured = {"yes": Q(policy_count__gt=0), "no": Q(policy_count=0)}
    return _list(
        request,
        title=_("Lift register"),
        tab="lifts",
        template="lifts/lift_list.html",
        context={"form": form},
        queryset=Lift.objects.select_related("building__project")
        .annotate(policy_count=Count("policies"))
        .order_by("building__project__code", "building__number", "registration_code"),
        columns=[
            Column(
                _("Registration code"),
                lambda lift: lift.registration_code,
                "registration_code",
                export_label="注册代码",
            ),
            Column(
                _("Project"), lambda lift: lift.building.project.name, "building__project__name", export_label="项目"
            ),
            Column(
                _("Building"),
                lambda lift: lift.building.number,
                "building__number",
                export_label="幢号",
                export_value=lambda lift: f"{lift.building.number}栋",
            ),
            Column(_("Entrance"), lambda lift: lift.entrance, "entrance", export_label="单元"),
            Column(_("Policies"), lambda lift: lift.policy_count, "policy_count", export_label="保险合同数"),
        ],
        search=Search(
            ["registration_code__startswith", "building__project__name__icontains", "building__project__code"],
            _("Registration code, project name or code"),
        ),
        filters=[
            ChoiceFilter(
                "insured",
                _("Insured"),
                [("yes", _("Insured")), ("no", _("Not insured"))],
                apply=lambda qs, value: qs.filter(insured[value]),
                everything=_("All lifts"),
            ),
            HiddenFilter(
                "signed",
                _signed_in,
                valid_int,
                tag=lambda year: _("signed in %(year)s") % {"year": year},
            ),
        ],
        filename="电梯登记",
        sheet="电梯",
        empty=_("No lifts match."),
        table_id="lift-list",
    )


@require(MODULE, "view")
def policy_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    form = PolicyForm(request.POST or None, initial={"signed_on": today})
    if request.method == "POST":
        check(request.user, MODULE, "handle")
        if form.is_valid():
            data = form.cleaned_data
            with refused(form) as outcome:
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
            if outcome.ok:
                messages.success(request, _("Policy signed."))
                return redirect("lifts:policy", policy.pk)
    by_status = {
        rules.SIGNED: Q(start__gt=today),
        rules.ACTIVE: Q(start__lte=today, end__gte=today),
        rules.EXPIRED: Q(end__lt=today),
    }

    def search(policies: QuerySet[Policy], q: str) -> QuerySet[Policy]:
        # Through a subquery: joining the lifts here would multiply the rows the count annotates.
        by_project = Policy.objects.filter(lifts__building__project__name__icontains=q).values("pk")
        return policies.filter(Q(number__icontains=q) | Q(pk__in=by_project))

    return _list(
        request,
        title=_("Lift insurance policies"),
        tab="policies",
        template="lifts/policy_list.html",
        context={"form": form},
        queryset=Policy.objects.select_related("insurer__enterprise")
        .annotate(lift_count=Count("lifts"))
        .order_by("-signed_on", "number"),
        columns=[
            link_column(_("Policy number"), "number", "lifts:policy", export_label="合同号"),
            Column(_("Insurer"), lambda p: str(p.insurer), "insurer__enterprise__name", export_label="保险公司"),
            Column(_("Lifts"), lambda p: p.lift_count, "lift_count", export_label="电梯台数"),
            Column(_("Signed on"), lambda p: p.signed_on, "signed_on", export_label="签约日期"),
            Column(_("Term"), lambda p: f"{p.start:%Y-%m-%d} – {p.end:%Y-%m-%d}", "start", export=False),
            Column("", lambda p: p.start, page=False, export_label="起保日期"),
            Column("", lambda p: p.end, page=False, export_label="终保日期"),
            Column(_("Premium"), lambda p: p.premium, "premium", total=True, export_label="保费"),
            Column(_("Cover amount"), lambda p: p.cover, "cover", total=True, export_label="保险金额"),
            Column(
                _("Status"),
                lambda p: Tag(label_of(p, "status"), p.status),
                export_label="状态",
                export_value=lambda p: label_of(p, "status"),
            ),
        ],
        search=Search(hint=_("Policy number or project"), apply=search),
        filters=[
            ChoiceFilter(
                "status",
                _("Status"),
                Policy.Status.choices,
                apply=lambda qs, value: qs.filter(by_status[value]),
                everything=_("All statuses"),
            )
        ],
        filename="电梯维修保险合同",
        sheet="电梯保险合同",
        empty=_("No policies match."),
        table_id="policy-list",
    )


@require(MODULE, "view")
def policy_detail(request: HttpRequest, pk: int) -> HttpResponse:
    policy = get_object_or_404(Policy.objects.select_related("insurer__enterprise"), pk=pk)
    form = PayForm(request.POST or None, initial={"paid_on": timezone.localdate()})
    if request.method == "POST":
        check(request.user, MODULE, "handle")
        if form.is_valid():
            with refused(request) as outcome:
                payment = actions.pay_premium(
                    actor(request), policy, paid_on=form.cleaned_data["paid_on"], bank=form.cleaned_data["bank"]
                )
            if outcome.ok:
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
    if request.method == "POST" and request.POST.get("settle"):
        check(request.user, MODULE, "handle")
        return _settle(request)
    form = ClaimForm(request.POST or None, initial={"date": timezone.localdate()})
    if request.method == "POST":
        check(request.user, MODULE, "handle")
        if form.is_valid():
            data = form.cleaned_data
            with refused(form) as outcome:
                actions.report_claim(
                    actor(request), data["lift"], date=data["date"], fault=data["fault"], amount=data["amount"]
                )
            if outcome.ok:
                messages.success(request, _("Claim reported."))
                return redirect("lifts:claims")
    return _list(
        request,
        title=_("Claims"),
        tab="claims",
        template="lifts/claim_list.html",
        context={"form": form},
        queryset=Claim.objects.select_related("lift__building__project", "policy").order_by("-date", "-pk"),
        columns=[
            Column("", lambda c: c.lift.registration_code, page=False, export_label="注册代码"),
            Column(_("Date"), lambda c: c.date, "date", export=False),
            Column(_("Lift"), lambda c: str(c.lift), "lift__registration_code", export=False),
            Column(
                _("Project"),
                lambda c: c.lift.building.project.name,
                "lift__building__project__name",
                export_label="项目",
            ),
            Column("", lambda c: c.date, page=False, export_label="日期"),
            Column(_("Fault"), lambda c: c.fault, export_label="故障"),
            Column(_("Amount claimed"), lambda c: c.amount, "amount", total=True, export_label="报案金额"),
            Column(
                _("Status"),
                lambda c: label_of(c, "status"),
                "status",
                export_label="状态",
                template="lifts/_claim_status.html",
            ),
            Column(_("Amount paid"), lambda c: c.paid_amount, "paid_amount", total=True, export_label="赔付金额"),
        ],
        filters=[ChoiceFilter("status", _("Status"), Claim.Status.choices, everything=_("All statuses"))],
        filename="电梯保险理赔",
        sheet="理赔",
        empty=_("No claims match."),
        table_id="claim-list",
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
    with refused(request) as outcome:
        actions.settle_claim(actor(request), claim, paid_amount=paid)
    if outcome.ok:
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
