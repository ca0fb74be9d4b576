"""Home-purchase subsidies in headless chromium on the live server, each step as its role: the counter enters
an application that duplicates an existing one (both flagged); a second clerk reviews the documents and
clears the flag with a reason; the tax bureau's user verifies the deed tax, the finance bureau's user passes
it; the center approves after the notice. A file of applications imported on the page (a refused file
shows its row and column; a good one its duplicates); a batch formed, its payment file and 拨付 request,
the bank's results imported: paid."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest

from anju.subsidy import actions
from anju.subsidy.importer import HEADERS
from anju.subsidy.models import Application, Batch, Flag
from anju.subsidy.tests import factories
from tests.e2e.test_browser import log_in, make_user, submit

if TYPE_CHECKING:
    from playwright.sync_api import Page
    from pytest_django.live_server_helper import LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def as_user(page: Page, base: str, username: str) -> None:
    page.context.clear_cookies()
    log_in(page, base, username)


def step(page: Page, name: str, note: str = "") -> None:
    form = f"form:has(input[name=step][value={name}])"
    if note:
        page.fill(f"{form} textarea[name=note]", note)
    submit(page, f"{form} button[type=submit]")


def test_an_application_from_the_counter_through_every_agency(
    page: Page, live_server: LiveServer, screenshot: Callable[[Page, str], None]
) -> None:
    program = factories.program()
    existing = factories.application(program, n=90)
    for name, role in (
        ("sunli", "housing"),
        ("zhoumin", "housing"),
        ("shuiwu", "tax_agency"),
        ("caizheng", "finance_bureau"),
    ):
        make_user(name, role)
    base = live_server.url
    as_user(page, base, "sunli")
    page.goto(f"{base}/subsidy/applications/new/")
    new = factories.new(1)
    for field in (
        "buyer_name",
        "buyer_id",
        "address",
        "contract_number",
        "tax_voucher",
        "payee_name",
        "payee_account",
        "payee_bank",
    ):
        page.fill(f"input[name={field}]", str(getattr(new, field)))  # fmt: skip
    page.fill("input[name=unit_code]", existing.unit_code)  # the same home as an existing application
    page.fill("input[name=area]", "98.50")
    page.fill("input[name=contract_date]", "2023-06-01")
    page.fill("input[name=price]", "520000.00")
    page.fill("input[name=deed_tax]", "15600.00")
    page.fill("input[name=applied_on]", "2023-07-10")
    submit(page, "#subsidy-application-form button[type=submit]")
    app = Application.objects.exclude(pk=existing.pk).get()
    assert "不动产单元号相同" in page.locator("#subsidy-flags").inner_text()
    assert "7,800.00" in page.locator("#subsidy-amount").inner_text()
    assert page.locator("button[data-step=pass_documents]").count() == 0  # not by who entered it
    url = f"{base}/subsidy/applications/{app.pk}/"

    as_user(page, base, "zhoumin")
    page.goto(url)
    step(page, "pass_documents", "资料齐全")
    page.fill("#subsidy-flags input[name=reason]", "经核对不动产登记，前一份申请单元号录入错误")
    submit(page, "#subsidy-flags button[type=submit]")
    assert Flag.objects.filter(cleared_at__isnull=True).count() == 0

    as_user(page, base, "shuiwu")
    page.goto(url)
    assert page.locator("button[data-step]").all_inner_texts() == ["退回补正", "税务核验通过", "不予通过"]
    step(page, "verify_tax", "已核验完税凭证")
    as_user(page, base, "caizheng")
    page.goto(url)
    step(page, "finance_pass")
    as_user(page, base, "zhoumin")
    page.goto(url)
    step(page, "approve")
    assert page.locator("#application-status").inner_text() == "审核通过"
    assert "税务核验通过" in page.locator("#subsidy-history").inner_text()
    screenshot(page, "subsidy-application")


def test_an_import_refused_then_imported_with_its_duplicates(
    page: Page, live_server: LiveServer, tmp_path, screenshot: Callable[[Page, str], None]
) -> None:
    factories.program()
    make_user("sunli", "housing")
    as_user(page, live_server.url, "sunli")
    head = ",".join(HEADERS)

    def line(n: int, unit: str, area: str = "98.50") -> str:
        new = factories.new(n)
        return ",".join(
            (f"GF2023-{n:05d}", new.buyer_name, new.buyer_id, "", new.address, unit, new.contract_number,
             "2023-06-01", area, "520000.00", new.tax_voucher, "15600.00", new.payee_name, new.payee_account,
             "建设银行", "2023-07-10")
        )  # fmt: skip

    bad = tmp_path / "bad.csv"
    bad.write_text("\n".join([head, line(1, "U1"), line(2, "U2", area="0")]), encoding="gbk")
    page.goto(f"{live_server.url}/subsidy/applications/import/")
    page.set_input_files("input[type=file]", str(bad))
    submit(page, "main form button[type=submit]")
    assert "建筑面积" in page.content() and not Application.objects.exists()
    good = tmp_path / "good.csv"
    good.write_text("\n".join([head, line(1, "U1"), line(2, "U1")]), encoding="utf-8")
    page.set_input_files("input[type=file]", str(good))
    submit(page, "main form button[type=submit]")
    assert Application.objects.count() == 2 and Flag.objects.count() == 2
    assert "疑似重复" in page.content()
    screenshot(page, "subsidy-import")


def test_a_batch_its_files_and_the_banks_results(
    page: Page, live_server: LiveServer, tmp_path, screenshot: Callable[[Page, str], None]
) -> None:
    program = factories.program()
    apps = [factories.application(program, n=n) for n in (1, 2)]
    for name in ("pass_documents", "verify_tax", "finance_pass", "approve"):
        actions.take_steps(None, apps, name)
    make_user("sunli", "housing")
    as_user(page, live_server.url, "sunli")
    page.goto(f"{live_server.url}/subsidy/batches/")
    page.fill("#batch-create input[name=formed_on]", "2023-09-01")
    submit(page, "#batch-create button[type=submit]")
    batch = Batch.objects.get()
    assert batch.count == 2 and "第一批" in page.content()
    with page.expect_download() as download:
        page.click("text=付款文件")
    content = open(download.value.path(), encoding="utf-8-sig").read().splitlines()
    assert content[0] == "序号,收款人,收款账号,开户行,金额,用途/附言" and len(content) == 3
    page.goto(f"{live_server.url}/subsidy/batches/{batch.pk}/request/")
    assert "壹万伍仟陆佰元整" in page.locator("#request-capitals").inner_text()
    results = tmp_path / "results.csv"
    refs = [row.split(",")[-1] for row in content[1:]]
    results.write_text(
        "用途/附言,金额,结果,交易流水号,交易日期\n"
        + "".join(f"{r},7800.00,成功,T{i},2023-09-20\n" for i, r in enumerate(refs)),
        encoding="utf-8",
    )
    page.goto(f"{live_server.url}/subsidy/results/import/")
    page.set_input_files("input[type=file]", str(results))
    submit(page, "main form button[type=submit]")
    assert set(Application.objects.values_list("status", flat=True)) == {"paid"}
    screenshot(page, "subsidy-results")
