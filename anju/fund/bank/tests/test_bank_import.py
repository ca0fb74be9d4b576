"""The bank receipts import: every bad-input rule, all or nothing, idempotency, suspense and matching,
the command and the pages."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from collections.abc import Callable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from anju.core.models import AuditEvent
from anju.fund import accounts, checks, ledger
from anju.fund.bank import actions as bank
from anju.fund.deposits import actions as deposits
from anju.fund.models import Account, BankImport, BankReceipt, DepositNotice, JournalEntry
from anju.fund.tests import factories
from anju.lib.tabular import ImportRejected, RowError
from anju.registry.tests import factories as registry

pytestmark = pytest.mark.django_db
D = Decimal
HEADERS = bank.HEADERS
DAY = dt.date(2023, 3, 1)


def row(
    txn: Any = "T0001",
    day: Any = "2023-03-01",
    amount: Any = "5000.00",
    code: Any = "P0001-1-1-101",
    payer: Any = "张三",
    memo: Any = "维修资金",
) -> list[Any]:
    return [txn, day, amount, code, payer, memo]


def xlsx(rows: Sequence[Sequence[Any]], headers: Sequence[str] = HEADERS) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(list(headers))
    for r in rows:
        ws.append(list(r))
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: Sequence[Sequence[Any]], encoding: str = "utf-8-sig", headers: Sequence[str] = HEADERS) -> bytes:
    def cell(value: Any) -> str:
        text = "" if value is None else str(value)
        return f'"{text}"' if "," in text else text

    lines = [",".join(headers)] + [",".join(cell(v) for v in r) for r in rows]
    return ("\n".join(lines) + "\n").encode(encoding)


def run(rows: Sequence[Sequence[Any]], filename: str = "到账.xlsx", **kwargs: Any) -> bank.ReceiptSummary:
    return bank.import_receipts(None, filename, xlsx(rows), **kwargs)


def counts() -> dict[str, int]:
    return {
        "entries": JournalEntry.objects.count(),
        "receipts": BankReceipt.objects.count(),
        "imports": BankImport.objects.count(),
        "accounts": Account.objects.count(),
        "audit": AuditEvent.objects.count(),
        "paid": DepositNotice.objects.filter(status=DepositNotice.Status.PAID).count(),
    }


def rejected(
    rows: Sequence[Sequence[Any]] = (), content: bytes | None = None, filename: str = "到账.xlsx", **kwargs: Any
) -> list[RowError]:
    """The errors of a refused file, having checked that nothing was written."""
    before = counts()
    balances = list(Account.objects.order_by("pk").values_list("balance", flat=True))
    with pytest.raises(ImportRejected) as info:
        bank.import_receipts(None, filename, content if content is not None else xlsx(rows), **kwargs)
    assert counts() == before
    assert list(Account.objects.order_by("pk").values_list("balance", flat=True)) == balances
    return info.value.errors


def chinese(text: str) -> bool:
    return re.search(r"[\u4e00-\u9fff]", text) is not None


def only_error(errors: list[RowError], row_number: int, column: str) -> RowError:
    assert [(e.row, e.column) for e in errors] == [(row_number, column)], errors
    assert chinese(errors[0].message)
    return errors[0]


def balance(code: str) -> Decimal:
    return Account.objects.get(unit__code=code).balance


def suspense_balance() -> Decimal:
    account = Account.objects.filter(kind=Account.Kind.SUSPENSE).first()
    return account.balance if account else D("0.00")


@pytest.fixture
def units() -> list[Account]:
    factories.bank()
    zhang = registry.person("张三", seq=11)
    return [
        factories.unit_account(room="101", area="100.00", owner=zhang),
        factories.unit_account(room="102", area="80.00"),
    ]


# --- Posting ---------------------------------------------------------------------------------


def test_receipts_post_to_units_and_unknown_codes_to_suspense(units: list[Account]) -> None:
    summary = run(
        [
            row(),
            row(txn="T0002", amount="3000.50", code="P0001-1-1-102", payer="李四"),
            row(txn="T0003", amount="120.00", code="P9999-9-9-999", payer="王五"),
            row(txn="T0004", amount="80.00", code=None, payer="赵六"),
        ]
    )
    assert summary.as_dict() == {"posted": 2, "duplicates": 0, "suspense": 2}
    assert summary.amount == D("8200.50")
    assert balance("P0001-1-1-101") == D("5000.00")
    assert balance("P0001-1-1-102") == D("3000.50")
    assert suspense_balance() == D("200.00")
    assert factories.bank().balance == D("8200.50")

    receipt = BankReceipt.objects.get(txn_id="T0001")
    assert (receipt.status, receipt.unit_account, receipt.txn_date, receipt.amount) == (
        BankReceipt.Status.POSTED,
        units[0],
        DAY,
        D("5000.00"),
    )
    assert (receipt.entry.kind, receipt.entry.bank_txn_id, receipt.entry.value_date) == ("deposit", "T0001", DAY)
    unknown = BankReceipt.objects.get(txn_id="T0003")
    assert (unknown.status, unknown.unit_account, unknown.unit_code) == (
        BankReceipt.Status.SUSPENSE,
        None,
        "P9999-9-9-999",
    )
    assert unknown.entry.kind == JournalEntry.Kind.SUSPENSE and "P9999-9-9-999" in unknown.entry.memo
    assert BankReceipt.objects.get(txn_id="T0004").status == BankReceipt.Status.SUSPENSE
    assert checks.check_ledger().ok


def test_one_import_event_and_the_import_record(units: list[Account]) -> None:
    run([row(), row(txn="T0002", code="nope")], filename="建行0301.xlsx")
    event = AuditEvent.objects.get(action=AuditEvent.Action.IMPORT)
    record = BankImport.objects.get()
    assert (event.model, event.object_id, event.object_repr) == ("fund.BankImport", str(record.pk), "建行0301.xlsx")
    assert record.summary == {
        "posted": 1,
        "duplicates": 0,
        "suspense": 1,
        "notices_paid": 0,
        "amount": "10000.00",
        "bank": factories.bank().bank_account_number,
    }
    assert event.after == record.summary
    assert record.kind == BankImport.Kind.RECEIPTS
    assert set(BankReceipt.objects.values_list("bank_import", flat=True)) == {record.pk}


def test_the_same_file_twice_posts_nothing_the_second_time(units: list[Account]) -> None:
    rows = [row(), row(txn="T0002", code="P0001-1-1-102"), row(txn="T0003", code="")]
    assert run(rows).as_dict() == {"posted": 2, "duplicates": 0, "suspense": 1}
    entries = JournalEntry.objects.count()
    assert run(rows).as_dict() == {"posted": 0, "duplicates": 3, "suspense": 0}
    assert JournalEntry.objects.count() == entries
    assert balance("P0001-1-1-101") == D("5000.00") and suspense_balance() == D("5000.00")
    assert BankImport.objects.count() == 2 and BankReceipt.objects.count() == 3
    # A later file repeating part of the earlier one posts only the new receipts.
    assert run([*rows, row(txn="T0004", amount="1.00")]).as_dict() == {"posted": 1, "duplicates": 3, "suspense": 0}
    assert balance("P0001-1-1-101") == D("5001.00")
    assert checks.check_ledger().ok


def test_a_transaction_id_posted_by_another_bank_job_is_a_duplicate(units: list[Account]) -> None:
    ledger.post(
        kind=JournalEntry.Kind.DEPOSIT,
        value_date=DAY,
        bank_txn_id="T0001",
        actor=None,
        legs=[ledger.debit(factories.bank(), D("5.00")), ledger.credit(units[0], D("5.00"))],
    )
    assert run([row()]).as_dict() == {"posted": 0, "duplicates": 1, "suspense": 0}


def test_an_imported_transaction_id_with_another_amount_or_date_is_refused(units: list[Account]) -> None:
    run([row()])
    error = only_error(rejected([row(amount="5000.01")]), 2, "金额")
    assert "T0001" in error.message and "5000.00" in error.message
    only_error(rejected([row(txn="T0009"), row(day="2023-03-02")]), 3, "交易日期")


def test_csv_gb18030_with_columns_in_another_order_and_grouped_amounts(units: list[Account]) -> None:
    headers = list(reversed(HEADERS))
    content = csv_bytes([list(reversed(row(amount="1,234.50", payer="张三（代缴）")))], "gb18030", headers)
    summary = bank.import_receipts(None, "到账.csv", content)
    assert summary.as_dict() == {"posted": 1, "duplicates": 0, "suspense": 0}
    assert BankReceipt.objects.get().payer == "张三（代缴）"
    assert balance("P0001-1-1-101") == D("1234.50")


def test_payer_and_memo_columns_may_be_left_out(units: list[Account]) -> None:
    content = xlsx([["T0001", "2023-03-01", "10", "P0001-1-1-101"]], headers=HEADERS[:4])
    assert bank.import_receipts(None, "到账.xlsx", content).posted == 1
    assert (BankReceipt.objects.get().payer, BankReceipt.objects.get().memo) == ("", "")


def test_excel_cells_dates_numbers_and_numeric_transaction_ids(units: list[Account]) -> None:
    run(
        [
            row(txn=20230301000001, day=dt.datetime(2023, 3, 1, 10, 30), amount=89.5),  # noqa: DTZ001
            row(txn="T0002", day=dt.date(2023, 3, 2), amount=100),
            row(txn="T0003", day="2023/3/3", amount="7"),
            row(txn="T0004", day=20230304, amount="7"),
            row(txn="T0005", day="2023年3月5日", amount="7"),
        ]
    )
    got = dict(BankReceipt.objects.values_list("txn_id", "txn_date"))
    assert got == {
        "20230301000001": dt.date(2023, 3, 1),
        "T0002": dt.date(2023, 3, 2),
        "T0003": dt.date(2023, 3, 3),
        "T0004": dt.date(2023, 3, 4),
        "T0005": dt.date(2023, 3, 5),
    }
    assert BankReceipt.objects.get(txn_id="20230301000001").amount == D("89.50")


# --- Bad input -------------------------------------------------------------------------------


@pytest.mark.parametrize("amount", ["0", "0.00", "-5", "abc", "1.234", "1e3", "", 12.345, "1,2"])
def test_amount_must_be_positive_with_at_most_2_decimals(units: list[Account], amount: Any) -> None:
    only_error(rejected([row(), row(txn="T0002", amount=amount)]), 3, "金额")


@pytest.mark.parametrize("day", ["2023-13-01", "2023-02-30", "abc", "", "01/03/2023", 45000.5])
def test_bad_dates(units: list[Account], day: Any) -> None:
    only_error(rejected([row(day=day)]), 2, "交易日期")


def test_a_date_after_today(units: list[Account]) -> None:
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    error = only_error(rejected([row(day=tomorrow.isoformat())]), 2, "交易日期")
    assert "晚于今天" in error.message


def test_transaction_id_twice_in_the_file_names_the_first_row(units: list[Account]) -> None:
    error = only_error(rejected([row(), row(txn="T0002"), row(txn="T0001", amount="1")]), 4, "交易流水号")
    assert "第2行" in error.message


def test_transaction_id_required_and_not_a_rounded_excel_number(units: list[Account]) -> None:
    only_error(rejected([row(txn=None)]), 2, "交易流水号")
    error = only_error(rejected([row(txn=1.2345678901234567e17)]), 2, "交易流水号")
    assert "文本格式" in error.message


@pytest.mark.parametrize(
    ("column", "index", "limit"), [("交易流水号", 0, 64), ("房屋编码", 3, 80), ("付款人", 4, 120), ("摘要", 5, 200)]
)
def test_too_long_texts(units: list[Account], column: str, index: int, limit: int) -> None:
    values = row()
    values[index] = "x" * (limit + 1)
    assert str(limit) in only_error(rejected([values]), 2, column).message


def test_every_bad_row_is_listed_in_row_and_column_order(units: list[Account]) -> None:
    errors = rejected([row(), row(txn="T0002", amount="-1", day="x"), row(txn="T0003"), row(txn="T0002")])
    assert [(e.row, e.column) for e in errors] == [(3, "交易日期"), (3, "金额")]
    errors = rejected([row(), row(txn="", amount="x"), row(txn="T0001")])
    assert [(e.row, e.column) for e in errors] == [(3, "交易流水号"), (3, "金额"), (4, "交易流水号")]


def test_header_problems(units: list[Account]) -> None:
    only_error(rejected(content=xlsx([row()[:3]], headers=HEADERS[:3])), 1, "房屋编码")
    only_error(rejected(content=xlsx([[*row(), "x"]], headers=[*HEADERS, "备注"])), 1, "备注")


def test_file_level_problems(units: list[Account]) -> None:
    only_error(rejected(content=b"%PDF-1.4", filename="x.pdf"), 0, "")
    only_error(rejected(content=xlsx([])), 0, "")
    only_error(rejected(content=b"", filename="x.csv"), 0, "")


def test_an_unknown_unit_code_is_not_an_error(units: list[Account]) -> None:
    assert run([row(code="不存在的房屋")]).suspense == 1


# --- Which special account -------------------------------------------------------------------


def test_bank_account_choice(units: list[Account]) -> None:
    second = accounts.open_bank_account(None, bank_name="中国工商银行怀化分行", number="1915000000000000002")
    error = only_error(rejected([row()]), 0, "")
    assert "多个" in error.message
    run([row()], bank_number="1915000000000000002")
    second.refresh_from_db()
    assert second.balance == D("5000.00") and factories.bank().balance == D("0.00")
    assert BankReceipt.objects.get().bank_account == second
    only_error(rejected([row(txn="T0002")], bank_number="0000"), 0, "")


def test_no_bank_account_yet(db: None) -> None:
    registry.unit()
    assert "专户" in only_error(rejected([row()]), 0, "").message


# --- Notices ---------------------------------------------------------------------------------


@pytest.fixture
def standard() -> None:
    deposits.create_standard(
        None, building_type="multi_storey", use_class="residential", effective_from=dt.date(2020, 1, 1), rate=D("50.00")
    )


def test_a_receipt_of_the_notice_amount_pays_it_and_sets_the_first_deposit(
    units: list[Account], standard: None
) -> None:
    notice = deposits.issue_notice(None, units[0].unit, issued_on=dt.date(2023, 2, 1))  # type: ignore[arg-type]
    other = deposits.issue_notice(None, units[1].unit, issued_on=dt.date(2023, 2, 1))  # type: ignore[arg-type]
    assert (notice.amount, other.amount) == (D("5000.00"), D("4000.00"))
    summary = run([row(), row(txn="T0002", code="P0001-1-1-102", amount="3999.99")])
    assert summary.notices_paid == 1
    notice.refresh_from_db()
    other.refresh_from_db()
    receipt = BankReceipt.objects.get(txn_id="T0001")
    assert (notice.status, notice.paid_entry, receipt.notice) == (DepositNotice.Status.PAID, receipt.entry, notice)
    assert other.status == DepositNotice.Status.ISSUED
    units[0].refresh_from_db()
    units[1].refresh_from_db()
    assert (units[0].first_deposit, units[1].first_deposit) == (D("5000.00"), D("0.00"))


def test_a_developer_notice_paid_is_a_developer_deposit(units: list[Account], standard: None) -> None:
    batch = deposits.issue_developer_notices(None, units[1].project)  # type: ignore[arg-type]
    notice = batch.notices.get()
    run([row(code="P0001-1-1-102", amount=str(notice.amount), payer="开发公司")])
    notice.refresh_from_db()
    assert notice.status == DepositNotice.Status.PAID
    assert notice.paid_entry is not None and notice.paid_entry.kind == JournalEntry.Kind.DEVELOPER_DEPOSIT
    units[1].refresh_from_db()
    assert units[1].first_deposit == notice.amount


def test_two_receipts_of_the_same_amount_pay_one_notice(units: list[Account], standard: None) -> None:
    deposits.issue_notice(None, units[0].unit)  # type: ignore[arg-type]
    summary = run([row(), row(txn="T0002")])
    assert summary.notices_paid == 1
    assert BankReceipt.objects.filter(notice__isnull=False).count() == 1
    units[0].refresh_from_db()
    assert units[0].first_deposit == D("5000.00") and units[0].balance == D("10000.00")


# --- Suspense matched by hand ----------------------------------------------------------------


def test_unknown_code_to_suspense_then_matched_by_hand(units: list[Account], standard: None) -> None:
    notice = deposits.issue_notice(None, units[1].unit)  # type: ignore[arg-type]
    run([row(code="P0001-1-1-1O2", amount="4000.00")])  # a letter O for a zero
    receipt = BankReceipt.objects.get()
    assert receipt.status == BankReceipt.Status.SUSPENSE and suspense_balance() == D("4000.00")
    matched = bank.match_suspense(None, receipt, units[1])
    assert matched.status == BankReceipt.Status.MATCHED and matched.unit_account == units[1]
    assert matched.match_entry is not None and matched.match_entry.kind == JournalEntry.Kind.MATCH
    assert matched.match_entry.value_date == timezone.localdate()
    assert balance("P0001-1-1-102") == D("4000.00") and suspense_balance() == D("0.00")
    notice.refresh_from_db()
    assert (notice.status, notice.paid_entry) == (DepositNotice.Status.PAID, matched.match_entry)
    units[1].refresh_from_db()
    assert units[1].first_deposit == D("4000.00")
    assert checks.check_ledger().ok
    event = AuditEvent.objects.filter(model="fund.BankReceipt").latest("pk")
    assert event.before["status"] == "suspense" and event.after["status"] == "matched"  # type: ignore[index]
    with pytest.raises(bank.MatchError, match="不在待查"):
        bank.match_suspense(None, receipt, units[0])


def test_matching_refuses_a_closed_or_non_unit_account(units: list[Account]) -> None:
    run([row(code="")])
    receipt = BankReceipt.objects.get()
    with pytest.raises(bank.MatchError):
        bank.match_suspense(None, receipt, factories.bank())
    Account.objects.filter(pk=units[0].pk).update(closed=DAY)
    with pytest.raises(bank.MatchError, match="销户"):
        bank.match_suspense(None, receipt, units[0])
    assert BankReceipt.objects.get().status == BankReceipt.Status.SUSPENSE


def test_a_closed_unit_ledger_sends_the_receipt_to_suspense(units: list[Account]) -> None:
    Account.objects.filter(pk=units[0].pk).update(closed=DAY)
    assert run([row()]).as_dict() == {"posted": 0, "duplicates": 0, "suspense": 1}


def test_a_unit_without_a_ledger_gets_one(units: list[Account]) -> None:
    registry.unit(room="901")
    run([row(code="P0001-1-1-901")])
    assert balance("P0001-1-1-901") == D("5000.00")


# --- Speed -----------------------------------------------------------------------------------


def test_queries_per_receipt_are_only_the_postings_own(units: list[Account]) -> None:
    """Beyond ledger.post's own statements, a receipt costs no query: lookups are per chunk."""

    def import_queries(first: int, count: int) -> int:
        rows = [row(txn=f"Q{first + i}", code="P0001-1-1-101" if i % 2 else "nope") for i in range(count)]
        with CaptureQueriesContext(connection) as ctx:
            run(rows)
        return len(ctx.captured_queries)

    with CaptureQueriesContext(connection) as ctx:
        ledger.post(
            kind=JournalEntry.Kind.DEPOSIT,
            value_date=DAY,
            actor=None,
            legs=[ledger.debit(factories.bank(), D("1.00")), ledger.credit(units[1], D("1.00"))],
        )
    per_post = len(ctx.captured_queries)
    import_queries(0, 2)  # the suspense account is created on first use
    per_receipt = (import_queries(100, 40) - import_queries(200, 20)) / 20
    assert per_receipt <= per_post


