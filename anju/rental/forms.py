"""Forms of public rental housing: they validate input; state changes go through actions."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from anju.core.pickers import PickerField
from anju.lib.ids import normalize_resident_id, normalize_uscc
from anju.registry.models import Person
from anju.rental.models import Category, Exit, Inspection, Kind, RentalUnit, Review


def _date(label: Any, **kwargs: Any) -> forms.DateField:
    return forms.DateField(label=label, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), **kwargs)


def _today() -> Any:
    return timezone.localdate()


HOME_CATEGORIES = [(v, label) for v, label in Category.choices if v not in (Category.COMMERCIAL, Category.MARKET)]


def _person(number: str) -> Person:
    try:
        normalized = normalize_resident_id(number.strip().upper())
    except ValueError as exc:
        raise forms.ValidationError(str(exc)) from exc
    person = Person.objects.filter(id_type=Person.IdType.RESIDENT, id_number=normalized).first()
    if person is None:
        raise forms.ValidationError(_("No person with this ID number in the registry."))
    return person


class ApplicationForm(forms.Form):
    applicant = forms.CharField(label=_("Applicant's ID number"), max_length=18)
    members = forms.CharField(
        label=_("Members' ID numbers"),
        required=False,
        help_text=_("One per line, optionally followed by the relation, e.g. 431202198001010011 配偶"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    category = forms.ChoiceField(label=_("Category"), choices=HOME_CATEGORIES)
    monthly_income = forms.DecimalField(
        label=_("Monthly income per person"), max_digits=12, decimal_places=2, min_value=0
    )
    owns_home = forms.BooleanField(label=_("Owns a home in the city"), required=False)
    applied_on = _date(_("Applied on"), initial=_today)

    def clean_applicant(self) -> Person:
        return _person(self.cleaned_data["applicant"])

    def clean_members(self) -> list[tuple[Person, str]]:
        members = []
        for line in self.cleaned_data["members"].splitlines():
            parts = line.split()
            if parts:
                members.append((_person(parts[0]), parts[1] if len(parts) > 1 else "家庭成员"))
        return members


class ChecksForm(forms.Form):
    income = forms.BooleanField(label=_("Income checked"), required=False)
    housing = forms.BooleanField(label=_("Housing checked"), required=False)


class DecisionForm(forms.Form):
    eligible = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("1", _("Eligible: join the waiting list")), ("0", _("Not eligible"))],
        coerce=lambda v: v == "1",
    )
    on = _date(_("Decided on"), initial=_today)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class DrawForm(forms.Form):
    announced_on = _date(_("Announced on"), initial=_today)
    draw_on = _date(_("Draw date"))
    seed_source = forms.CharField(
        label=_("Seed source"),
        max_length=200,
        help_text=_("The outside value published on the draw date, e.g. that day's welfare lottery result."),
    )
    units = forms.CharField(
        label=_("Homes offered"),
        required=False,
        help_text=_("Unit codes, one per line; empty: every vacant home."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def clean_units(self) -> list[str] | None:
        codes = [line.strip() for line in self.cleaned_data["units"].splitlines() if line.strip()]
        return codes or None


class HoldDrawForm(forms.Form):
    held_on = _date(_("Held on"), initial=_today)
    external_value = forms.CharField(label=_("Value published on the draw date"), max_length=100)


class LeaseForm(forms.Form):
    unit = PickerField("rental_unit", "rental", label=_("Unit code"))
    household = PickerField("household", "rental", label=_("Household number (homes)"), required=False)
    tenant_name = forms.CharField(label=_("Tenant (shops)"), max_length=120, required=False)
    start = _date(_("Start"), initial=_today)
    end = _date(_("End of term"))
    deposit = forms.DecimalField(
        label=_("Security deposit"),
        max_digits=12,
        decimal_places=2,
        min_value=0,
        required=False,
        help_text=_("Empty: two months' rent."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        ru = data.get("unit")
        if isinstance(ru, RentalUnit) and ru.kind == Kind.HOME and not data.get("household"):
            self.add_error("household", _("A home is let to a household."))
        return data


class PaymentForm(forms.Form):
    amount = forms.DecimalField(label=_("Amount"), max_digits=12, decimal_places=2, min_value=Decimal("0.01"))
    paid_on = _date(pgettext_lazy("rental", "Paid on"), initial=_today)
    channel = forms.ChoiceField(
        label=_("Channel"), choices=[("counter", _("At the counter")), ("bank", _("Bank transfer"))]
    )
    bank_txn = forms.CharField(label=_("Bank transaction id"), max_length=60, required=False)
    payer = forms.CharField(label=_("Payer"), max_length=120, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("channel") == "bank" and not data.get("bank_txn"):
            self.add_error("bank_txn", _("A bank transfer needs the bank's transaction id."))
        return data


class RenewForm(forms.Form):
    start = _date(_("New term starts"))
    end = _date(_("New term ends"))


class EndForm(forms.Form):
    on = _date(_("Ended on"), initial=_today)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class BillForm(forms.Form):
    month = forms.CharField(label=_("Month (YYYY-MM)"), max_length=7)


class ReviewForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=[c for c in Review.Outcome.choices if c[0] != "due"])
    on = _date(_("Reviewed on"), initial=_today)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class OpenReviewsForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    on = _date(pgettext_lazy("rental", "Opened on"), initial=_today)


class InspectionForm(forms.Form):
    lease = PickerField("home_lease", "rental", label=_("Lease number"))
    visit = forms.ChoiceField(label=_("Visit"), choices=Inspection.Visit.choices)
    on = _date(_("Visited on"), initial=_today)
    finding = forms.ChoiceField(label=_("Finding"), choices=Inspection.Finding.choices)
    inspector = forms.CharField(label=_("Inspector"), max_length=60)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class ExitForm(forms.Form):
    """An exit prepared (清退经办): the reason and the evidence found; the notice follows its approval."""

    reason = forms.ChoiceField(label=_("Reason"), choices=Exit.Reason.choices)
    note = forms.CharField(label=_("Evidence and note"), max_length=300, required=False)


class ServeForm(forms.Form):
    notice_on = _date(_("Notice served on"), initial=_today)
    deadline = _date(_("Move out by"))


class DateForm(forms.Form):
    on = _date(_("Date"), initial=_today)


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class RepairForm(forms.Form):
    unit = PickerField("rental_unit", "rental", label=_("Unit code"))
    on = _date(_("Reported on"), initial=_today)
    description = forms.CharField(label=pgettext_lazy("rental", "Description"), max_length=300)


class AssignForm(forms.Form):
    vendor = forms.CharField(label=_("Vendor"), max_length=120)


class CompleteRepairForm(forms.Form):
    on = _date(_("Completed on"), initial=_today)
    cost = forms.DecimalField(label=pgettext_lazy("rental", "Cost"), max_digits=12, decimal_places=2, min_value=0)


class FilingForm(forms.Form):
    filed_on = _date(_("Filed on"), initial=_today)
    lessor = forms.CharField(label=_("Lessor"), max_length=120)
    lessor_id = forms.CharField(label=_("Lessor ID number"), max_length=40)
    lessee = forms.CharField(label=_("Lessee"), max_length=120)
    lessee_id = forms.CharField(label=_("Lessee ID number"), max_length=40)
    address = forms.CharField(label=pgettext_lazy("rental", "Address"), max_length=200)
    area = forms.DecimalField(label=_("Area (m²)"), max_digits=10, decimal_places=2, min_value=Decimal("0.01"))
    start = _date(_("Start"))
    end = _date(_("End"))
    monthly_rent = forms.DecimalField(label=_("Monthly rent"), max_digits=12, decimal_places=2, min_value=0)

    def _id(self, name: str) -> str:
        """A resident ID number, or an enterprise's unified social credit code."""
        number = self.cleaned_data[name].strip().upper()
        try:
            return normalize_resident_id(number)
        except ValueError as exc:
            try:
                return normalize_uscc(number)
            except ValueError:
                raise forms.ValidationError(str(exc)) from exc

    def clean_lessor_id(self) -> str:
        return self._id("lessor_id")

    def clean_lessee_id(self) -> str:
        return self._id("lessee_id")


class RateForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices)
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    per_m2 = forms.DecimalField(
        label=_("Rent per m² per month"), max_digits=10, decimal_places=2, min_value=Decimal("0.01")
    )
    reduction_percent = forms.DecimalField(
        label=_("Reduction (%)"), max_digits=5, decimal_places=2, min_value=0, max_value=100, initial=0
    )
    valid_from = _date(_("Valid from"))
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class UnitStateForm(forms.Form):
    state = forms.ChoiceField(
        label=_("State"), choices=[c for c in RentalUnit.State.choices if c[0] != RentalUnit.State.LET]
    )
    on = _date(_("Since"), initial=_today)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)
