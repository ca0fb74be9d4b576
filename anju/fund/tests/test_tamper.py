"""The 11 tamper scenarios of issue 18, each done with raw SQL as a database client would, lifting the
append-only triggers first where the scenario needs it: `anju fund check` fails and names the entry.

Where a scenario also moves the cached balances (as a careful forger would), only the HMAC chain is
left to catch it, so these tests fail with an unkeyed or unchained digest."""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from anju.core.models import User
from anju.fund import ledger
from anju.fund.models import Account, JournalEntry, JournalLine
from anju.fund.tests import factories

pytestmark = pytest.mark.django_db
PG = connection.vendor == "postgresql"
D = Decimal


def sql(statement: str, params: list[object] | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params or [])


def lift_guards() -> None:
    """What an owner of the tables can do: fire the pending checks, then switch the triggers off."""
    if PG:
        sql("SET CONSTRAINTS ALL IMMEDIATE")
        sql("ALTER TABLE fund_journalentry DISABLE TRIGGER USER")
        sql("ALTER TABLE fund_journalline DISABLE TRIGGER USER")
    else:
        sql("DROP TRIGGER fund_journalentry_no_update")
        sql("DROP TRIGGER fund_journalline_no_update")


def run_check() -> tuple[int, dict[str, object]]:
    out = io.StringIO()
    try:
        call_command("fund", "check", stdout=out)
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    return code, json.loads(out.getvalue())


def line_of(entry_seq: int, account: Account) -> JournalLine:
    return JournalLine.objects.get(entry__seq=entry_seq, account=account)


def set_balance(account: Account, fen_delta: int) -> None:
    sql("UPDATE fund_account SET balance = balance + %s WHERE id = %s", [fen_delta, account.pk])


@pytest.fixture
def journal(make_user: Callable[..., User]) -> dict[str, Account]:
    """Five entries: #1 a +100, #2 b +200, #3 a −30 posted by a clerk, #4 a +50, #5 b +10."""
    a = factories.unit_account(room="101")
    b = factories.unit_account(room="102")
    factories.deposit(a, "100.00", dt.date(2023, 1, 1))
    factories.deposit(b, "200.00", dt.date(2023, 1, 2))
    clerk = make_user("clerk", "finance")
    ledger.post(
        kind=JournalEntry.Kind.USE,
        value_date=dt.date(2023, 2, 1),
        legs=[ledger.debit(a, D("30.00")), ledger.credit(factories.bank(), D("30.00"))],
        actor=clerk,
        memo="维修使用",
        document="use_payment:1",
    )
    factories.deposit(a, "50.00", dt.date(2023, 3, 1), first=False)
    factories.deposit(b, "10.00", dt.date(2023, 3, 2), first=False)
    code, report = run_check()
    assert code == 0 and report["ok"] is True, report
    return {"a": a, "b": b, "bank": factories.bank()}


def edit_amount(accounts: dict[str, Account]) -> None:
    # Both lines of #2 doubled (still balanced) and the balances moved to match.
    sql(
        "UPDATE fund_journalline SET amount = amount * 2 "
        "WHERE entry_id = (SELECT id FROM fund_journalentry WHERE seq = 2)"
    )
    set_balance(accounts["b"], 20000)
    set_balance(accounts["bank"], 20000)


def move_money(accounts: dict[str, Account]) -> None:
    # 100.00 元 of #1 credited to b instead of a; both ledgers' balances moved to match.
    sql("UPDATE fund_journalline SET account_id = %s WHERE id = %s", [accounts["b"].pk, line_of(1, accounts["a"]).pk])
    set_balance(accounts["a"], -10000)
    set_balance(accounts["b"], 10000)


def delete_entry(accounts: dict[str, Account]) -> None:
    entry = JournalEntry.objects.get(seq=3)
    sql("DELETE FROM fund_journalline WHERE entry_id = %s", [entry.pk])
    sql("DELETE FROM fund_journalentry WHERE id = %s", [entry.pk])
    set_balance(accounts["a"], 3000)
    set_balance(accounts["bank"], 3000)


def insert_forged(accounts: dict[str, Account]) -> None:
    # A sixth entry that looks like the others (its MAC copied from #5), the head and balances moved.
    fifth = JournalEntry.objects.get(seq=5)
    sql(
        "INSERT INTO fund_journalentry (seq, kind, value_date, posted_at, posted_by_name, memo, document, "
        "key_id, prev_mac, lines_sha256, mac) SELECT 6, kind, value_date, posted_at, posted_by_name, memo, document, "
        "key_id, mac, lines_sha256, mac FROM fund_journalentry WHERE seq = 5"
    )
    forged = JournalEntry.objects.get(seq=6)
    for account, amount in ((accounts["bank"], 99900), (accounts["a"], -99900)):
        sql(
            "INSERT INTO fund_journalline (entry_id, account_id, amount, day) VALUES (%s, %s, %s, %s)",
            [forged.pk, account.pk, amount, fifth.value_date.toordinal()],
        )
    set_balance(accounts["a"], 99900)
    set_balance(accounts["bank"], 99900)
    sql("UPDATE fund_ledgerhead SET last_seq = 6")


