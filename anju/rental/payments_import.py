"""Batch import of rent payments from the bank's file (.xlsx/.csv), all or nothing.

Headers: 交易流水号, 交易日期, 金额, 合同编号, and optionally 付款人. A file with any bad row writes
nothing and names each bad row, column and reason in Chinese. The bank's transaction id makes the
import idempotent: a row already imported with the same lease and amount is counted as a duplicate
and skipped; the same id with a different lease or amount is an error."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from anju.core import audit
from anju.core.models import AuditEvent, User
from anju.lib.tabular import ImportRejected, Row, RowError, parse_decimal, read_table
from anju.rental import actions
from anju.rental.actions import RentalError
from anju.rental.models import Lease, Payment

HEADERS = ["交易流水号", "交易日期", "金额", "合同编号", "付款人"]
REQUIRED = ["交易流水号", "交易日期", "金额", "合同编号"]
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y%m%d", "%Y.%m.%d")
AMOUNT_RE = re.compile(r"^\d{1,3}(,\d{3})+(\.\d+)?$|^\d+(\.\d+)?$")
MAX_AMOUNT = Decimal("10000000")
CHUNK = 900


@dataclass(frozen=True)
class _Line:
    row: int
    txn: str
    day: dt.date
    amount: Decimal
    lease_number: str
    payer: str


def _date(row: Row, errors: list[RowError]) -> dt.date | None:
    raw = row.cells.get("交易日期")
    text = row.text("交易日期")
    day: dt.date | None = None
    if isinstance(raw, dt.datetime):
        day = raw.date()
    elif isinstance(raw, dt.date):
        day = raw
    elif raw is not None:
        for fmt in DATE_FORMATS:
            try:
                day = dt.datetime.strptime(text.split(" ")[0], fmt).date()  # noqa: DTZ007 - a calendar date
                break
            except ValueError:
                continue
    if raw is None:
        errors.append(RowError(row.number, "交易日期", "交易日期不能为空"))
    elif day is None:
        errors.append(RowError(row.number, "交易日期", f"交易日期格式错误：{text}（应如 2023-03-01）"))
    elif day > timezone.localdate():
        errors.append(RowError(row.number, "交易日期", f"交易日期晚于今天：{day:%Y-%m-%d}"))
        return None
    return day


def _amount(row: Row, errors: list[RowError]) -> Decimal | None:
    raw = row.cells.get("金额")
    text = row.text("金额")
    if raw is None:
        errors.append(RowError(row.number, "金额", "金额不能为空"))
        return None
    if isinstance(raw, str):
        if not AMOUNT_RE.match(raw):
            errors.append(RowError(row.number, "金额", f"金额应为数字：{text}"))
            return None
        raw = raw.replace(",", "")
    try:
        amount = parse_decimal(raw, 2)
    except ValueError as exc:
        errors.append(RowError(row.number, "金额", f"金额{exc}：{text}"))
        return None
    if amount <= 0 or amount > MAX_AMOUNT:
        errors.append(RowError(row.number, "金额", f"金额应大于0且不超过1000万：{text}"))
        return None
    return amount


def _parse(rows: list[Row], leases: dict[str, Lease]) -> tuple[list[_Line], list[RowError]]:
    errors: list[RowError] = []
    lines: list[_Line] = []
    first_row: dict[str, int] = {}
    for row in rows:
        before = len(errors)
        txn = row.text("交易流水号")
        if not txn:
            errors.append(RowError(row.number, "交易流水号", "交易流水号不能为空"))
        elif len(txn) > 60:
            errors.append(RowError(row.number, "交易流水号", "交易流水号超过60个字符"))
        elif txn in first_row:
            errors.append(RowError(row.number, "交易流水号", f"交易流水号“{txn}”与第{first_row[txn]}行重复"))
        else:
            first_row[txn] = row.number
        day = _date(row, errors)
        amount = _amount(row, errors)
        number = row.text("合同编号")
        lease = leases.get(number)
        if not number:
            errors.append(RowError(row.number, "合同编号", "合同编号不能为空"))
        elif lease is None:
            errors.append(RowError(row.number, "合同编号", f"没有合同编号为“{number}”的租赁合同"))
        elif day is not None and day < lease.start:
            errors.append(RowError(row.number, "交易日期", f"交易日期早于合同起始日期{lease.start:%Y-%m-%d}"))
        if len(errors) == before and day is not None and amount is not None:
            lines.append(_Line(row.number, txn, day, amount, number, row.text("付款人")[:120]))
    return lines, errors


def import_payments(actor: User | None, filename: str, content: bytes) -> dict[str, int]:
    """Validate the whole file, then record every new payment in one transaction.
    Returns {"created": n, "duplicates": n}; raises ImportRejected with every bad row."""
    rows = read_table(filename, content, HEADERS, max_rows=settings.IMPORT_MAX_ROWS, required=REQUIRED)
    numbers = sorted({row.text("合同编号") for row in rows} - {""})
    leases: dict[str, Lease] = {}
    for start in range(0, len(numbers), CHUNK):
        leases.update(
            {lease.number: lease for lease in Lease.objects.filter(number__in=numbers[start : start + CHUNK])}
        )
    lines, errors = _parse(rows, leases)
    txns = [line.txn for line in lines]
    known: dict[str, tuple[int, Decimal]] = {}
    for start in range(0, len(txns), CHUNK):
        for txn, lease_id, amount in Payment.objects.filter(bank_txn__in=txns[start : start + CHUNK]).values_list(
            "bank_txn", "lease_id", "amount"
        ):
            if txn is not None:
                known[txn] = (lease_id, amount)
    new: list[tuple[_Line, Lease]] = []
    duplicates = 0
    for line in lines:
        lease = leases[line.lease_number]
        if line.txn in known:
            if known[line.txn] != (lease.pk, line.amount):
                errors.append(RowError(line.row, "交易流水号", f"交易流水号“{line.txn}”已导入，但合同或金额与本行不同"))
            else:
                duplicates += 1
            continue
        new.append((line, lease))
    if errors:
        raise ImportRejected(
            sorted(errors, key=lambda e: (e.row, HEADERS.index(e.column) if e.column in HEADERS else 99))
        )
    try:
        with transaction.atomic():
            _record(actor, new)
            audit.record(
                actor,
                AuditEvent.Action.IMPORT,
                model=Payment._meta.label,
                object_repr=filename[:200],
                after={"created": len(new), "duplicates": duplicates},
                note="导入银行租金缴款",
            )
    except IntegrityError as exc:  # the same transaction ids imported at the same moment by someone else
        raise ImportRejected([RowError(0, "交易流水号", "文件中的流水号刚被另一次导入登记，请重新导入")]) from exc
    except RentalError as exc:
        raise ImportRejected([RowError(0, "", str(exc))]) from exc
    return {"created": len(new), "duplicates": duplicates}


def _record(actor: User | None, new: list[tuple[_Line, Lease]]) -> None:
    """Set-based: the payments in one bulk insert, then allocated to the leases' open bills (one query
    of the payments with something left, one of the open bills, oldest first; bulk insert and update)."""
    created_by = actor if actor is not None and actor.pk else None
    Payment.objects.bulk_create(
        [
            Payment(
                lease=lease,
                kind=lease.kind,
                amount=line.amount,
                unallocated=line.amount,
                paid_on=line.day,
                channel=Payment.Channel.IMPORT,
                bank_txn=line.txn,
                payer=line.payer or lease.tenant_name,
                created_by=created_by,
            )
            for line, lease in sorted(new, key=lambda item: (item[0].day, item[0].row))
        ],
        batch_size=CHUNK,
    )
    actions.apply_credit(actor, lease_ids={lease.pk for _, lease in new})
