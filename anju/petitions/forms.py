"""The forms of petitions' pages: registering a case, each step of its flow, links, rules and campaigns."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anju.core.models import Role, User
from anju.lib.ids import normalize_resident_id
from anju.petitions import actions, links
from anju.petitions.models import Case, Category, Channel, Contact, DeadlineRule, Review

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def _day(label: Any) -> forms.DateField:
    return forms.DateField(label=label, widget=DATE)


class CaseForm(forms.Form):
    channel = forms.ModelChoiceField(label=_("Petition channel"), queryset=Channel.objects.all())
    reference = forms.CharField(label=_("Channel reference number"), max_length=60, required=False)
    received_at = forms.DateTimeField(
        label=_("Received at"), widget=DATETIME, input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
    )
    category = forms.ChoiceField(label=_("Subject category"), choices=Category.choices)
    subject = forms.CharField(label=_("Subject"), max_length=120)
    content = forms.CharField(label=_("Content"), widget=forms.Textarea(attrs={"rows": 5}))
    petitioners = forms.CharField(
        label=_("Petitioners"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One a line: name, phone and ID number separated by spaces (leave empty for an anonymous item)."),
    )
    head_count = forms.IntegerField(label=_("Head count"), min_value=1, max_value=9999, initial=1)

    def clean_petitioners(self) -> list[actions.NewPetitioner]:
        found = []
        for number, line in enumerate(self.cleaned_data["petitioners"].splitlines(), start=1):
            parts = line.split()
            if not parts:
                continue
            id_number = ""
            if len(parts) > 2:
                try:
                    id_number = normalize_resident_id(parts[2])
                except ValueError as exc:
                    raise forms.ValidationError(f"第{number}行的证件号码有误：{exc}") from None
            found.append(
                actions.NewPetitioner(name=parts[0], phone=parts[1] if len(parts) > 1 else "", id_number=id_number)
            )
        return found


class DayForm(forms.Form):
    on = _day(_("Date"))
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class RejectForm(forms.Form):
    on = _day(_("Notice date"))
    reason = forms.CharField(label=_("Reason for non-acceptance"), max_length=300)


class AssignForm(forms.Form):
    handler = forms.ModelChoiceField(
        label=_("Handler"), queryset=User.objects.filter(is_active=True).order_by("full_name", "username")
    )
    department = forms.ModelChoiceField(
        label=_("Department"), queryset=Role.objects.filter(kind=Role.Kind.DEPARTMENT), required=False
    )
    on = _day(_("Assigned on"))
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class ForwardForm(forms.Form):
    to = forms.CharField(label=_("Forwarded to"), max_length=120)
    reason = forms.CharField(label=_("Reason for forwarding"), max_length=300)
    on = _day(_("Forwarded on"))


class ContactForm(forms.Form):
    at = forms.DateTimeField(
        label=_("Contact time"), widget=DATETIME, input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
    )
    method = forms.ChoiceField(label=_("Contact method"), choices=Contact.Method.choices)
    contacted = forms.CharField(label=_("Contacted person"), max_length=60)
    summary = forms.CharField(label=_("What was said"), widget=forms.Textarea(attrs={"rows": 3}))
    principle = forms.ChoiceField(
        label=_("Principle applied"), choices=[("", "—"), *Contact.Principle.choices], required=False
    )


class ReplyForm(forms.Form):
    on = _day(_("Replied on"))
    text = forms.CharField(label=_("Reply"), widget=forms.Textarea(attrs={"rows": 6}))


class CloseForm(forms.Form):
    on = _day(_("Petition closed on"))
    kind = forms.ChoiceField(label=_("Closure kind"), choices=[("", "—"), *Case.Closure.choices], required=False)
    satisfaction = forms.ChoiceField(
        label=_("Satisfaction"), choices=[("", "—"), *Case.Satisfaction.choices], required=False
    )


class ExtendForm(forms.Form):
    days = forms.IntegerField(label=_("Extension"), min_value=1, max_value=999)
    reason = forms.CharField(label=_("Reason for the extension"), max_length=300)


class CommitmentForm(forms.Form):
    signed_on = _day(_("Commitment signed on"))
    signer = forms.CharField(label=_("Signed by"), max_length=60)
    file = forms.FileField(label=_("Scan of the signed commitment"), required=False)


class ReviewRequestForm(forms.Form):
    on = _day(_("Requested on"))


class ReviewDecisionForm(forms.Form):
    on = _day(_("Review decided on"))
    outcome = forms.ChoiceField(label=_("Review outcome"), choices=Review.Outcome.choices)
    opinion = forms.CharField(label=_("Opinion"), widget=forms.Textarea(attrs={"rows": 4}))


class SatisfactionForm(forms.Form):
    satisfaction = forms.ChoiceField(label=_("Satisfaction"), choices=Case.Satisfaction.choices)


class ConvertForm(forms.Form):
    on = _day(_("Settled on"))
    note = forms.CharField(label=_("How it was settled"), max_length=300)


class LinkForm(forms.Form):
    kind = forms.ChoiceField(label=_("Record type"), choices=())
    text = forms.CharField(label=_("Number or code"), max_length=80)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = links.choices()  # type: ignore[attr-defined]


class RuleForm(forms.Form):
    channel = forms.ModelChoiceField(label=_("Petition channel"), queryset=Channel.objects.all())
    step = forms.ChoiceField(label=_("Deadline step"), choices=DeadlineRule.Step.choices)
    amount = forms.IntegerField(label=_("Limit"), min_value=1, max_value=999)
    unit = forms.ChoiceField(label=_("Deadline unit"), choices=DeadlineRule.Unit.choices)
    start = forms.ChoiceField(label=_("Counted"), choices=DeadlineRule.Start.choices)
    effective_from = _day(_("Effective from"))
    source = forms.CharField(label=_("Source"), max_length=200, required=False)


class CampaignForm(forms.Form):
    name = forms.CharField(label=_("Campaign name"), max_length=80)
    starts_on = _day(_("Starts on"))
    ends_on = _day(_("Ends on"))
    target = forms.CharField(label=_("Campaign target"), max_length=300, required=False)
    numbers = forms.CharField(
        label=_("Case numbers"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Case numbers separated by spaces or new lines."),
    )

    def clean_numbers(self) -> list[Case]:
        numbers = self.cleaned_data["numbers"].split()
        found = {c.number: c for c in Case.objects.filter(number__in=numbers)}
        missing = [n for n in numbers if n not in found]
        if missing:
            raise forms.ValidationError(f"没有这些信访件：{'、'.join(missing)}")
        return [found[n] for n in dict.fromkeys(numbers)]


class IncidentForm(forms.Form):
    occurred_on = _day(_("Occurred on"))
    title = forms.CharField(label=_("Incident"), max_length=120)
    platform = forms.CharField(label=_("Where it spread"), max_length=60)
    description = forms.CharField(label=_("What happened"), widget=forms.Textarea(attrs={"rows": 3}))
    response = forms.CharField(label=_("Response"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


def today_initial() -> dict[str, dt.date]:
    return {"on": timezone.localdate()}
