"""Set-based posting (`ledger.post_rows`) and the bank import on top of it (issue 17): the same entries,
chain and balances as posting one by one, and a number of queries that does not grow with the rows."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook

from anju.fund import checks, ledger
from anju.fund.bank import actions as bank
from anju.fund.models import Account, BankReceipt, JournalEntry, JournalLine
from anju.fund.tests import factories

pytestmark = pytest.mark.django_db
D = Decimal


def test_post_rows_signs_the_chain_and_moves_the_balances() -> None:
    a = factories.unit_account(room="101")
    b = factories.unit_account(room="102")
    bank_account = factories.bank()
    factories.deposit(a, "1.00", dt.date(2023, 1, 1))  # the chain goes on from an entry posted one by one
    ids = ledger.post_rows(
        [
            ledger.NewEntry("deposit", dt.date(2023, 1, 2), [(bank_account.pk, 1000), (a.pk, -1000)], "甲", "d", "B1"),
            ledger.NewEntry("deposit", dt.date(2023, 1, 3), [(bank_account.pk, 250), (b.pk, -250)], bank_txn_id="B2"),
        ],
        actor=None,
    )
    entries = list(JournalEntry.objects.order_by("seq"))
    assert [e.pk for e in entries[1:]] == ids and [e.seq for e in entries] == [1, 2, 3]
    assert [e.bank_txn_id for e in entries[1:]] == ["B1", "B2"] and entries[1].memo == "甲"
    assert entries[2].prev_mac == entries[1].mac
    assert list(JournalLine.objects.filter(entry_id=ids[0]).order_by("pk").values_list("account_id", "amount")) == [
        (bank_account.pk, D("10.00")),
        (a.pk, D("-10.00")),
    ]
    assert Account.objects.get(pk=a.pk).balance == D("11.00") and Account.objects.get(pk=b.pk).balance == D("2.50")
    report = checks.check_ledger()
    assert report.ok and report.chain["verified"] == 3


def test_post_rows_refuses_what_post_many_refuses() -> None:
    a = factories.unit_account(room="101")
    bank_account = factories.bank()
    with pytest.raises(ledger.Overdraw, match="余额不足"):
        ledger.post_rows(
            [
                ledger.NewEntry("use", dt.date(2023, 1, 1), [(a.pk, 500), (bank_account.pk, -500)]),
                ledger.NewEntry("deposit", dt.date(2023, 1, 2), [(bank_account.pk, 500), (a.pk, -500)]),
            ],
            actor=None,
        )
    with pytest.raises(ledger.LedgerError, match="借贷不平衡"):
        ledger.post_rows(
            [ledger.NewEntry("deposit", dt.date(2023, 1, 1), [(bank_account.pk, 500), (a.pk, -499)])], actor=None
        )
    a.closed = dt.date(2023, 1, 1)
    a.save(update_fields=["closed"])
    with pytest.raises(ledger.LedgerError, match="已销户"):
        ledger.post_rows(
            [ledger.NewEntry("deposit", dt.date(2023, 1, 2), [(bank_account.pk, 500), (a.pk, -500)])], actor=None
        )
    assert not JournalEntry.objects.exists()


def _statement(count: int, units: list[str]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(bank.HEADERS)
    for i in range(count):
        code = units[i % len(units)] if i % 4 else "UNKNOWN"
        sheet.append([f"T{count}-{i:05d}", "2023-03-01", f"{100 + i}.50", code, "张三", "交存"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _queries(count: int, units: list[str]) -> int:
    content = _statement(count, units)
    with CaptureQueriesContext(connection) as captured:
        summary = bank.import_receipts(None, "到账.xlsx", content)
    assert summary.posted + summary.suspense == count
    return len(captured.captured_queries)


def test_the_bank_import_takes_as_many_queries_for_ten_rows_as_for_two_hundred() -> None:
    factories.bank()
    codes = [factories.unit_account(room=str(101 + i)).unit.code for i in range(12)]  # type: ignore[union-attr]
    _queries(1, codes)  # the suspense account is opened by the first receipt it takes
    small, large = _queries(10, codes), _queries(200, codes)
    assert small == large
    assert BankReceipt.objects.count() == 211
    assert checks.check_ledger().ok
