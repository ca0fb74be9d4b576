"""End-to-end tests of the maintenance fund in headless chromium on the live server: bank receipts and
suspense, a deposit notice, the owners' public query, and a refund from application to payment."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from django.utils import timezone
from openpyxl import Workbook

from anju.fund.deposits import actions as deposits
from anju.fund.models import BankReceipt, DepositNotice, DepositStandard, RefundApplication
from anju.fund.owner_query import queries as owner_query
from anju.fund.tests import factories as fund
from anju.lib.money import capitals
from anju.registry.tests import factories as registry
from tests.e2e.conftest import TIMEOUT_MS, accept_confirmations
from tests.e2e.test_browser import log_in, make_user, submit

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Locator, Page
    from pytest_django.live_server_helper import LiveServer

# serialized_rollback: the default roles come from a data migration (see test_browser.py).
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

RECEIPT_HEADERS = ["交易流水号", "交易日期", "金额", "房屋编码", "付款人", "摘要"]


@pytest.fixture
def other_page(browser: Browser) -> Iterator[Page]:
    """A second person at another computer: its own context and cookies, set up like `page`."""
    context = browser.new_context(
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        viewport={"width": 1366, "height": 900},
    )
    context.set_default_timeout(TIMEOUT_MS)
    other = context.new_page()
    accept_confirmations(other)
    yield other
    context.close()


def money(amount: Decimal) -> str:
    """As the pages show amounts (the `money` filter)."""
    return f"{amount:,.2f}"


def cells(row: Locator) -> list[str]:
    return [c.strip() for c in row.locator("td").all_inner_texts()]


def balance_equation(page: Page) -> list[str]:
    """The amounts of the overview's balance equation: bank, receivables, assets, units, pooled, suspense,
    liabilities."""
    return [c.strip() for c in page.locator(".grid2 > section.card").first.locator("td.num").all_inner_texts()]


def write_receipts(path: Path, rows: list[list[object]]) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(RECEIPT_HEADERS)
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def upload_receipts(page: Page, base_url: str, path: Path) -> None:
    response = page.goto(f"{base_url}/fund/bank/import/")
    assert response is not None and response.status == 200
    page.set_input_files("input[name=file]", str(path))
    response = submit(page, "form:has(input[name=file]) button[type=submit].primary")
    assert response.status == 200


def test_bank_import_suspense_match_and_statement(
    page: Page, live_server: LiveServer, tmp_path: Path, screenshot: Callable[[Page, str], None]
) -> None:
    base = live_server.url
    account = fund.unit_account(room="101", area="89.50")
    assert account.unit is not None
    code = account.unit.code
    bank = fund.bank()
    make_user("cashier", "station")
    day = timezone.localdate() - dt.timedelta(days=10)
    posted, unmatched = Decimal("8950.00"), Decimal("1234.56")
    unknown_code = "P9999-9-9-999"
    receipts = write_receipts(
        tmp_path / "receipts.xlsx",
        [
            ["E2E-TXN-0001", day, float(posted), code, "张三", "首期维修资金"],
            ["E2E-TXN-0002", day, float(unmatched), unknown_code, "李四", "维修资金"],
        ],
    )

    log_in(page, base, "cashier")
    response = page.goto(f"{base}/fund/")
    assert response is not None and response.status == 200
    assert balance_equation(page) == ["0.00"] * 7
    assert page.locator(".grid2 > section.card").first.locator(".tag-create").count() == 1
    assert bank.bank_account_number in page.locator(".grid2").inner_text()
    screenshot(page, "fund-home-empty")

    upload_receipts(page, base, receipts)

    summary = page.locator("#import-summary")
    assert summary.is_visible()
    # Posted to units, to suspense, duplicates, notices paid, amount.
    assert summary.locator("dd").all_inner_texts() == ["1", "1", "0", "0", money(posted + unmatched)]
    assert page.locator("#import-errors").count() == 0
    assert summary.locator("a[href='/fund/bank/suspense/']").count() == 1
    screenshot(page, "fund-bank-import")

    upload_receipts(page, base, receipts)

    assert page.locator("#import-summary dd").all_inner_texts()[:3] == ["0", "0", "2"]
    assert BankReceipt.objects.count() == 2
    screenshot(page, "fund-bank-import-again")

    page.goto(f"{base}/fund/bank/suspense/")
    rows = page.locator("table#suspense tbody tr")
    assert rows.count() == 1
    row = rows.first
    assert cells(row)[:4] == ["E2E-TXN-0002", day.isoformat(), money(unmatched), unknown_code]
    screenshot(page, "fund-suspense")
    row.locator("form.match-form input[name=unit]").fill(code)
    response = submit(page, "table#suspense form.match-form button[type=submit]")

    assert response.status == 200
    assert page.url == f"{base}/fund/bank/suspense/"
    assert page.locator("ul.messages li.msg-success").count() == 1
    assert page.locator("ul.messages li.msg-error").count() == 0
    assert code in page.locator("ul.messages").inner_text()
    assert page.locator("table#suspense tbody tr td form").count() == 0
    assert BankReceipt.objects.get(txn_id="E2E-TXN-0002").status == BankReceipt.Status.MATCHED
    screenshot(page, "fund-suspense-matched")

    response = page.goto(f"{base}/fund/accounts/{code}/")
    assert response is not None and response.status == 200
    movements = page.locator("main table.list tbody tr")
    # The opening balance, the receipt posted to the unit, the receipt matched from suspense.
    assert movements.count() == 3
    deposit_row, match_row = cells(movements.nth(1)), cells(movements.nth(2))
    assert deposit_row[1] == day.isoformat()
    assert deposit_row[4:] == [money(posted), money(posted)]
    assert match_row[1] == timezone.localdate().isoformat()
    assert "E2E-TXN-0002" in match_row[3]
    assert match_row[4:] == [money(unmatched), money(posted + unmatched)]
    balance = page.locator("main dl.facts dd b")
    assert balance.inner_text().strip() == money(posted + unmatched)
    assert capitals(posted + unmatched) in page.locator("main dl.facts").inner_text()
    screenshot(page, "fund-statement")

    page.goto(f"{base}/fund/")
    total = money(posted + unmatched)
    assert balance_equation(page) == [total, "0.00", total, total, "0.00", "0.00", total]
    assert page.locator(".grid2 > section.card").first.locator(".tag-create").count() == 1
    screenshot(page, "fund-home")


def test_issue_deposit_notice_and_print_it(
    page: Page, live_server: LiveServer, screenshot: Callable[[Page, str], None]
) -> None:
    base = live_server.url
    fund.bank()
    deposits.create_standard(
        None,
        building_type=DepositStandard.BuildingType.MULTI_STOREY,
        use_class=DepositStandard.UseClass.RESIDENTIAL,
        effective_from=dt.date(2020, 1, 1),
        rate=Decimal("45.00"),
        basis="怀住建发〔2020〕1号",
    )
    owner = registry.person("王五", seq=7)
    account = fund.unit_account(room="102", area="89.37", owner=owner)
    assert account.unit is not None
    code = account.unit.code
    # 89.37 m² × 45.00 元/m² = 4021.65: yuan, jiao and fen all show in the capitals.
    amount = Decimal("4021.65")
    make_user("cashier", "station")

    log_in(page, base, "cashier")
    response = page.goto(f"{base}/fund/notices/new/")
    assert response is not None and response.status == 200
    page.fill("input[name=unit]", code)
    screenshot(page, "fund-notice-form")
    response = submit(page, "main form button[type=submit].primary")

    assert response.status == 200
    notice = DepositNotice.objects.get(account=account)
    assert notice.amount == amount
    assert page.url == f"{base}/fund/notices/{notice.pk}/"
    doc = page.locator("#notice")
    assert doc.is_visible()
    assert notice.number.startswith(f"JC{timezone.localdate().year}-")
    assert notice.number in doc.locator(".doc-number").inner_text()
    assert code in doc.inner_text()
    assert "王五" in doc.inner_text()
    assert f"¥{money(amount)}" in doc.inner_text()
    words = page.locator("#amount-capitals").inner_text().strip()
    assert words == capitals(amount) == "肆仟零贰拾壹元陆角伍分"
    assert words.endswith("分") and "元" in words
    assert "43050170000000000001" in doc.locator("table.bank-account").inner_text()
    screenshot(page, "fund-notice")

    # On paper only the notice is printed: no buttons, no navigation.
    page.emulate_media(media="print")
    assert page.locator("#notice").is_visible()
    assert not page.locator("div.no-print").is_visible()
    assert not page.locator("section.card.no-print").is_visible()
    screenshot(page, "fund-notice-print")
    page.emulate_media(media="screen")

    # Issuing again for the same unit is refused on the form, and no second notice is written.
    page.goto(f"{base}/fund/notices/new/?unit={code}")
    assert page.input_value("input[name=unit]") == code
    response = submit(page, "main form button[type=submit].primary")
    assert response.status == 200
    assert page.url.startswith(f"{base}/fund/notices/new/")
    assert notice.number in page.locator("main [role=alert]").inner_text()
    assert DepositNotice.objects.count() == 1


def test_owner_queries_balance_without_login(
    page: Page, live_server: LiveServer, screenshot: Callable[[Page, str], None]
) -> None:
    base = live_server.url
    owner = registry.person("赵六", seq=11)
    account = fund.unit_account(room="201", area="100.00", owner=owner)
    assert account.unit is not None
    code = account.unit.code
    deposited = Decimal("5600.00")
    fund.deposit(account, str(deposited), timezone.localdate() - dt.timedelta(days=30))
    other = registry.resident_id(seq=12)
    assert other != owner.id_number

    response = page.goto(f"{base}/fund/query/")
    assert response is not None and response.status == 200
    assert page.url == f"{base}/fund/query/"
    assert page.locator("nav.sidenav").count() == 0
    screenshot(page, "fund-query")
    page.fill("input[name=name]", "赵六")
    page.fill("input[name=id_number]", owner.id_number)
    response = submit(page, "main form button[type=submit].primary")

    assert response.status == 200
    result = page.locator("#query-result")
    assert result.is_visible()
    assert page.locator("#query-answer").count() == 0
    assert "201室" in result.locator("h2").inner_text() and code not in page.locator("main").inner_text()
    values = [v.strip() for v in result.locator("dd").all_inner_texts()]
    assert values[0] == "赵*"
    assert values[1].startswith(money(deposited))
    assert values[2] == money(deposited)
    assert money(deposited) in cells(page.locator("main table.list tbody tr").first)
    # The owner's full name and ID number are not shown back.
    assert owner.id_number not in page.content()
    assert "赵六" not in page.content()
    screenshot(page, "fund-query-result")

    page.click("main a[href='/fund/query/']")
    page.wait_for_url(f"{base}/fund/query/")
    page.fill("input[name=name]", "赵六")
    page.fill("input[name=id_number]", other)
    response = submit(page, "main form button[type=submit].primary")

    assert response.status == 200
    answer = page.locator("#query-answer")
    assert answer.is_visible()
    assert answer.inner_text().strip() == owner_query.NO_MATCH
    assert page.locator("#query-result").count() == 0
    assert money(deposited) not in page.content()
    screenshot(page, "fund-query-wrong")

    # A wrong name gets the very same answer as a wrong number.
    page.fill("input[name=name]", "赵七")
    page.fill("input[name=id_number]", owner.id_number)
    submit(page, "main form button[type=submit].primary")
    assert page.locator("#query-answer").inner_text().strip() == owner_query.NO_MATCH
    assert page.locator("#query-result").count() == 0
    # A third failure in a row: the kiosk asks for the picture's digits rather than locking out.
    page.fill("input[name=name]", "赵八")
    page.fill("input[name=id_number]", owner.id_number)
    submit(page, "main form button[type=submit].primary")
    assert page.locator("#captcha-image").is_visible()
    assert page.locator("#captcha-image").evaluate("img => img.naturalWidth") > 0


def test_refund_from_application_to_payment(
    page: Page, other_page: Page, live_server: LiveServer, screenshot: Callable[[Page, str], None]
) -> None:
    base = live_server.url
    owner = registry.person("孙八", seq=21)
    account = fund.unit_account(room="301", area="120.00", owner=owner)
    assert account.unit is not None
    code = account.unit.code
    balance = Decimal("7200.00")
    fund.deposit(account, str(balance), timezone.localdate() - dt.timedelta(days=60))
    make_user("cashier", "station")
    make_user("checker", "finance")
    make_user("director", "leadership")

    log_in(page, base, "cashier")
    response = page.goto(f"{base}/fund/accounts/{code}/history/")
    assert response is not None and response.status == 200
    page.click(f"main a[href='/fund/refunds/new/?unit={code}']")
    page.wait_for_url(f"{base}/fund/refunds/new/?unit={code}")
    assert page.input_value("input[name=unit]") == code
    assert page.input_value("input[name=applicant]") == "孙八"
    page.fill("input[name=payee_bank]", "中国农业银行怀化分行")
    page.fill("input[name=payee_account_number]", "6228480000000000001")
    screenshot(page, "fund-refund-form")
    response = submit(page, "main form button[type=submit].primary")

    assert response.status == 200
    application = RefundApplication.objects.get(account=account)
    detail = f"{base}/fund/refunds/{application.pk}/"
    assert page.url == detail
    assert application.status == RefundApplication.Status.DRAFT
    assert page.locator("h1 .tag-draft").count() == 1
    assert money(balance) in page.locator("main dl.facts").inner_text()
    submit(page, "button[data-step=submit]")
    assert page.url == detail
    assert page.locator("h1 .tag-submitted").count() == 1
    # The clerk neither reviews nor approves.
    assert page.locator("button[data-step=review], button[data-step=approve]").count() == 0
    screenshot(page, "fund-refund-submitted")

    # 审核 by finance (人事财务部), a second person.
    log_in(other_page, base, "checker")
    response = other_page.goto(detail)
    assert response is not None and response.status == 200
    other_page.fill("form:has(button[data-step=review]) textarea[name=note]", "灭失证明齐全")
    submit(other_page, "button[data-step=review]")
    assert other_page.locator("h1 .tag-reviewed").count() == 1
    assert other_page.locator("button[data-step=approve]").count() == 0  # finance does not approve

    # 审批 by the leader, a third person.
    other_page.context.clear_cookies()
    log_in(other_page, base, "director")
    response = other_page.goto(detail)
    assert response is not None and response.status == 200
    assert other_page.locator("form:has(input[name=action][value=pay])").count() == 0
    other_page.fill("form:has(button[data-step=approve]) textarea[name=note]", "经核实房屋已拆除，同意退款")
    screenshot(other_page, "fund-refund-approve")
    submit(other_page, "button[data-step=approve]")
    assert other_page.url == detail
    assert other_page.locator("h1 .tag-approved").count() == 1
    assert "经核实房屋已拆除" in other_page.locator("main").inner_text()
    # Approving does not pay: the leadership role has no fund:handle.
    assert other_page.locator("form:has(input[name=action][value=pay])").count() == 0
    screenshot(other_page, "fund-refund-approved")

    page.reload()
    pay = page.locator("form:has(input[name=action][value=pay])")
    assert pay.count() == 1
    assert page.input_value("input[name=paid_on]") == timezone.localdate().isoformat()
    assert money(balance) in pay.locator("button[type=submit]").inner_text()
    screenshot(page, "fund-refund-pay")
    submit(page, "form:has(input[name=action][value=pay]) button[type=submit]")

    assert page.url == detail
    assert page.locator("h1 .tag-paid").count() == 1
    assert page.locator("ul.messages li.msg-success").count() == 1
    assert timezone.localdate().isoformat() in page.locator("main dl.facts").inner_text()
    screenshot(page, "fund-refund-paid")
    account.refresh_from_db()
    assert account.closed == timezone.localdate()
    assert account.balance == Decimal("0.00")

    page.goto(f"{base}/fund/accounts/{code}/")
    assert page.locator("main dl.facts dd b").inner_text().strip() == "0.00"
    assert capitals(Decimal("0.00")) in page.locator("main dl.facts").inner_text()
    movements = page.locator("main table.list tbody tr")
    assert movements.count() == 3
    assert cells(movements.nth(2))[4:] == [money(-balance), "0.00"]
    screenshot(page, "fund-refund-statement")

    page.goto(f"{base}/fund/accounts/?q={code}")
    row = page.locator("main table.list tbody tr")
    assert row.count() == 1
    assert row.locator("td").first.locator(".tag-delete").count() == 1
    assert cells(row)[-1] == "0.00"
    screenshot(page, "fund-refund-accounts")

    page.goto(f"{base}/fund/accounts/{code}/history/")
    closed = page.locator("main dl.facts dd .tag-delete")
    assert closed.count() == 1
    assert timezone.localdate().isoformat() in closed.inner_text()
    assert page.locator(f"main a[href='/fund/refunds/new/?unit={code}']").count() == 0
    screenshot(page, "fund-refund-history")
