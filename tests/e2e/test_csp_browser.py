"""The Content-Security-Policy in a real browser: the pages with charts, a list with its select-all box,
the public pages and the Swagger UI at /api/docs run and draw with no violation.

Chromium reports each refused script, style or handler on the console ("… violates the following
Content Security Policy directive …") and fires a `securitypolicyviolation` event; both are collected."""

from __future__ import annotations

import datetime as dt
import io
import random
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, cast

import pytest

from anju.performance.demo import build_performance
from anju.rental import actions as rental_actions
from anju.rental.tests import factories as rental
from tests.e2e.test_browser import log_in, make_user

if TYPE_CHECKING:
    from playwright.sync_api import ConsoleMessage, Page
    from pytest_django.live_server_helper import LiveServer

# serialized_rollback: the default roles come from a data migration (see test_browser.py).
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# Runs in every document before its own scripts; Playwright injects it outside the page's policy.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " " + (e.sample || ""));
});
"""


class Violations:
    """The CSP violations and script errors seen on a page, across its navigations."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.console: list[str] = []
        self.errors: list[str] = []
        page.add_init_script(RECORD_VIOLATIONS)
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.errors.append(str(error)))

    def _on_console(self, message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            self.console.append(message.text)

    def check(self, where: str) -> None:
        """No violation so far: on the console, as events in the current document, or as script errors."""
        events = self.page.evaluate("window.__cspViolations || []")
        assert (self.console, events, self.errors) == ([], [], []), where


class DemoContext:
    def __init__(self) -> None:
        self.rng = random.Random(2023)
        self.out = io.StringIO()
        self.scale = 0.01


@pytest.fixture
def watched(page: Page) -> Iterator[Violations]:
    yield Violations(page)


def hover_chart(page: Page, selector: str) -> None:
    """Draws the chart's tooltip, which ECharts writes with style attributes (style-src-attr)."""
    canvas = page.wait_for_selector(f"{selector} canvas")
    assert canvas is not None
    box = canvas.bounding_box()
    assert box is not None
    for fraction in (0.3, 0.5, 0.7):
        page.mouse.move(box["x"] + box["width"] * fraction, box["y"] + box["height"] * 0.6)
        page.wait_for_timeout(150)


def test_pages_with_charts_lists_and_the_api_docs_run_without_a_violation(
    page: Page, live_server: LiveServer, watched: Violations
) -> None:
    rental.rates()
    units = rental.estate(homes=2, shops=0)
    lease = rental.home_lease(units[0], 1, start=dt.date(2023, 1, 1))
    rental_actions.bill_month(None, dt.date(2023, 1, 1))
    rental_actions.bill_month(None, dt.date(2023, 2, 1))
    make_user("csp_leader", "leadership", "housing")
    build_performance(cast(Any, DemoContext()))
    base = live_server.url

    # The public pages, anonymous: styled, htmx and anju.js loaded, nothing refused.
    for path in ("/login/", "/fund/query/"):
        page.goto(base + path)
        assert page.evaluate("typeof window.htmx") == "object"
        assert page.evaluate("getComputedStyle(document.body).margin") == "0px", "anju.css is applied"
        watched.check(path)

    log_in(page, base, "csp_leader")
    watched.check("home")

    page.goto(f"{base}/performance/dashboard/?year=2023")
    for chart in ("#chart-execution", "#chart-spending", "#chart-scores"):
        page.wait_for_selector(f"{chart} canvas")
    hover_chart(page, "#chart-execution")
    watched.check("performance dashboard")

    page.goto(f"{base}/rental/?year=2023")
    hover_chart(page, "#rent-chart")
    watched.check("rental home")

    # The year menu submits itself (data-autosubmit, no onchange=).
    with page.expect_navigation():
        page.select_option("main select[name=year]", "2022")
    assert "year=2022" in page.url
    watched.check("rental home, another year")

    # A list with batch actions: the header's box ticks the rows (anju.js, no inline script).
    page.goto(f"{base}/rental/arrears/?as_of=2023-03-15")
    row = page.locator(f'input[name=ids][value="{lease.pk}"]')
    assert not row.is_checked()
    page.check("input.select-all")
    assert row.is_checked()
    page.uncheck("input.select-all")
    assert not row.is_checked()
    watched.check("arrears list")

    for path in ("/fund/arrears/?year=2023", "/fund/lifts/progress/", "/rental/draws/"):
        page.goto(base + path)
        watched.check(path)

    # No language menu (issue 19 item 8): the pages are in Chinese only.
    assert page.locator("header select[name=language]").count() == 0
    assert page.locator("html").get_attribute("lang") == "zh-hans"

    # Swagger UI, served from this server by django-ninja, renders the API under the same policy.
    page.goto(f"{base}/api/docs")
    page.wait_for_selector(".swagger-ui .opblock")
    assert "Anju API" in page.locator(".swagger-ui .info").inner_text()
    page.locator(".swagger-ui .opblock-summary").first.click()
    page.wait_for_selector(".swagger-ui .opblock-body")
    watched.check("api docs")


def test_an_inline_script_without_the_nonce_is_refused_and_reported(
    page: Page, live_server: LiveServer, watched: Violations
) -> None:
    """The check above would see a violation: an injected inline script does not run and is reported."""
    page.goto(f"{live_server.url}/login/")
    page.evaluate(
        """() => { const s = document.createElement("script"); s.textContent = "window.injected = 1";
        document.head.appendChild(s); }"""
    )
    page.wait_for_timeout(200)
    assert page.evaluate("window.injected") is None
    assert any("script-src" in message for message in watched.console), watched.console
    with pytest.raises(AssertionError):
        watched.check("injected")
