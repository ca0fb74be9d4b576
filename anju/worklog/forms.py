"""Forms of the work records' pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from anju.worklog import rules

KIND_CHOICES = [(k.code, k.name) for k in rules.KINDS]
TOPIC_CHOICES = list(rules.TOPICS.items())


class RecordForm(forms.Form):
    category = forms.ChoiceField(label=_("Work record category"), choices=KIND_CHOICES)
    line = forms.ChoiceField(label=_("Business line or topic"), choices=TOPIC_CHOICES)
    held_on = forms.DateField(label=_("Date of the record"), widget=forms.DateInput(attrs={"type": "date"}))
    title = forms.CharField(label=_("Title"), max_length=200)
    quantity = forms.IntegerField(
        label=_("Quantity (persons or enterprises)"), min_value=0, initial=0, required=False,
        help_text=_("人次 for talks and visits, 家 for enterprises, 名 for participants; 0 where the kind counts none"),
    )  # fmt: skip
    result = forms.CharField(label=_("Result"), max_length=40, required=False)
    rank = forms.IntegerField(label=_("Rank"), min_value=1, required=False)
    rank_of = forms.IntegerField(label=_("Out of"), min_value=1, required=False)
    document = forms.CharField(label=_("Document number"), max_length=60, required=False)
    attendees = forms.CharField(label=_("Attendees"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    minutes = forms.CharField(label=_("Minutes"), widget=forms.Textarea(attrs={"rows": 4}), required=False)


class CorrectForm(RecordForm):
    """The same fields without the kind (a record keeps its kind)."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        del self.fields["category"]
