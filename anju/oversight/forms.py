"""The forms of rectification's pages: an inspection, its decomposition notice, a finding, a task, a progress
entry, a sign-off step, and a deployment meeting."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from anju.core.models import User
from anju.oversight import links
from anju.oversight.models import Finding, FindingLink, Inspection, Task

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _day(label: Any, required: bool = True) -> forms.DateField:
    return forms.DateField(label=label, widget=DATE, required=required)


class InspectionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Inspection kind"), choices=Inspection.Kind.choices)
    title = forms.CharField(label=_("Inspection title"), max_length=200)
    body = forms.CharField(label=_("Issuing body"), max_length=120, required=False)
    entered_on = _day(_("Entered on"), required=False)
    feedback_on = _day(_("Feedback on"))
    report_due = _day(_("Report-back due"), required=False)


class DecompositionForm(forms.Form):
    number = forms.CharField(label=_("Task decomposition document number"), max_length=60)
    issued_on = _day(_("Task decomposition issued on"))


class FindingForm(forms.Form):
    text = forms.CharField(label=_("Finding"), widget=forms.Textarea(attrs={"rows": 2}))
    area = forms.ChoiceField(label=_("Area"), choices=Finding.Area.choices)
    origin = forms.ChoiceField(label=_("Origin"), choices=Finding.Origin.choices)
    severity = forms.ChoiceField(label=_("Severity"), choices=Finding.Severity.choices)


class TaskForm(forms.Form):
    kind = forms.ChoiceField(label=_("Rectification kind"), choices=Task.Kind.choices)
    unit = forms.CharField(label=_("Responsible unit"), max_length=60, required=False)
    owner = forms.ModelChoiceField(label=_("Responsible person"), queryset=User.objects.filter(is_active=True),
                                   required=False)  # fmt: skip
    target = forms.CharField(label=_("Rectification target"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    assigned_on = _day(_("Assigned on"))
    deadline = _day(_("Rectification deadline"), required=False)
    interim_deadline = _day(_("Interim progress deadline"), required=False)


class LinkForm(forms.Form):
    role = forms.ChoiceField(label=_("Link role"), choices=FindingLink.Role.choices)
    kind = forms.ChoiceField(label=_("Record kind"), choices=())
    text = forms.CharField(label=_("Record number or code"), max_length=60)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = links.choices()  # type: ignore[attr-defined]


class ProgressForm(forms.Form):
    on = _day(_("Progress date"))
    text = forms.CharField(label=_("Progress"), widget=forms.Textarea(attrs={"rows": 2}))
    evidence = forms.CharField(label=_("Evidence"), max_length=300, required=False)


class ExtensionForm(forms.Form):
    new_deadline = _day(_("Requested deadline"))
    reason = forms.CharField(label=_("Reason for the extension"), max_length=300)


class StepForm(forms.Form):
    on = _day(_("Date"), required=False)
    note = forms.CharField(label=_("Opinion or reason"), max_length=300, required=False)


class MeetingForm(forms.Form):
    held_on = _day(_("Held on"))
    title = forms.CharField(label=_("Meeting title"), max_length=200)
    attendees = forms.CharField(label=_("Attendees"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    minutes = forms.CharField(label=_("Minutes"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
