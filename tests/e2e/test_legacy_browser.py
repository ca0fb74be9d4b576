"""Legacy projects in headless chromium on the live server, as the office works: a project registered, a stage
reached with its evidence, a stage that skips required ones refused with the message, a milestone planned and
shown on the 挂图作战 board, a joint meeting whose decision becomes an agency's task; a leader reads the board
and finance is refused."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest

from anju.legacy.models import Project, Task
from tests.e2e.test_browser import log_in, make_user, submit

if TYPE_CHECKING:
    from playwright.sync_api import Page
    from pytest_django.live_server_helper import LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _form(page: Page, name: str, **fields: str) -> None:
    form = f"form#legacy-{name}"
    for field, value in fields.items():
        selector = f"{form} [name={name}-{field}]"
        if page.locator(selector).evaluate("e => e.tagName") == "SELECT":
            page.select_option(selector, value)
        else:
            page.fill(selector, value)
    submit(page, f"{form} button[type=submit]")


def test_a_project_from_registration_to_the_board(
    page: Page, live_server: LiveServer, screenshot: Callable[[Page, str], None]
) -> None:
    office = make_user("liming", "office")
    make_user("zhangzhuren", "leadership")
    make_user("wangfang", "finance")
    log_in(page, live_server.url, "liming")
    page.goto(f"{live_server.url}/legacy/projects/new/")
    page.fill("input[name=name]", "西南名都")
    page.fill("input[name=registered_on]", "2018-01-15")
    page.select_option("select[name=entry_stage]", "resumed")
    page.fill("input[name=households]", "388")
    submit(page, "main form button[type=submit]")
    project = Project.objects.get(name="西南名都")
    assert "复工续建" in page.locator("#legacy-stage").inner_text()

    _form(page, "reach", stage="certification", reached_on="2022-01-01", evidence="受理回执")
    assert "不能跳过必经阶段：主体工程完工、综合验收、交房、税费结算" in page.content()
    page.goto(f"{live_server.url}/legacy/projects/{project.pk}/")
    _form(page, "reach", stage="structure", reached_on="2021-09-01", evidence="主体结构验收记录")
    assert "主体工程完工" in page.locator("#legacy-stage").inner_text()
    _form(page, "reach", stage="finishing", reached_on="2023-03-01", evidence="扫尾工程施工计划")
    _form(page, "plan", stage="certification", planned_on="2024-06-30")
    assert "2024-06-30" in page.locator("#legacy-milestones").inner_text()

    page.goto(f"{live_server.url}/legacy/meetings/new/")
    page.select_option("select[name=category]", "joint")
    page.fill("input[name=held_on]", "2023-12-20")
    page.fill("input[name=title]", "西南名都扫尾工程调度会")
    page.select_option("select[name=project]", str(project.pk))
    page.select_option("select[name=d0-agency]", "developer")
    page.fill("input[name=d0-title]", "完成水、电、门窗、消防扫尾工程")
    page.select_option("select[name=d0-owner]", str(office.pk))
    page.fill("input[name=d0-due_on]", "2024-03-31")
    submit(page, "main form button[type=submit]")
    task = Task.objects.get(project=project)
    assert task.meeting is not None and task.owner == office
    assert "西南名都扫尾工程调度会" in page.locator("#legacy-meetings").inner_text()
    assert "完成水、电、门窗、消防扫尾工程" in page.locator("#legacy-project-tasks").inner_text()
    screenshot(page, "legacy-project")

    page.context.clear_cookies()
    log_in(page, live_server.url, "zhangzhuren")
    page.goto(f"{live_server.url}/legacy/board/")
    row = page.locator("#legacy-board tr[data-project=西南名都]")
    assert "扫尾工程" in row.inner_text() and "进入办证程序 2024-06-30" in row.inner_text()
    assert "逾期" in row.inner_text()  # the plan and the task are both past
    screenshot(page, "legacy-board")

    page.context.clear_cookies()
    log_in(page, live_server.url, "wangfang")
    assert page.goto(f"{live_server.url}/legacy/board/").status == 403  # type: ignore[union-attr]
