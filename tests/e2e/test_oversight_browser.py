"""Inspection rectification in headless chromium on the live server: the office records the inspection's
feedback, a finding and a deployment meeting, decomposes the finding into a task for a finance officer, who
reports progress and asks for sign-off; the office checks it and a leader signs it off (the owner has no such
button); the ledger lists it and exports Excel, the decomposition table downloads as Word."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest

from anju.oversight.models import Finding, Inspection, Task
from tests.e2e.test_browser import log_in, make_user, submit

if TYPE_CHECKING:
    from playwright.sync_api import Page
    from pytest_django.live_server_helper import LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _form(page: Page, form: str, prefix: str, **fields: str) -> None:
    for field, value in fields.items():
        selector = f"form#{form} [name={prefix}-{field}]"
        if page.locator(selector).evaluate("e => e.tagName") == "SELECT":
            page.select_option(selector, value)
        else:
            page.fill(selector, value)
    submit(page, f"form#{form} button[type=submit]")


def _step(page: Page, name: str) -> None:
    submit(page, f"button[data-step={name}]")


def test_a_finding_from_feedback_to_sign_off(
    page: Page, live_server: LiveServer, screenshot: Callable[[Page, str], None]
) -> None:
    make_user("liming", "office")
    owner = make_user("wangfang", "finance")
    make_user("zhangzhuren", "leadership")
    log_in(page, live_server.url, "liming")
    page.goto(f"{live_server.url}/oversight/inspections/new/")
    page.select_option("select[name=kind]", "city_lookback")
    page.fill("input[name=title]", "市委第三巡察组巡察“回头看”")
    page.fill("input[name=feedback_on]", "2023-11-16")
    submit(page, "main form button[type=submit]")
    inspection = Inspection.objects.get()
    _form(page, "oversight-finding", "finding", text="维修资金归集不及时", area="fund")
    _form(page, "oversight-meeting", "meeting", held_on="2023-11-20", title="巡察整改工作部署会议")
    _form(page, "oversight-decomposition", "decomposition", number="怀住保字〔2024〕1号", issued_on="2024-01-10")
    assert "怀住保字〔2024〕1号" in page.locator("#oversight-decomposition-number").inner_text()
    finding = Finding.objects.get(inspection=inspection)
    page.goto(f"{live_server.url}/oversight/findings/{finding.pk}/")
    page.fill("[name=task-target]", "建立追缴台账，归集到位")
    page.fill("[name=task-unit]", "人事财务部")
    page.fill("[name=task-assigned_on]", "2024-01-10")
    page.fill("[name=task-deadline]", "2024-06-30")
    page.fill("[name=task-interim_deadline]", "2024-03-15")
    submit(page, "form#oversight-task-form button[type=submit]")
    assert "整改任务须有责任人" in page.content()
    page.select_option("[name=task-owner]", str(owner.pk))
    submit(page, "form#oversight-task-form button[type=submit]")
    task = Task.objects.get()
    with page.expect_download() as download:
        page.goto(f"{live_server.url}/oversight/inspections/{inspection.pk}/")
        page.click("#oversight-docx")
    assert download.value.suggested_filename.endswith(".docx")

    page.context.clear_cookies()
    log_in(page, live_server.url, "wangfang")
    page.goto(f"{live_server.url}/oversight/tasks/{task.pk}/")
    _form(page, "oversight-progress-form", "progress", on="2024-03-01", text="已建立追缴台账")
    _step(page, "submit")
    assert page.locator("button[data-step=check]").count() == 0
    assert page.locator("button[data-step=sign_off]").count() == 0

    page.context.clear_cookies()
    log_in(page, live_server.url, "liming")
    page.goto(f"{live_server.url}/oversight/tasks/{task.pk}/")
    _step(page, "check")
    assert page.locator("button[data-step=sign_off]").count() == 0

    page.context.clear_cookies()
    log_in(page, live_server.url, "zhangzhuren")
    page.goto(f"{live_server.url}/oversight/tasks/{task.pk}/")
    _step(page, "sign_off")
    assert "已销号" in page.locator("#oversight-task-status").inner_text()
    screenshot(page, "oversight-task")
    page.goto(f"{live_server.url}/oversight/ledger/")
    assert "已建立追缴台账" in page.locator("#oversight-ledger").inner_text()
    with page.expect_download() as download:
        page.click("text=导出")
    assert download.value.suggested_filename.endswith(".xlsx")
    finding.refresh_from_db()
    assert finding.rectified_on is not None
