"""End-to-end tests of arrears recovery and the lift pilot in headless chromium on the live server: the
recovery board shows a demo-like 2023 (target, recoveries, the named cases at their stages, the progress
chart drawn), a recovery recorded through the case page with its confirmation moves the board, and the
pilot's progress page draws its chart."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING

import pytest

from anju.fund.arrears import actions, rules
from anju.fund.arrears.models import RecoveryCase
from anju.fund.arrears.tests import factories
from anju.fund.lifts import actions as lift_actions
from anju.fund.lifts.tests import factories as lift_factories
from anju.fund.tests import factories as fund
from anju.registry.models import Enterprise
from tests.e2e.test_browser import log_in, make_user, submit

if TYPE_CHECKING:
    from playwright.sync_api import Page
    from pytest_django.live_server_helper import LiveServer

# serialized_rollback: the default roles come from a data migration (see test_browser.py).
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
D = Decimal


def city_2023() -> dict[str, RecoveryCase]:
    """The seed's 2023 story in miniature: a suit, failed auctions, a notice not served, a recovery."""
    sued = factories.case(("6000.00", "4000.00"), project_code="P0003", project_name="金御名都", seed=3)
    auctioned = factories.case(("5000.00",), project_code="P0004", project_name="怀化电器大市场", seed=4)
    unserved = factories.case(("3000.00",), project_code="P0006", project_name="北国之春", seed=6)
    paying = factories.case(("2000.00", "1000.00"), project_code="P0020", project_name="锦溪花园", seed=20)
    actions.set_target(None, year=2023, amount=D("50000.00"), issued_by="市追缴办")
    for case in (sued, auctioned, unserved, paying):
        actions.add_action(None, case, kind=rules.NOTICE, date=dt.date(2023, 3, 6))
    actions.add_action(None, unserved, kind=rules.NOT_SERVED, date=dt.date(2023, 8, 1), note="注册地址无此单位")
    Enterprise.objects.filter(pk=unserved.developer_id).update(unreachable=True, unreachable_since=dt.date(2023, 8, 1))
    actions.add_action(None, sued, kind=rules.JOINT_INTERVIEW, date=dt.date(2023, 9, 21), participants="公安、税务")
    actions.add_evidence(None, sued, collected_on=dt.date(2023, 8, 10), description="代收收据")
    actions.add_action(None, sued, kind=rules.CIVIL_SUIT, date=dt.date(2023, 10, 16), participants="律师事务所")
    actions.add_action(None, auctioned, kind=rules.AUCTION_STARTED, date=dt.date(2023, 3, 15))
    for day in (dt.date(2023, 5, 20), dt.date(2023, 7, 18), dt.date(2023, 10, 26)):
        actions.add_action(None, auctioned, kind=rules.FAILED_AUCTION, date=day, amount=D("5000.00"))
    actions.add_action(None, paying, kind=rules.INTERVIEW, date=dt.date(2023, 5, 8))
    actions.record_recovery(
        None, paying, amount=D("3000.00"), received_on=dt.date(2023, 6, 2), bank=fund.bank(), bank_txn_id="T1"
    )
    return {"sued": sued, "auctioned": auctioned, "unserved": unserved, "paying": paying}


def figure(page: Page, kpi: str) -> str:
    """The figure the board shows for fund.arrears.<kpi>, exactly as written."""
    return page.locator(f"#arrears-kpis [data-kpi='fund.arrears.{kpi}'] b").inner_text().strip()


def stage_of(page: Page, number: str) -> str | None:
    return page.locator(f"#board-matrix tr:has(a:text-is('{number}'))").get_attribute("data-stage")


def test_board_shows_the_2023_recovery_and_a_recovery_moves_it(
    page: Page, live_server: LiveServer, screenshot: Callable[[Page, str], None]
) -> None:
    cases = city_2023()
    make_user("zhaoqiang", "station")
    log_in(page, live_server.url, "zhaoqiang")
    response = page.goto(f"{live_server.url}/fund/arrears/?year=2023")
    assert response is not None and response.status == 200
    assert figure(page, "target") == "50,000.00"
    assert figure(page, "recovered") == "3,000.00"
    assert figure(page, "rate") == "6.00"
    assert figure(page, "failed_auction_amount") == "5,000.00"
    assert figure(page, "evidence_households") == "2" and figure(page, "evidence_amount") == "10,000.00"
    assert stage_of(page, cases["sued"].number) == rules.ENFORCEMENT
    assert stage_of(page, cases["auctioned"].number) == rules.AUCTION
    assert stage_of(page, cases["unserved"].number) == rules.UNSERVED
    assert stage_of(page, cases["paying"].number) == rules.RECOVERED
    # ECharts drew the progress chart into the container.
    page.wait_for_selector("#progress-chart canvas")
    screenshot(page, "arrears-board")

    # Record 4,000 of the suit case's 10,000 through the case page: the split shows first.
    page.click(f"#board-matrix a:text-is('{cases['sued'].number}')")
    page.wait_for_selector("#recovery-form")
    page.fill("#recovery-form input[name=amount]", "4000.00")
    page.fill("#recovery-form input[name=received_on]", "2023-11-20")
    page.fill("#recovery-form input[name=bank_txn_id]", "CCB20231120001")
    response = submit(page, "#recovery-form button[type=submit]")
    assert response.status == 200
    split = [c.strip() for c in page.locator("#split tbody td.num").all_inner_texts()]
    assert split == ["6,000.00", "2,400.00", "4,000.00", "1,600.00"]
    screenshot(page, "arrears-confirm")
    submit(page, "form:has(input[name=confirm]) button[type=submit].primary")
    assert page.locator("#case-outstanding").inner_text().strip() == "6,000.00"
    assert "4,000.00" in page.locator("#recoveries").inner_text()

    page.goto(f"{live_server.url}/fund/arrears/?year=2023")
    assert figure(page, "recovered") == "7,000.00"
    assert figure(page, "rate") == "14.00"

    # The notice prints what is still owed.
    page.goto(f"{live_server.url}/fund/arrears/cases/{cases['sued'].pk}/notice/")
    assert "陆仟元整" in page.locator("#notice").inner_text()


def test_pilot_progress_draws_its_chart(page: Page, live_server: LiveServer) -> None:
    lifts = lift_factories.lifts(3)
    lift_actions.sign_policy(
        None,
        number="DTBX20231220001",
        insurer=lift_factories.insurer(),
        lifts=lifts,
        signed_on=dt.date(2023, 12, 20),
        start=dt.date(2024, 1, 1),
        end=dt.date(2024, 12, 31),
        premium=D("10800.00"),
        cover=D("600000.00"),
    )
    lift_actions.set_pilot_target(None, date=dt.date(2024, 3, 31), lifts=200)
    make_user("wangfang", "finance")
    log_in(page, live_server.url, "wangfang")
    page.goto(f"{live_server.url}/fund/lifts/progress/")
    assert re.fullmatch(r"\D*3\D*", page.locator("#pilot-total").inner_text().strip())
    assert "恒大御景湾" in page.locator("#pilot-projects").inner_text()
    page.wait_for_selector("#pilot-chart canvas")
