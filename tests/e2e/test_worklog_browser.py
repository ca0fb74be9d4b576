"""Work records and the report's sources in headless chromium, as the 办公室 and a leader work: an integrity
meeting and a home visit recorded (the visit refused without its 人次, then saved), the list narrowed to a KPI's
records, finance not seeing the confidential visit, and the report text page whose figure links to the records
behind it."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest

from anju.performance import actions as narrative_actions
from anju.worklog.models import WorkRecord
from tests.e2e.test_browser import log_in, make_user, submit

if TYPE_CHECKING:
    from playwright.sync_api import Page
    from pytest_django.live_server_helper import LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _record(page: Page, url: str, category: str, title: str, quantity: str = "0") -> None:
    page.goto(f"{url}/worklog/new/")
    page.select_option("select[name=category]", category)
    page.select_option("select[name=line]", "party")
    page.fill("input[name=held_on]", "2023-05-10")
    page.fill("input[name=title]", title)
    page.fill("input[name=quantity]", quantity)
    submit(page, "main form button[type=submit]")


def test_work_records_count_in_the_report(
    page: Page, live_server: LiveServer, screenshot: Callable[[Page, str], None]
) -> None:
    make_user("liming", "office")
    make_user("wangfang", "finance")
    make_user("zhangzhuren", "leadership")
    log_in(page, live_server.url, "liming")
    _record(page, live_server.url, "integrity_meeting", "党风廉政建设工作会议")
    assert "党风廉政建设工作会议" in page.locator("h1").inner_text()
    _record(page, live_server.url, "home_visit", "廉政家访")
    assert "请填写廉政家访的人次数" in page.content()
    page.fill("input[name=quantity]", "3")
    submit(page, "main form button[type=submit]")
    assert WorkRecord.objects.filter(title="廉政家访", quantity=3, confidential=True).exists()
    page.goto(f"{live_server.url}/worklog/?kpi=party.integrity_meetings&year=2023")
    body = page.locator("main table tbody").first.inner_text()
    assert "党风廉政建设工作会议" in body and "廉政家访" not in body
    screenshot(page, "worklog-list")

    page.context.clear_cookies()
    log_in(page, live_server.url, "wangfang")
    page.goto(f"{live_server.url}/worklog/?year=2023")
    body = page.locator("main table tbody").first.inner_text()
    assert "党风廉政建设工作会议" in body and "廉政家访" not in body

    page.context.clear_cookies()
    log_in(page, live_server.url, "zhangzhuren")
    text = "全年召开党风廉政建设相关会议{party.integrity_meetings}次。"
    narrative_actions.save_narrative(None, year=2023, section="s7", text=text)
    page.goto(f"{live_server.url}/performance/report/?year=2023")
    page.click("#report-preview")
    link = page.locator('#report-text a.figure[title="party.integrity_meetings"]')
    assert link.inner_text() == "1"
    screenshot(page, "report-preview")
    link.click()
    assert "党风廉政建设工作会议" in page.locator("main table tbody").first.inner_text()
