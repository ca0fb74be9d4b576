"""Forms of the refund pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from anju.core.pickers import PickerField
from anju.fund.forms import preselect_the_only_bank, special_account_field
from anju.fund.models import Account


class RefundForm(forms.Form):
    unit = PickerField("unit", "fund", label=_("Unit"))
    applicant = forms.CharField(label=_("Applicant"), max_length=120)
    reason = forms.CharField(label=_("Reason"), max_length=300, initial="房屋灭失（拆除）")
    payee_bank = forms.CharField(label=_("Payee bank"), max_length=80, required=False)
    payee_account_number = forms.CharField(label=_("Payee account number"), max_length=40, required=False)

    def clean_unit(self) -> Account:
        unit = self.cleaned_data["unit"]
        account = Account.objects.select_related("unit").filter(kind=Account.Kind.UNIT, unit=unit).first()
        if account is None:
            raise forms.ValidationError(_("No unit ledger has this unit code."))
        return account


class PayForm(forms.Form):
    paid_on = forms.DateField(
        label=_("Payment date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    bank = special_account_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        preselect_the_only_bank(self)
