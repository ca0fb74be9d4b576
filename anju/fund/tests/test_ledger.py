from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import DatabaseError, IntegrityError, connection, transaction

from anju.fund import checks, ledger
from anju.fund.models import Account, JournalEntry, JournalLine
from anju.fund.tests import factories

pytestmark = pytest.mark.django_db
D = Decimal


def test_deposit_moves_bank_and_unit_balances() -> None:
    account = factories.unit_account()
    factories.deposit(account, "7800.00", dt.date(2023, 3, 1))
    account.refresh_from_db()
    assert account.balance == D("7800.00")
    assert factories.bank().balance == D("7800.00")
    assert checks.check_ledger().ok


def test_unbalanced_or_bad_amounts_are_refused() -> None:
    account = factories.unit_account()
    bank = factories.bank()
    for legs in (
        [ledger.debit(bank, D("10.00")), ledger.credit(account, D("9.99"))],
        [ledger.debit(bank, D("10.001")), ledger.credit(account, D("10.001"))],
        [ledger.debit(bank, D("0")), ledger.credit(account, D("0"))],
        [ledger.debit(bank, D("10.00"))],
    ):
        with pytest.raises(ledger.LedgerError):
            ledger.post(kind="deposit", value_date=dt.date(2023, 1, 1), legs=legs, actor=None)
    assert not JournalEntry.objects.exists()


def test_spending_never_overdraws() -> None:
    account = factories.unit_account()
    factories.deposit(account, "100.00", dt.date(2023, 1, 1))
    with pytest.raises(ledger.Overdraw, match="余额不足"):
        factories.spend(account, "100.01", dt.date(2023, 2, 1))
    factories.spend(account, "100.00", dt.date(2023, 2, 1))
    account.refresh_from_db()
    assert account.balance == D("0.00")


def test_reversal_restores_and_cannot_repeat() -> None:
    account = factories.unit_account()
    entry = factories.deposit(account, "500.00", dt.date(2023, 1, 1))
    reversal = ledger.reverse(entry, actor=None, value_date=dt.date(2023, 1, 5), memo="错账冲正")
    account.refresh_from_db()
    assert account.balance == D("0.00") and reversal.reverses == entry
    with pytest.raises(ledger.LedgerError, match="已冲正"):
        ledger.reverse(entry, actor=None, value_date=dt.date(2023, 1, 6), memo="")
    assert checks.check_ledger().ok


def test_sequence_numbers_are_gapless() -> None:
    account = factories.unit_account()
    for day in range(1, 4):
        factories.deposit(account, "1.00", dt.date(2023, 1, day), first=False)
    assert list(JournalEntry.objects.values_list("seq", flat=True)) == [1, 2, 3]


@pytest.mark.parametrize("model", [JournalEntry, JournalLine])
def test_the_database_refuses_to_edit_the_journal(model: type) -> None:
    account = factories.unit_account()
    factories.deposit(account, "100.00", dt.date(2023, 1, 1))
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
        if model is JournalEntry:
            JournalEntry.objects.update(memo="篡改")
        else:
            JournalLine.objects.update(day=1)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL enforces balance and deletes in the database")
