"""Termite control's forms."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from anju.termite.actions import BuildingArea
from anju.termite.models import ControlRequest, FeeRate, Revisit, Stage, Structure, WarrantyStart

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
AREA = {"max_digits": 12, "decimal_places": 2, "min_value": Decimal("0.01")}


class ApplicationForm(forms.Form):
    developer_name = forms.CharField(label=_("Developer"), max_length=120)
    project_name = forms.CharField(label=_("Project name"), max_length=120)
    permit_number = forms.CharField(label=_("Construction permit number"), max_length=60, required=False)
    received_on = forms.DateField(label=_("Application received on"), widget=DATE)
    buildings = forms.CharField(
        label=_("Buildings"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "One building a line: number, area (m²), structure (框架, 砖混, 砖木, 其他) and, to check the area, "
            "floors and footprint (m²), e.g. “1 8650.50 框架 18 480.60”."
        ),
    )

    STRUCTURES = {
        "框架": Structure.FRAME,
        "砖混": Structure.BRICK_CONCRETE,
        "砖木": Structure.BRICK_TIMBER,
        "其他": Structure.OTHER,
    }

    def clean_buildings(self) -> list[BuildingArea]:
        rows: list[BuildingArea] = []
        for index, line in enumerate(self.cleaned_data["buildings"].splitlines(), start=1):
            parts = line.split()
            if not parts:
                continue
            if len(parts) not in (2, 3, 5):
                raise ValidationError(
                    _("Line %(line)s: write the building number, the area and the structure.") % {"line": index}
                )
            try:
                area = Decimal(parts[1])
                floors = int(parts[3]) if len(parts) == 5 else None
                footprint = Decimal(parts[4]) if len(parts) == 5 else None
            except (ArithmeticError, ValueError):
                raise ValidationError(
                    _("Line %(line)s: the area, floors and footprint are numbers.") % {"line": index}
                ) from None
            structure = self.STRUCTURES.get(parts[2]) if len(parts) >= 3 else Structure.FRAME
            if structure is None:
                raise ValidationError(
                    _("Line %(line)s: the structure is one of 框架, 砖混, 砖木, 其他.") % {"line": index}
                )
            rows.append(
                BuildingArea(building_no=parts[0], area=area, structure=structure, floors=floors, footprint=footprint)
            )
        if not rows:
            raise ValidationError(_("Write at least one building."))
        return rows


class AcceptForm(forms.Form):
    on = forms.DateField(label=_("Accepted on"), widget=DATE)


class ReturnForm(forms.Form):
    on = forms.DateField(label=_("Returned on"), widget=DATE)
    reason = forms.CharField(label=_("Reason for return"), max_length=300)


class ContractForm(forms.Form):
    number = forms.CharField(label=_("Contract number"), max_length=40)
    signed_on = forms.DateField(label=_("Signed on"), widget=DATE)
    warranty_years = forms.IntegerField(
        label=_("Warranty years"),
        min_value=1,
        max_value=100,
        required=False,
        help_text=_("Leave empty for the years of the city's warranty rule in force on the signing day."),
    )


class WarrantyRuleForm(forms.Form):
    effective_from = forms.DateField(label=_("Effective from"), widget=DATE)
    years = forms.IntegerField(label=_("Warranty years"), min_value=1, max_value=100)
    start_event = forms.ChoiceField(label=_("Warranty runs from"), choices=WarrantyStart.choices)
    source = forms.CharField(label=_("Source document"), max_length=200, required=False)


class TreatmentForm(forms.Form):
    stage = forms.ChoiceField(label=_("Treatment stage"), choices=Stage.choices)
    date = forms.DateField(label=_("Date"), widget=DATE)
    crew = forms.CharField(label=_("Crew"), max_length=120)
    area = forms.DecimalField(label=_("Area done (m²)"), **AREA)  # type: ignore[arg-type]
    chemicals = forms.CharField(label=_("Chemicals used"), max_length=300, required=False)


class BuildingAcceptForm(forms.Form):
    on = forms.DateField(label=_("Acceptance date"), widget=DATE)


class RevisitForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DATE)
    inspector = forms.CharField(label=_("Inspector"), max_length=60)
    area_checked = forms.DecimalField(label=_("Area checked (m²)"), **AREA)  # type: ignore[arg-type]
    finding = forms.ChoiceField(label=_("Finding"), choices=Revisit.Finding.choices)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class RequestForm(forms.Form):
    received_on = forms.DateField(label=_("Request received on"), widget=DATE)
    requester_kind = forms.ChoiceField(
        label=_("Requester"),
        choices=[c for c in ControlRequest.Requester.choices if c[0] != ControlRequest.Requester.REVISIT],
    )
    requester_name = forms.CharField(label=_("Requester's name"), max_length=120)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    channel = forms.ChoiceField(
        label=_("Channel"),
        choices=[c for c in ControlRequest.Channel.choices if c[0] != ControlRequest.Channel.REVISIT],
    )
    target = forms.ChoiceField(label=_("Target"), choices=ControlRequest.Target.choices)
    address = forms.CharField(label=_("Address or location"), max_length=200)
    area = forms.DecimalField(label=_("Area (m²)"), required=False, max_digits=12, decimal_places=2)
    trees = forms.IntegerField(label=_("Trees"), required=False, min_value=0)
    species = forms.CharField(label=_("Tree species"), max_length=60, required=False)
    warranty = forms.IntegerField(
        label=_("Building under warranty"),
        required=False,
        widget=forms.HiddenInput,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("target") == ControlRequest.Target.HOUSE and not data.get("area"):
            self.add_error("area", _("Give the area of the house."))
        if data.get("target") == ControlRequest.Target.TREES and not data.get("trees"):
            self.add_error("trees", _("Give the number of trees."))
        return data


class TreatControlForm(forms.Form):
    on = forms.DateField(label=_("Treated on"), widget=DATE)
    area = forms.DecimalField(label=_("Area treated (m²)"), required=False, max_digits=12, decimal_places=2)
    trees = forms.IntegerField(label=_("Trees treated"), required=False, min_value=0)
    chemicals = forms.CharField(label=_("Chemicals used"), max_length=300, required=False)


class CloseControlForm(forms.Form):
    followed_up_on = forms.DateField(label=_("Followed up on"), widget=DATE)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class ChemicalForm(forms.Form):
    name = forms.CharField(label=_("Product"), max_length=80)
    registration_number = forms.CharField(label=_("Pesticide registration number"), max_length=40)
    active_ingredient = forms.CharField(label=_("Active ingredient"), max_length=80, required=False)
    unit = forms.ChoiceField(label=_("Unit"), choices=[("kg", "kg"), ("L", "L")])
    unit_price = forms.DecimalField(label=_("Unit price (yuan)"), max_digits=12, decimal_places=2, min_value=Decimal(0))


class LotForm(forms.Form):
    chemical: forms.ModelChoiceField[Any] = forms.ModelChoiceField(label=_("Product"), queryset=None)  # type: ignore[arg-type]
    lot = forms.CharField(label=_("Lot"), max_length=40)
    received_on = forms.DateField(label=_("Into stock on"), widget=DATE)
    quantity = forms.DecimalField(
        label=_("Quantity received"), max_digits=12, decimal_places=3, min_value=Decimal("0.001")
    )
    contract_number = forms.CharField(label=_("Procurement contract"), max_length=60, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from anju.termite.models import Chemical

        super().__init__(*args, **kwargs)
        self.fields["chemical"].queryset = Chemical.objects.order_by("name")  # type: ignore[attr-defined]


class IssueForm(forms.Form):
    lot: forms.ModelChoiceField[Any] = forms.ModelChoiceField(label=_("Lot"), queryset=None)  # type: ignore[arg-type]
    date = forms.DateField(label=_("Date"), widget=DATE)
    quantity = forms.DecimalField(
        label=_("Quantity issued"), max_digits=12, decimal_places=3, min_value=Decimal("0.001")
    )
    purpose = forms.CharField(label=_("Purpose"), max_length=200, required=False)

    def __init__(self, *args: Any, treatments: QuerySet[Any] | None = None, **kwargs: Any) -> None:
        from anju.termite.models import ChemicalLot

        super().__init__(*args, **kwargs)
        if treatments is not None:  # issued to a stage of a building's treatment
            self.fields["treatment"] = forms.ModelChoiceField(
                label=_("Treatment stage"), queryset=treatments.order_by("date", "pk"), required=False
            )
        field = self.fields["lot"]
        field.queryset = ChemicalLot.objects.select_related("chemical").order_by("chemical__name", "received_on")  # type: ignore[attr-defined]


class LabourPriceForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of work"), choices=[])
    price = forms.DecimalField(label=_("Unit price (yuan)"), max_digits=12, decimal_places=2, min_value=Decimal(0))
    effective_from = forms.DateField(label=_("Effective from"), widget=DATE)
    contract_number = forms.CharField(label=_("Labour contract"), max_length=60, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from anju.termite.models import LabourPrice

        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = LabourPrice.Kind.choices  # type: ignore[attr-defined]


class FeeRateForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of charge"), choices=FeeRate.Kind.choices)
    structure = forms.ChoiceField(
        label=_("Structure"), choices=[("", _("Every structure")), *Structure.choices], required=False
    )
    amount = forms.DecimalField(
        label=_("Rate (yuan per m² or per tree)"), max_digits=12, decimal_places=2, min_value=Decimal(0)
    )
    minimum_quantity = forms.DecimalField(
        label=_("Minimum billable quantity"), max_digits=12, decimal_places=2, min_value=Decimal(0), initial=0
    )
    effective_from = forms.DateField(label=_("Effective from"), widget=DATE)
    source = forms.CharField(label=_("Source document"), max_length=200, required=False)
