"""Home-purchase subsidies' forms."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from anju.subsidy.models import Program, RuleVersion

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MONEY: dict[str, Any] = {"max_digits": 12, "decimal_places": 2}


class ApplicationForm(forms.Form):
    program = forms.ModelChoiceField(Program.objects.all(), label=_("Subsidy program"), empty_label=None)
    buyer_name = forms.CharField(label=_("Buyer's name"), max_length=60)
    buyer_id = forms.CharField(label=_("Buyer's ID number"), max_length=18)
    co_buyer_ids = forms.CharField(
        label=_("Co-buyers' ID numbers"),
        max_length=200,
        required=False,
        help_text=_("Several separated by ； or ;"),
    )
    address = forms.CharField(label=_("Home address"), max_length=200)
    unit_code = forms.CharField(label=_("Real estate unit number"), max_length=40)
    area = forms.DecimalField(label=_("Floor area (m²)"), max_digits=10, decimal_places=2)
    contract_number = forms.CharField(label=_("Contract filing number"), max_length=40)
    contract_date = forms.DateField(label=_("Contract signed on"), widget=DATE)
    price = forms.DecimalField(label=_("Total price"), **MONEY)
    tax_voucher = forms.CharField(label=_("Deed tax voucher number"), max_length=40)
    deed_tax = forms.DecimalField(label=_("Deed tax paid"), **MONEY)
    payee_name = forms.CharField(label=_("Payee"), max_length=60)
    payee_account = forms.CharField(label=_("Payee account"), max_length=40)
    payee_bank = forms.CharField(label=_("Payee bank"), max_length=80)
    applied_on = forms.DateField(label=_("Applied on"), widget=DATE)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300, widget=forms.Textarea(attrs={"rows": 2}))


class ObjectionForm(forms.Form):
    text = forms.CharField(label=_("Objection"), max_length=300, widget=forms.Textarea(attrs={"rows": 2}))


class PayeeForm(forms.Form):
    payee_name = forms.CharField(label=_("Payee"), max_length=60)
    payee_account = forms.CharField(label=_("Payee account"), max_length=40)
    payee_bank = forms.CharField(label=_("Payee bank"), max_length=80)
    reason = forms.CharField(label=_("Reason"), max_length=300)


class BatchForm(forms.Form):
    program = forms.ModelChoiceField(Program.objects.all(), label=_("Subsidy program"), empty_label=None)
    formed_on = forms.DateField(label=_("Batch formed on"), widget=DATE)


class RecoveryForm(forms.Form):
    amount = forms.DecimalField(label=_("Amount recovered on the clawback"), min_value=Decimal("0.01"), **MONEY)


class ProgramForm(forms.Form):
    code = forms.SlugField(label=_("Program code"), max_length=40)
    name = forms.CharField(label=_("Program name"), max_length=120)
    document = forms.CharField(label=_("Policy document"), max_length=120, required=False)
    agencies = forms.CharField(label=_("Issuing agencies"), max_length=120, required=False)
    area = forms.CharField(label=_("Subsidy area"), max_length=60, required=False)
    window_from = forms.DateField(label=_("Contracts signed from"), widget=DATE)
    window_to = forms.DateField(label=_("Contracts signed until"), widget=DATE)
    home_types = forms.CharField(
        label=_("Eligible home types"), max_length=120, initial="住宅", help_text=_("Several separated by ；or ;")
    )
    one_claim = forms.BooleanField(label=_("One claim per household"), required=False, initial=True)
    appeal_days = forms.IntegerField(label=_("Days to appeal a refusal"), min_value=1, max_value=365, initial=60)


class RuleForm(forms.Form):
    effective_from = forms.DateField(label=_("Effective from"), widget=DATE)
    kind = forms.ChoiceField(label=_("Amount rule"), choices=RuleVersion.Kind.choices)
    rate = forms.DecimalField(
        label=_("Rate (percent or yuan per m²)"), max_digits=9, decimal_places=4, required=False, min_value=0
    )
    fixed = forms.DecimalField(label=_("Fixed amount"), required=False, min_value=0, **MONEY)
    cap = forms.DecimalField(label=_("Cap"), required=False, min_value=0, **MONEY)
    source = forms.CharField(label=_("Source clause"), max_length=200, required=False)
