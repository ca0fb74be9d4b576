"""End-to-end test of public rental housing in headless chromium on the live server: an application
decided eligible, a public lottery verified from its seed, the lease, the month's bill and a payment
at the counter, and the dashboard with its chart."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING

import pytest

from anju.rental.models import Draw, Household, Lease, RentBill
from anju.rental.tests import factories
from tests.e2e.test_browser import log_in, make_user, submit

if TYPE_CHECKING:
    from playwright.sync_api import Page
    from pytest_django.live_server_helper import LiveServer

# serialized_rollback: the default roles come from a data migration (see test_browser.py).
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_application_lottery_lease_bill_payment(
    page: Page, live_server: LiveServer, screenshot: Callable[[Page, str], None]
) -> None:
    factories.rates()
    units = factories.estate(homes=2, shops=0)
    applicant = factories.person(11, "孙丽")
    make_user("zhang", "housing")
    base = live_server.url
    log_in(page, base, "zhang")

    # The application, the checks and the eligibility decision.
    page.goto(f"{base}/rental/households/new/")
    page.fill("input[name=applicant]", applicant.id_number)
    page.select_option("select[name=category]", "dibao")
    page.fill("input[name=monthly_income]", "620.00")
    page.fill("input[name=applied_on]", "2023-02-01")
    response = submit(page, "main form button[type=submit].primary")
    assert response.status == 200 and "/rental/households/" in page.url
    page.check("#checks-form input[name=income]")
    page.check("#checks-form input[name=housing]")
    submit(page, "#checks-form button[type=submit]")
    page.select_option("#decision-form select[name=eligible]", "1")
    page.fill("#decision-form input[name=on]", "2023-02-10")
    submit(page, "#decision-form button[type=submit]")
    household = Household.objects.get(applicant=applicant)
    assert household.status == "waiting"
    assert page.inner_text("#household-status") == "已认定，轮候中"

    # The public lottery, printable and verifiable by re-running it from the published seed.
    # Announced first: the entrants, the homes and the draw date are frozen, with the hash of them and
    # the outside source of the seed; held on the date with the value that source published.
    page.goto(f"{base}/rental/draws/new/")
    page.fill("input[name=announced_on]", "2023-03-01")
    page.fill("input[name=draw_on]", "2023-03-15")
    page.fill("input[name=seed_source]", "当日中国福利彩票3D开奖号码")
    submit(page, "main form button[type=submit].primary")
    draw = Draw.objects.get()
    assert page.inner_text("#inputs-hash") == draw.inputs_hash and household.number in page.inner_text("#draw-entrants")
    screenshot(page, "rental-draw-announced")
    page.fill("#hold-form input[name=held_on]", "2023-03-15")
    page.fill("#hold-form input[name=external_value]", "427")
    submit(page, "#hold-form button[type=submit]")
    draw.refresh_from_db()
    assert draw.status == "held" and page.inner_text("#draw-seed") == draw.seed
    assert page.inner_text("#external-value") == "427"
    rows = page.locator("#draw-result tbody tr")
    assert rows.count() == 1 and household.number in rows.first.inner_text()
    submit(page, "#verify-form button")
    assert "真实有效" in page.inner_text("#verify-result")
    screenshot(page, "rental-draw")
    won = draw.result[0]["unit"]
    assert won in {u.unit.code for u in units}

    # The lease at the 低保 rate: 50 m² × 2.00 × 50% = 50.00 a month.
    page.goto(f"{base}/rental/leases/new/?household={household.number}&unit={won}")
    page.fill("input[name=start]", "2023-04-01")
    page.fill("input[name=end]", "2026-03-31")
    submit(page, "main form button[type=submit].primary")
    lease = Lease.objects.get(household=household)
    assert lease.draw_id == draw.pk
    assert page.inner_text("#monthly-rent") == "50.00"

    # April's bills, then the payment at the counter.
    page.goto(f"{base}/rental/bills/run/")
    page.fill("input[name=month]", "2023-04")
    submit(page, "main form button[type=submit].primary")
    assert "2023-04" in page.inner_text(".messages")
    assert RentBill.objects.filter(lease=lease).count() == 1
    page.goto(f"{base}/rental/leases/{lease.pk}/")
    assert page.inner_text("#owed") == "50.00"
    page.fill("#payment-form input[name=amount]", "50.00")
    page.fill("#payment-form input[name=paid_on]", "2023-04-18")
    submit(page, "#payment-form button[type=submit]")
    assert page.inner_text("#owed") == "0.00"
    assert RentBill.objects.get(lease=lease).paid == Decimal("50.00")
    screenshot(page, "rental-lease")

    # The dashboard: the figures come from these records; the chart is drawn.
    page.goto(f"{base}/rental/?year=2023")
    assert page.inner_text('tr[data-code="rental.allocations"] td.num') == "1"
    assert page.inner_text('tr[data-code="rental.collection_rate"] td.num') == "100.00"
    page.wait_for_selector("#rent-chart canvas")
    screenshot(page, "rental-dashboard")
