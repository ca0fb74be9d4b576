"""Applications (申请) and the eligibility decision that puts a household on the waiting list."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from django.db import transaction

from anju.core import audit
from anju.core.models import User
from anju.core.numbering import create_numbered
from anju.registry.models import Person
from anju.rental import numbers
from anju.rental.actions.base import CREATE, HOUSEHOLD_CATEGORIES
from anju.rental.errors import RentalError
from anju.rental.models import Household, HouseholdMember


@transaction.atomic
def apply(
    actor: User | None,
    *,
    applicant: Person,
    category: str,
    monthly_income: Decimal,
    owns_home: bool,
    applied_on: dt.date,
    members: Sequence[tuple[Person, str]] = (),
) -> Household:
    """An application (申请): the household with its members, waiting for the eligibility decision."""
    if category not in HOUSEHOLD_CATEGORIES:
        raise RentalError("申请类别无效", code="bad_category")
    if monthly_income < 0:
        raise RentalError("人均月收入不能为负", code="negative_income")
    if Household.objects.filter(applicant=applicant).exclude(status__in=["rejected", "exited"]).exists():
        raise RentalError("该申请人已有在办或在租的申请", code="application_exists")
    household = create_numbered(
        numbers.HOUSEHOLD,
        applied_on.year,
        applicant=applicant,
        category=category,
        members_count=1 + len(members),
        monthly_income=monthly_income,
        owns_home=owns_home,
        applied_on=applied_on,
    )
    for person, relation in members:
        HouseholdMember.objects.create(household=household, person=person, relation=relation)
    audit.record(actor, CREATE, household, after=audit.snapshot(household))
    return household


@transaction.atomic
def decide_eligibility(
    actor: User | None, household: Household, *, eligible: bool, on: dt.date, note: str = ""
) -> Household:
    """Eligible households join the waiting list (轮候) from the decision date; others are refused.
    Income and housing must have been checked, and an owner of a home in the city is never eligible."""
    household = Household.objects.select_for_update().get(pk=household.pk)
    if household.status != Household.Status.APPLIED:
        raise RentalError("只有待审核的申请可以作出资格决定", code="not_applied")
    if eligible and not (household.income_checked and household.housing_checked):
        raise RentalError("收入和住房情况核查完成后才能认定资格", code="checks_pending")
    if eligible and household.owns_home:
        raise RentalError("在本市有住房的家庭不符合公租房保障条件", code="owns_home")
    before = audit.snapshot(household)
    household.status = Household.Status.WAITING if eligible else Household.Status.REJECTED
    household.decided_on = on
    household.decision_note = note
    household.waiting_since = on if eligible else None
    household.save()
    audit.record_change(actor, household, before, note=note)
    return household


@transaction.atomic
def record_checks(actor: User | None, household: Household, *, income: bool, housing: bool) -> Household:
    before = audit.snapshot(household, ["income_checked", "housing_checked"])
    household.income_checked, household.housing_checked = income, housing
    household.save(update_fields=["income_checked", "housing_checked"])
    audit.record_change(actor, household, before, note="收入、住房核查")
    return household


def _set_household_status(actor: User | None, household: Household, status: str, note: str) -> None:
    before = audit.snapshot(household, ["status"])
    household.status = status
    household.save(update_fields=["status"])
    audit.record_change(actor, household, before, note=note)
