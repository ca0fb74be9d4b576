from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from anju.registry.models import Building, Person


class PersonForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=60)
    id_type = forms.ChoiceField(label=_("ID type"), choices=Person.IdType.choices, initial=Person.IdType.RESIDENT)
    id_number = forms.CharField(label=_("ID number"), max_length=40)
    phone = forms.CharField(label=_("Mobile phone"), max_length=20, required=False)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)


class PersonContactForm(forms.Form):
    """A person's record edited by someone who may not see ID numbers: the ID is shown masked and kept."""

    name = forms.CharField(label=_("Name"), max_length=60)
    masked_id = forms.CharField(label=_("ID number"), required=False, disabled=True)
    phone = forms.CharField(label=_("Mobile phone"), max_length=20, required=False)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)


class EnterpriseForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    uscc = forms.CharField(label=_("Unified social credit code"), max_length=18)
    legal_representative = forms.CharField(label=_("Legal representative"), max_length=60, required=False)
    contact_person = forms.CharField(label=_("Contact person"), max_length=60, required=False)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=20, required=False)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)


class EnterpriseContactsForm(forms.Form):
    contact_person = forms.CharField(label=_("Contact person"), max_length=60, required=False)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=20, required=False)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)


class UnreachableForm(forms.Form):
    unreachable = forms.BooleanField(label=_("Unreachable (notices cannot be served)"), required=False)
    since = forms.DateField(
        label=_("Unreachable since"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ReregistrationForm(forms.Form):
    date = forms.DateField(label=_("Date of re-registration"), widget=forms.DateInput(attrs={"type": "date"}))
    name = forms.CharField(label=_("New name"), max_length=120)
    uscc = forms.CharField(label=_("New unified social credit code"), max_length=18)
    legal_representative = forms.CharField(label=_("New legal representative"), max_length=60, required=False)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class BuildingForm(forms.Form):
    floors = forms.IntegerField(label=_("Floors"), min_value=1, max_value=200, required=False)
    structure = forms.ChoiceField(
        label=_("Structure"), choices=[("", "—"), *Building.Structure.choices], required=False
    )
    lift_count = forms.IntegerField(label=_("Lifts"), min_value=0, max_value=200)
