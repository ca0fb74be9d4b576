from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from anju.core import kpis as registry
from anju.fund.arrears import actions, queries, rules
from anju.fund.arrears.models import RecoveryCase
from anju.fund.arrears.tests import factories
from anju.fund.tests import factories as fund

pytestmark = pytest.mark.django_db
D = Decimal
CODES = (
    "fund.arrears.target",
    "fund.arrears.recovered",
    "fund.arrears.rate",
    "fund.arrears.enterprises_interviewed",
    "fund.arrears.evidence_projects",
    "fund.arrears.evidence_households",
    "fund.arrears.evidence_amount",
    "fund.arrears.failed_auction_amount",
)


@pytest.fixture
def year_of_recovery() -> None:
    """Two cases in 2023 and one action in 2022, which must not count."""
    a = factories.case(("6000.00", "4000.00"), project_code="P0001", project_name="金御名都", seed=1)
    b = factories.case(("3000.00",), project_code="P0002", project_name="怀化电器大市场", seed=2)
    actions.set_target(None, year=2023, amount=D("40000.00"))
    actions.add_action(None, a, kind=rules.INTERVIEW, date=dt.date(2023, 4, 1))
    actions.add_action(None, a, kind=rules.JOINT_INTERVIEW, date=dt.date(2023, 9, 21), participants="公安、税务")
    actions.add_action(None, b, kind=rules.INTERVIEW, date=dt.date(2022, 12, 31))
    # Receipts for both units, then the deed tax of the first again: the first unit counts once.
    actions.add_evidence(None, a, collected_on=dt.date(2023, 8, 10), description="收据")
    actions.add_evidence(None, a, collected_on=dt.date(2023, 9, 12), description="契税", units=["P0001-1-1-101"])
    actions.add_evidence(None, b, collected_on=dt.date(2022, 9, 12), description="旧证据")
    for day in (dt.date(2023, 5, 20), dt.date(2023, 7, 18)):
        actions.add_action(None, b, kind=rules.FAILED_AUCTION, date=day, amount=D("3000.00"))
    actions.add_action(None, b, kind=rules.FAILED_AUCTION, date=dt.date(2023, 10, 26), amount=D("2500.00"))
    bank = fund.bank()
    actions.record_recovery(
        None, a, amount=D("10000.00"), received_on=dt.date(2023, 11, 1), bank=bank, bank_txn_id="ZJ-A"
    )
    actions.record_recovery(
        None, b, amount=D("1520.00"), received_on=dt.date(2024, 1, 5), bank=bank, bank_txn_id="ZJ-B"
    )


def test_every_arrears_kpi_is_registered_with_records_and_a_url() -> None:
    for code in CODES:
        kpi = registry.get(code)
        assert kpi.records is not None and kpi.records_url is not None
        assert kpi.records_url(2023).startswith("/fund/arrears/")
    assert registry.get("fund.arrears.enterprises_interviewed").is_count


def test_kpis_of_the_year(year_of_recovery: None) -> None:
    values = queries.kpi_values(2023)
    assert values == {
        "fund.arrears.target": D("40000.00"),
        "fund.arrears.recovered": D("10000.00"),
        "fund.arrears.rate": D("25.00"),
        "fund.arrears.enterprises_interviewed": 1,  # one developer, interviewed twice; the other in 2022
        "fund.arrears.evidence_projects": 1,
        # Two units (the first covered twice counts once) and what they owe.
        "fund.arrears.evidence_households": 2,
        "fund.arrears.evidence_amount": D("10000.00"),
        # Three failed auctions of the same asset: the latest one's amount, once.
        "fund.arrears.failed_auction_amount": D("2500.00"),
        "fund.arrears.dispatch_meetings": 0,
        # The joint interview with the police and the tax bureau; no transfer to urban management yet.
        "fund.arrears.joint_interviewed": 1,
        "fund.arrears.transfers": 0,
        "fund.arrears.urban_interviewed": 0,
        "fund.arrears.failed_auctions": ["怀化电器大市场抵押资产三次拍卖"],
    }
    assert queries.recovered(2024) == D("1520.00")
    assert registry.get("fund.arrears.recovered").records(2023).count() == 1  # type: ignore[misc]
    assert list(queries.interviewed_enterprises(2023).values_list("name", flat=True)) == [
        "怀化金御名都房地产开发有限公司"
    ]
    assert queries.cases_for_kpi("failed_auction", 2023).get().project.name == "怀化电器大市场"


def test_kpis_are_zero_without_records() -> None:
    values = queries.kpi_values(2023)
    assert values["fund.arrears.rate"] == D("0.00") and values["fund.arrears.enterprises_interviewed"] == 0


def test_the_board_sums_cases_by_stage_and_months(year_of_recovery: None) -> None:
    board = queries.board(2023)
    assert [r.case.project.name for r in board.rows] == ["金御名都", "怀化电器大市场"]
    assert board.by_stage[rules.RECOVERED]["cases"] == 1 and board.by_stage[rules.AUCTION]["cases"] == 1
    assert board.cumulative[9] == "0.00" and board.cumulative[10] == "10000.00"
    assert board.cumulative[-1] == "10000.00" and board.cumulative[0] == "0.00"
    assert board.rate == D("25.00") and board.outstanding == D("13000.00") - D("11520.00")


def test_a_joint_interview_after_the_transfer_is_urban_managements(year_of_recovery: None) -> None:
    """移交城管 then 联合城管约谈: the case's project counts as transferred, its developer as interviewed with urban
    management and no longer with the police and tax (which counted the interview before the transfer)."""
    case = RecoveryCase.objects.get(project__name="金御名都")
    before = queries.joint_interviewed(2023)
    actions.add_action(None, case, kind=rules.TRANSFER, date=dt.date(2023, 10, 9), participants="市城管局")
    actions.add_action(None, case, kind=rules.JOINT_INTERVIEW, date=dt.date(2023, 11, 6), participants="市城管局")
    assert queries.transfers(2023) == 1 and queries.urban_interviewed(2023) == 1
    assert queries.joint_interviewed(2023) == before  # the earlier police/tax interview still counts
    other = RecoveryCase.objects.get(project__name="怀化电器大市场")
    actions.add_action(None, other, kind=rules.FAILED_AUCTION, date=dt.date(2024, 1, 5), amount=D("100.00"))
    assert queries.failed_auctions(2024) == ["怀化电器大市场抵押资产一次拍卖"]
    assert rules.chinese_count(2) == "两" and rules.chinese_count(12) == "12"