# --- The command -----------------------------------------------------------------------------


def command(*args: str) -> tuple[int, dict[str, Any]]:
    out = io.StringIO()
    try:
        call_command("fund", "import-bank", *args, stdout=out)
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    return code, json.loads(out.getvalue())


def test_command_prints_the_counts_and_duplicates_on_a_second_run(units: list[Account], tmp_path: Path) -> None:
    path = tmp_path / "到账.xlsx"
    path.write_bytes(xlsx([row(), row(txn="T0002", code="x")]))
    assert command(str(path)) == (0, {"posted": 1, "duplicates": 0, "suspense": 1})
    assert command(str(path)) == (0, {"posted": 0, "duplicates": 2, "suspense": 0})


def test_command_prints_every_error_and_exits_1(units: list[Account], tmp_path: Path) -> None:
    path = tmp_path / "到账.csv"
    path.write_bytes(csv_bytes([row(), row(txn="T0002", amount="0")]))
    assert command(str(path)) == (1, {"errors": [{"row": 3, "column": "金额", "message": "金额应大于0：0"}]})
    assert not BankReceipt.objects.exists()


def test_command_with_a_missing_file_or_a_wrong_bank(units: list[Account], tmp_path: Path) -> None:
    code, data = command(str(tmp_path / "nope.xlsx"))
    assert code == 1 and [(e["row"], e["column"]) for e in data["errors"]] == [(0, "")]
    path = tmp_path / "到账.xlsx"
    path.write_bytes(xlsx([row()]))
    code, data = command(str(path), "--bank", "123")
    assert code == 1 and "123" in data["errors"][0]["message"]
    assert command(str(path), "--bank", factories.bank().bank_account_number)[0] == 0


