"""The forms of legacy projects' pages: registering a project, a milestone reached or planned, a task, a task
done, the certificates issued and a meeting with its decisions."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from anju.core.models import User
from anju.core.pickers import PickerField
from anju.legacy.models import Project, Stage, Task
from anju.worklog.models import WorkRecord

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _day(label: Any, required: bool = True) -> forms.DateField:
    return forms.DateField(label=label, widget=DATE, required=required)


def _staff() -> forms.ModelChoiceField:
    return forms.ModelChoiceField(label=_("Task owner"), queryset=User.objects.filter(is_active=True), required=False)


class ProjectForm(forms.Form):
    name = forms.CharField(label=_("Legacy project name"), max_length=120)
    registry_code = PickerField("project", "legacy", label=_("Registry project code"), required=False)
    registered_on = _day(_("Registered on"))
    entry_stage = forms.ModelChoiceField(label=_("Stage when registered"), queryset=Stage.objects.all(),
                                         to_field_name="code")  # fmt: skip
    households = forms.IntegerField(label=_("Households affected"), min_value=0, initial=0)
    takeover_entity = forms.CharField(label=_("Takeover entity"), max_length=120, required=False)
    blockers = forms.CharField(label=_("Blockers"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class ReachForm(forms.Form):
    stage = forms.ModelChoiceField(label=_("Stage"), queryset=Stage.objects.all(), to_field_name="code")
    reached_on = _day(_("Reached on"))
    evidence = forms.CharField(label=_("Evidence"), max_length=300)


class PlanForm(forms.Form):
    stage = forms.ModelChoiceField(label=_("Stage"), queryset=Stage.objects.all(), to_field_name="code")
    planned_on = _day(_("Planned on"))


class TaskForm(forms.Form):
    agency = forms.ChoiceField(label=_("Agency"), choices=[("", "—"), *Task.Agency.choices], required=False)
    title = forms.CharField(label=_("Task"), max_length=200)
    owner = _staff()
    due_on = _day(_("Deadline"), required=False)


class DoneForm(forms.Form):
    task = forms.ModelChoiceField(label=_("Task"), queryset=Task.objects.none())
    done_on = _day(_("Done on"))
    result = forms.CharField(label=_("Result"), max_length=300)

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["task"].queryset = project.tasks.filter(done_on__isnull=True)  # type: ignore[attr-defined]


class BlockersForm(forms.Form):
    blockers = forms.CharField(label=_("Blockers"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class WithdrawForm(forms.Form):
    on = _day(_("Withdrawn on"))
    reason = forms.CharField(label=_("Reason"), max_length=200)


class CertificatesForm(forms.Form):
    issued = forms.IntegerField(label=_("Certificates issued"), min_value=0)


class MeetingForm(forms.Form):
    category = forms.ChoiceField(label=_("Meeting kind"), choices=[
        (WorkRecord.Category.DISPATCH, "调度会"),
        (WorkRecord.Category.JOINT, "联席会"),
    ])  # fmt: skip
    held_on = _day(_("Held on"))
    title = forms.CharField(label=_("Meeting title"), max_length=200)
    attendees = forms.CharField(label=_("Attendees"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    minutes = forms.CharField(label=_("Minutes"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    project = forms.ModelChoiceField(label=_("Legacy project"), queryset=Project.objects.all())


DECISIONS = 3


class DecisionForm(forms.Form):
    """One decision of a meeting that becomes a task (a row left empty is no decision)."""

    agency = forms.ChoiceField(label=_("Agency"), choices=[("", "—"), *Task.Agency.choices], required=False)
    title = forms.CharField(label=_("Decision"), max_length=200, required=False)
    owner = _staff()
    due_on = _day(_("Deadline"), required=False)
