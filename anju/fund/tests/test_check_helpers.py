"""`anju fund check` outside a transaction: on PostgreSQL the ledgers' pass runs on a second connection in the
check's exported snapshot (`checks.Beside`), and proves what the check proves on one connection (SQLite runs
both passes on its one connection: the same test, committed data)."""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable, Iterator
from decimal import Decimal

import pytest
from django.db import connection

from anju.fund import chain_parts, checks, ledger
from anju.fund.models import Account, JournalEntry
from anju.fund.tests import factories

PG = connection.vendor == "postgresql"
append_only = importlib.import_module("anju.fund.migrations.0001_squashed_2026_11_28")


def sql(statement: str, params: list[int] | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params or [])


def journal() -> dict[str, Account]:
    """Five entries: #1 a +100, #2 b +200, #3 a +50, #4 b +10, #5 a and b +1 each (three lines)."""
    a = factories.unit_account(room="101")
    b = factories.unit_account(room="102")
    factories.deposit(a, "100.00", dt.date(2023, 1, 1))
    factories.deposit(b, "200.00", dt.date(2023, 1, 2))
    factories.deposit(a, "50.00", dt.date(2023, 3, 1), first=False)
    factories.deposit(b, "10.00", dt.date(2023, 3, 2), first=False)
    ledger.post(
        kind=JournalEntry.Kind.DEPOSIT,
        value_date=dt.date(2023, 4, 1),
        legs=[
            ledger.debit(factories.bank(), Decimal("2.00")),
            ledger.credit(a, Decimal("1.00")),
            ledger.credit(b, Decimal("1.00")),
        ],
        actor=None,
    )
    return {"a": a, "b": b, "bank": factories.bank()}


@pytest.fixture
def lifted_guards() -> Iterator[None]:
    """The lines' append-only guard off for this (committing) test, then put back."""
    if PG:
        sql("ALTER TABLE fund_journalline DISABLE TRIGGER USER")
    else:
        sql("DROP TRIGGER fund_journalline_no_update")
    try:
        yield
    finally:
        if PG:
            sql("ALTER TABLE fund_journalline ENABLE TRIGGER USER")
        else:
            sql(append_only.SQLITE_FORWARD[1])


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """The works the check starts on connections of their own (`checks.Beside.start`), as it starts them."""
    works: list[object] = []
    start = checks.Beside.start

    def counted(self: checks.Beside, work: Callable[[], object]) -> object:
        works.append(work)
        return start(self, work)

    monkeypatch.setattr(checks.Beside, "start", counted)
    return works


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_helpers_prove_what_the_check_proves(started: list[object], lifted_guards: None) -> None:
    accounts = journal()
    report = checks.check_ledger()
    assert report.ok and report.lines == 11 and report.chain["verified"] == 5, report.as_dict()
    assert len(started) == (1 if PG else 0)

    # Both lines of #2 doubled, the balances moved to match: balanced, the balances agree, only the chain can tell.
    sql(
        "UPDATE fund_journalline SET amount = amount * 2 "
        "WHERE entry_id = (SELECT id FROM fund_journalentry WHERE seq = 2)"
    )
    for account in (accounts["b"], accounts["bank"]):
        sql("UPDATE fund_account SET balance = balance + 20000 WHERE id = %s", [account.pk])
    report = checks.check_ledger()
    assert {v.rule for v in report.violations} == {"unchanged"}, report.as_dict()
    assert report.chain["first_broken"]["seq"] == 2  # type: ignore[index]
    assert report.chain["first_broken"]["failure"] == "lines"  # type: ignore[index]

    # A ledger's cached balance drifted by one fen, and a ledger without lines holding money: both named.
    sql("UPDATE fund_account SET balance = balance + 1 WHERE id = %s", [accounts["a"].pk])
    empty = factories.unit_account(room="103")
    sql("UPDATE fund_account SET balance = 500 WHERE id = %s", [empty.pk])
    report = checks.check_ledger()
    balances = sorted(v.message for v in report.violations if v.rule == "balances")
    assert balances == [
        "分户账 P0001-1-1-101 余额 151.01 与明细合计 151.00 不符",
        "分户账 P0001-1-1-103 余额 5.00 与明细合计 0.00 不符",
    ], report.as_dict()


@pytest.mark.skipif(not PG, reason="PostgreSQL's parts run on connections of their own in the check's snapshot")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_parts_run_beside_on_connections_of_their_own(
    started: list[object], monkeypatch: pytest.MonkeyPatch, lifted_guards: None
) -> None:
    factories.journal()  # 720 lines, more than three of the table's pages
    monkeypatch.setattr(chain_parts, "SPLIT_MIN", 0)
    one, three = checks.check_ledger(parts=1), checks.check_ledger(parts=3)
    assert one.ok and one.as_dict() == three.as_dict() and three.lines == 720
    assert len(started) == 1 + (1 + 3)  # the ledgers' pass; then it and the three parts

    # A line's amount doubled, the balances moved to match: only the chain tells, the same in parts.
    sql("UPDATE fund_journalline SET amount = amount * 2 WHERE id = (SELECT MAX(id) FROM fund_journalline)")
    one, three = checks.check_ledger(parts=1), checks.check_ledger(parts=3)
    assert not one.ok and one.as_dict() == three.as_dict()
    assert three.chain["first_broken"]["failure"] == "lines"  # type: ignore[index]