# --- The pages -------------------------------------------------------------------------------


def upload(client: Client, content: bytes, name: str = "到账.xlsx", **data: str) -> Any:
    file = io.BytesIO(content)
    file.name = name
    return client.post(reverse("fund:bank_import"), {"file": file, **data})


def test_import_page_shows_the_form_template_link_and_rules(client_for: Callable[..., Client], units: Any) -> None:
    html = client_for("finance").get(reverse("fund:bank_import")).content.decode()
    assert '<input type="file" name="file" accept=".xlsx,.xls,.csv">' in html
    assert reverse("fund:bank_import_template") in html and "交易流水号" in html
    assert factories.bank().bank_account_number in html
    assert 'id="import-summary"' not in html and 'id="import-errors"' not in html


def test_import_page_imports_and_shows_the_summary(client_for: Callable[..., Client], units: Any) -> None:
    client = client_for("station")
    html = upload(client, xlsx([row(), row(txn="T0002", code="x")])).content.decode()
    summary = html.split('id="import-summary"')[1].split("</section>")[0]
    assert re.findall(r"<dd>([\d,.]+)</dd>", summary) == ["1", "1", "0", "0", "10,000.00"]
    event = AuditEvent.objects.get(action=AuditEvent.Action.IMPORT)
    assert event.actor == client.user and event.ip == "127.0.0.1"  # type: ignore[attr-defined]
    assert JournalEntry.objects.filter(posted_by=client.user).count() == 2  # type: ignore[attr-defined]
    html = upload(client, xlsx([row(), row(txn="T0002", code="x")])).content.decode()
    summary = html.split('id="import-summary"')[1].split("</section>")[0]
    assert re.findall(r"<dd>([\d,.]+)</dd>", summary)[:3] == ["0", "0", "2"]


