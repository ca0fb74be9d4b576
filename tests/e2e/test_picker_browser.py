"""End-to-end test of the searchable pickers (issue 19 item 2) in headless chromium: a use application whose
project and contractor are chosen by typing a few characters and clicking a suggestion, then taken from
经办 through 审核 and 审批 to 拨付."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING

import pytest

from anju.fund.models import UseApplication
from anju.fund.tests import use_factories as uf
from anju.lib.pinyin import initials
from anju.registry.models import Project
from tests.e2e.test_browser import log_in, make_user, submit
from tests.e2e.test_fund_use_browser import new_page, pay, step

if TYPE_CHECKING:
    from playwright.sync_api import Page
    from pytest_django.live_server_helper import LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
__all__ = ["new_page"]  # the fixture of the use tests: a page for each person


def pick(page: Page, name: str, typed: str, choice: str) -> None:
    """Type into the picker box and click the suggestion that mentions `choice`."""
    box = page.locator(f"input[name={name}]")
    box.click()
    box.press_sequentially(typed, delay=40)
    option = page.locator(f".picker:has(input[name={name}]) .picker-list [role=option]", has_text=choice)
    option.first.click()


def test_a_use_application_with_pickers_from_handler_to_payment(
    page: Page, new_page: Callable[[], Page], live_server: LiveServer, screenshot: Callable[[Page, str], None]
) -> None:
    base = live_server.url
    uf.estate(["100.00", "100.00"], balances=["300.00", "300.00"])
    project = Project.objects.get(code="P0001")
    project.initials = initials(project.name)
    project.save()
    contractor = uf.contractor()
    make_user("handler", "station")
    make_user("reviewer", "finance")
    make_user("director", "leadership")
    log_in(page, base, "handler")

    page.goto(f"{base}/fund/use/new/")
    page.select_option("select[name=kind]", "emergency")
    page.fill("input[name=title]", "电梯主机应急维修")
    pick(page, "project", "hdy", "P0001")  # 恒大御景湾 by its pinyin initials
    assert page.input_value("input[name=project]") == "P0001"
    assert "恒大御景湾" in page.inner_text(".picker:has(input[name=project]) .picker-summary")
    page.select_option("select[name=applicant_kind]", "property_company")
    page.fill("input[name=applicant_name]", "怀化物业服务有限公司")
    page.fill("input[name=emergency_reason]", "电梯困人，主机故障")
    # the scope's units, each picked: one by its owner's name, one by the beginning of its code
    page.select_option("select[name=scope_kind]", "list")
    pick(page, "scope_add", "业主2", "P0001-1-1-102")
    pick(page, "scope_add", "P0001-1-1-10", "P0001-1-1-101")
    assert page.input_value("textarea[name=scope_spec]") == "P0001-1-1-102\nP0001-1-1-101"
    assert page.input_value("input[name=scope_add]") == ""
    page.fill("textarea[name=items]", "电梯主机 400.00")
    # the contractor by the beginning of its name, chosen with the keyboard
    box = page.locator("input[name=contractor]")
    box.click()
    box.press_sequentially("怀化建工", delay=40)
    page.locator(".picker:has(input[name=contractor]) .picker-list [role=option]").first.wait_for()
    screenshot(page, "picker-suggestions")
    box.press("ArrowDown")
    box.press("Enter")
    assert page.input_value("input[name=contractor]") == contractor.uscc
    assert contractor.name in page.inner_text(".picker:has(input[name=contractor]) .picker-summary")
    screenshot(page, "picker-use-application")
    page.fill("input[name=contractor_bank]", "中国建设银行怀化分行")
    page.fill("input[name=contractor_account_number]", "43050170000000009999")
    response = submit(page, "#use-form button[type=submit].primary")
    assert response.status == 200
    app = UseApplication.objects.get()
    assert app.project == project and app.contractor == contractor
    assert sorted(app.scope_units.values_list("unit__code", flat=True)) == ["P0001-1-1-101", "P0001-1-1-102"]
    assert page.url == f"{base}/fund/use/{app.pk}/"

    # A code typed by hand still works, and a wrong one is refused with the field named.
    page.goto(f"{base}/fund/use/{app.pk}/edit/")
    assert "恒大御景湾" in page.inner_text(".picker:has(input[name=project]) .picker-summary")
    page.fill("input[name=project]", "P0999")
    submit(page, "#use-form button[type=submit].primary")
    assert "项目“P0999”不存在" in page.inner_text("#use-form")

    step(page, base, app.pk, "submit")
    reviewer = new_page()
    log_in(reviewer, base, "reviewer")
    step(reviewer, base, app.pk, "review")
    director = new_page()
    log_in(director, base, "director")
    step(director, base, app.pk, "approve")
    pay(page, base, app.pk, "settlement", "final_cost", "400.00")
    assert page.locator("#use-status.tag-paid").count() == 1
    assert UseApplication.objects.get(pk=app.pk).status == UseApplication.Status.PAID
    assert sum(p.amount for p in UseApplication.objects.get(pk=app.pk).payments.all()) == Decimal("400.00")
