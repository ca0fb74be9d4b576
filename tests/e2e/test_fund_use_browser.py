"""End-to-end tests of fund use applications in headless chromium on the live server: an ordinary
application from draft to paid with owner votes and a split that sums exactly, and an emergency one
without votes. Three people at three computers: the handler (经办), the reviewer (审核), the leader."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import TYPE_CHECKING

import pytest

from anju.fund.models import Account, JournalEntry, UseApplication
from anju.fund.tests import use_factories as uf
from tests.e2e.conftest import TIMEOUT_MS, accept_confirmations
from tests.e2e.test_browser import log_in, make_user, submit

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page
    from pytest_django.live_server_helper import LiveServer

# serialized_rollback: the default roles come from a data migration (see test_browser.py).
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
D = Decimal
S = UseApplication.Status


@pytest.fixture
def new_page(browser: Browser) -> Iterator[Callable[[], Page]]:
    """Pages for more people, each in its own context (cookies), set up like `page`."""
    contexts = []

    def make() -> Page:
        context = browser.new_context(
            locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 1366, "height": 900}
        )
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        made = context.new_page()
        accept_confirmations(made)
        return made

    yield make
    for context in contexts:
        context.close()


def amount(text: str) -> Decimal:
    return Decimal(text.strip().replace(",", ""))


def fill_application(page: Page, base: str, *, kind: str, items: str, reason: str = "") -> UseApplication:
    page.goto(f"{base}/fund/use/new/")
    page.select_option("select[name=kind]", kind)
    page.fill("input[name=title]", "1栋屋面及排水维修" if kind == "ordinary" else "电梯主机应急维修")
    page.fill("input[name=project]", "P0001")
    page.select_option("select[name=applicant_kind]", "property_company")
    page.fill("input[name=applicant_name]", "怀化物业服务有限公司")
    if reason:
        page.fill("input[name=emergency_reason]", reason)
    page.select_option("select[name=scope_kind]", "buildings")
    page.fill("textarea[name=scope_spec]", "1")
    page.fill("textarea[name=items]", items)
    page.fill("input[name=contractor]", uf.contractor().uscc)
    page.fill("input[name=contractor_bank]", "中国建设银行怀化分行")
    page.fill("input[name=contractor_account_number]", "43050170000000009999")
    response = submit(page, "#use-form button[type=submit].primary")
    assert response.status == 200
    application = UseApplication.objects.order_by("-pk").first()
    assert application is not None and page.url == f"{base}/fund/use/{application.pk}/"
    return application


def step(page: Page, base: str, pk: int, name: str) -> None:
    page.goto(f"{base}/fund/use/{pk}/")
    submit(page, f"button[data-step={name}]")


def pay(page: Page, base: str, pk: int, kind: str, field: str, value: str) -> None:
    page.goto(f"{base}/fund/use/{pk}/?tab=payments")
    page.select_option("#pay-form select[name=kind]", kind)
    page.fill("#pay-form input[name=percent]", "")
    page.fill(f"#pay-form input[name={field}]", value)
    submit(page, "#pay-form button[type=submit]")


def test_an_ordinary_application_from_draft_to_paid(
    page: Page, new_page: Callable[[], Page], live_server: LiveServer, screenshot: Callable[[Page, str], None]
) -> None:
    base = live_server.url
    accounts = uf.estate(["100.00", "80.00", "120.00"])  # balances 5000, 4000, 6000
    make_user("handler", "station")
    make_user("reviewer", "finance")
    make_user("director", "leadership")
    log_in(page, base, "handler")

    app = fill_application(page, base, kind="ordinary", items="屋面防水 3000.00\n排水管 1000.01")
    assert page.locator("#use-status.tag-draft").count() == 1
    shares = [amount(t) for t in page.locator("#use-split tbody tr td:nth-child(4)").all_inner_texts()]
    assert shares == [D("1333.34"), D("1066.67"), D("1600.00")]
    assert sum(shares) == amount(page.inner_text("#use-split-total")) == amount(page.inner_text("#use-budget"))
    # nothing is decided yet: no publicity notice to print
    assert page.locator(f"a[href='/fund/use/{app.pk}/publicity/']").count() == 0
    screenshot(page, "fund-use-split")

    # Submitting without a vote is refused; then two owners holding 220 of 300 m² agree.
    submit(page, "button[data-step=submit]")
    assert page.locator(".messages .msg-error").count() == 1
    page.goto(f"{base}/fund/use/{app.pk}/?tab=vote")
    page.select_option("select[name='vote:P0001-1-1-101']", "agree")
    page.select_option("select[name='vote:P0001-1-1-102']", "oppose")
    page.select_option("select[name='vote:P0001-1-1-103']", "agree")
    submit(page, "#vote-grid button[type=submit]")
    assert page.locator("#vote-result .tag-pass").count() == 1
    screenshot(page, "fund-use-vote")
    step(page, base, app.pk, "submit")
    assert page.locator("#use-status.tag-submitted").count() == 1
    assert page.locator("button[data-step=review]").count() == 0  # the handler does not review

    reviewer = new_page()
    log_in(reviewer, base, "reviewer")
    step(reviewer, base, app.pk, "review")
    assert reviewer.locator("#use-status.tag-reviewed").count() == 1
    director = new_page()
    log_in(director, base, "director")
    step(director, base, app.pk, "approve")
    assert director.locator("#use-status.tag-approved").count() == 1
    assert director.locator(f"a[href='/fund/use/{app.pk}/publicity/']").count() == 1

    # The handler has the payments tab open twice (or clicks twice): the second submit is refused.
    other_tab = new_page()
    log_in(other_tab, base, "handler")
    other_tab.goto(f"{base}/fund/use/{app.pk}/?tab=payments")
    pay(page, base, app.pk, "advance", "percent", "30")
    assert page.locator("#use-status.tag-paying").count() == 1
    submit(other_tab, "#pay-form button[type=submit]")
    assert "该申请已有新的拨付，请刷新后再试" in other_tab.inner_text(".messages")
    assert UseApplication.objects.get(pk=app.pk).payments.count() == 1
    pay(page, base, app.pk, "settlement", "final_cost", "3900.00")
    assert page.locator("#use-status.tag-paid").count() == 1
    screenshot(page, "fund-use-payments")
    paid = [amount(t) for t in page.locator("#use-payment-list tbody tr td:nth-child(3)").all_inner_texts()]
    assert paid == [D("1200.00"), D("2700.00")] and sum(paid) == D("3900.00")
    assert JournalEntry.objects.filter(kind=JournalEntry.Kind.USE).count() == 2
    assert sum(Account.objects.get(pk=a.pk).balance for a in accounts) == D("15000.00") - D("3900.00")

    page.goto(f"{base}/fund/use/{app.pk}/publicity/")
    rows = [amount(t) for t in page.locator("#publicity-shares tbody tr td:nth-child(4)").all_inner_texts()]
    assert sum(rows) == amount(page.inner_text("#publicity-total")) == D("3900.00")
    screenshot(page, "fund-use-publicity")
    page.goto(f"{base}/fund/use/?kind=ordinary")
    assert page.locator(f"#use-applications a:text('{app.number}')").count() == 1


def test_an_emergency_application_goes_without_votes(
    page: Page, new_page: Callable[[], Page], live_server: LiveServer, screenshot: Callable[[Page, str], None]
) -> None:
    base = live_server.url
    uf.estate(["100.00", "100.00"], balances=["100.00", "0"])
    make_user("handler", "station")
    make_user("reviewer", "finance")
    make_user("director", "leadership")
    log_in(page, base, "handler")

    app = fill_application(page, base, kind="emergency", items="电梯主机 400.00", reason="电梯困人，主机故障")
    assert page.locator("h1 .tag-emergency").count() == 1
    assert page.locator("a[href='?tab=vote']").count() == 0
    step(page, base, app.pk, "submit")
    reviewer = new_page()
    log_in(reviewer, base, "reviewer")
    step(reviewer, base, app.pk, "review")
    director = new_page()
    log_in(director, base, "director")
    step(director, base, app.pk, "approve")

    pay(page, base, app.pk, "settlement", "final_cost", "400.00")
    assert page.locator("#use-status.tag-paid").count() == 1
    # One account held 100.00 of its 200.00 share, the other nothing: 300.00 is the owners' own payment.
    cells = page.locator("#use-payment-list tbody tr td").all_inner_texts()
    assert [amount(c) for c in cells[2:5]] == [D("400.00"), D("100.00"), D("300.00")]
    page.goto(f"{base}/fund/use/")
    assert page.locator("#use-applications .tag-emergency").count() == 1
    screenshot(page, "fund-use-emergency")
