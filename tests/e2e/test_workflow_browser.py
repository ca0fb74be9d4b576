"""End-to-end: a workflow step that cannot be undone asks in the browser (issue 19 item 3). Cancelling the
question sends nothing; accepting it takes the step, and the history shows who took it, in which role,
and why."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest

from anju.fund.models import RefundApplication
from anju.fund.refunds import actions as refunds
from anju.fund.tests import factories as fund
from tests.e2e.conftest import Confirmations
from tests.e2e.test_browser import log_in, make_user, submit

if TYPE_CHECKING:
    from playwright.sync_api import Page
    from pytest_django.live_server_helper import LiveServer

# serialized_rollback: the default roles come from a data migration (see test_browser.py).
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_withdrawing_asks_first_and_cancelling_keeps_the_application(
    page: Page, dialogs: Confirmations, live_server: LiveServer, screenshot: Callable[[Page, str], None]
) -> None:
    account = fund.unit_account(room="401")
    fund.deposit(account, "5000.00", dt.date(2023, 3, 1))
    fund.bank()
    clerk = make_user("clerk", "station")
    application = refunds.create_refund(clerk, account, applicant="赵六", reason="房屋灭失（拆除）")
    base = live_server.url
    log_in(page, base, "clerk")
    detail = f"{base}/fund/refunds/{application.pk}/"
    page.goto(detail)
    assert page.locator(".workflow-bar li").count() == 5
    assert page.locator("form:has(button[data-step=submit])[data-confirm]").count() == 0

    # The person says no: the page stays, nothing is posted.
    dialogs.answer = False
    page.fill("form:has(button[data-step=withdraw]) textarea[name=note]", "业主不再申请")
    page.click("button[data-step=withdraw]")
    page.wait_for_timeout(300)
    assert page.url == detail
    assert RefundApplication.objects.get().status == RefundApplication.Status.DRAFT

    # The person says yes: the step is taken with its reason and the confirmation the server requires.
    assert dialogs == ["确认“撤回”？办理后不能撤销。"]
    dialogs.answer = True
    submit(page, "button[data-step=withdraw]")
    assert dialogs == ["确认“撤回”？办理后不能撤销。"] * 2
    assert RefundApplication.objects.get().status == RefundApplication.Status.WITHDRAWN
    last = [c.strip() for c in page.locator("#refund-steps tbody tr").last.locator("td").all_inner_texts()]
    assert last[1:4] == ["clerk", "市住房保障服务站", "撤回"] and last[-1] == "业主不再申请"
    screenshot(page, "workflow-withdrawn")
