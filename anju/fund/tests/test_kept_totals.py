"""The fund's whole-table figures kept per version of the accounts (anju.fund.totals, issue 17): the fund
home, the unit ledger and project lists' 合计 rows and the API's totals and ledger count are the sums over
all the ledgers after every kind of change — a posting, a first deposit set, an account closed, moved to
another project or added, by the ORM or by plain SQL — and a second view sums nothing."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Sum
from django.test import Client
from django.test.utils import CaptureQueriesContext

from anju.fund import queries, totals
from anju.fund.models import Account
from anju.fund.tests import factories as fund
from anju.fund.tests.test_balance_lists import _ledgers, _money, _totals
from anju.registry.tests import factories as registry

pytestmark = pytest.mark.django_db


def _sums(client: Client, url: str) -> tuple[str, int]:
    """The page and how many of its queries summed or counted the unit ledgers (all of them: the list's
    capped count, which stops after 10,001 rows, is no such query)."""
    with CaptureQueriesContext(connection) as run:
        response = client.get(url)
    assert response.status_code == 200
    whole = [q["sql"] for q in run.captured_queries if re.search(r"\b(SUM|COUNT)\(", q["sql"])]
    bounded = re.compile(r"LIMIT|IN \([\d, ]+\)")  # the capped count, or the shown rows' per-row figures
    return response.content.decode(), len([sql for sql in whole if "fund_account" in sql and not bounded.search(sql)])


def _check(client: Client) -> None:
    """Every kept figure shown equals the figure summed afresh."""
    direct = queries.fund_totals()
    ledgers = queries.unit_accounts()
    whole = ledgers.aggregate(balance=Sum("balance"), first=Sum("first_deposit"))
    in_projects = ledgers.filter(project__isnull=False).aggregate(balance=Sum("balance"), first=Sum("first_deposit"))
    home = client.get("/fund/").content.decode()
    assert f"分户账 {ledgers.count()} 户" in home
    assert f"{queries.replenishment_due().count()} 户低于首期交存额的30%" in home
    for kind in ("bank", "unit", "assets", "liabilities"):
        assert _money(direct[kind]) in home
    api = client.get("/api/fund/totals").json()
    assert {k: Decimal(v) for k, v in api.items() if k != "balanced"} == {k: direct[k] for k in api if k != "balanced"}
    assert client.get("/api/fund/accounts?limit=1").json()["count"] == ledgers.count()
    foot = _totals(client.get("/fund/accounts/").content.decode())
    assert _money(whole["balance"] or 0) in foot and _money(whole["first"] or 0) in foot
    foot = _totals(client.get("/fund/projects/").content.decode())
    assert _money(in_projects["balance"] or 0) in foot and _money(in_projects["first"] or 0) in foot


def test_the_kept_figures_follow_every_change_and_a_second_view_sums_nothing(
    client_for: Callable[..., Client],
) -> None:
    totals.forget()
    leader = client_for("leadership", "finance")
    _ledgers(3)
    _check(leader)
    for url in ("/fund/", "/fund/accounts/", "/fund/projects/", "/api/fund/totals", "/api/fund/accounts"):
        _, summed = _sums(leader, url)
        assert summed == 0, url
    # A posting moves balances.
    account = queries.unit_accounts().order_by("pk").first()
    assert account is not None
    fund.spend(account, "900.00", dt.date(2023, 6, 1))
    _check(leader)
    # A first deposit set, an account closed and one moved to another project, without a posting.
    fund.deposit(fund.unit_account(room="901", project_code="P0100"), "50.00", dt.date(2023, 7, 1), first=False)
    Account.objects.filter(unit__project__code="P0100").update(first_deposit=Decimal("400.00"))
    _check(leader)
    Account.objects.filter(pk=account.pk).update(closed=dt.date(2023, 8, 1))
    _check(leader)
    other = registry.unit(room="902", project_code="P0200")
    Account.objects.filter(unit__project__code="P0100").update(project=other.project)
    _check(leader)
    # By plain SQL, as an administrator repairing a record would.
    with connection.cursor() as cursor:
        cursor.execute("UPDATE fund_account SET first_deposit = 0 WHERE id = %s", [account.pk])
    _check(leader)
    # An account added.
    _ledgers(1, start=7)
    _check(leader)


def test_the_ledger_list_and_its_api_take_the_same_queries_for_few_and_many_ledgers(
    client_for: Callable[..., Client],
) -> None:
    leader = client_for("leadership", "finance")
    _ledgers(2)
    counts = []
    for more in (8, 0):
        row = []
        for url in ("/fund/", "/fund/accounts/", "/fund/projects/", "/api/fund/accounts", "/api/fund/totals"):
            with CaptureQueriesContext(connection) as run:
                assert leader.get(url).status_code == 200
            row.append(len(run))
        counts.append(row)
        _ledgers(more, start=2)
    assert counts[0] == counts[1]


def test_the_triggers_that_version_the_accounts_are_in_place() -> None:
    """A migration that rebuilds the account table (SQLite remakes a table to alter it) must create the
    triggers again: without them a changed first deposit would not show until the next posting."""
    account = fund.unit_account()
    before = totals.version()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE fund_account SET first_deposit = 5 WHERE id = %s", [account.pk])
    after = totals.version()
    assert after != before
    with connection.cursor() as cursor:
        cursor.execute("UPDATE fund_account SET closed = NULL WHERE id = %s", [account.pk])
    assert totals.version() != after
