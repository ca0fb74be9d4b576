"""The bank payments import: all or nothing, a Chinese reason per bad row, idempotent on 交易流水号."""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from openpyxl import Workbook

from anju.lib.tabular import ImportRejected
from anju.rental import actions
from anju.rental.models import Lease, Payment, RentBill
from anju.rental.payments_import import HEADERS, import_payments
from anju.rental.tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def lease() -> Lease:
    factories.rates()
    units = factories.estate(homes=1, shops=1)
    lease = factories.shop_lease(units[1])
    actions.bill_month(None, dt.date(2023, 1, 1))
    actions.bill_month(None, dt.date(2023, 2, 1))
    return lease


def xlsx(rows: list[list[object]], headers: list[str] = HEADERS) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_a_good_file_records_every_payment_and_a_second_time_nothing(lease: Lease) -> None:
    content = xlsx(
        [
            ["T1", dt.date(2023, 1, 20), 1500, lease.number, "王记"],
            ["T2", "2023/2/20", "1,500.00", lease.number, None],
        ]
    )
    assert import_payments(None, "bank.xlsx", content) == {"created": 2, "duplicates": 0}
    assert list(RentBill.objects.filter(lease=lease).values_list("paid", flat=True)) == [Decimal("1500.00")] * 2
    assert Payment.objects.get(bank_txn="T1").payer == "王记"
    assert import_payments(None, "bank.xlsx", content) == {"created": 0, "duplicates": 2}
    assert Payment.objects.count() == 2


def test_a_csv_in_gbk_is_read(lease: Lease) -> None:
    text = "交易流水号,交易日期,金额,合同编号,付款人\nC1,20230120,800.5," + lease.number + ",王记便利店\n"
    assert import_payments(None, "bank.csv", text.encode("gb18030")) == {"created": 1, "duplicates": 0}
    assert Payment.objects.get().amount == Decimal("800.50")


BAD_ROWS = [
    ([None, "2023-01-20", 100, "{lease}", ""], "交易流水号", "交易流水号不能为空"),
    (["X1", None, 100, "{lease}", ""], "交易日期", "交易日期不能为空"),
    (["X1", "2023-13-45", 100, "{lease}", ""], "交易日期", "交易日期格式错误"),
    (["X1", "2099-01-01", 100, "{lease}", ""], "交易日期", "交易日期晚于今天"),
    (["X1", "2022-06-01", 100, "{lease}", ""], "交易日期", "早于合同起始日期"),
    (["X1", "2023-01-20", None, "{lease}", ""], "金额", "金额不能为空"),
    (["X1", "2023-01-20", "一百元", "{lease}", ""], "金额", "金额应为数字"),
    (["X1", "2023-01-20", -5, "{lease}", ""], "金额", "金额应大于0"),
    (["X1", "2023-01-20", "10.005", "{lease}", ""], "金额", "最多2位小数"),
    (["X1", "2023-01-20", 100, None, ""], "合同编号", "合同编号不能为空"),
    (["X1", "2023-01-20", 100, "MM2099-99999", ""], "合同编号", "没有合同编号为“MM2099-99999”"),
]


@pytest.mark.parametrize(("row", "column", "reason"), BAD_ROWS)
def test_one_bad_row_imports_nothing_and_names_row_column_and_reason(
    lease: Lease, row: list[object], column: str, reason: str
) -> None:
    good = ["G1", "2023-01-20", 1500, lease.number, ""]
    bad = [lease.number if cell == "{lease}" else cell for cell in row]
    with pytest.raises(ImportRejected) as caught:
        import_payments(None, "bank.xlsx", xlsx([good, bad]))
    errors = caught.value.errors
    assert len(errors) == 1
    assert (errors[0].row, errors[0].column) == (3, column)
    assert reason in errors[0].message
    assert Payment.objects.count() == 0
    assert RentBill.objects.filter(paid__gt=0).count() == 0


def test_a_transaction_id_twice_in_the_file_or_reused_with_other_data(lease: Lease) -> None:
    with pytest.raises(ImportRejected) as caught:
        import_payments(
            None,
            "bank.xlsx",
            xlsx([["D1", "2023-01-20", 10, lease.number, ""], ["D1", "2023-01-21", 10, lease.number, ""]]),
        )
    assert [(e.row, e.column) for e in caught.value.errors] == [(3, "交易流水号")]
    assert "与第2行重复" in caught.value.errors[0].message
    import_payments(None, "bank.xlsx", xlsx([["D1", "2023-01-20", 10, lease.number, ""]]))
    with pytest.raises(ImportRejected, match="导入被拒绝") as caught:
        import_payments(None, "bank.xlsx", xlsx([["D1", "2023-01-20", 11, lease.number, ""]]))
    assert "已导入" in caught.value.errors[0].message
    assert Payment.objects.count() == 1