def test_import_page_lists_every_error_and_imports_nothing(client_for: Callable[..., Client], units: Any) -> None:
    html = upload(client_for("finance"), xlsx([row(), row(txn="T0002", amount="abc"), row()])).content.decode()
    table = html.split('id="import-errors"')[1].split("</table>")[0]
    cells = re.findall(r"<tr><td>(.*?)</td><td>(.*?)</td><td>(.*?)</td></tr>", table)
    assert [(r, c) for r, c, _ in cells] == [("3", "金额"), ("4", "交易流水号")]
    assert not BankReceipt.objects.exists()


def test_import_page_with_two_bank_accounts_needs_a_choice(client_for: Callable[..., Client], units: Any) -> None:
    accounts.open_bank_account(None, bank_name="中国工商银行怀化分行", number="1915000000000000002")
    client = client_for("finance")
    assert 'id="import-errors"' in upload(client, xlsx([row()])).content.decode()
    assert 'id="import-summary"' in upload(client, xlsx([row()]), bank="1915000000000000002").content.decode()
    assert BankReceipt.objects.get().bank_account.bank_account_number == "1915000000000000002"


def test_import_page_without_a_file(client_for: Callable[..., Client], units: Any) -> None:
    assert 'id="import-errors"' in client_for("finance").post(reverse("fund:bank_import"), {}).content.decode()