def test_postgresql_refuses_deletes_and_unbalanced_entries() -> None:
    account = factories.unit_account()
    factories.deposit(account, "100.00", dt.date(2023, 1, 1))
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
        JournalLine.objects.all().delete()
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
        entry = JournalEntry.objects.create(
            seq=99, kind="deposit", value_date=dt.date(2023, 1, 2), posted_by_name="x", mac="x"
        )
        JournalLine.objects.create(entry=entry, account=account, amount=D("-5.00"), day=1)
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def _without_guards(sql: str, params: list[object]) -> None:
    """Tamper with the journal the way only someone with database access could."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # fire the pending balance checks first
            cursor.execute("ALTER TABLE fund_journalline DISABLE TRIGGER USER")
            cursor.execute(sql, params)
            cursor.execute("ALTER TABLE fund_journalline ENABLE TRIGGER USER")
        else:
            cursor.execute("DROP TRIGGER fund_journalline_no_update")
            cursor.execute(sql, params)


def run_check() -> tuple[int, dict[str, object]]:
    out = io.StringIO()
    try:
        call_command("fund", "check", stdout=out)
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    return code, json.loads(out.getvalue())


def test_check_passes_on_a_clean_ledger() -> None:
    account = factories.unit_account()
    factories.deposit(account, "100.00", dt.date(2023, 1, 1))
    code, report = run_check()
    assert code == 0 and report["ok"] is True and report["entries"] == 1


def test_check_finds_an_edited_line_and_a_wrong_cached_balance() -> None:
    account = factories.unit_account()
    factories.deposit(account, "100.00", dt.date(2023, 1, 1))
    with transaction.atomic():
        _without_guards("UPDATE fund_journalline SET amount = amount * 2 WHERE account_id = %s", [account.pk])
        Account.objects.filter(pk=factories.bank().pk).update(balance=D("1.00"))
        code, report = run_check()
        transaction.set_rollback(True)
    rules = {v["rule"] for v in report["violations"]}  # type: ignore[union-attr]
    assert code == 1 and {"balanced", "unchanged", "balances"} <= rules


def test_check_finds_a_deleted_entry() -> None:
    account = factories.unit_account()
    factories.deposit(account, "100.00", dt.date(2023, 1, 1))
    factories.deposit(account, "50.00", dt.date(2023, 1, 2), first=False)
    first = JournalEntry.objects.get(seq=1)
    with transaction.atomic():
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute("ALTER TABLE fund_journalline DISABLE TRIGGER USER")
                cursor.execute("ALTER TABLE fund_journalentry DISABLE TRIGGER USER")
            cursor.execute("DELETE FROM fund_journalline WHERE entry_id = %s", [first.pk])
            cursor.execute("DELETE FROM fund_journalentry WHERE id = %s", [first.pk])
        code, report = run_check()
        transaction.set_rollback(True)
    assert code == 1 and "sequence" in {v["rule"] for v in report["violations"]}  # type: ignore[union-attr]


def test_balance_command() -> None:
    account = factories.unit_account(room="301")
    factories.deposit(account, "7800.00", dt.date(2023, 1, 1))
    out = io.StringIO()
    call_command("fund", "balance", "P0001-1-1-301", stdout=out)
    assert json.loads(out.getvalue()) == {
        "unit": "P0001-1-1-301",
        "balance": "7800.00",
        "first_deposit": "7800.00",
        "interest": "0.00",
    }


def test_post_many_writes_gapless_entries_and_moves_balances() -> None:
    a = factories.unit_account(room="101")
    b = factories.unit_account(room="102")
    bank = factories.bank()
    specs = [
        ledger.EntrySpec(
            "deposit",
            dt.date(2023, 1, 1),
            [ledger.debit(bank, D("10.00")), ledger.credit(a, D("10.00"))],
            bank_txn_id="B1",
        ),
        ledger.EntrySpec(
            "deposit",
            dt.date(2023, 1, 2),
            [ledger.debit(bank, D("2.50")), ledger.credit(b, D("2.50"))],
            bank_txn_id="B2",
        ),
    ]
    entries = ledger.post_many(specs, actor=None)
    assert [e.seq for e in entries] == [1, 2]
    assert Account.objects.get(pk=a.pk).balance == D("10.00") and Account.objects.get(pk=b.pk).balance == D("2.50")
    assert checks.check_ledger().ok


def test_post_many_refuses_an_overdraw_in_any_order() -> None:
    a = factories.unit_account(room="101")
    bank = factories.bank()
    # Net zero, but the spend would come first: refused, nothing written.
    specs = [
        ledger.EntrySpec("use", dt.date(2023, 1, 1), [ledger.debit(a, D("5.00")), ledger.credit(bank, D("5.00"))]),
        ledger.EntrySpec("deposit", dt.date(2023, 1, 2), [ledger.debit(bank, D("5.00")), ledger.credit(a, D("5.00"))]),
    ]
    with pytest.raises(ledger.Overdraw):
        ledger.post_many(specs, actor=None)
    assert not JournalEntry.objects.exists()


def test_balances_by_project_and_building_pages(client_for) -> None:
    a = factories.unit_account(room="101")
    b = factories.unit_account(room="102", building="2")
    factories.deposit(a, "100.00", dt.date(2023, 1, 1))
    factories.deposit(b, "50.00", dt.date(2023, 1, 1))
    client = client_for("information")
    page = client.get("/fund/projects/").content.decode()
    assert "P0001" in page and "150.00" in page
    page = client.get("/fund/projects/P0001/").content.decode()
    assert "100.00" in page and "50.00" in page and "150.00" in page
    assert "P0001-1-1-101" not in client.get("/fund/accounts/?project=P0001&building=2").content.decode()
    assert client_for("office").get("/fund/projects/").status_code == 403
