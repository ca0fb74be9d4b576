"""Fixtures for the end-to-end tests: one headless chromium per test process, one page per test."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Dialog, Page
    from pytest_django.fixtures import SettingsWrapper

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 15_000
ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the browser tests last in each process.

    Once the browser runs, Playwright's event loop shows as running in the main thread until the
    session ends, and the async-safety switch below is on; no other test should run under either.
    """
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        pytest.skip(f"no chromium at {CHROMIUM}")
    from django.db import connections
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps its event loop marked as running in this thread, and Django
    # refuses ORM calls from a thread with a running loop; the tests and the live server are plain
    # synchronous code. Set only while the browser runs: `anju check --deploy` rejects it.
    previous = os.environ.get(ASYNC_UNSAFE)
    os.environ[ASYNC_UNSAFE] = "true"
    thread_connections = {alias: connections[alias] for alias in connections}
    try:
        with sync_playwright() as playwright:
            # While a loop runs, Django looks connections up per context instead of per thread:
            # hand it the suite's own connection objects, which carry the test database settings
            # and the contents that serialized_rollback restores.
            for alias, connection in thread_connections.items():
                connections[alias] = connection
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop(ASYNC_UNSAFE, None)
        else:
            os.environ[ASYNC_UNSAFE] = previous


class Confirmations(list[str]):
    """The questions a page's confirmations asked (data-confirm: window.confirm), in order. Each is
    accepted, as the person would; set `answer = False` to say no to the next ones."""

    answer = True


def accept_confirmations(page: Page) -> Confirmations:
    """Answer the page's confirmations (Playwright would otherwise dismiss them and no form would be sent)."""
    questions = Confirmations()

    def answer(dialog: Dialog) -> None:
        questions.append(dialog.message)
        if questions.answer:
            dialog.accept()
        else:
            dialog.dismiss()

    page.on("dialog", answer)
    return questions


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh browser context (no cookies) with the Chinese locale the staff use."""
    context = browser.new_context(
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        viewport={"width": 1366, "height": 900},
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.anju_dialogs = accept_confirmations(page)  # type: ignore[attr-defined]
    yield page
    context.close()


@pytest.fixture
def dialogs(page: Page) -> Confirmations:
    """The questions the page's confirmations asked so far (accepted unless `answer` is set to False)."""
    questions: Confirmations = page.anju_dialogs  # type: ignore[attr-defined]
    return questions


@pytest.fixture
def screenshot() -> Callable[[Page, str], None]:
    """Save a full-page screenshot into $E2E_SCREENSHOTS when it is set, so people can look at the pages."""
    directory = os.environ.get("E2E_SCREENSHOTS", "")

    def take(page: Page, name: str) -> None:
        if not directory:
            return
        Path(directory).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(directory) / f"{name}.png"), full_page=True)

    return take


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: SettingsWrapper) -> None:
    """The production hasher costs about a second per login; these tests log in many times."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
