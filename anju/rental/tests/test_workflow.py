"""Households, the lottery, leases, reviews, inspections, exits, repairs, filings: the actions."""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal

import pytest

from anju.core.models import AuditEvent
from anju.rental import actions, rules
from anju.rental.errors import RentalError
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
    late = factories.waiting_household(7, on=D(2023, 2, 25))  # on the list from 7 March: after the announcement
    draw = actions.announce_draw(
        None, announced_on=D(2023, 3, 1), draw_on=D(2023, 3, 15), seed_source="福利彩票3D当日开奖号码"
    )
    assert draw.status == "announced" and draw.seed == "" and draw.result == []
    assert draw.households == sorted(h.number for h in households) and late.number not in draw.households
    assert draw.inputs_hash == rules.inputs_hash(D(2023, 3, 15), draw.households, draw.units)
    assert RentalUnit.objects.filter(state="reserved").count() == 4  # the homes are frozen for the draw
    assert AuditEvent.objects.filter(model="rental.Draw", note="摇号公告").exists()
    with pytest.raises(RentalError, match="公告房源"):  # a frozen home cannot be let meanwhile
        actions.sign_lease(None, rental_unit=units[0], household=late, start=D(2023, 3, 10), end=D(2026, 3, 9))
    with pytest.raises(RentalError, match="不能提前"):
        actions.hold_draw(None, draw, held_on=D(2023, 3, 14), external_value="427")
    with pytest.raises(RentalError, match="当日公布"):
        actions.hold_draw(None, draw, held_on=D(2023, 3, 15), external_value=" ")
    draw = actions.hold_draw(None, draw, held_on=D(2023, 3, 15), external_value="427")
    assert draw.seed == hashlib.sha256(f"{draw.inputs_hash}|427".encode()).hexdigest()
    assert [p["rank"] for p in draw.result] == [1, 2, 3, 4, 5, 6]
    assert sum(1 for p in draw.result if p["unit"]) == 4
    assert RentalUnit.objects.filter(state="reserved").count() == 4
    assert actions.verify_draw(draw)
    with pytest.raises(RentalError, match="已经摇号"):
        actions.hold_draw(None, draw, held_on=D(2023, 3, 16), external_value="999")
    # The kept result is evidence: if it were altered, the re-run would show it.
    draw.result[0], draw.result[1] = draw.result[1], draw.result[0]
    assert not actions.verify_draw(draw)
    draw.refresh_from_db()
    draw.external_value = "428"  # another outside value gives another seed
    assert not actions.verify_draw(draw)
    draw.refresh_from_db()
    # The winner of rank 1 signs for the home of rank 1.
    first = draw.result[0]
    household = next(h for h in households if h.number == first["household"])
    ru = RentalUnit.objects.get(unit__code=first["unit"])
    lease = actions.sign_lease(None, rental_unit=ru, household=household, start=D(2023, 4, 1), end=D(2026, 3, 31))
    assert lease.monthly_rent == Decimal("80.00") and lease.draw_id == draw.pk
    ru.refresh_from_db()
    household.refresh_from_db()
    assert ru.state == "let" and household.status == "housed"
    assert [s.state for s in ru.history.order_by("on", "pk")] == ["vacant", "reserved", "reserved", "let"]


def test_winners_take_part_in_no_later_draw(units: list[RentalUnit]) -> None:
    households = [factories.waiting_household(seq) for seq in range(1, 4)]
    first = factories.lottery(units=[units[0].unit.code, units[1].unit.code])
    winners = {p["household"] for p in first.result if p["unit"]}
    assert len(winners) == 2
    # One home not drawn goes back to vacant when there are more homes than households.
    second = factories.lottery(announced_on=D(2023, 4, 1), draw_on=D(2023, 4, 10), external="88")
    assert second.households == sorted({h.number for h in households} - winners)
    assert sum(1 for p in second.result if p["unit"]) == 1
    assert RentalUnit.objects.filter(kind="home", state="vacant").count() == 1