def reorder(accounts: dict[str, Account]) -> None:
    sql("UPDATE fund_journalentry SET seq = 1000 WHERE seq = 2")
    sql("UPDATE fund_journalentry SET seq = 2 WHERE seq = 4")
    sql("UPDATE fund_journalentry SET seq = 4 WHERE seq = 1000")


def change_day(accounts: dict[str, Account]) -> None:
    # #2 moved back a year, its lines too, so interest would count it for longer.
    day = dt.date(2022, 1, 2)
    sql("UPDATE fund_journalentry SET value_date = %s WHERE seq = 2", [day])
    sql(
        "UPDATE fund_journalline SET day = %s WHERE entry_id = (SELECT id FROM fund_journalentry WHERE seq = 2)",
        [day.toordinal()],
    )


def change_poster(accounts: dict[str, Account]) -> None:
    sql("UPDATE fund_journalentry SET posted_by_id = NULL, posted_by_name = %s WHERE seq = 3", ["系统"])


def truncate(accounts: dict[str, Account]) -> None:
    # TRUNCATE fires no row trigger; SQLite has none, and an unqualified DELETE is its truncate.
    sql("TRUNCATE fund_journalline" if PG else "DELETE FROM fund_journalline")
    sql("UPDATE fund_account SET balance = 0")


def disable_triggers(accounts: dict[str, Account]) -> None:
    # The guard itself switched off by the tables' owner (SQLite: dropped), then a memo rewritten.
    if PG:
        sql("ALTER TABLE fund_journalentry DISABLE TRIGGER fund_journalentry_append_only")
    sql("UPDATE fund_journalentry SET memo = %s WHERE seq = 4", ["冲正"])


def replica_role(accounts: dict[str, Account]) -> None:
    # Triggers do not fire for a session in replica mode.
    sql("SET CONSTRAINTS ALL IMMEDIATE")
    sql("SET session_replication_role = replica")
    sql("UPDATE fund_journalentry SET memo = %s WHERE seq = 4", ["冲正"])
    sql("SET session_replication_role = DEFAULT")


def restore_old_copy(accounts: dict[str, Account]) -> None:
    # The lines table put back as a copy taken after #3: the lines of #4 and #5 are gone.
    sql("CREATE TEMPORARY TABLE lines_copy AS SELECT * FROM fund_journalline")
    sql("DELETE FROM lines_copy WHERE entry_id IN (SELECT id FROM fund_journalentry WHERE seq > 3)")
    sql("DELETE FROM fund_journalline")
    sql("INSERT INTO fund_journalline SELECT * FROM lines_copy")


# name, tamper, lift the triggers first, the entry the check must name, PostgreSQL only
SCENARIOS = [
    ("edit an amount", edit_amount, True, 2, False),
    ("move money between accounts within one entry", move_money, True, 1, False),
    ("delete an entry", delete_entry, True, 3, False),
    ("insert a forged entry", insert_forged, True, 6, False),
    ("reorder", reorder, True, 2, False),
    ("change a day", change_day, True, 2, False),
    ("change the poster", change_poster, True, 3, False),
    ("truncate", truncate, False, 1, False),
    ("disable triggers", disable_triggers, not PG, 4, False),
    ("replica role", replica_role, False, 4, True),
    ("restore an old copy of one table", restore_old_copy, True, 4, False),
]


@pytest.mark.parametrize(("name", "tamper", "lift", "seq", "pg_only"), SCENARIOS, ids=[s[0] for s in SCENARIOS])
def test_check_catches_and_names_the_tampered_entry(
    journal: dict[str, Account], name: str, tamper: Callable[..., None], lift: bool, seq: int, pg_only: bool
) -> None:
    if pg_only and not PG:
        pytest.skip("SQLite has no session_replication_role")
    with transaction.atomic():
        if lift:
            lift_guards()
        elif PG:
            sql("SET CONSTRAINTS ALL IMMEDIATE")
        tamper(journal)
        code, report = run_check()
        transaction.set_rollback(True)
    assert code == 1 and report["ok"] is False, name
    chain = report["chain"]
    assert isinstance(chain, dict) and chain["ok"] is False
    first = chain["first_broken"]
    assert isinstance(first, dict)
    messages = " ".join(v["message"] for v in report["violations"])  # type: ignore[attr-defined]
    assert f"#{seq}" in first["message"] or f"#{seq}" in messages, (name, first, messages)
    if name == "delete an entry":
        assert first["seq"] == 4 and first["failure"] == "link" and "#3" in first["message"]
    else:
        assert first["seq"] == seq, (name, first)


