"""The form of a bank file profile (`anju.core.bankfile`)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from anju.core.bankfile import FILE_TYPES, PROFILE_FIELDS
from anju.core.models import BankProfile
from anju.lib.tabular import DATE_FORMATS


class BankProfileForm(forms.ModelForm):
    date_formats = forms.MultipleChoiceField(
        label=_("Date formats"),
        choices=[(fmt, example) for fmt, example in DATE_FORMATS.items()],
        widget=forms.CheckboxSelectMultiple,
    )
    file_types = forms.MultipleChoiceField(
        label=_("File types"), choices=[(t, t) for t in FILE_TYPES], widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = BankProfile
        fields = ["code", *PROFILE_FIELDS]
        help_texts = {
            "skip_rows": _("Title rows the bank prints above the header row."),
            "skip_footer": _("Rows at the end not to read, such as 合计."),
            "strict": _("Refuse a file with columns other than those named here."),
            "amount_column": _("One amount column: positive is money in, negative money out."),
            "direction_column": _("With an unsigned amount: the column saying 借 or 贷."),
            "credit_marks": _("The marks in the direction column that mean money in, separated by commas."),
            "debit_marks": _("The marks in the direction column that mean money out, separated by commas."),
            "debit_column": _("Or two columns: money out and money in."),
            "reference_column": _(
                "Where the payer writes the unit code or the lease number (用途, 附言); "
                "empty: the import's own column (房屋编码, 合同编号)."
            ),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["code"].disabled = True

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        split = bool(data.get("debit_column")) or bool(data.get("credit_column"))
        if split and not (data.get("debit_column") and data.get("credit_column")):
            self.add_error("credit_column", _("Name both the debit and the credit column."))
        if split == bool(data.get("amount_column")):
            self.add_error("amount_column", _("Name either one amount column or the debit and credit columns."))
        if data.get("direction_column") and not data.get("credit_marks"):
            self.add_error("credit_marks", _("Say which marks mean money in."))
        if data.get("direction_column") and not data.get("debit_marks"):
            self.add_error("debit_marks", _("Say which marks mean money out."))
        return data
