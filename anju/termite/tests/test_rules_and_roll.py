"""The city's dated warranty rules (years and start event, warned below the national 15), an application's
link to the roll and its area bounded by footprint × floors, the control fee by the building's structure,
and what is overdue on the board (revisits past their anniversary, follow-ups past 30 days)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from anju.registry import actions as registry_actions
from anju.registry.models import Building, Project
from anju.registry.tests import factories as registry_factories
from anju.termite import actions, queries
from anju.termite.errors import TermiteError
from anju.termite.models import ControlRequest, FeeRate, Structure, WarrantyStart
from anju.termite.tests import factories

pytestmark = pytest.mark.django_db
D = Decimal


def _signed(on: dt.date, **kwargs: object):  # type: ignore[no-untyped-def]
    app = actions.accept_application(None, factories.application(**kwargs), on=on)  # type: ignore[arg-type]
    return actions.sign_contract(None, app, number=f"HT-{app.number}", signed_on=on)


def test_a_contract_takes_the_rule_in_force_on_its_signing_day() -> None:
    before = _signed(dt.date(2021, 6, 1), project="甲", received_on=dt.date(2021, 5, 1))
    assert before.warranty_years == 15 and before.start_event == WarrantyStart.ACCEPTANCE
    assert not before.short_warranty
    rule = actions.set_warranty_rule(
        None, effective_from=dt.date(2022, 1, 1), years=10, start_event=WarrantyStart.DELIVERY, source="某市规定"
    )
    assert rule.short
    on_the_day = _signed(dt.date(2022, 1, 1), project="乙", received_on=dt.date(2021, 12, 1))
    assert on_the_day.warranty_years == 10 and on_the_day.start_event == WarrantyStart.DELIVERY
    assert on_the_day.short_warranty
    # The contract's own years win over the rule; earlier contracts keep theirs.
    app = actions.accept_application(
        None, factories.application(project="丙", received_on=dt.date(2022, 2, 1)), on=dt.date(2022, 2, 2)
    )
    stated = actions.sign_contract(None, app, number="HT-X", signed_on=dt.date(2022, 2, 3), warranty_years=20)
    assert stated.warranty_years == 20 and not stated.short_warranty
    before.refresh_from_db()
    assert before.warranty_years == 15
    with pytest.raises(TermiteError) as twice:
        actions.set_warranty_rule(None, effective_from=dt.date(2022, 1, 1), years=15, start_event="acceptance")
    assert twice.value.reason == "rule_exists"


def test_an_application_finds_its_developer_project_and_buildings_in_the_roll() -> None:
    developer = registry_factories.enterprise("怀化宏达房地产开发有限公司")
    (project,) = registry_actions.register_projects(None, [Project(code="P9", name="鹤城花园", developer=developer)])
    registry_actions.register_buildings(None, [Building(project=project, number="1", floors=18)])
    application = actions.register_application(
        None,
        developer_name=developer.uscc,
        project_name="鹤城花园",
        received_on=dt.date(2023, 3, 1),
        buildings=[
            actions.BuildingArea("1", D("8000.00"), footprint=D("450.00")),
            actions.BuildingArea("2", D("900.00")),  # a new building not in the roll yet
        ],
    )
    assert application.developer == developer and application.project == project
    by_no = {b.building_no: b for b in application.buildings.all()}
    assert by_no["1"].building is not None and by_no["1"].floors == 18 and by_no["2"].building is None
    # 18 floors × 450 m² = 8100 m²: more is refused, naming the building.
    with pytest.raises(TermiteError) as over:
        actions.register_application(
            None,
            developer_name="怀化宏达房地产开发有限公司",
            project_name="鹤城花园",
            received_on=dt.date(2024, 3, 1),
            buildings=[actions.BuildingArea("1", D("8100.01"), footprint=D("450.00"))],
        )
    assert over.value.reason == "area_over_floors" and "1幢" in over.value.message
    exactly = actions.register_application(
        None,
        developer_name="怀化宏达房地产开发有限公司",
        project_name="鹤城花园",
        received_on=dt.date(2024, 3, 1),
        buildings=[actions.BuildingArea("1", D("8100.00"), footprint=D("450.00"))],
    )
    assert exactly.area == D("8100.00")


def test_control_of_a_house_out_of_warranty_is_charged_at_its_structures_rate() -> None:
    app = actions.register_application(
        None,
        developer_name="宏达",
        project_name="老城小区",
        received_on=dt.date(2000, 3, 1),
        buildings=[actions.BuildingArea("1", D("500.00"), structure=Structure.BRICK_CONCRETE)],
    )
    actions.accept_application(None, app, on=dt.date(2000, 3, 2))
    contract = actions.sign_contract(None, app, number="HT-OLD", signed_on=dt.date(2000, 3, 3))
    building = actions.accept_building(None, contract.buildings.get(), on=dt.date(2000, 6, 1))
    assert building.structure == Structure.BRICK_CONCRETE
    actions.set_fee_rate(None, kind=FeeRate.Kind.HOUSE_CONTROL, amount=D("3.00"), effective_from=dt.date(2020, 1, 1))
    actions.set_fee_rate(
        None,
        kind=FeeRate.Kind.HOUSE_CONTROL,
        amount=D("4.50"),
        effective_from=dt.date(2020, 1, 1),
        structure=Structure.BRICK_CONCRETE,
    )
    values = {"requester_kind": "resident", "requester_name": "王五", "channel": "phone", "target": "house"}
    own = actions.open_control_request(
        None, received_on=dt.date(2023, 5, 1), address="老城小区1幢", area=D("120.00"), warranty=building, **values
    )
    assert own.basis == ControlRequest.Basis.PAID and own.fee == D("540.00")  # 120 × 4.50
    other = actions.open_control_request(None, received_on=dt.date(2023, 5, 1), address="别处", area=D("120"), **values)
    assert other.fee == D("360.00")  # no building known: the rate for every structure


def test_overdue_revisits_are_those_past_their_anniversary_and_follow_ups_past_due() -> None:
    early = {"received_on": dt.date(2021, 1, 2), "accepted_on": dt.date(2021, 1, 5)}
    march = factories.accepted_building(on=dt.date(2021, 3, 10), project="三月", **early)
    june = factories.accepted_building(on=dt.date(2021, 6, 20), project="六月", **early)
    today = dt.date(2023, 6, 20)
    overdue = set(queries.overdue_revisits(2023, today))
    assert march in overdue and june not in overdue  # 20 June is its anniversary: due that day, not yet late
    assert set(queries.overdue_revisits(2022, today)) == {march, june}  # a past year: all not revisited
    assert not queries.overdue_revisits(2024, today).exists()
    actions.record_revisit(
        None, march, date=dt.date(2023, 6, 1), inspector="刘工", area_checked=march.area, finding="clear"
    )
    assert march not in set(queries.overdue_revisits(2023, today))
    request = actions.open_control_request(
        None,
        received_on=dt.date(2023, 4, 1),
        requester_kind="resident",
        requester_name="王五",
        channel="phone",
        target="house",
        address="某处",
        area=D("50"),
    )
    actions.treat_control(None, request, on=dt.date(2023, 4, 3), area=D("50"))
    request.refresh_from_db()
    late = queries.overdue_follow_ups(request.follow_up_due + dt.timedelta(days=1))
    assert list(late) == [request] and not queries.overdue_follow_ups(request.follow_up_due).exists()
