"""Petitions in headless chromium on the live server, as the office and a leader work: a visit registered at
the counter, accepted (the notice downloaded), assigned, a contact recorded (三到位一处理), a leader's
extension, the reply and the closure with its kind (refused without one); the identity shown in full only on
request and audited; the board of deadlines; the 12345 work orders imported from the page."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from anju.core.models import AuditEvent
from anju.petitions.models import Case, CaseDeadline
from anju.petitions.orders_import import HEADERS
from anju.petitions.tests import factories
from tests.e2e.test_browser import log_in, make_user, submit

if TYPE_CHECKING:
    from playwright.sync_api import Page
    from pytest_django.live_server_helper import LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def step(page: Page, name: str, **fields: str) -> None:
    form = f"form:has(input[name=step][value={name}])"
    for field, value in fields.items():
        selector = f"{form} [name={field}]"
        if page.locator(selector).evaluate("e => e.tagName") == "SELECT":
            page.select_option(selector, value)
        else:
            page.fill(selector, value)
    submit(page, f"{form} button[type=submit]")


def test_a_visit_from_the_counter_to_its_closure(
    page: Page, live_server: LiveServer, screenshot: Callable[[Page, str], None]
) -> None:
    office = make_user("liming", "office")
    make_user("zhangzhuren", "leadership")
    log_in(page, live_server.url, "liming")
    page.goto(f"{live_server.url}/petitions/cases/new/")
    page.select_option("select[name=channel]", label="来访")
    page.fill("input[name=received_at]", "2024-03-01T09:30")
    page.select_option("select[name=category]", "rental")
    page.fill("input[name=subject]", "公租房屋顶漏水长期未修")
    page.fill("textarea[name=content]", "屋顶漏水半年，多次报修未处理。")
    page.fill("textarea[name=petitioners]", "王建国 13907451234")
    submit(page, "main form button[type=submit]")
    case = Case.objects.get()
    assert "王**" in page.locator("#case-petitioners").inner_text()
    step(page, "accept", on="2024-03-01")
    assert "2024-04-30" in page.locator("#case-deadlines").inner_text()
    with page.expect_download() as download:
        page.click("#case-notices >> text=Word")
    assert download.value.suggested_filename.endswith(".docx")
    step(page, "assign", handler=str(office.pk), on="2024-03-04")
    step(
        page, "contact", at="2024-03-05T10:00", method="visit", contacted="王建国", summary="上门查看漏水，解释维修流程"
    )
    assert "上门查看漏水" in page.locator("#case-timeline").inner_text()
    page.click("#show-identity")
    assert "王建国" in page.locator("#case-petitioners").inner_text()
    assert AuditEvent.objects.filter(actor=office, note__contains="信访人身份").count() == 1
    screenshot(page, "petitions-case")

    page.context.clear_cookies()
    log_in(page, live_server.url, "zhangzhuren")
    page.goto(f"{live_server.url}/petitions/cases/{case.pk}/")
    step(page, "extend", days="31", reason="需多部门会商")
    assert "不能超过30天" in page.content()
    step(page, "extend", days="30", reason="需多部门会商")
    assert CaseDeadline.objects.get(case=case, step="complete").due == dt.date(2024, 5, 30)

    page.context.clear_cookies()
    log_in(page, live_server.url, "liming")
    page.goto(f"{live_server.url}/petitions/cases/{case.pk}/")
    step(page, "reply", on="2024-03-20", text="已安排维修单位于3月25日前完成屋面防水维修。")
    step(page, "close", on="2024-03-28", satisfaction="satisfied")
    assert "办结方式" in page.content() and Case.objects.get().status == "replied"
    step(page, "close", on="2024-03-28", kind="substantive", satisfaction="satisfied")
    case.refresh_from_db()
    assert (case.status, case.closure_kind) == ("closed", "substantive")
    assert "实体办结" in page.locator("#case-facts").inner_text()
    with page.expect_download() as download:
        page.click("#case-notices li:has-text('处理意见书') >> text=PDF")
    assert download.value.suggested_filename.endswith(".pdf")


def test_the_board_and_the_work_orders_import(
    page: Page, live_server: LiveServer, tmp_path: Path, screenshot: Callable[[Page, str], None]
) -> None:
    office = make_user("liming", "office")
    late = factories.assigned(office, dt.date(2024, 3, 1))
    log_in(page, live_server.url, "liming")
    page.goto(f"{live_server.url}/")
    assert "超期的信访件" in page.content()
    page.goto(f"{live_server.url}/petitions/board/?state=overdue")
    assert late.number in page.locator("#petitions-board").inner_text()
    screenshot(page, "petitions-board")
    csv = tmp_path / "工单.csv"
    csv.write_text(
        ",".join(HEADERS) + "\nGD001,2024-09-27 16:20,张三,13907450001,物业管理,电梯故障,5\n", encoding="utf-8"
    )
    page.goto(f"{live_server.url}/petitions/orders/import/")
    page.set_input_files("input[type=file]", str(csv))
    submit(page, "main form button[type=submit]")
    imported = Case.objects.get(reference="GD001")
    assert CaseDeadline.objects.get(case=imported, step="complete").due == dt.date(2024, 10, 10)
    page.goto(f"{live_server.url}/petitions/cases/?kind=online")
    assert imported.number in page.locator("#petitions-cases").inner_text()


def test_a_handler_of_another_department_then_review_and_campaign(
    page: Page, live_server: LiveServer, screenshot: Callable[[Page, str], None]
) -> None:
    """The service station's handler works the termite case assigned to them from their to-do list (the lists
    stay closed to them); the office registers the petitioner's request for review and its opinion, then puts
    the case in a campaign whose page shows the progress."""
    station = make_user("zhaoqiang", "station")
    make_user("liming", "office")
    case = factories.assigned(station, dt.date(2024, 3, 1), category="termite", subject="楼道木门发现白蚁")
    log_in(page, live_server.url, "zhaoqiang")
    page.click("text=交我承办的信访件")
    page.click(f"#petitions-mine >> text={case.number}")
    page.wait_for_url(f"**/petitions/cases/{case.pk}/")
    step(
        page,
        "contact",
        at="2024-03-04T15:00",
        method="phone",
        contacted="王建国",
        summary="约定上门查看时间",
        principle="solved",
    )
    step(page, "reply", on="2024-03-08", text="已上门灭治并约定30日后复查。")
    step(page, "close", on="2024-03-11", kind="procedural", satisfaction="unsatisfied")
    assert Case.objects.get(pk=case.pk).status == "closed"
    closed_list = page.goto(f"{live_server.url}/petitions/cases/")
    assert closed_list is not None and closed_list.status == 403

    page.context.clear_cookies()
    log_in(page, live_server.url, "liming")
    page.goto(f"{live_server.url}/petitions/cases/{case.pk}/")
    step(page, "review", on="2024-04-30")
    assert "已超过申请复查的期限" in page.content()
    step(page, "review", on="2024-04-01")
    step(page, "decide", on="2024-04-20", outcome="upheld", opinion="经复查，维持原处理意见。")
    assert "维持原答复" in page.locator("#case-deadlines").locator("xpath=..").inner_text()
    page.goto(f"{live_server.url}/petitions/campaigns/")
    page.fill("input[name=name]", "信访突出问题集中化解“百日攻坚”行动")
    page.fill("input[name=starts_on]", "2024-05-01")
    page.fill("input[name=ends_on]", "2024-08-08")
    page.fill("textarea[name=numbers]", case.number)
    submit(page, "main form button[type=submit]")
    assert "程序性办结1件" in page.locator("#campaign-progress").inner_text()
    screenshot(page, "petitions-campaign")
