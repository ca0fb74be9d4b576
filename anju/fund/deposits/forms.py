"""Forms of the deposit pages: standards, notices, batches, cancelling, replenishment."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy

from anju.fund.models import DepositStandard
from anju.registry.models import Project, Unit


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
