"""The rental line's pickers (anju.rental.pickers): its units, households and home leases, for rental staff
only, with applicants' names masked unless the role sees identities; and its forms fed a picked value."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from anju.rental.forms import InspectionForm, RepairForm
from anju.rental.models import RentalUnit
from anju.rental.tests import factories

pytestmark = pytest.mark.django_db


def _pick(client: Client, kind: str, q: str) -> list[dict[str, str]]:
    response = client.get(reverse("core:pick", args=["rental", kind]), {"q": q})
    assert response.status_code == 200
    results: list[dict[str, str]] = response.json()["results"]
    return results


def test_rental_units_households_and_leases_are_found(client_for: Callable[..., Client]) -> None:
    factories.rates()
    units = factories.estate(homes=3, shops=1)
    lease = factories.home_lease(units[0], seq=31)
    household = lease.household
    assert household is not None
    housing = client_for("housing")  # rental:see_id
    assert [r["value"] for r in _pick(housing, "rental_unit", "gz-t-1-1-10")] == [u.unit.code for u in units[:3]]
    assert [r["value"] for r in _pick(housing, "rental_unit", "城东")][:1] == [units[0].unit.code]
    assert [r["value"] for r in _pick(housing, "household", "申请人31")] == [household.number]
    assert [r["value"] for r in _pick(housing, "household", household.number)] == [household.number]
    assert [r["value"] for r in _pick(housing, "home_lease", units[0].unit.code)] == [lease.number]
    assert "申请人31" in _pick(housing, "home_lease", lease.number)[0]["summary"]
    # 住建信息服务部 views rental without seeing identities: the tenant's name is masked
    summary = _pick(client_for("information"), "home_lease", lease.number)[0]["summary"]
    assert "申***1" in summary and "申请人31" not in summary
    # the finance department has no rental rights at all
    response = client_for("finance").get(reverse("core:pick", args=["rental", "household"]), {"q": "申请人"})
    assert response.status_code == 403


def test_rental_forms_take_the_picked_value_and_name_the_field_of_a_wrong_one() -> None:
    factories.rates()
    units = factories.estate(homes=2, shops=0)
    lease = factories.home_lease(units[0], seq=32)
    form = RepairForm({"unit": units[1].unit.code, "on": "2023-05-01", "description": "漏水"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["unit"] == RentalUnit.objects.get(pk=units[1].pk)
    wrong = InspectionForm(
        {"lease": "ZL-NOPE", "visit": "first", "on": "2023-05-01", "finding": "ok", "inspector": "x"}
    )
    assert not wrong.is_valid() and "ZL-NOPE" in wrong.errors["lease"][0]
    right = InspectionForm(
        {"lease": lease.number, "visit": "first", "on": "2023-05-01", "finding": "ok", "inspector": "x"}
    )
    right.is_valid()
    assert "lease" not in right.errors and right.cleaned_data["lease"] == lease
