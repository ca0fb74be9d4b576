"""End-to-end tests in headless chromium on the live server: login, lockout, roll import, permissions."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from openpyxl import Workbook
from stdnum.cn import ric

from anju.core.models import Role, User
from anju.registry.models import Unit

if TYPE_CHECKING:
    from playwright.sync_api import Page, Response
    from pytest_django.live_server_helper import LiveServer

# serialized_rollback: the default roles come from a data migration, and the flush that ends a
# transactional test would otherwise leave later tests without them.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "Anju-e2e-pass-2023"
ROLL_HEADERS = "项目编码 项目名称 幢号 单元 房号 楼层 建筑面积 房屋用途 业主姓名 证件号码 联系电话".split()


def make_user(username: str, *role_codes: str) -> User:
    user = User.objects.create_user(username=username, password=PASSWORD, full_name=username)
    user.roles.set(Role.objects.filter(code__in=role_codes))
    assert user.roles.count() == len(role_codes), "default roles missing from the test database"
    return user


def submit(page: Page, button: str) -> Response:
    """Click a submit button and wait for the page the form posts to."""
    with page.expect_navigation() as navigation:
        page.click(button)
    response = navigation.value
    assert response is not None
    return response


def log_in(page: Page, base_url: str, username: str, password: str = PASSWORD) -> Response:
    page.goto(f"{base_url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    return submit(page, "main form button[type=submit]")


def resident_id(region_birth_sequence: str) -> str:
    """A valid GB 11643 number: the 17 given digits and their check character."""
    return region_birth_sequence + ric.calc_check_digit(region_birth_sequence + "0")


def roll_row(room: str, use: str, owner: str, id_number: str, phone: str) -> list[object]:
    return ["E2E01", "安居花园", "1", "1", room, int(room[0]), 89.5, use, owner, id_number, phone]


def write_roll(path: Path, rows: list[list[object]]) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(ROLL_HEADERS)
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def upload(page: Page, base_url: str, path: Path) -> Response:
    response = page.goto(f"{base_url}/registry/import/")
    assert response is not None and response.status == 200
    page.set_input_files("input[name=file]", str(path))
    return submit(page, "form:has(input[name=file]) button[type=submit].primary")


def test_login_lands_on_home_with_navigation(
    page: Page, live_server: LiveServer, screenshot: Callable[[Page, str], None]
) -> None:
    make_user("clerk", "housing")

    response = log_in(page, live_server.url, "clerk")

    assert response.status == 200
    assert page.url == f"{live_server.url}/"
    assert page.locator("nav.sidenav a[href='/registry/']").count() == 1
    assert page.locator("[role=alert]").count() == 0
    screenshot(page, "home")

    page.click("nav.sidenav a[href='/registry/']")
    page.wait_for_url(f"{live_server.url}/registry/")
    assert page.locator("table.list").count() == 1


def test_pages_load_their_stylesheet_and_scripts(page: Page, live_server: LiveServer) -> None:
    make_user("clerk", "housing")
    log_in(page, live_server.url, "clerk")
    failed: list[str] = []
    page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    page.on("requestfailed", lambda r: failed.append(f"{r.failure} {r.url}"))

    page.goto(f"{live_server.url}/registry/")

    assert page.locator("link[rel=stylesheet]").count() >= 1
    broken_assets = [f for f in failed if "/static/" in f]
    assert not broken_assets, broken_assets
    # The stylesheet gives the page its grey background; an unstyled page stays white.
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") != "rgba(0, 0, 0, 0)"


def test_wrong_password_shows_error_and_stays_on_login(page: Page, live_server: LiveServer) -> None:
    make_user("clerk", "housing")

    response = log_in(page, live_server.url, "clerk", "not-the-password")

    assert response.status == 200
    assert page.url.startswith(f"{live_server.url}/login/")
    assert page.locator("[role=alert]").is_visible()
    assert "用户名或密码错误" in page.locator("[role=alert]").inner_text()
    assert page.locator("nav.sidenav").count() == 0


def test_five_wrong_passwords_lock_the_account(page: Page, live_server: LiveServer) -> None:
    user = make_user("clerk", "housing")

    for _ in range(5):
        log_in(page, live_server.url, "clerk", "not-the-password")
        assert page.locator("[role=alert]").is_visible()
    assert "锁定" in page.locator("[role=alert]").inner_text()

    response = log_in(page, live_server.url, "clerk")

    assert response.status == 200
    assert page.url.startswith(f"{live_server.url}/login/")
    assert "锁定" in page.locator("[role=alert]").inner_text()
    assert page.locator("nav.sidenav").count() == 0
    user.refresh_from_db()
    assert user.is_locked()
    assert page.goto(f"{live_server.url}/registry/") is not None
    assert page.url.startswith(f"{live_server.url}/login/")


def test_import_roll_through_the_page(
    page: Page, live_server: LiveServer, tmp_path: Path, screenshot: Callable[[Page, str], None]
) -> None:
    make_user("clerk", "housing")
    log_in(page, live_server.url, "clerk")
    good = write_roll(
        tmp_path / "roll.xlsx",
        [
            roll_row("101", "住宅", "张三", resident_id("11010519800101001"), "13800138000"),
            roll_row("102", "住宅", "李四", resident_id("11010519850615002"), "13800138001"),
            roll_row("103", "门面", "王五", resident_id("11010519920310003"), "13800138002"),
        ],
    )

    response = upload(page, live_server.url, good)

    assert response.status == 200
    summary = page.locator("#import-summary")
    assert summary.is_visible()
    # New, updated, unchanged.
    assert summary.locator("dd").all_inner_texts() == ["3", "0", "0"]
    assert page.locator("#import-errors").count() == 0
    assert Unit.objects.count() == 3
    codes = sorted(Unit.objects.values_list("code", flat=True))
    screenshot(page, "import-result")

    page.goto(f"{live_server.url}/registry/")
    rows = page.locator("table.list tbody tr")
    assert rows.count() == 3
    assert [rows.nth(i).locator("td").first.inner_text().strip() for i in range(3)] == codes
    assert "张三" in page.locator("table.list").inner_text()
    screenshot(page, "units")

    upload(page, live_server.url, good)
    assert page.locator("#import-summary dd").all_inner_texts() == ["0", "0", "3"]
    assert Unit.objects.count() == 3

    # One bad row (row 4 of the sheet: header, then two good rows) and nothing of the file is written.
    bad_id = resident_id("11010519900101004")
    bad_id = bad_id[:-1] + ("1" if bad_id[-1] != "1" else "2")
    assert not ric.is_valid(bad_id)
    bad = write_roll(
        tmp_path / "bad.xlsx",
        [
            roll_row("201", "住宅", "赵六", resident_id("11010519700505005"), "13800138003"),
            roll_row("202", "住宅", "钱七", resident_id("11010519750707006"), "13800138004"),
            roll_row("203", "住宅", "孙八", bad_id, "13800138005"),
        ],
    )

    response = upload(page, live_server.url, bad)

    assert response.status in {200, 400, 422}
    errors = page.locator("#import-errors")
    assert errors.is_visible()
    assert page.locator("#import-summary").count() == 0
    error_rows = errors.locator("tbody tr")
    assert error_rows.count() == 1
    cells = [c.strip() for c in error_rows.first.locator("td").all_inner_texts()]
    assert any(re.fullmatch(r"(第\s*)?4(\s*行)?", c) for c in cells), cells
    assert Unit.objects.count() == 3
    assert sorted(Unit.objects.values_list("code", flat=True)) == codes
    screenshot(page, "import-errors")


def test_role_without_registry_handle_gets_403_on_import(page: Page, live_server: LiveServer) -> None:
    make_user("accountant", "finance")
    log_in(page, live_server.url, "accountant")
    assert page.url == f"{live_server.url}/"
    listing = page.goto(f"{live_server.url}/registry/")
    assert listing is not None and listing.status == 200
    assert page.locator("a[href='/registry/import/']").count() == 0

    response = page.goto(f"{live_server.url}/registry/import/")

    assert response is not None
    assert response.status == 403
