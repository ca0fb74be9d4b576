"""Bank statement import (all or nothing, idempotent) and the reconciliation against the journal."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from anju.core.models import AuditEvent
from anju.fund import ledger
from anju.fund.models import Account, BankImport, BankStatementLine, JournalEntry
from anju.fund.reconcile import actions as reconcile
from anju.fund.reconcile import queries as reconcile_queries
from anju.fund.tests import factories
from anju.lib.tabular import ImportRejected

pytestmark = pytest.mark.django_db
D = Decimal


def xlsx(rows: Sequence[Sequence[Any]], headers: Sequence[str] = reconcile.HEADERS) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(list(headers))
    for row in rows:
        ws.append(list(row))
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def receipt(account: Account, amount: str, day: dt.date, txn_id: str | None) -> JournalEntry:
    value = D(amount)
    return ledger.post(
        kind=JournalEntry.Kind.DEPOSIT,
        value_date=day,
        bank_txn_id=txn_id,
        memo="交存",
        legs=[ledger.debit(factories.bank(), value), ledger.credit(account, value)],
        actor=None,
    )


GOOD = [
    ["T001", dt.datetime(2024, 3, 1), 1000, 1000, "交存 101"],  # noqa: DTZ001 - an Excel date cell has no zone
    ["T002", "2024-03-01", "2000.50", "3000.50", "交存 102"],
    ["T003", "2024/03/04", -500, 2500.5, "维修支付"],
]


def test_a_good_statement_is_imported_and_audited(make_user) -> None:
    bank = factories.bank()
    user = make_user("clerk", "finance")
    summary = reconcile.import_statement(user, bank, "对账单.xlsx", xlsx(GOOD))
    assert (summary.created, summary.skipped) == (3, 0)
    assert (summary.first_date, summary.last_date) == (dt.date(2024, 3, 1), dt.date(2024, 3, 4))
    lines = list(BankStatementLine.objects.order_by("id").values_list("txn_id", "txn_date", "amount", "balance"))
    assert lines == [
        ("T001", dt.date(2024, 3, 1), D("1000.00"), D("1000.00")),
        ("T002", dt.date(2024, 3, 1), D("2000.50"), D("3000.50")),
        ("T003", dt.date(2024, 3, 4), D("-500.00"), D("2500.50")),
    ]
    record = BankImport.objects.get()
    assert record.kind == BankImport.Kind.STATEMENT and record.summary["created"] == 3
    assert AuditEvent.objects.filter(action=AuditEvent.Action.IMPORT, object_id=str(record.pk)).exists()


def test_the_same_file_again_changes_nothing() -> None:
    bank = factories.bank()
    reconcile.import_statement(None, bank, "a.xlsx", xlsx(GOOD))
    again = reconcile.import_statement(None, bank, "a.xlsx", xlsx(GOOD))
    assert (again.created, again.skipped) == (0, 3)
    longer = reconcile.import_statement(None, bank, "b.xlsx", xlsx([*GOOD, ["T004", "2024-03-05", 10, 2510.5, ""]]))
    assert (longer.created, longer.skipped) == (1, 3)
    assert BankStatementLine.objects.count() == 4


def test_a_known_id_with_other_figures_is_refused() -> None:
    bank = factories.bank()
    reconcile.import_statement(None, bank, "a.xlsx", xlsx(GOOD))
    changed = [[*GOOD[0][:2], 1001, 1001, ""]]
    with pytest.raises(ImportRejected) as rejected:
        reconcile.import_statement(None, bank, "b.xlsx", xlsx(changed))
    assert [(e.row, e.column) for e in rejected.value.errors] == [(2, "交易流水号")]
    assert "已导入" in rejected.value.errors[0].message
    assert BankStatementLine.objects.count() == 3


def test_bad_rows_import_nothing_and_are_named() -> None:
    bank = factories.bank()
    rows = [
        ["T001", "2024-03-01", 1000, 1000, ""],
        ["", "2024-03-01", 5, 1005, ""],  # row 3: no id
        ["T003", "2024-02-30", 5, 1010, ""],  # row 4: no such date
        ["T004", "2024-03-02", "12.345", 1022.35, ""],  # row 5: three decimals
        ["T005", "2024-03-02", 0, 1022.35, ""],  # row 6: zero
        ["T001", "2024-03-03", 1, 1023.35, ""],  # row 7: repeated id
        ["T007", "2024-03-03", 1, 9999, ""],  # row 8: balance does not follow
        ["T008", "2024-03-01", 1, 10000, ""],  # row 9: earlier than row 8
    ]
    with pytest.raises(ImportRejected) as rejected:
        reconcile.import_statement(None, bank, "bad.xlsx", xlsx(rows))
    assert [(e.row, e.column) for e in rejected.value.errors] == [
        (3, "交易流水号"),
        (4, "交易日期"),
        (5, "金额"),
        (6, "金额"),
        (7, "交易流水号"),
        (8, "余额"),
        (9, "交易日期"),
    ]
    assert not BankStatementLine.objects.exists() and not BankImport.objects.exists()


def test_the_banks_date_formats_and_numeric_ids() -> None:
    bank = factories.bank()
    rows = [
        ["T1", "2024年3月1日", 1, 1, ""],
        ["T2", "20240302", 1, 2, ""],
        ["T3", "2024-03-03 10:22:33", 1, 3, ""],
        [12345, "2024.03.04", 1, 4, ""],  # a short id in a number cell is whole
    ]
    reconcile.import_statement(None, bank, "dates.xlsx", xlsx(rows))
    assert list(BankStatementLine.objects.order_by("id").values_list("txn_id", "txn_date")) == [
        ("T1", dt.date(2024, 3, 1)),
        ("T2", dt.date(2024, 3, 2)),
        ("T3", dt.date(2024, 3, 3)),
        ("12345", dt.date(2024, 3, 4)),
    ]
    with pytest.raises(ImportRejected) as rejected:
        reconcile.import_statement(None, bank, "long.xlsx", xlsx([[2.0240305123456789e19, "2024-03-05", 1, 5, ""]]))
    assert [(e.row, e.column) for e in rejected.value.errors] == [(2, "交易流水号")]


def test_headers_are_checked() -> None:
    with pytest.raises(ImportRejected) as rejected:
        reconcile.import_statement(
            None,
            factories.bank(),
            "h.xlsx",
            xlsx([["T1", "2024-01-01", 1, 1]], headers=["交易流水号", "日期", "金额", "余额"]),
        )
    assert {(e.row, e.column) for e in rejected.value.errors} == {(1, "日期"), (1, "交易日期")}


def statement(bank: Account, rows: Sequence[Sequence[Any]]) -> None:
    reconcile.import_statement(None, bank, "s.xlsx", xlsx(rows))


def test_reconciliation_finds_missing_lines_and_differing_amounts() -> None:
    bank = factories.bank()
    unit = factories.unit_account()
    receipt(unit, "1000.00", dt.date(2024, 3, 1), "T001")
    receipt(unit, "2000.00", dt.date(2024, 3, 1), "T002")  # the bank says 2000.50
    payment = factories.spend(unit, "500.00", dt.date(2024, 3, 4))  # no txn id: paired by day and amount
    receipt(unit, "80.00", dt.date(2024, 3, 5), "T009")  # not on the statement
    statement(
        bank,
        [
            ["T001", "2024-03-01", 1000, 1000, ""],
            ["T002", "2024-03-01", 2000.5, 3000.5, ""],
            ["T003", "2024-03-04", -500, 2500.5, "维修支付"],
            ["T004", "2024-03-05", 66, 2566.5, "未入账"],  # missing from the journal
        ],
    )
    result = reconcile_queries.reconcile(bank, dt.date(2024, 3, 1), dt.date(2024, 3, 31))
    assert not result.ok
    assert [(b.txn_id, b.amount) for b in result.bank_only] == [("T004", D("66.00"))]
    assert [(j.bank_txn_id, j.amount) for j in result.journal_only] == [("T009", D("80.00"))]
    assert [(m.txn_id, m.bank_amount, m.entry_amount) for m in result.mismatched] == [
        ("T002", D("2000.50"), D("2000.00"))
    ]
    assert [(b.txn_id, j.seq) for b, j in result.paired] == [("T003", payment.seq)]
    by_day = {r.day: r for r in result.days}
    assert by_day[dt.date(2024, 3, 1)].difference == D("0.50")
    assert by_day[dt.date(2024, 3, 4)].difference == D("0.00")
    assert by_day[dt.date(2024, 3, 5)].difference == D("-14.00")
    assert by_day[dt.date(2024, 3, 5)].bank_closing == D("2566.50")
    assert by_day[dt.date(2024, 3, 5)].journal_closing == D("2580.00")
    assert result.closing_day == dt.date(2024, 3, 5)
    assert (result.statement_closing, result.journal_closing) == (D("2566.50"), D("2580.00"))
    assert [r.day for r in result.differing_days] == [dt.date(2024, 3, 1), dt.date(2024, 3, 5)]


def test_a_clean_month_reconciles() -> None:
    bank = factories.bank()
    unit = factories.unit_account()
    receipt(unit, "100.00", dt.date(2024, 2, 10), "T000")  # before the range: the opening balance
    receipt(unit, "1000.00", dt.date(2024, 3, 1), "T001")
    statement(bank, [["T000", "2024-02-10", 100, 100, ""], ["T001", "2024-03-01", 1000, 1100, ""]])
    result = reconcile_queries.reconcile(bank, dt.date(2024, 3, 1), dt.date(2024, 3, 31))
    assert result.ok and result.opening == D("100.00") and result.closing_difference == D("0.00")
    assert reconcile_queries.statement_balance_violations() == []


def test_a_date_that_differs_across_the_edge_of_the_range() -> None:
    bank = factories.bank()
    receipt(factories.unit_account(), "10.00", dt.date(2024, 4, 1), "T005")  # the bank booked it on 31 March
    statement(bank, [["T005", "2024-03-31", 10, 10, ""]])
    for start, end in ((dt.date(2024, 3, 1), dt.date(2024, 3, 31)), (dt.date(2024, 4, 1), dt.date(2024, 4, 30))):
        result = reconcile_queries.reconcile(bank, start, end)
        assert [(m.txn_id, m.bank_date, m.entry_date) for m in result.mismatched] == [
            ("T005", dt.date(2024, 3, 31), dt.date(2024, 4, 1))
        ]
        assert not result.bank_only and not result.journal_only


def test_queries_do_not_grow_with_the_days() -> None:
    bank = factories.bank()
    unit = factories.unit_account()

    def count(days: int) -> int:
        with CaptureQueriesContext(connection) as queries:
            reconcile_queries.reconcile(bank, dt.date(2024, 1, 1), dt.date(2024, 1, days))
        return len(queries)

    rows, balance = [], D(0)
    for day in range(1, 29):
        receipt(unit, "10.00", dt.date(2024, 1, day), f"T{day:03d}")
        balance += 10
        rows.append([f"T{day:03d}", dt.date(2024, 1, day).isoformat(), 10, balance, ""])
    statement(bank, rows)
    assert count(2) == count(28)


def test_statement_balance_violations_compare_the_last_balance() -> None:
    bank = factories.bank()
    unit = factories.unit_account()
    receipt(unit, "1000.00", dt.date(2024, 3, 1), "T001")
    receipt(unit, "50.00", dt.date(2024, 3, 9), "T002")  # after the last statement day: not compared
    statement(bank, [["T001", "2024-03-01", 1000, 1000, ""]])
    assert reconcile_queries.statement_balance_violations() == []
    statement(bank, [["T003", "2024-03-02", 7, 1007, ""]])
    [(rule, message)] = reconcile_queries.statement_balance_violations()
    assert rule == "statement" and "2024-03-02" in message and "1007.00" in message and "1000.00" in message


# -- pages ---------------------------------------------------------------------------------------------------------


def test_import_page(client_for) -> None:
    bank = factories.bank()
    client = client_for("finance")
    assert client.get(reverse("fund:statement_import")).status_code == 200
    bad = client.post(
        reverse("fund:statement_import"), {"bank": bank.pk, "file": _upload(xlsx([["T1", "2024-03-01", "x", 1, ""]]))}
    )
    assert "import-errors" in bad.content.decode() and not BankStatementLine.objects.exists()
    good = client.post(reverse("fund:statement_import"), {"bank": bank.pk, "file": _upload(xlsx(GOOD))})
    assert "import-summary" in good.content.decode() and BankStatementLine.objects.count() == 3
    assert client_for("information").get(reverse("fund:statement_import")).status_code == 403


def _upload(content: bytes) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("对账单.xlsx", content)


def test_reconcile_page_and_export(client_for) -> None:
    bank = factories.bank()
    unit = factories.unit_account()
    receipt(unit, "1000.00", dt.date(2024, 3, 1), "T001")
    statement(bank, [["T001", "2024-03-01", 1000, 1000, ""], ["T002", "2024-03-02", 5, 1005, "未入账"]])
    information = client_for("information")
    page = information.get(reverse("fund:reconcile") + f"?bank={bank.pk}&from=2024-03-01&to=2024-03-31")
    text = page.content.decode()
    assert page.status_code == 200 and 'id="bank-only"' in text and "T002" in text and "1,005.00" in text
    assert information.get(reverse("fund:reconcile") + "?export=xlsx").status_code == 403
    export = client_for("finance").get(
        reverse("fund:reconcile") + f"?bank={bank.pk}&from=2024-03-01&to=2024-03-31&export=xlsx"
    )
    sheet = load_workbook(io.BytesIO(export.content)).active
    assert [c.value for c in sheet[1]][:4] == ["日期", "银行收入", "银行支出", "银行净额"]
    assert sheet.max_row == 4  # two days, then the 合计 row: the flows summed, not the day-end balances
    days, total = list(sheet.iter_rows(min_row=2, max_row=3, values_only=True)), [c.value for c in sheet[4]]
    assert total[0] == "合计" and total[1] == pytest.approx(sum(day[1] for day in days)) and total[8] is None
    assert client_for("office").get(reverse("fund:reconcile")).status_code == 403
