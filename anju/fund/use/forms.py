"""Forms of the use pages: the application and a payment."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from anju.core.pickers import PickerField, PickerWidget
from anju.fund.forms import preselect_the_only_bank, special_account_field
from anju.fund.models import UseApplication, UsePayment
from anju.fund.use import actions as use
from anju.lib.money import round_fen

_AMOUNT_RE = re.compile(r"^(?P<name>.+?)[\s,，:：]+(?P<amount>[\d,]+(?:\.\d+)?)\s*元?$")


class ApplicationForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=UseApplication.Kind.choices)
    title = forms.CharField(label=_("Repair"), max_length=200)
    project = PickerField("project", "fund", label=_("Project"))
    applicant_kind = forms.ChoiceField(label=_("Applicant type"), choices=UseApplication.ApplicantKind.choices)
    applicant_name = forms.CharField(label=_("Applicant"), max_length=120, required=False)
    applicant_enterprise = PickerField(
        "enterprise", "fund", label=_("Applicant enterprise (credit code)"), max_length=18, required=False
    )
    emergency_reason = forms.CharField(
        label=_("Emergency reason"),
        max_length=300,
        required=False,
        help_text=_("Emergency use only: lift failure, roof or pipe leaks, fire facilities, external wall danger."),
    )
    scope_kind = forms.ChoiceField(label=_("Scope"), choices=UseApplication.ScopeKind.choices)
    scope_spec = forms.CharField(
        label=_("Scope details"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Buildings: building numbers (e.g. 1, 2). Range: first and last unit code of one entrance, "
            "separated by ~. Picked units: unit codes, one per line or separated by commas."
        ),
    )
    scope_add = PickerField(
        "unit",
        "fund",
        label=_("Add a unit to the scope"),
        required=False,
        widget=PickerWidget("unit", "fund", append_to="scope_spec"),
        help_text=_(
            "Picked units or a range: type a unit code, the owner's name or initials and click a suggestion; "
            "its code is added to the scope details."
        ),
    )
    items = forms.CharField(
        label=_("Repair items and budget"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One item per line: the item, then its budget in yuan (e.g. 屋面防水 120000.00)."),
    )
    contractor = PickerField("enterprise", "fund", label=_("Contractor (credit code)"), max_length=18, required=False)
    contractor_bank = forms.CharField(label=_("Contractor's bank"), max_length=80, required=False)
    contractor_account_number = forms.CharField(label=_("Contractor's account number"), max_length=40, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        # a unit typed in the helper box but not clicked is added to the scope all the same
        unit = data.get("scope_add")
        if unit is None or "scope_spec" not in data:
            return data
        if data.get("scope_kind") not in (UseApplication.ScopeKind.LIST, UseApplication.ScopeKind.RANGE):
            self.add_error("scope_add", _("Units are added to a scope of picked units or a unit code range."))
        elif unit.code not in re.split(r"[\s,，、;；~～]+", data["scope_spec"]):
            data["scope_spec"] = "\n".join(p for p in (data["scope_spec"].strip(), unit.code) if p)
        return data

    def clean_items(self) -> list[tuple[str, Decimal]]:
        items = []
        for number, line in enumerate(self.cleaned_data["items"].splitlines(), start=1):
            if not line.strip():
                continue
            match = _AMOUNT_RE.match(line.strip())
            try:
                amount = Decimal(match["amount"].replace(",", "")) if match else None
            except InvalidOperation:
                amount = None
            if match is None or amount is None or amount <= 0 or amount != round_fen(amount):
                raise forms.ValidationError(
                    _("Line %(n)s: write the item and then its budget, e.g. 屋面防水 120000.00."), params={"n": number}
                )
            items.append((match["name"].strip(), amount))
        if not items:
            raise forms.ValidationError(_("Enter at least one repair item with its budget."))
        return items

    def data_for(self) -> use.ApplicationData:
        d = self.cleaned_data
        return use.ApplicationData(
            kind=d["kind"],
            title=d["title"],
            project=d["project"],
            applicant_kind=d["applicant_kind"],
            applicant_name=d["applicant_name"],
            applicant_enterprise=d["applicant_enterprise"],
            emergency_reason=d["emergency_reason"],
            scope_kind=d["scope_kind"],
            scope_spec=d["scope_spec"],
            items=d["items"],
            contractor=d["contractor"],
            contractor_bank=d["contractor_bank"],
            contractor_account_number=d["contractor_account_number"],
        )


def initial_data(application: UseApplication) -> dict[str, Any]:
    return {
        "kind": application.kind,
        "title": application.title,
        "project": application.project.code,
        "applicant_kind": application.applicant_kind,
        "applicant_name": application.applicant_name,
        "applicant_enterprise": application.applicant_enterprise.uscc if application.applicant_enterprise else "",
        "emergency_reason": application.emergency_reason,
        "scope_kind": application.scope_kind,
        "scope_spec": application.scope_spec,
        "items": "\n".join(f"{i.name} {i.budget}" for i in application.items.all()),
        "contractor": application.contractor.uscc if application.contractor else "",
        "contractor_bank": application.contractor_bank,
        "contractor_account_number": application.contractor_account_number,
    }


class PayForm(forms.Form):
    kind = forms.ChoiceField(label=_("Payment"), choices=UsePayment.Kind.choices)
    amount = forms.DecimalField(
        label=_("Advance amount"),
        required=False,
        max_digits=14,
        decimal_places=2,
        min_value=Decimal("0.01"),
        help_text=_("For an advance: the amount, or leave empty and give a percentage of the budget."),
    )
    percent = forms.DecimalField(
        label=_("Advance as a percentage of the budget"),
        required=False,
        max_digits=5,
        decimal_places=2,
        min_value=Decimal("0.01"),
    )
    final_cost = forms.DecimalField(
        label=_("Audited final cost"), required=False, max_digits=14, decimal_places=2, min_value=Decimal("0.01")
    )
    value_date = forms.DateField(
        label=_("Payment date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    bank = special_account_field()
    # How many payments the page showed: a second submit of the same form (a double click) finds one
    # more and is refused instead of paying twice.
    expected_payments = forms.IntegerField(label=_("Payments shown"), min_value=0, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        preselect_the_only_bank(self, _("Choose the special account"))
