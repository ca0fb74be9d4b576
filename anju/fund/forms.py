"""What the fund's forms share: the bank special account a payment is made from."""

from __future__ import annotations

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