def test_template_download(client_for: Callable[..., Client], units: Any) -> None:
    response = client_for("finance").get(reverse("fund:bank_import_template"))
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert [c.value for c in load_workbook(io.BytesIO(response.content)).worksheets[0][1]] == HEADERS


def test_roles_without_the_handle_permission_cannot_import(client_for: Callable[..., Client], units: Any) -> None:
    for role in ("information", "office"):
        client = client_for(role)
        assert client.get(reverse("fund:bank_import")).status_code == 403
        assert upload(client, xlsx([row()])).status_code == 403
        assert client.get(reverse("fund:bank_import_template")).status_code == 403
    assert not BankReceipt.objects.exists()


def test_receipts_list_filters_and_export(client_for: Callable[..., Client], units: Any) -> None:
    run([row(), row(txn="T0002", code="x", payer="王五", day="2023-04-01")])
    client = client_for("information")
    url = reverse("fund:receipts")
    html = client.get(url).content.decode()
    assert "T0001" in html and "T0002" in html
    html = client.get(url + "?status=suspense").content.decode()
    assert "T0002" in html and "T0001" not in html
    html = client.get(url + "?q=王五").content.decode()
    assert "T0002" in html and "T0001" not in html
    html = client.get(url + "?from=2023-03-15").content.decode()
    assert "T0002" in html and "T0001" not in html
    assert client.get(url + "?export=xlsx").status_code == 403  # information may only view
    response = client_for("finance").get(url + "?status=posted&export=xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "交易流水号" and [r[0] for r in rows[1:]] == ["T0001", "合计"]  # the amounts summed
    assert AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()


def test_suspense_page_matches_a_receipt_to_a_unit(client_for: Callable[..., Client], units: Any) -> None:
    run([row(code="P0001-1-1-1O1", amount="700.00")])
    receipt = BankReceipt.objects.get()
    viewer = client_for("information")
    html = viewer.get(reverse("fund:suspense")).content.decode()
    assert "P0001-1-1-1O1" in html and reverse("fund:suspense_match", args=[receipt.pk]) not in html
    assert viewer.post(reverse("fund:suspense_match", args=[receipt.pk]), {"unit": "P0001-1-1-101"}).status_code == 403
    client = client_for("finance")
    html = client.get(reverse("fund:suspense")).content.decode()
    assert reverse("fund:suspense_match", args=[receipt.pk]) in html
    response = client.post(reverse("fund:suspense_match", args=[receipt.pk]), {"unit": "P0001-1-1-999"}, follow=True)
    assert "P0001-1-1-999" in response.content.decode() and balance("P0001-1-1-101") == D("0.00")
    response = client.post(reverse("fund:suspense_match", args=[receipt.pk]), {"unit": "P0001-1-1-101"}, follow=True)
    assert response.status_code == 200 and "P0001-1-1-1O1" not in response.content.decode().split('id="suspense"')[1]
    assert balance("P0001-1-1-101") == D("700.00") and suspense_balance() == D("0.00")
    assert checks.check_ledger().ok


def test_pages_need_the_view_permission(client_for: Callable[..., Client], units: Any) -> None:
    client = client_for("office")
    for name in ("fund:receipts", "fund:suspense"):
        assert client.get(reverse(name)).status_code == 403
    assert Client().get(reverse("fund:receipts")).status_code == 302
