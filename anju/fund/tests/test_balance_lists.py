"""The balance lists under load (issue 17, bench/load.py): the project balances page computes each shown
project's ledgers for the page only and its 合计 in one sum, the unit ledger page reads the ledgers in unit
code order through the units; the queries do not grow with the rows and the figures are the whole-table
aggregates."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Count, Sum
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils.html import strip_tags

from anju.fund import queries
from anju.fund.models import Account
from anju.fund.tests import factories as fund
from anju.registry.models import Project

pytestmark = pytest.mark.django_db


def _ledgers(projects: int, start: int = 0) -> None:
    for p in range(start, start + projects):
        for room in ("101", "102"):
            account = fund.unit_account(room=room, project_code=f"P{p:04d}", project_name=f"项目{p}")
            fund.deposit(account, f"{1000 + 10 * p}.{room[-1]}0", dt.date(2023, 3, 1))


def _rows(html: str) -> list[list[str]]:
    body = re.search(r"<tbody>(.*?)</tbody>", html, re.S)
    assert body is not None
    return [
        [strip_tags(cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body.group(1), re.S)
    ]


def _totals(html: str) -> list[str]:
    foot = re.search(r"<tfoot>(.*?)</tfoot>", html, re.S)
    assert foot is not None
    return [strip_tags(cell).strip() for cell in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", foot.group(1), re.S)]


def _money(value: Decimal) -> str:
    return f"{value:,.2f}"


def _get(client: Client, url: str) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as queries_run:
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), len(queries_run)


def test_project_balances_take_the_same_queries_for_3_and_12_projects_and_show_the_grouped_figures(
    client_for: Callable[..., Client],
) -> None:
    leader = client_for("leadership")
    _ledgers(3)
    _, few = _get(leader, "/fund/projects/")
    _ledgers(9, start=3)
    # A fund account of another kind tied to a project by hand is no unit's ledger: never counted in it.
    Account.objects.filter(pk=fund.bank().pk).update(project=Project.objects.get(code="P0001"), balance=777)
    html, many = _get(leader, "/fund/projects/")
    assert many == few
    grouped = {
        r["project__code"]: r
        for r in queries.unit_accounts()
        .values("project__code")
        .annotate(accounts=Count("id"), balance=Sum("balance"))
        .order_by()
    }
    rows = _rows(html)
    assert [row[0] for row in rows] == sorted(grouped)
    for row in rows:
        assert row[2] == str(grouped[row[0]]["accounts"])
        assert row[4] == _money(grouped[row[0]]["balance"])
    whole = queries.unit_accounts().aggregate(balance=Sum("balance"), first=Sum("first_deposit"))
    assert _money(whole["balance"]) in _totals(html)
    html, _ = _get(leader, "/fund/projects/?q=P0003")
    assert [row[0] for row in _rows(html)] == ["P0003"]
    assert _money(grouped["P0003"]["balance"]) in _totals(html)


def test_projects_without_unit_ledgers_are_not_listed(client_for: Callable[..., Client]) -> None:
    leader = client_for("leadership")
    _ledgers(2)
    fund.bank()
    html, _ = _get(leader, "/fund/projects/")
    assert [row[0] for row in _rows(html)] == ["P0000", "P0001"]


def test_the_unit_ledger_page_lists_the_ledgers_in_code_order_with_the_whole_sum(
    client_for: Callable[..., Client],
) -> None:
    leader = client_for("leadership")
    _ledgers(2)
    _, few = _get(leader, "/fund/accounts/")
    _ledgers(10, start=2)
    html, many = _get(leader, "/fund/accounts/")
    assert many == few
    codes = list(queries.unit_accounts().order_by("unit__code").values_list("unit__code", flat=True))
    assert [row[0] for row in _rows(html)] == codes
    whole = queries.unit_accounts().aggregate(balance=Sum("balance"))
    assert _money(whole["balance"]) in _totals(html)
    # Filtered, the 合计 is the filtered ledgers' sum.
    html, _ = _get(leader, "/fund/accounts/?project=P0004")
    part = queries.unit_accounts().filter(project__code="P0004").aggregate(balance=Sum("balance"))
    assert len(_rows(html)) == 2
    assert _money(part["balance"]) in _totals(html)


@pytest.mark.parametrize("listed", [queries.UNITS_LISTED, 1])
@pytest.mark.parametrize("q", ["p0001", "P000", "项目1", "城北", "0001", "P0001-1-1-101", "x"])
def test_the_unit_ledgers_search_finds_what_the_rule_says(
    q: str, listed: int, client_for: Callable[..., Client], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The ledgers whose unit code starts with the search or whose project's name contains it, whatever the case
    of its letters: by the matching units' ids while they are few, by the codes tested once they are more
    (`listed` 1 makes every prefix that two units share "many"); the page and the API alike."""
    _ledgers(3)
    for p in range(3):
        project = Project.objects.get(code=f"P{p:04d}")
        project.name = f"{'城北' if p == 2 else '城南'}项目{p}"
        project.save()
    monkeypatch.setattr(queries, "UNITS_LISTED", listed)
    expected = sorted(
        a.unit.code
        for a in Account.objects.filter(kind=Account.Kind.UNIT).select_related("unit", "project")
        if a.unit.code.upper().startswith(q.upper()) or q.upper() in a.project.name.upper()
    )
    client = client_for("finance")
    page = client.get("/fund/accounts/", {"q": q, "per": 100}).content.decode()
    assert sorted(row[0] for row in _rows(page) if len(row) > 1) == expected
    api = client.get("/api/fund/accounts", {"q": q, "limit": 100}).json()
    assert sorted(item["unit"] for item in api["items"]) == expected and api["count"] == len(expected)
