"""Households, the lottery, leases, reviews, inspections, exits, repairs, filings: the actions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from anju.core.models import AuditEvent
from anju.rental import actions
from anju.rental.actions import RentalError
from anju.rental.models import Exit, Household, Inspection, Lease, RentalUnit, Repair, Review, UnitStateChange
from anju.rental.tests import factories

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def units() -> list[RentalUnit]:
    factories.rates()
    return factories.estate(homes=4, shops=1)


def test_an_estate_comes_under_management_with_homes_and_shops(units: list[RentalUnit]) -> None:
    assert [u.kind for u in units] == ["home"] * 4 + ["shop"]
    assert all(u.state == "vacant" for u in units)
    assert UnitStateChange.objects.count() == 5


def test_application_checks_and_decision(units: list[RentalUnit]) -> None:
    household = actions.apply(
        None,
        applicant=factories.person(1),
        category="dibao",
        monthly_income=Decimal("500.00"),
        owns_home=False,
        applied_on=D(2023, 3, 1),
        members=[(factories.person(2, "李四"), "配偶")],
    )
    assert household.number == "SQ2023-00001" and household.members_count == 2
    with pytest.raises(RentalError, match="核查"):
        actions.decide_eligibility(None, household, eligible=True, on=D(2023, 3, 10))
    actions.record_checks(None, household, income=True, housing=True)
    household = actions.decide_eligibility(None, household, eligible=True, on=D(2023, 3, 10))
    assert household.status == "waiting" and household.waiting_since == D(2023, 3, 10)
    with pytest.raises(RentalError):
        actions.decide_eligibility(None, household, eligible=False, on=D(2023, 3, 11))
    with pytest.raises(RentalError, match="已有"):
        actions.apply(
            None,
            applicant=household.applicant,
            category="dibao",
            monthly_income=Decimal("1"),
            owns_home=False,
            applied_on=D(2023, 4, 1),
        )
    assert AuditEvent.objects.filter(model="rental.Household", object_id=str(household.pk)).count() == 3


def test_a_home_owner_is_not_eligible(units: list[RentalUnit]) -> None:
    household = actions.apply(
        None,
        applicant=factories.person(3),
        category="migrant",
        monthly_income=Decimal("3000.00"),
        owns_home=True,
        applied_on=D(2023, 3, 1),
    )
    actions.record_checks(None, household, income=True, housing=True)
    with pytest.raises(RentalError, match="有住房"):
        actions.decide_eligibility(None, household, eligible=True, on=D(2023, 3, 5))
    assert actions.decide_eligibility(None, household, eligible=False, on=D(2023, 3, 5)).status == "rejected"


def test_the_draw_reserves_homes_and_can_be_verified(units: list[RentalUnit]) -> None:
    households = [factories.waiting_household(seq) for seq in range(1, 7)]
    draw = actions.hold_draw(None, held_on=D(2023, 3, 15), seed="20230315-0001")
    assert len(draw.households) == 6 and len(draw.units) == 4
    assert [p["rank"] for p in draw.result] == [1, 2, 3, 4, 5, 6]
    assert sum(1 for p in draw.result if p["unit"]) == 4
    assert RentalUnit.objects.filter(state="reserved").count() == 4
    assert actions.verify_draw(draw)
    # The kept result is evidence: if it were altered, the re-run would show it.
    draw.result[0], draw.result[1] = draw.result[1], draw.result[0]
    assert not actions.verify_draw(draw)
    # The winner of rank 1 signs for the home of rank 1.
    first = draw.result[1]
    household = next(h for h in households if h.number == first["household"])
    ru = RentalUnit.objects.get(unit__code=first["unit"])
    lease = actions.sign_lease(None, rental_unit=ru, household=household, start=D(2023, 4, 1), end=D(2026, 3, 31))
    assert lease.monthly_rent == Decimal("80.00")
    ru.refresh_from_db()
    household.refresh_from_db()
    assert ru.state == "let" and household.status == "housed"
    assert [s.state for s in ru.history.order_by("on", "pk")] == ["vacant", "reserved", "let"]


def test_a_draw_needs_a_seed_waiting_households_and_vacant_homes(units: list[RentalUnit]) -> None:
    with pytest.raises(RentalError, match="种子"):
        actions.hold_draw(None, held_on=D(2023, 3, 15), seed=" ")
    with pytest.raises(RentalError, match="没有轮候家庭"):
        actions.hold_draw(None, held_on=D(2023, 3, 15), seed="s")
    factories.waiting_household(1)
    with pytest.raises(RentalError, match="不是空置住房"):
        actions.hold_draw(None, held_on=D(2023, 3, 15), seed="s", units=[units[4].unit.code])


def test_lease_rules(units: list[RentalUnit]) -> None:
    household = factories.waiting_household(1)
    with pytest.raises(RentalError, match="家庭"):
        actions.sign_lease(None, rental_unit=units[0], start=D(2023, 1, 1), end=D(2025, 12, 31))
    actions.sign_lease(None, rental_unit=units[0], household=household, start=D(2023, 1, 1), end=D(2025, 12, 31))
    other = factories.waiting_household(2)
    with pytest.raises(RentalError, match="空置"):
        actions.sign_lease(None, rental_unit=units[0], household=other, start=D(2023, 2, 1), end=D(2025, 12, 31))
    with pytest.raises(RentalError, match="轮候"):
        actions.sign_lease(None, rental_unit=units[1], household=household, start=D(2023, 2, 1), end=D(2025, 1, 31))
    with pytest.raises(RentalError, match="承租人"):
        actions.sign_lease(None, rental_unit=units[4], start=D(2023, 1, 1), end=D(2025, 12, 31))


def test_renewal_takes_the_rate_in_force(units: list[RentalUnit]) -> None:
    lease = factories.home_lease(units[0], 1, start=D(2021, 1, 1))
    actions.set_rate(
        None,
        kind="home",
        category="low_income",
        per_m2=Decimal("2.40"),
        reduction_percent=Decimal("20"),
        valid_from=D(2024, 1, 1),
    )
    renewed = actions.renew_lease(None, lease, start=D(2024, 1, 1), end=D(2026, 12, 31))
    lease.refresh_from_db()
    assert lease.status == "ended" and lease.ended_on == D(2023, 12, 31)
    assert renewed.renewed_from_id == lease.pk and renewed.monthly_rent == Decimal("96.00")
    assert RentalUnit.objects.get(pk=units[0].pk).state == "let"
    with pytest.raises(RentalError):
        actions.renew_lease(None, lease, start=D(2024, 1, 1), end=D(2026, 12, 31))


def test_review_inspection_exit(units: list[RentalUnit]) -> None:
    lease = factories.home_lease(units[0], 1)
    factories.home_lease(units[1], 2)
    assert actions.open_reviews(None, 2023) == 2
    assert actions.open_reviews(None, 2023) == 0
    review = Review.objects.get(household=lease.household)
    with pytest.raises(RentalError):
        actions.record_review(None, review, outcome="due", on=D(2023, 5, 1))
    actions.record_review(None, review, outcome="exit", on=D(2023, 5, 1), note="收入超标")
    with pytest.raises(RentalError, match="复查前"):
        actions.record_inspection(
            None, lease, visit="reinspection", on=D(2023, 5, 2), finding="lives", inspector="刘洋"
        )
    actions.record_inspection(None, lease, visit="inspection", on=D(2023, 5, 2), finding="sublet", inspector="刘洋")
    actions.record_inspection(None, lease, visit="reinspection", on=D(2023, 6, 2), finding="sublet", inspector="赵强")
    assert Inspection.objects.count() == 2
    exit_ = actions.serve_exit(None, lease, reason="sublet", notice_on=D(2023, 6, 5), deadline=D(2023, 7, 5))
    assert exit_.number == "QT2023-00001"
    with pytest.raises(RentalError, match="进行中"):
        actions.serve_exit(None, lease, reason="sublet", notice_on=D(2023, 6, 6), deadline=D(2023, 7, 6))
    actions.serve_exit_notice_again(None, exit_, on=D(2023, 7, 10))
    actions.force_exit(None, exit_, note="法院立案")
    exit_ = actions.complete_exit(None, exit_, on=D(2023, 9, 1))
    assert exit_.status == "completed" and exit_.forced and exit_.notices == 2
    lease.refresh_from_db()
    assert lease.status == "ended" and lease.ended_on == D(2023, 9, 1)
    assert Household.objects.get(pk=lease.household_id).status == "exited"
    assert RentalUnit.objects.get(pk=units[0].pk).state == "vacant"
    with pytest.raises(RentalError):
        actions.complete_exit(None, exit_, on=D(2023, 9, 2))
    assert Exit.objects.filter(status="completed").count() == 1


def test_repair_work_order(units: list[RentalUnit]) -> None:
    repair = actions.report_repair(None, units[0], on=D(2023, 4, 1), description="卫生间漏水")
    with pytest.raises(RentalError, match="派给"):
        actions.complete_repair(None, repair, on=D(2023, 4, 3), cost=Decimal("300.00"))
    actions.assign_repair(None, repair, vendor="怀化市安顺房屋维修有限公司")
    with pytest.raises(RentalError, match="完工日期"):
        actions.complete_repair(None, repair, on=D(2023, 3, 3), cost=Decimal("300.00"))
    repair = actions.complete_repair(None, repair, on=D(2023, 4, 3), cost=Decimal("300.00"))
    assert repair.status == Repair.Status.DONE and repair.cost == Decimal("300.00")
    assert AuditEvent.objects.filter(model="rental.Repair").count() == 3


def test_unit_state_by_hand(units: list[RentalUnit]) -> None:
    actions.set_unit_state(None, units[0], "repair", D(2023, 5, 1), "翻新")
    assert RentalUnit.objects.get(pk=units[0].pk).state == "repair"
    with pytest.raises(RentalError):
        actions.set_unit_state(None, units[0], "let", D(2023, 5, 2))
    lease: Lease = factories.home_lease(units[1], 1)
    with pytest.raises(RentalError, match="在租"):
        actions.set_unit_state(None, lease.rental_unit, "repair", D(2023, 5, 2))


def test_filing(units: list[RentalUnit]) -> None:
    from anju.registry.tests.factories import resident_id

    filing = actions.file_rental(
        None,
        filed_on=D(2023, 6, 1),
        lessor="张三",
        lessor_id=resident_id(seq=5),
        lessee="李四",
        lessee_id=resident_id(seq=6),
        address="怀化市鹤城区迎丰中路1号",
        area=Decimal("80.00"),
        start=D(2023, 6, 1),
        end=D(2024, 5, 31),
        monthly_rent=Decimal("1200.00"),
    )
    assert filing.number == "BA2023-00001"
    with pytest.raises(RentalError):
        actions.file_rental(
            None,
            filed_on=D(2023, 6, 1),
            lessor="张三",
            lessor_id=resident_id(seq=5),
            lessee="李四",
            lessee_id=resident_id(seq=6),
            address="x",
            area=Decimal("80.00"),
            start=D(2023, 6, 1),
            end=D(2023, 5, 31),
            monthly_rent=Decimal("1200.00"),
        )


def test_a_home_drawn_for_one_household_cannot_go_to_another(units: list[RentalUnit]) -> None:
    first, second = factories.waiting_household(1), factories.waiting_household(2)
    draw = actions.hold_draw(
        None, held_on=D(2023, 3, 15), seed="s", households=[first.number, second.number], units=[units[0].unit.code]
    )
    winner = first if draw.result[0]["household"] == first.number else second
    loser = second if winner is first else first
    with pytest.raises(RentalError, match=f"配租给 {winner.number}"):
        actions.sign_lease(None, rental_unit=units[0], household=loser, start=D(2023, 4, 1), end=D(2026, 3, 31))
    lease = actions.sign_lease(None, rental_unit=units[0], household=winner, start=D(2023, 4, 1), end=D(2026, 3, 31))
    assert lease.draw_id == draw.pk


def test_a_market_rent_review_renews_at_the_market_rate(units: list[RentalUnit]) -> None:
    actions.set_rate(
        None,
        kind="home",
        category="market",
        per_m2=Decimal("8.00"),
        reduction_percent=Decimal(0),
        valid_from=D(2019, 1, 1),
    )
    lease = factories.home_lease(units[0], 1, start=D(2021, 1, 1))
    actions.open_reviews(None, 2023)
    actions.record_review(None, Review.objects.get(), outcome="market", on=D(2023, 6, 1))
    renewed = actions.renew_lease(None, lease, start=D(2024, 1, 1), end=D(2026, 12, 31))
    assert renewed.category == "market" and renewed.monthly_rent == Decimal("400.00")