def test_a_draw_needs_a_seed_source_waiting_households_and_vacant_homes(units: list[RentalUnit]) -> None:
    day, draw_day = D(2023, 3, 1), D(2023, 3, 15)
    with pytest.raises(RentalError, match="外部来源"):
        actions.announce_draw(None, announced_on=day, draw_on=draw_day, seed_source=" ")
    with pytest.raises(RentalError, match="没有轮候家庭"):
        actions.announce_draw(None, announced_on=day, draw_on=draw_day, seed_source="彩票")
    factories.waiting_household(1)
    with pytest.raises(RentalError, match="不是空置住房"):
        actions.announce_draw(None, announced_on=day, draw_on=draw_day, seed_source="彩票", units=[units[4].unit.code])
    with pytest.raises(RentalError, match="早于公告"):
        actions.announce_draw(None, announced_on=day, draw_on=D(2023, 2, 1), seed_source="彩票")
    actions.announce_draw(None, announced_on=day, draw_on=draw_day, seed_source="彩票", units=[units[0].unit.code])
    with pytest.raises(RentalError, match="公告未摇号"):
        actions.announce_draw(None, announced_on=day, draw_on=draw_day, seed_source="彩票")


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
    actions.bill_month(None, D(2024, 1, 1))  # billed before the renewal was signed
    renewed = actions.renew_lease(None, lease, start=D(2024, 1, 1), end=D(2026, 12, 31))
    lease.refresh_from_db()
    assert lease.status == "ended" and lease.ended_on == D(2023, 12, 31)
    assert not lease.bills.filter(month=D(2024, 1, 1)).exists()  # withdrawn: no month billed twice
    assert actions.bill_month(None, D(2024, 1, 1))["created"] == 1 and renewed.bills.count() == 1
    assert renewed.renewed_from_id == lease.pk and renewed.monthly_rent == Decimal("96.00")
    assert RentalUnit.objects.get(pk=units[0].pk).state == "let"
    with pytest.raises(RentalError):
        actions.renew_lease(None, lease, start=D(2024, 1, 1), end=D(2026, 12, 31))


def test_review_inspection_exit(units: list[RentalUnit]) -> None:
    lease = factories.home_lease(units[0], 1)
    factories.home_lease(units[1], 2)
    assert actions.open_reviews(None, 2023, D(2023, 2, 1)) == 2
    assert actions.open_reviews(None, 2023, D(2023, 2, 2)) == 0
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
    exit_ = factories.served_exit(lease, reason="sublet", notice_on=D(2023, 6, 5), deadline=D(2023, 7, 5))
    assert exit_.number == "QT2023-00001"
    with pytest.raises(RentalError, match="进行中"):
        actions.prepare_exit(None, lease, reason="sublet", on=D(2023, 6, 6))
    actions.serve_exit_notice_again(None, exit_, on=D(2023, 7, 10))
    actions.force_exit(None, exit_, note="法院立案")
    exit_ = actions.complete_exit(None, exit_, on=D(2023, 9, 1))
    assert exit_.status == "completed" and exit_.forced and exit_.notices == 2
    lease.refresh_from_db()
    assert lease.status == "ended" and lease.ended_on == D(2023, 9, 1)
    assert Household.objects.get(pk=lease.household_id).status == "exited"
    statuses = [
        (event.before, event.after)
        for event in AuditEvent.objects.filter(model="rental.Household", object_id=str(lease.household_id)).order_by(
            "pk"
        )
        if event.after and "status" in event.after and set(event.after) == {"status"}
    ]
    assert statuses == [({"status": "waiting"}, {"status": "housed"}), ({"status": "housed"}, {"status": "exited"})]
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
    draw = factories.lottery(units=[units[0].unit.code])
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
    actions.open_reviews(None, 2023, D(2023, 1, 2))
    actions.record_review(None, Review.objects.get(), outcome="market", on=D(2023, 6, 1))
    renewed = actions.renew_lease(None, lease, start=D(2024, 1, 1), end=D(2026, 12, 31))
    assert renewed.category == "market" and renewed.monthly_rent == Decimal("400.00")


