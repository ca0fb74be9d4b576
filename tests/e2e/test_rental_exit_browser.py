"""End-to-end test of a lease's exit (清退) in headless chromium: prepared on the lease's page, 经办 → 审核 →
审批 by two people each on their own login, the notice served, the home handed back; the lease ends and the
home is free again. The allocation that leads to a lease is in test_rental_browser.py."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest

from anju.rental.models import Exit, Lease, RentalUnit
from anju.rental.tests import factories
from tests.e2e.test_browser import log_in, make_user, submit

if TYPE_CHECKING:
    from playwright.sync_api import Page
    from pytest_django.live_server_helper import LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def take_step(page: Page, step: str, note: str = "") -> None:
    """Press a workflow step's button, with its reason and the confirmation an irreversible step asks."""
    form = page.locator(f"form:has(button[data-step={step}])")
    if note:
        form.locator("textarea[name=note]").fill(note)
    confirm = form.locator("input[name=confirm]")
    if confirm.count():
        confirm.check()
    submit(page, f"button[data-step={step}]")


def test_a_lease_from_exit_prepared_to_the_home_handed_back(
    page: Page, live_server: LiveServer, screenshot: Callable[[Page, str], None]
) -> None:
    page.on("dialog", lambda dialog: dialog.accept())  # a confirmation the kit may ask in a dialog
    factories.rates()
    units: list[RentalUnit] = factories.estate(homes=2, shops=0)
    lease = factories.home_lease(units[0], 1, start=dt.date(2023, 1, 1))
    make_user("clerk", "housing")
    make_user("chief", "housing", "leadership")
    base = live_server.url

    # 经办: the exit is prepared on the lease's page with its reason and evidence, then submitted.
    log_in(page, base, "clerk")
    page.goto(f"{base}/rental/leases/{lease.pk}/")
    page.select_option("select[name=reason]", "sublet")
    page.fill("input[name=note]", "入户核查发现转租")
    submit(page, "form:has(input[name=action][value=exit]) button[type=submit]")
    exit_ = Exit.objects.get(lease=lease)
    assert page.url.endswith(f"/rental/exits/{exit_.pk}/") and exit_.status == Exit.Status.DRAFT
    take_step(page, "submit")
    exit_.refresh_from_db()
    assert exit_.status == Exit.Status.SUBMITTED
    # The one who prepared it may not review it.
    assert page.locator("button[data-step=review]").count() == 0

    # 审核 and 审批 by the chief: two different people in all.
    log_in(page, base, "chief")
    page.goto(f"{base}/rental/exits/{exit_.pk}/")
    take_step(page, "review", "情况属实")
    take_step(page, "approve", "同意清退")
    exit_.refresh_from_db()
    assert exit_.status == Exit.Status.APPROVED
    history = page.locator("#exit-history tbody tr")
    assert history.count() == 4 and "同意清退" in history.nth(3).inner_text()
    assert "chief" in history.nth(3).inner_text() and "clerk" in history.nth(0).inner_text()

    # The notice is served with a move-out date, printed, and the home is handed back.
    log_in(page, base, "clerk")
    page.goto(f"{base}/rental/exits/{exit_.pk}/")
    page.fill("#exit-serve input[name=notice_on]", "2023-06-01")
    page.fill("#exit-serve input[name=deadline]", "2023-07-01")
    submit(page, "#exit-serve button[type=submit]")
    exit_.refresh_from_db()
    assert exit_.status == Exit.Status.NOTIFIED and exit_.deadline == dt.date(2023, 7, 1)
    notice = page.request.get(f"{base}/rental/exits/{exit_.pk}/notice/")
    assert notice.status == 200
    page.fill("input[name=on]", "2023-06-28")
    submit(page, "button[name=action][value=complete]")
    exit_.refresh_from_db()
    lease.refresh_from_db()
    assert exit_.status == Exit.Status.COMPLETED and exit_.completed_on == dt.date(2023, 6, 28)
    assert lease.status != Lease.Status.ACTIVE
    assert page.inner_text("#exit-status") == exit_.get_status_display()
    screenshot(page, "rental-exit")
