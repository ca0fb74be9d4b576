"""Termite control in headless chromium on the live server, as the service station works: an application
received at the counter, accepted and contracted; its building treated and accepted (the warranty end
shown, the certificate downloaded); a revisit that finds termites opens a free control request, which is
treated and closed; the board shows the year's figures."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest

from anju.termite.models import Application, ControlRequest, WarrantyBuilding
from anju.termite.tests import factories
from tests.e2e.test_browser import log_in, make_user, submit

if TYPE_CHECKING:
    from playwright.sync_api import Page
    from pytest_django.live_server_helper import LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_prevention_from_the_counter_to_the_certificate(
    page: Page, live_server: LiveServer, screenshot: Callable[[Page, str], None]
) -> None:
    make_user("zhaoqiang", "station")
    log_in(page, live_server.url, "zhaoqiang")
    page.goto(f"{live_server.url}/termite/applications/new/")
    page.fill("input[name=developer_name]", "怀化宏达房地产开发有限公司")
    page.fill("input[name=project_name]", "鹤城花园")
    page.fill("input[name=received_on]", "2023-03-01")
    page.fill("textarea[name=buildings]", "1 8000.50 框架\n2 1200 砖混")
    submit(page, "main form button[type=submit]")
    application = Application.objects.get()
    assert page.locator("#application-buildings tbody tr").count() == 2
    page.fill("form:has(input[name=step][value=accept]) input[name=on]", "2023-03-03")
    submit(page, "form:has(input[name=step][value=accept]) button[type=submit]")
    page.fill("input[name=number]", "HT-2023-001")
    page.fill("form:has(input[name=step][value=contract]) input[name=signed_on]", "2023-03-05")
    submit(page, "form:has(input[name=step][value=contract]) button[type=submit]")
    assert Application.objects.get(pk=application.pk).contracts.count() == 1
    building = WarrantyBuilding.objects.get(building_no="1")
    page.goto(f"{live_server.url}/termite/buildings/{building.pk}/")
    page.select_option("select[name=stage]", "foundation")
    page.fill("form:has(input[name=step][value=treatment]) input[name=date]", "2023-04-01")
    page.fill("input[name=crew]", "白蚁防治一队")
    page.fill("form:has(input[name=step][value=treatment]) input[name=area]", "8000.50")
    submit(page, "form:has(input[name=step][value=treatment]) button[type=submit]")
    page.fill("form:has(input[name=step][value=accept]) input[name=on]", "2023-06-15")
    submit(page, "form:has(input[name=step][value=accept]) button[type=submit]")
    assert "2038-06-15" in page.locator(".facts").inner_text()
    screenshot(page, "termite-building")
    with page.expect_download() as download:
        page.click("text=Word")
    assert download.value.suggested_filename.endswith(".docx")


def test_a_revisit_finding_termites_and_its_control(
    page: Page, live_server: LiveServer, screenshot: Callable[[Page, str], None]
) -> None:
    building = factories.accepted_building(
        on=dt.date(2021, 6, 15), accepted_on=dt.date(2021, 3, 5), received_on=dt.date(2021, 3, 1)
    )
    make_user("zhaoqiang", "station")
    log_in(page, live_server.url, "zhaoqiang")
    page.goto(f"{live_server.url}/termite/buildings/{building.pk}/")
    page.fill("form:has(input[name=step][value=revisit]) input[name=date]", "2023-05-01")
    page.fill("input[name=inspector]", "李明")
    page.select_option("select[name=finding]", "termites")
    submit(page, "form:has(input[name=step][value=revisit]) button[type=submit]")
    request = ControlRequest.objects.get()
    page.click(f"text={request.number}")
    page.wait_for_url(f"**/termite/requests/{request.pk}/")
    page.fill("form:has(input[name=step][value=treat]) input[name=on]", "2023-05-03")
    page.fill("form:has(input[name=step][value=treat]) input[name=area]", "45.50")
    submit(page, "form:has(input[name=step][value=treat]) button[type=submit]")
    page.fill("input[name=followed_up_on]", "2023-06-06")
    submit(page, "form:has(input[name=step][value=close]) button[type=submit]")
    assert ControlRequest.objects.get().status == ControlRequest.Status.CLOSED
    page.goto(f"{live_server.url}/termite/?year=2023")
    figures = page.locator("#termite-figures").inner_text()
    assert "45.50" in figures and "100.00" in figures
    screenshot(page, "termite-board")


def test_a_paid_control_request_at_the_counter_and_its_chemicals(
    page: Page, live_server: LiveServer, screenshot: Callable[[Page, str], None]
) -> None:
    """A resident's request at the counter, charged at the rate in force; a lot received on the chemicals
    page, then issued to the request from its own page (too much refused, naming the shortfall); the
    special fund's use on the chemicals page."""
    from decimal import Decimal

    from anju.termite import actions
    from anju.termite.models import ChemicalIssue, FeeRate

    actions.set_fee_rate(
        None, kind=FeeRate.Kind.HOUSE_CONTROL, amount=Decimal("5.00"), effective_from=dt.date(2020, 1, 1)
    )
    make_user("zhaoqiang", "station")
    log_in(page, live_server.url, "zhaoqiang")
    page.goto(f"{live_server.url}/termite/requests/new/")
    page.fill("input[name=received_on]", "2023-07-01")
    page.select_option("select[name=requester_kind]", "resident")
    page.fill("input[name=requester_name]", "王五")
    page.select_option("select[name=channel]", "counter")
    page.select_option("select[name=target]", "house")
    page.fill("input[name=address]", "迎丰路8号302")
    page.fill("input[name=area]", "60")
    submit(page, "main form button[type=submit]")
    request = ControlRequest.objects.get()
    assert request.basis == "paid" and request.fee == Decimal("300.00")
    assert "300" in page.locator(".facts").inner_text()
    page.goto(f"{live_server.url}/termite/chemicals/?year=2023")
    page.fill("form:has(input[name=step][value=chemical]) input[name=name]", "联苯菊酯")
    page.fill("input[name=registration_number]", "PD20131234")
    page.select_option("form:has(input[name=step][value=chemical]) select[name=unit]", "L")
    page.fill("form:has(input[name=step][value=chemical]) input[name=unit_price]", "80")
    submit(page, "form:has(input[name=step][value=chemical]) button[type=submit]")
    page.select_option("form:has(input[name=step][value=lot]) select[name=chemical]", index=1)
    page.fill("form:has(input[name=step][value=lot]) input[name=lot]", "L2023-01")
    page.fill("form:has(input[name=step][value=lot]) input[name=received_on]", "2023-06-01")
    page.fill("form:has(input[name=step][value=lot]) input[name=quantity]", "5")
    submit(page, "form:has(input[name=step][value=lot]) button[type=submit]")
    assert "L2023-01" in page.locator("#stock").inner_text()
    page.goto(f"{live_server.url}/termite/requests/{request.pk}/")
    issue = "form:has(input[name=step][value=issue])"
    page.select_option(f"{issue} select[name=lot]", index=1)
    page.fill(f"{issue} input[name=date]", "2023-07-02")
    page.fill(f"{issue} input[name=quantity]", "6")
    submit(page, f"{issue} button[type=submit]")
    assert "缺1L" in page.content() and not ChemicalIssue.objects.exists()
    page.fill(f"{issue} input[name=quantity]", "1.5")
    submit(page, f"{issue} button[type=submit]")
    assert "120.00" in page.locator("#job-chemicals").inner_text()
    assert ChemicalIssue.objects.get().control == request
    page.goto(f"{live_server.url}/termite/chemicals/?year=2023")
    assert "120.00" in page.locator("#special-fund").inner_text()
    screenshot(page, "termite-chemicals")