def test_every_bad_row_is_listed_at_once(lease: Lease) -> None:
    rows = [["E1", "bad", 10, lease.number, ""], ["E2", "2023-01-20", "x", "NOPE", ""]]
    with pytest.raises(ImportRejected) as caught:
        import_payments(None, "bank.xlsx", xlsx(rows))
    assert [(e.row, e.column) for e in caught.value.errors] == [(2, "交易日期"), (3, "金额"), (3, "合同编号")]


@pytest.mark.parametrize(
    ("filename", "content", "message"),
    [
        ("bank.xlsx", b"", "文件为空"),
        ("bank.xls", b"\xd0\xcf\x11\xe0rest", "无法读取 .xls 文件"),
        ("bank.xlsx", b"PK\x03\x04garbage", "无法读取 .xlsx"),
        ("bank.txt", b"hello", "请上传 .xlsx、.xls 或 .csv"),
    ],
)
def test_a_file_that_is_not_a_table(lease: Lease, filename: str, content: bytes, message: str) -> None:
    with pytest.raises(ImportRejected) as caught:
        import_payments(None, filename, content)
    assert message in caught.value.errors[0].message


def test_missing_or_unknown_headers(lease: Lease) -> None:
    with pytest.raises(ImportRejected) as caught:
        import_payments(None, "bank.xlsx", xlsx([["T", "2023-01-20", 1]], headers=["交易流水号", "交易日期", "金额"]))
    assert "缺少表头“合同编号”" in caught.value.errors[0].message
    with pytest.raises(ImportRejected) as caught:
        import_payments(None, "bank.xlsx", xlsx([], headers=[*HEADERS, "备注"]))
    assert "未知的表头“备注”" in caught.value.errors[0].message


def test_the_import_command(lease: Lease, tmp_path: Path) -> None:
    good = tmp_path / "good.xlsx"
    good.write_bytes(xlsx([["K1", "2023-01-20", 1500, lease.number, ""]]))
    out = io.StringIO()
    call_command("rental", "import-payments", str(good), stdout=out)
    assert json.loads(out.getvalue()) == {"created": 1, "duplicates": 0}
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(xlsx([["K2", "2023-01-20", "x", lease.number, ""]]))
    out = io.StringIO()
    with pytest.raises(SystemExit):
        call_command("rental", "import-payments", str(bad), stdout=out)
    assert json.loads(out.getvalue())["errors"][0]["column"] == "金额"


def test_the_import_is_set_based_and_allocates_oldest_first(lease: Lease) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from anju.rental.models import PaymentAllocation

    other = factories.shop_lease(factories.estate(homes=0, shops=1, code="GZ-Q")[0])
    actions.bill_month(None, dt.date(2023, 2, 1))

    def run(rows: list[list[object]]) -> int:
        with CaptureQueriesContext(connection) as ctx:
            import_payments(None, "bank.xlsx", xlsx(rows))
        return len(ctx.captured_queries)

    few = run([["A1", "2023-01-20", "1000.00", lease.number, None]])
    many = run(
        [
            ["B1", "2023-02-20", "1000.00", lease.number, None],
            ["B2", "2023-02-21", "1500.00", other.number, None],
            ["B3", "2023-02-22", "200.00", other.number, None],
            ["B4", "2023-02-23", "2000.00", lease.number, None],
        ]
    )
    assert many == few  # whatever the number of rows
    paid = dict(RentBill.objects.filter(lease=lease).values_list("month", "paid"))
    assert paid == {dt.date(2023, 1, 1): Decimal("1500.00"), dt.date(2023, 2, 1): Decimal("1500.00")}
    assert RentBill.objects.get(lease=other).paid == Decimal("1500.00")
    assert sum(a.amount for a in PaymentAllocation.objects.filter(payment__bank_txn="B1")) == Decimal("1000.00")
    assert queries_credit(lease) == Decimal("1000.00") and queries_credit(other) == Decimal("200.00")


def queries_credit(lease: Lease) -> Decimal:
    from anju.rental import queries

    return queries.lease_balance(lease)["credit"]


def test_a_refused_action_during_the_import_is_a_file_error(lease: Lease, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise actions.RentalError("合同已终止")

    monkeypatch.setattr(actions, "apply_credit", refuse)
    with pytest.raises(ImportRejected) as caught:
        import_payments(None, "bank.xlsx", xlsx([["C1", "2023-01-20", "1500.00", lease.number, None]]))
    assert caught.value.errors[0].message == "合同已终止"
    assert not Payment.objects.filter(bank_txn="C1").exists()
