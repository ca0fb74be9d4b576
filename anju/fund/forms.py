"""What the fund's forms share: the bank special account a payment is made from."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from anju.fund.models import Account


def special_account_field() -> forms.ModelChoiceField:
    """The open bank special accounts (专户) to pay from."""
    return forms.ModelChoiceField(
        label=_("Paid from"), queryset=Account.objects.filter(kind=Account.Kind.BANK, closed__isnull=True)
    )


def preselect_the_only_bank(form: forms.BaseForm, prompt: str | Promise | None = None) -> None:
    """With one open special account it is chosen already (no empty choice); with several, the empty
    choice reads PROMPT when given."""
    field = form.fields["bank"]
    banks = list(field.queryset[:2])  # type: ignore[attr-defined]
    if len(banks) == 1:
        field.initial = banks[0]
        field.empty_label = None  # type: ignore[attr-defined]
    elif prompt is not None:
        field.empty_label = prompt  # type: ignore[attr-defined]


class BankAccountForm(forms.Form):
    """Opening a special account (number and bank), or renaming one (the number is fixed)."""

    bank_name = forms.CharField(label=_("Bank"), max_length=60)
    number = forms.CharField(label=_("Account number"), max_length=40)
    name = forms.CharField(label=_("Account name"), max_length=120, required=False)
    opened = forms.DateField(label=_("Opened on"), required=False)

    def __init__(self, *args: Any, renaming: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if renaming:
            del self.fields["number"], self.fields["opened"]
            self.fields["name"].required = True