def test_ending_a_lease_withdraws_the_bills_after_it(units: list[RentalUnit]) -> None:
    from anju.rental.models import RentBill

    lease = factories.home_lease(units[0], 1)
    other = factories.home_lease(units[1], 2)
    for month in (1, 2, 3, 4):
        actions.bill_month(None, D(2023, month, 1))  # billed in advance up to April
    actions.end_lease(None, lease, on=D(2023, 2, 14))
    assert list(RentBill.objects.filter(lease=lease).values_list("month", flat=True).order_by("month")) == [
        D(2023, 1, 1),
        D(2023, 2, 1),
    ]
    event = AuditEvent.objects.filter(model="rental.Lease", object_id=str(lease.pk)).latest("pk")
    assert "2023-03、2023-04" in event.note
    actions.receive_payment(None, other, amount=Decimal("320.00"), paid_on=D(2023, 1, 20))  # Jan–Apr paid
    with pytest.raises(RentalError, match="2023-03、2023-04"):
        actions.end_lease(None, other, on=D(2023, 2, 14))
    other.refresh_from_db()
    assert other.status == "active" and RentBill.objects.filter(lease=other).count() == 4


def test_the_review_is_opened_for_the_households_with_a_home_lease_in_force_on_the_day(
    units: list[RentalUnit],
) -> None:
    staying = factories.home_lease(units[0], 1, start=D(2022, 1, 1))
    gone = factories.home_lease(units[1], 2, start=D(2022, 1, 1))
    later = factories.home_lease(units[2], 3, start=D(2023, 5, 1))
    leaving = factories.home_lease(units[3], 4, start=D(2022, 1, 1))
    exit_ = factories.served_exit(gone, reason="vacant", notice_on=D(2023, 1, 5), deadline=D(2023, 2, 5))
    actions.complete_exit(None, exit_, on=D(2023, 2, 10))
    exit_ = factories.served_exit(leaving, reason="vacant", notice_on=D(2023, 3, 5), deadline=D(2023, 4, 5))
    actions.complete_exit(None, exit_, on=D(2023, 4, 10))  # exits after the opening day: still reviewed
    with pytest.raises(RentalError, match="年度"):
        actions.open_reviews(None, 2023, D(2022, 12, 31))
    assert actions.open_reviews(None, 2023, D(2023, 3, 1)) == 2
    reviewed = set(Review.objects.filter(year=2023).values_list("household_id", flat=True))
    assert reviewed == {staying.household_id, leaving.household_id}
    assert later.household_id not in reviewed and gone.household_id not in reviewed


def test_the_register_estate_command(units: list[RentalUnit]) -> None:
    import io
    import json

    from django.core.management import call_command

    from anju.registry.models import Building, Project, Unit

    project = Project.objects.create(code="GZ-X", name="城西公租房小区", kind=Project.Kind.PUBLIC_RENTAL)
    building = Building.objects.create(project=project, number="1", floors=6)
    for room, use in (("101", Unit.Use.RESIDENTIAL), ("102", Unit.Use.RESIDENTIAL), ("S01", Unit.Use.SHOP)):
        Unit.objects.create(
            code=Unit.make_code("GZ-X", "1", "1", room),
            project=project,
            building=building,
            entrance="1",
            room=room,
            floor=1,
            area=Decimal("45.00"),
            use=use,
        )
    out = io.StringIO()
    call_command("rental", "register-estate", "GZ-X", "--on", "2023-06-01", stdout=out)
    assert json.loads(out.getvalue()) == {"project": "GZ-X", "registered": 3}
    assert RentalUnit.objects.filter(unit__project=project, kind="shop").count() == 1
    out = io.StringIO()
    call_command("rental", "register-estate", "GZ-X", "--on", "2023-06-01", stdout=out)
    assert json.loads(out.getvalue())["registered"] == 0  # already under management
    out = io.StringIO()
    with pytest.raises(SystemExit):
        call_command("rental", "register-estate", "GZ-NONE", "--on", "2023-06-01", stdout=out)
    assert "GZ-NONE" in json.loads(out.getvalue())["error"]


def test_a_duplicate_rent_standard_or_a_number_taken_meanwhile_is_a_clear_refusal(
    units: list[RentalUnit], monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(RentalError, match="已有"):
        actions.set_rate(
            None,
            kind="home",
            category="dibao",
            per_m2=Decimal("3.00"),
            reduction_percent=Decimal(50),
            valid_from=factories.RATE_DAY,
        )
    repair = actions.report_repair(None, units[0], on=D(2023, 5, 1), description="漏水")
    second = actions.report_repair(None, units[1], on=D(2023, 5, 2), description="门锁")
    next_year = actions.report_repair(None, units[1], on=D(2024, 1, 2), description="窗户")
    assert (repair.number, second.number, next_year.number) == ("WX2023-00001", "WX2023-00002", "WX2024-00001")
