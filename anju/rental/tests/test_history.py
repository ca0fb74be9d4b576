"""Records of past work taken over in bulk through the one action."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from anju.core.models import AuditEvent
from anju.rental import actions
from anju.rental.models import Filing, Repair
from anju.rental.tests import factories

pytestmark = pytest.mark.django_db


def test_records_of_one_kind_are_taken_over_in_bulk_with_one_audit_event() -> None:
    unit = factories.estate(homes=1, shops=0)[0]
    day = dt.date(2023, 5, 1)
    orders = [
        Repair(number=f"WX2023-{i:05d}", rental_unit=unit, reported_on=day, description="漏水", cost=Decimal("12.30"))
        for i in (1, 2)
    ]
    assert actions.take_over_records(None, orders) == 2
    assert list(Repair.objects.order_by("number").values_list("number", "cost")) == [
        ("WX2023-00001", Decimal("12.30")),
        ("WX2023-00002", Decimal("12.30")),
    ]
    assert AuditEvent.objects.filter(model="rental.Repair", after__records=2).count() == 1
    assert actions.take_over_records(None, []) == 0
    mixed = [Repair(number="WX2023-00003", rental_unit=unit, reported_on=day, description="x"), Filing()]
    with pytest.raises(actions.RentalError) as refused:
        actions.take_over_records(None, mixed)
    assert refused.value.code == "rental.bad_history"
    with pytest.raises(actions.RentalError):
        actions.take_over_records(None, [orders[0]])  # already saved
