from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from anju.performance import narrative
from anju.performance.models import Asset, BudgetLine, Indicator, SpecialFund


def _money(label: Any, required: bool = True) -> forms.DecimalField:
    return forms.DecimalField(label=label, max_digits=16, decimal_places=2, required=required, min_value=0)


class BudgetLineForm(forms.Form):
    section = forms.ChoiceField(label=_("Section"), choices=BudgetLine.Section.choices)
    name = forms.CharField(label=_("Item"), max_length=100)
    initial = _money(_("Initial budget (yuan)"))  # type: ignore[assignment]
    final = _money(_("Full-year budget (yuan)"))
    executed = _money(_("Executed (yuan)"))
    prior_year = _money(_("Prior-year actual (yuan)"))
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
    order = forms.IntegerField(label=_("Order"), min_value=0, initial=0)


class SpecialFundForm(forms.Form):
    name = forms.CharField(label=_("Special fund"), max_length=100)
    key = forms.ChoiceField(
        label=_("KPI key"),
        required=False,
        choices=[("", "不关联指标"), *SpecialFund.KEYS.items()],
        help_text="关联后，该专项的使用率计入对应的绩效指标",
    )
    budget = _money(_("Budget (yuan)"))
    used = _money(_("Used (yuan)"))
    balance = _money(_("Balance (yuan)"))
    in_department_budget = forms.BooleanField(label=_("In the department's budget"), required=False, initial=True)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class StaffingForm(forms.Form):
    posts = forms.IntegerField(label=_("Posts"), min_value=0)
    staff = forms.IntegerField(label=_("Staff in post"), min_value=0)
    reported_control_rate = forms.DecimalField(
        label=_("Control rate as filed (%)"), max_digits=6, decimal_places=2, required=False
    )


class AssetForm(forms.Form):
    code = forms.CharField(label=_("Asset code"), max_length=40)
    name = forms.CharField(label=_("Name"), max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=Asset.Kind.choices)
    category = forms.CharField(label=_("Asset category"), max_length=60, required=False)
    value = _money(_("Value (yuan)"))
    department = forms.CharField(label=_("Department"), max_length=60, required=False)
    custodian = forms.CharField(label=_("Custodian"), max_length=60, required=False)
    acquired_on = forms.DateField(label=_("Acquired on"), widget=forms.DateInput(attrs={"type": "date"}))


class TransferForm(forms.Form):
    department = forms.CharField(label=_("Department"), max_length=60)
    custodian = forms.CharField(label=_("Custodian"), max_length=60)


class DisposalForm(forms.Form):
    reason = forms.CharField(label=_("Reason for disposal"), max_length=300, widget=forms.Textarea(attrs={"rows": 2}))


class DecisionForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class IndicatorForm(forms.Form):
    level1 = forms.CharField(label=_("Level 1"), max_length=60)
    level1_weight = forms.DecimalField(label=_("Level 1 weight"), max_digits=5, decimal_places=2, min_value=0)
    level2 = forms.CharField(label=_("Level 2"), max_length=60)
    name = forms.CharField(label=_("Level 3"), max_length=120, required=False)
    weight = forms.DecimalField(label=_("Weight"), max_digits=5, decimal_places=2, min_value=0)
    operator = forms.ChoiceField(label=_("Operator"), choices=Indicator.Operator.choices)
    target = forms.DecimalField(label=_("Target"), max_digits=16, decimal_places=2, required=False)
    target_text = forms.CharField(label=_("Target as written"), max_length=60, required=False)
    unit = forms.CharField(label=_("Unit of measure"), max_length=20, required=False)
    kpi_code = forms.CharField(label=_("Bound KPI"), max_length=60, required=False)
    kpi_scale = forms.DecimalField(
        label=_("KPI divisor"),
        max_digits=12,
        decimal_places=0,
        min_value=1,
        initial=1,
        help_text=_("10000 shows a KPI in yuan as 万元"),
    )
    actual = forms.DecimalField(label=_("Actual (manual)"), max_digits=16, decimal_places=2, required=False)
    actual_text = forms.CharField(label=_("Actual as written"), max_length=60, required=False)
    band = forms.ChoiceField(label=_("Qualitative band"), choices=[("", "—"), *Indicator.Band.choices], required=False)
    band_score = forms.DecimalField(
        label=_("Share of weight in band (%)"), max_digits=5, decimal_places=2, required=False
    )
    override_score = forms.DecimalField(
        label=_("Evaluator's score"), max_digits=5, decimal_places=2, required=False, min_value=0
    )
    override_reason = forms.CharField(
        label=_("Reason for the evaluator's score"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    deviation_note = forms.CharField(
        label=_("Deviation and improvement"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    order = forms.IntegerField(label=_("Order"), min_value=0, initial=0)

    def clean(self) -> dict:
        data = super().clean() or {}
        if data.get("override_score") is not None and not (data.get("override_reason") or "").strip():
            self.add_error("override_reason", _("An evaluator's score needs a written reason."))
        return data


class NarrativeForm(forms.Form):
    text = forms.CharField(label=_("Text"), required=False, widget=forms.Textarea(attrs={"rows": 10}))

    def clean_text(self) -> str:
        text: str = self.cleaned_data.get("text") or ""
        problems = narrative.validate(text)
        if problems:
            raise forms.ValidationError(problems)
        return text


class FacilityControlForm(forms.Form):
    approved_area = forms.DecimalField(label=_("Approved area (m²)"), max_digits=12, decimal_places=2, min_value=0)
    actual_area = forms.DecimalField(label=_("Actual area (m²)"), max_digits=12, decimal_places=2, min_value=0)
    budget_investment = _money(_("Budgeted investment (yuan)"))
    actual_investment = _money(_("Actual investment (yuan)"))
