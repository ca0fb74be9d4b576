"""Records of past work taken over in bulk through the one action."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from anju.core.models import AuditEvent
from anju.registry.tests import factories as registry_factories
from anju.rental import actions
from anju.rental.models import (
    Category,
    Exit,
    Filing,
    Household,
    Kind,
    Lease,
    RentalUnit,
    RentBill,
    RentRate,
    Repair,
    UnitStateChange,
)
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


def _household(pk: int, applicant: int, status: str) -> tuple[object, ...]:
    on = dt.date(2020, 6, 1)
    return (pk, f"SQ2020-{pk:05d}", applicant, Category.LOW_INCOME, 2, 90000, False, True, True, on, status, on, "", on)


def _lease(pk: int, unit: int, household: int, rate: int, ended: dt.date | None) -> tuple[object, ...]:
    number, area, start, end = f"ZL2021-{pk:05d}", Decimal("50.00"), dt.date(2021, 3, 1), dt.date(2024, 2, 29)
    signed = (pk, number, Kind.HOME, unit, household, "", Category.LOW_INCOME, area, rate, 8000, 16000, start, end)
    return (*signed, ended, "ended" if ended else "active", None, None)


def _taken_over(units: list[int], persons: list[int], rate: int) -> actions.Tenancies:
    """Two homes under management: the first let to a household since 2021, the second let to another
    household until its exit in March 2023."""
    start, ended = dt.date(2021, 3, 1), dt.date(2023, 3, 31)
    notice, deadline, served = dt.date(2023, 2, 20), dt.date(2023, 3, 22), dt.date(2023, 2, 1)
    return actions.Tenancies(
        units=[(units[0], units[0], Kind.HOME, "let", start), (units[1], units[1], Kind.HOME, "vacant", ended)],
        states=[
            (units[0], "vacant", dt.date(2019, 1, 1), "纳入公租房管理"),
            (units[0], "let", start, "签订租赁合同"),
            (units[1], "let", start, "签订租赁合同"),
            (units[1], "vacant", ended, "清退收回"),
        ],
        households=[_household(900, persons[0], "housed"), _household(901, persons[2], "exited")],
        members=[(900, persons[1], "配偶")],
        leases=[_lease(700, units[0], 900, rate, None), _lease(701, units[1], 901, rate, ended)],
        exits=[(50, "QT2023-00001", 701, 901, "voluntary", notice, deadline, 1, False, "completed", ended, "", served)],
    )


def test_tenancies_are_taken_over_set_based_and_later_records_follow_them() -> None:
    factories.rates()
    units = [registry_factories.unit(project_code="GZ-H", room=room, area="50.00").pk for room in ("101", "102")]
    applicant, member, other = factories.person(1), factories.person(2, name="李明"), factories.person(3, name="李四")
    rate = RentRate.objects.get(kind=Kind.HOME, category=Category.LOW_INCOME)

    counts = actions.take_over_tenancies(None, _taken_over(units, [applicant.pk, member.pk, other.pk], rate.pk))

    assert counts == {"units": 2, "states": 4, "households": 2, "members": 1, "leases": 2, "exits": 1, "exit_events": 0}
    assert AuditEvent.objects.filter(model="rental.Lease", note="成批录入", after__leases=2).count() == 1
    assert list(RentalUnit.objects.order_by("pk").values_list("state", flat=True)) == ["let", "vacant"]
    household = Household.objects.get(pk=900)
    assert household.applicant == applicant and list(household.members.values_list("person", flat=True)) == [member.pk]
    assert Exit.objects.get(pk=50).household.applicant == other
    # the billing action sees the lease in force, not the one ended before the month
    assert actions.bill_month(None, dt.date(2023, 5, 1))["created"] == 1
    assert RentBill.objects.get().lease_id == 700
    # later records are numbered after the taken-over ones (PostgreSQL's sequences were moved past them)
    later = actions.apply(
        None, applicant=factories.person(4), category=Category.LOW_INCOME, monthly_income=Decimal("800.00"),
        owns_home=False, applied_on=dt.date(2023, 6, 1),
    )  # fmt: skip
    assert later.pk > 900


def test_a_tenancy_row_of_the_wrong_shape_writes_nothing() -> None:
    factories.rates()
    units = [unit.pk for unit in factories.estate(homes=2, shops=0)]
    persons = [factories.person(seq).pk for seq in (1, 2, 3)]
    tenancies = _taken_over(units, persons, RentRate.objects.get(kind=Kind.HOME, category=Category.DIBAO).pk)
    broken = actions.Tenancies(units=[], states=tenancies.states, leases=[tenancies.leases[0][:-1]])
    with pytest.raises(actions.RentalError) as refused:
        actions.take_over_tenancies(None, broken)
    assert refused.value.code == "rental.bad_history"
    assert not UnitStateChange.objects.filter(note="签订租赁合同").exists()
    assert not Lease.objects.exists()
