"""Termite control's use cases: an application accepted (its area counted) or returned, a duplicate of
the same building in a year refused, a contract, acceptance starting the warranty, revisits under the
warranty only (a finding of termites opens a free control request), control requests charged by basis."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from anju.core.models import AuditEvent
from anju.termite import actions, queries
from anju.termite.errors import TermiteError
from anju.termite.models import Application, ControlRequest, FeeRate, Revisit, Stage
from anju.termite.tests import factories

pytestmark = pytest.mark.django_db
D = Decimal


def test_an_accepted_application_counts_its_area_in_the_year_it_was_accepted() -> None:
    application = factories.application(received_on=dt.date(2022, 12, 20))
    assert application.number.startswith("YF2022-") and application.area == D("13000.50")
    actions.accept_application(None, application, on=dt.date(2023, 1, 4))
    assert queries.accepted_area(2023) == D("13000.50") and queries.accepted_area(2022) == 0
    returned = factories.application(project="舞水湾")
    with pytest.raises(TermiteError) as refused:
        actions.return_application(None, returned, on=dt.date(2023, 3, 2), reason=" ")
    assert refused.value.reason == "reason_required"
    actions.return_application(None, returned, on=dt.date(2023, 3, 2), reason="资料不齐")
    assert Application.objects.get(pk=returned.pk).status == Application.Status.RETURNED
    assert queries.accepted_area(2023) == D("13000.50")


def test_the_same_building_twice_in_a_year_and_bad_areas_are_refused() -> None:
    factories.application()
    with pytest.raises(TermiteError) as duplicate:
        factories.application(buildings=(("2", "100.00"), ("3", "100.00")))
    assert duplicate.value.reason == "duplicate_application" and "2幢" in duplicate.value.message
    factories.application(received_on=dt.date(2024, 1, 5))  # another year: allowed
    for area in ("0", "-5", "1.005"):
        with pytest.raises(TermiteError) as bad:
            factories.application(project="新项目", buildings=(("1", area),))
        assert bad.value.field == "area"


def test_acceptance_starts_the_warranty_and_cannot_precede_the_contract() -> None:
    contract = factories.contract()
    building = contract.buildings.get(building_no="1")
    with pytest.raises(TermiteError) as early:
        actions.accept_building(None, building, on=contract.signed_on - dt.timedelta(days=1))
    assert early.value.reason == "accepted_before_contract"
    actions.record_treatment(
        None, building, stage=Stage.FOUNDATION, date=dt.date(2023, 4, 1), crew="一队", area=D("8000")
    )
    accepted = actions.accept_building(None, building, on=dt.date(2024, 2, 29))
    assert accepted.nominal_end == dt.date(2039, 2, 28) and accepted.certificate_number.startswith("BZ2024-")
    assert queries.treated_area(2024) == D("8000.00")
    with pytest.raises(TermiteError):
        actions.record_treatment(None, accepted, stage=Stage.WALLS, date=dt.date(2024, 3, 1), crew="一队", area=D("1"))
    assert AuditEvent.objects.filter(model="termite.WarrantyBuilding").exists()


def test_a_revisit_needs_a_running_warranty_and_a_finding_opens_a_free_control_request() -> None:
    building = factories.accepted_building(
        on=dt.date(2020, 6, 15), accepted_on=dt.date(2020, 3, 5), received_on=dt.date(2020, 3, 1)
    )
    with pytest.raises(TermiteError) as outside:
        actions.record_revisit(
            None,
            building,
            date=dt.date(2020, 6, 14),
            inspector="李明",
            area_checked=D("100"),
            finding=Revisit.Finding.CLEAR,
        )
    assert outside.value.reason == "not_under_warranty"
    with pytest.raises(TermiteError):
        actions.record_revisit(
            None,
            building,
            date=dt.date(2023, 5, 1),
            inspector="李明",
            area_checked=D("9000"),
            finding=Revisit.Finding.CLEAR,
        )
    revisit = actions.record_revisit(
        None,
        building,
        date=dt.date(2023, 5, 1),
        inspector="李明",
        area_checked=D("8000"),
        finding=Revisit.Finding.TERMITES,
    )
    request = revisit.control_request
    assert request is not None and request.basis == ControlRequest.Basis.WARRANTY and request.fee == 0
    assert request.warranty == building and request.requester_kind == ControlRequest.Requester.REVISIT
    assert queries.revisit_area(2023) == D("8000.00") and queries.revisit_rate(2023) == D("100.00")


def test_control_is_free_under_warranty_public_for_parks_and_charged_otherwise() -> None:
    actions.set_fee_rate(
        None,
        kind=FeeRate.Kind.HOUSE_CONTROL,
        amount=D("5.00"),
        minimum_quantity=D("50"),
        effective_from=dt.date(2020, 1, 1),
    )
    building = factories.accepted_building(on=dt.date(2023, 6, 15))
    common = {"requester_name": "张三", "channel": ControlRequest.Channel.PHONE, "address": "鹤城花园1栋"}
    free = actions.open_control_request(
        None,
        received_on=dt.date(2023, 6, 15),
        requester_kind="resident",
        target="house",
        area=D("30"),
        warranty=building,
        **common,
    )
    paid = actions.open_control_request(
        None, received_on=dt.date(2023, 6, 15), requester_kind="resident", target="house", area=D("30"), **common
    )
    trees = actions.open_control_request(
        None, received_on=dt.date(2023, 6, 15), requester_kind="parks", target="trees", trees=120, **common
    )
    assert (free.basis, free.fee) == (ControlRequest.Basis.WARRANTY, D("0.00"))
    assert (paid.basis, paid.fee) == (ControlRequest.Basis.PAID, D("250.00"))  # the 50 m² minimum
    assert (trees.basis, trees.fee) == (ControlRequest.Basis.PUBLIC, D("0.00"))
    treated = actions.treat_control(None, paid, on=dt.date(2023, 6, 20), area=D("28.50"))
    assert treated.follow_up_due is not None and treated.follow_up_due >= dt.date(2023, 7, 20)
    actions.treat_control(None, trees, on=dt.date(2023, 6, 21), trees=118)
    assert queries.house_control_area(2023) == D("28.50") and queries.trees_treated(2023) == 118
    with pytest.raises(TermiteError):
        actions.close_control(None, free, followed_up_on=dt.date(2023, 7, 1))
    closed = actions.close_control(None, treated, followed_up_on=dt.date(2023, 7, 21))
    assert closed.status == ControlRequest.Status.CLOSED


def test_chemicals_never_go_below_stock_and_the_fund_use_is_chemicals_plus_labour() -> None:
    chemical = actions.add_chemical(None, name="联苯菊酯", registration_number="PD1", unit="L", unit_price=D("80.00"))
    lot = actions.receive_lot(None, chemical, lot="L1", received_on=dt.date(2023, 1, 3), quantity=D("10"))
    issue = actions.issue_chemical(None, lot, date=dt.date(2023, 2, 1), quantity=D("2.505"))
    assert issue.cost == D("200.40")
    with pytest.raises(TermiteError) as short:
        actions.issue_chemical(None, lot, date=dt.date(2023, 2, 2), quantity=D("7.5"))
    assert (
        short.value.reason == "short_stock" and "联苯菊酯" in short.value.message and "缺0.005L" in short.value.message
    )
    with pytest.raises(TermiteError):
        actions.issue_chemical(None, lot, date=dt.date(2023, 1, 2), quantity=D("1"))  # before the lot came in
    actions.set_labour_price(None, kind="prevention", price=D("0.20"), effective_from=dt.date(2023, 1, 1))
    actions.set_labour_price(None, kind="prevention", price=D("0.30"), effective_from=dt.date(2023, 7, 1))
    building = factories.contract().buildings.get(building_no="1")
    actions.record_treatment(
        None, building, stage=Stage.FOUNDATION, date=dt.date(2023, 4, 1), crew="一队", area=D("1000")
    )
    actions.record_treatment(None, building, stage=Stage.WALLS, date=dt.date(2023, 8, 1), crew="一队", area=D("1000"))
    assert queries.labour_cost(2023) == D("500.00")  # 1000 × 0.20 + 1000 × 0.30
    assert queries.special_used(2023) == D("700.40") and queries.special_used(2022) == 0
    assert queries.chemicals_used(2023) == ["联苯菊酯 2.505 L"]


def test_the_report_warns_when_the_finance_record_differs_from_the_termite_records() -> None:
    from anju.performance import actions as performance
    from anju.performance.report import fund_record_checks

    fund = performance.save_special_fund(
        None,
        year=2023,
        name="白蚁防治专项经费",
        key="termite",
        budget=D("1000.00"),
        used=D("100.00"),
        balance=D("900.00"),
    )
    assert fund_record_checks(2023) == []  # the line recorded nothing in 2023: nothing to compare
    chemical = actions.add_chemical(None, name="氟虫腈", registration_number="PD2", unit="kg", unit_price=D("50.00"))
    lot = actions.receive_lot(None, chemical, lot="F1", received_on=dt.date(2023, 1, 3), quantity=D("5"))
    actions.issue_chemical(None, lot, date=dt.date(2023, 3, 1), quantity=D("1"))
    (check,) = fund_record_checks(2023)
    assert check.rule == "fund.termite.records" and "财务记录0.01万元" in check.message and "业务记录" in check.message
    actions.issue_chemical(None, lot, date=dt.date(2023, 3, 2), quantity=D("1"))
    assert fund_record_checks(2023) == [] and fund.used == queries.special_used(2023)


def test_review_fixes_rates_second_contracts_returns_and_treatment_area() -> None:
    actions.set_fee_rate(
        None, kind=FeeRate.Kind.PREVENTION, structure="frame", amount=D("2.00"), effective_from=dt.date(2020, 1, 1)
    )
    actions.set_fee_rate(None, kind=FeeRate.Kind.PREVENTION, amount=D("1.00"), effective_from=dt.date(2022, 1, 1))
    assert actions.rate_in_force(FeeRate.Kind.PREVENTION, "frame", dt.date(2023, 1, 1)).amount == D("2.00")
    assert actions.rate_in_force(FeeRate.Kind.PREVENTION, "brick_timber", dt.date(2023, 1, 1)).amount == D("1.00")
    contract = factories.contract()
    with pytest.raises(TermiteError) as again:
        actions.sign_contract(None, contract.application, number="HT-other", signed_on=dt.date(2023, 3, 8))
    assert again.value.reason == "already_contracted"
    returned = factories.application(project="舞水湾", received_on=dt.date(2023, 3, 10))
    with pytest.raises(TermiteError):
        actions.return_application(None, returned, on=dt.date(2023, 3, 9), reason="资料不齐")
    building = contract.buildings.get(building_no="2")
    with pytest.raises(TermiteError) as over:
        actions.record_treatment(
            None, building, stage=Stage.GROUND, date=dt.date(2023, 4, 1), crew="一队", area=D("5000.51")
        )
    assert over.value.reason == "area_over_building"
