"""End-to-end test of the annual report page in headless chromium on the live server: a build runs in the
background with its progress shown (htmx polling), then offers the four files for download."""

from __future__ import annotations

import io
import json
import random
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import pytest
from docx import Document

from anju.performance.demo import build_performance
from tests.e2e.test_browser import log_in, make_user

if TYPE_CHECKING:
    from playwright.sync_api import Page
    from pytest_django.fixtures import SettingsWrapper
    from pytest_django.live_server_helper import LiveServer

# serialized_rollback: the default roles come from a data migration (see test_browser.py).
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
BUILD_TIMEOUT_MS = 240_000  # WeasyPrint embeds the CJK fonts: the PDF takes a while on a busy machine


class DemoContext:
    def __init__(self) -> None:
        self.rng = random.Random(2023)
        self.out = io.StringIO()
        self.scale = 0.01


def test_report_page_builds_in_the_background_and_offers_downloads(
    page: Page,
    live_server: LiveServer,
    settings: SettingsWrapper,
    tmp_path: Path,
    screenshot: Callable[[Page, str], None],
) -> None:
    settings.MEDIA_ROOT = tmp_path
    make_user("perf_leader", "leadership")
    build_performance(cast(Any, DemoContext()))
    make_user("perf_finance", "finance")
    log_in(page, live_server.url, "perf_finance")

    response = page.goto(f"{live_server.url}/performance/report/?year=2023")
    assert response is not None and response.status == 200
    # The seed's own fault, found by rule, is listed before anything is built.
    checks = page.locator("#checks")
    assert "1380.03万元" in checks.inner_text() and "1375.03万元" in checks.inner_text()

    page.click("#build-report")
    # The runs table is replaced by htmx and polls while the build runs.
    page.wait_for_selector("#runs .run")
    page.wait_for_selector('#runs .run[data-status="done"], #runs .run[data-status="failed"]', timeout=BUILD_TIMEOUT_MS)
    run = page.locator("#runs .run").first
    assert run.get_attribute("data-status") == "done", run.inner_text()
    links = run.locator("a.download")
    assert links.all_inner_texts() == ["report.docx", "report.pdf", "attachments.xlsx", "figures.json"]
    screenshot(page, "performance-report")

    with page.expect_download() as download_info:
        links.nth(0).click()
    path = tmp_path / "downloaded.docx"
    download_info.value.save_as(path)
    text = "\n".join(p.text for p in Document(str(path)).paragraphs)
    assert "综合评分为91.5分，评价等级为“优”" in text

    with page.expect_download() as download_info:
        links.nth(3).click()
    figures_path = tmp_path / "figures.json"
    download_info.value.save_as(figures_path)
    figures = json.loads(figures_path.read_text())
    assert figures["kpis"]["performance.score"]["value"] == "91.50"
    assert any(c["rule"] == "budget.income_vs_executed" for c in figures["checks"])

    # The leaders' dashboard links each figure to its records.
    page.goto(f"{live_server.url}/performance/dashboard/?year=2023")
    page.click('#kpi-cards a[data-code="budget.assets_total"]')
    assert "663.18" in page.locator("#kpi-value").inner_text()
    assert page.locator("#kpi-records tbody tr").count() == 50


def test_a_reloaded_report_page_keeps_polling_and_a_bad_placeholder_is_refused(
    page: Page, live_server: LiveServer, settings: SettingsWrapper, tmp_path: Path
) -> None:
    from anju.performance.models import Narrative, ReportRun

    settings.MEDIA_ROOT = tmp_path
    make_user("perf_leader", "leadership")
    build_performance(cast(Any, DemoContext()))
    make_user("perf_finance2", "finance")
    log_in(page, live_server.url, "perf_finance2")
    run = ReportRun.objects.create(year=2023, status=ReportRun.Status.RUNNING, progress=40)

    page.goto(f"{live_server.url}/performance/report/?year=2023")  # a reload while a build runs
    assert page.locator("#runs").get_attribute("hx-trigger") == "every 1s"
    ReportRun.objects.filter(pk=run.pk).update(status=ReportRun.Status.FAILED, error="stopped")
    page.wait_for_selector('#runs .run[data-status="failed"]', timeout=10_000)  # the poll picked it up
    assert page.locator("#runs").get_attribute("hx-trigger") is None

    page.goto(f"{live_server.url}/performance/report/narrative/s7/?year=2023")
    page.fill("textarea[name=text]", "问题：{budget.executed:万x}")
    with page.expect_navigation():
        page.click("button.primary[type=submit]")
    page.wait_for_load_state()
    assert "格式“万x”无效" in page.locator("body").inner_text()
    assert not Narrative.objects.filter(year=2023, section="s7", text__contains="万x").exists()
