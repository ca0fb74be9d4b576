"""Forms of the deposit pages: standards, notices, batches, cancelling, replenishment."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy

from anju.core.pickers import PickerField, PickerWidget
from anju.fund.models import DepositStandard


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
    unit = PickerField("unit", "fund", label=gettext_lazy("Unit"))
    issued_on = forms.DateField(
        label=gettext_lazy("Issued on"),
        required=False,
        widget=_date_input(),
        help_text=gettext_lazy("Empty: today. The standard in force on this day applies."),
    )


class BatchForm(forms.Form):
    FOR_OWNERS = "owners"
    FOR_DEVELOPER = "developer"

    project = PickerField("project", "fund", label=gettext_lazy("Project"))
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


class CancelForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=200)


class ReplenishForm(forms.Form):
    project = PickerField(
        "project",
        "fund",
        label=gettext_lazy("Project"),
        required=False,
        widget=PickerWidget(
            "project",
            "fund",
            attrs={
                "placeholder": gettext_lazy("Project code (empty: all projects)"),
                "aria-label": gettext_lazy("Project code"),
            },
        ),
    )
    issued_on = forms.DateField(label=gettext_lazy("Issued on"), required=False, widget=_date_input())