def test_only_the_chain_catches_money_moved_within_an_entry(journal: dict[str, Account]) -> None:
    """The forger kept every entry balanced and every cached balance equal to its lines."""
    with transaction.atomic():
        lift_guards()
        move_money(journal)
        _, report = run_check()
        transaction.set_rollback(True)
    rules = {v["rule"] for v in report["violations"]}  # type: ignore[attr-defined]
    assert rules == {"unchanged"}
    assert report["chain"]["first_broken"]["failure"] == "lines"  # type: ignore[index]


def test_a_ledger_signed_with_another_key_fails(journal: dict[str, Account], settings: object) -> None:
    """The key is what makes the MACs unforgeable: the same rows under a different key do not verify."""
    settings.ANJU_LEDGER_DEV_KEY = False  # type: ignore[attr-defined]
    settings.ANJU_LEDGER_KEY = "dev:" + "x" * 40  # type: ignore[attr-defined]
    code, report = run_check()
    assert code == 1 and report["chain"]["first_broken"]["seq"] == 1  # type: ignore[index]


def test_a_drifted_unit_balance_is_named_by_its_unit(journal: dict[str, Account]) -> None:
    set_balance(journal["a"], 1)
    code, report = run_check()
    messages = [v["message"] for v in report["violations"] if v["rule"] == "balances"]  # type: ignore[attr-defined, index]
    assert code == 1 and messages == ["分户账 P0001-1-1-101 余额 120.01 与明细合计 120.00 不符"]


def test_the_grouped_hash_of_the_lines_is_the_ordered_one_and_a_disordered_group_is_rehashed(
    journal: dict[str, Account],
) -> None:
    """`lines_by_entry` lets the database concatenate each entry's lines in its scan's order (on both
    databases); should it ever give them in another order, `verify_chain` hashes that entry again in line
    order before calling it broken."""
    from anju.fund import chain_check

    lines = chain_check.lines_by_entry()
    assert lines and all(chain_check.exact_lines(entry_id) == stats for entry_id, stats in lines.items())
    first = min(lines)
    lines[first] = chain_check.EntryLines("0" * 64, lines[first].count, lines[first].total)
    report = chain_check.verify_chain(lines)
    assert not report.breaks and report.verified == len(lines)


def test_money_in_a_ledger_without_lines_and_a_negative_ledger_are_named(journal: dict[str, Account]) -> None:
    """SQLite proves the balances by joining the lines' sums to their ledgers, which leaves out a ledger
    with no lines: the ledgers' total |balance| must still catch one that holds money."""
    empty = factories.unit_account(room="103")
    set_balance(empty, 500)
    code, report = run_check()
    messages = [v["message"] for v in report["violations"] if v["rule"] == "balances"]  # type: ignore[attr-defined, index]
    assert code == 1 and messages == ["分户账 P0001-1-1-103 余额 5.00 与明细合计 0.00 不符"]
    set_balance(empty, -1000)
    code, report = run_check()
    rules = {v["rule"] for v in report["violations"]}  # type: ignore[attr-defined, index]
    assert code == 1 and {"balances", "no_overdraw"} <= rules  # and the fund's equation, which it breaks


def test_one_line_moved_to_another_day_is_caught(journal: dict[str, Account]) -> None:
    """The lines' hash is taken with the entry's one day put back after each line, so the check first proves
    every line of the entry carries that day: one line moved alone (the bank's leg of #3) breaks #3."""
    with transaction.atomic():
        lift_guards()
        sql(
            "UPDATE fund_journalline SET day = day - 365 WHERE id = %s",
            [line_of(3, journal["bank"]).pk],
        )
        code, report = run_check()
        transaction.set_rollback(True)
    first = report["chain"]["first_broken"]  # type: ignore[index]
    assert code == 1 and first["seq"] == 3 and first["failure"] == "lines", first


def test_the_equation_is_the_fund_totals_one(journal: dict[str, Account]) -> None:
    """The ledgers' pass adds up both sides of the fund's equation in fen: the same figures, to the fen, as
    `fund_totals` (the balances page's), named in the violation."""
    from anju.fund import queries

    set_balance(journal["bank"], 1)
    code, report = run_check()
    totals = queries.fund_totals()
    equation = [v["message"] for v in report["violations"] if v["rule"] == "equation"]  # type: ignore[attr-defined, index]
    assert code == 1 and report["accounts"] == Account.objects.count()
    assert equation == [f"资金平衡式不成立：专户及应收 {totals['assets']} ≠ 分户账、统筹及待查 {totals['liabilities']}"]


def test_the_checks_queries_do_not_grow_with_the_ledger(journal: dict[str, Account]) -> None:
    from django.test.utils import CaptureQueriesContext

    from anju.fund import checks

    with CaptureQueriesContext(connection) as before:
        assert checks.check_ledger().ok
    for room in ("201", "202", "203"):
        factories.deposit(factories.unit_account(room=room), "80.00", dt.date(2023, 4, 1))
    with CaptureQueriesContext(connection) as after:
        assert checks.check_ledger().ok
    assert len(after.captured_queries) == len(before.captured_queries)
