"""End-to-end: the finance department allocates a year's interest from the page (issue 19 item 4) — the
form, the preview (each unit's credit and the sum check, nothing posted), the confirmation the browser asks
for, the background job's page, and the credits posted as the preview showed them; a second allocation of
the year is refused."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING

import pytest

from anju.fund.models import Account, JournalEntry, JournalLine
from anju.fund.tests import factories as fund
from tests.e2e.test_browser import log_in, make_user, submit

if TYPE_CHECKING:
    from playwright.sync_api import Page
    from pytest_django.live_server_helper import LiveServer

# serialized_rollback: the default roles come from a data migration (see test_browser.py).
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def amount(text: str) -> Decimal:
    return Decimal(text.replace(",", "").strip())


def test_interest_is_previewed_confirmed_and_posted_from_the_page(
    page: Page, dialogs: list[str], live_server: LiveServer, screenshot: Callable[[Page, str], None]
) -> None:
    deposits = [("1000.00", dt.date(2023, 1, 1)), ("1000.00", dt.date(2023, 7, 2)), ("333.33", dt.date(2023, 3, 9))]
    for i, (money, day) in enumerate(deposits):
        fund.deposit(fund.unit_account(room=str(101 + i)), money, day)
    fund.bank()
    make_user("cashier", "finance")
    base = live_server.url
    log_in(page, base, "cashier")

    page.goto(f"{base}/fund/interest/")
    page.fill("#interest-form input[name=year]", "2023")
    page.fill("#interest-form input[name=amount]", "1000.00")
    page.fill("#interest-form input[name=pooled_percent]", "10")
    response = submit(page, "#interest-form button[type=submit].primary")
    assert response.status == 200
    preview = page.locator("#interest-preview")
    assert "100.00 + 900.00 = 1,000.00" in preview.locator("#interest-check").inner_text()
    rows = preview.locator("tbody tr")
    shown = {
        r.locator("td").nth(0).inner_text().strip(): amount(r.locator("td").nth(2).inner_text()) for r in rows.all()
    }
    assert len(shown) == 3 and sum(shown.values()) == Decimal("900.00")
    assert not JournalEntry.objects.filter(kind=JournalEntry.Kind.INTEREST).exists()  # a preview posts nothing
    screenshot(page, "interest-preview")

    response = submit(page, "#interest-confirm button[type=submit].primary")
    assert dialogs and "2023" in dialogs[-1] and "1,000.00" in dialogs[-1]  # the browser asked first
    assert response.status == 200 and re.search(r"/jobs/\d+/$", page.url)
    page.wait_for_selector("#job .tag.done", timeout=15_000)
    screenshot(page, "interest-job")
    entry = JournalEntry.objects.get(kind=JournalEntry.Kind.INTEREST)
    posted = {
        code: -line_amount
        for code, line_amount in JournalLine.objects.filter(entry=entry, account__kind=Account.Kind.UNIT).values_list(
            "account__unit__code", "amount"
        )
    }
    assert posted == shown  # the page's preview is what was posted, unit by unit, to the fen

    page.goto(f"{base}/fund/interest/")
    assert "2023-12-31" in page.locator("#interest-allocations").inner_text()
    page.fill("#interest-form input[name=year]", "2023")
    page.fill("#interest-form input[name=amount]", "1000.00")
    submit(page, "#interest-form button[type=submit].primary")
    assert "已分配" in page.content() and page.locator("#interest-preview").count() == 0
    assert JournalEntry.objects.filter(kind=JournalEntry.Kind.INTEREST).count() == 1
