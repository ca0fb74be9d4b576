"""Receipts on the bank special account (银行到账导入) and matching the unmatched ones by hand.

The file is checked whole first (anju.lib.tabular): a file with any bad row posts nothing and names
every bad row. A good file is written in one transaction. The bank's transaction id (交易流水号) is
the idempotency key: a receipt already imported is counted as a duplicate and posts nothing, so
the same file may be imported again safely. A receipt whose 房屋编码 is a unit posts to the unit's
ledger; any other goes to suspense (待查) until someone matches it to a unit."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from openpyxl import load_workbook

from anju.core import audit
from anju.core.models import AuditEvent, User
from anju.fund import deposits, ledger
from anju.fund.errors import MatchError
from anju.fund.models import Account, BankImport, BankReceipt, JournalEntry, LedgerHead
from anju.lib.tabular import ImportRejected, Row, RowError, file_error, parse_decimal, read_table
from anju.lib.xlsx import workbook_bytes
from anju.registry.models import Unit

HEADERS = ["交易流水号", "交易日期", "金额", "房屋编码", "付款人", "摘要"]
REQUIRED = ["交易流水号", "交易日期", "金额", "房屋编码"]
CHUNK = 900  # values per IN (...): old SQLite builds allow 999 variables per statement
MAX_AMOUNT = Decimal("9999999999.99")
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日")
GROUPED_RE = re.compile(r"^\d{1,3}(,\d{3})+(\.\d+)?$")
PLAIN_RE = re.compile(r"^[+-]?\d+(\.\d*)?$")


def _max_length(model: type[Any], name: str) -> int:
    length: int = model._meta.get_field(name).max_length
    return length


MAX_LENGTHS = {
    "交易流水号": _max_length(BankReceipt, "txn_id"),
    "房屋编码": _max_length(BankReceipt, "unit_code"),
    "付款人": _max_length(BankReceipt, "payer"),
    "摘要": _max_length(BankReceipt, "memo"),
}


@dataclass
class ReceiptSummary:
    """What an import did: posted to units, already imported before, posted to suspense."""

    posted: int = 0
    duplicates: int = 0
    suspense: int = 0
    notices_paid: int = 0
    amount: Decimal = Decimal("0.00")
    bank_import: BankImport | None = field(default=None, repr=False, compare=False)

    def as_dict(self) -> dict[str, int]:
        return {"posted": self.posted, "duplicates": self.duplicates, "suspense": self.suspense}


@dataclass(frozen=True)
class _Receipt:
    row: int
    txn_id: str
    txn_date: dt.date
    amount: Decimal
    unit_code: str
    payer: str
    memo: str


def bank_accounts() -> list[Account]:
    return list(Account.objects.filter(kind=Account.Kind.BANK, closed__isnull=True).order_by("pk"))


def resolve_bank(number: str = "") -> Account:
    """The open special account with this number; without one, the only open special account."""
    if number:
        bank = Account.objects.filter(kind=Account.Kind.BANK, bank_account_number=number.strip()).first()
        if bank is None:
            raise file_error(f"专户 {number} 不存在")
        if bank.closed is not None:
            raise file_error(f"专户 {number} 已销户")
        return bank
    banks = bank_accounts()
    if not banks:
        raise file_error("尚未设立维修资金专户，请先开立专户")
    if len(banks) > 1:
        raise file_error("有多个维修资金专户，请选择到账的专户（命令行用 --bank 账号）")
    return banks[0]


def import_receipts(
    actor: User | None, filename: str, content: bytes, *, bank_number: str = "", ip: str | None = None
) -> ReceiptSummary:
    """Import a bank receipts file; raises ImportRejected listing every bad row, having written nothing."""
    bank = resolve_bank(bank_number)
    rows = read_table(filename, content, HEADERS, max_rows=settings.IMPORT_MAX_ROWS, required=REQUIRED)
    errors: list[RowError] = []
    receipts = _parse_all(rows, errors)
    with transaction.atomic():
        # Every posting takes this lock anyway; taking it first makes the duplicate check below exact
        # when two people import overlapping files at once.
        LedgerHead.objects.select_for_update().get_or_create(pk=1)
        seen = _already_imported([r.txn_id for r in receipts])
        errors.extend(_conflicts(receipts, seen))
        if errors:
            errors.sort(key=lambda e: (e.row, HEADERS.index(e.column) if e.column in HEADERS else -1))
            raise ImportRejected(errors)
        new = [r for r in receipts if r.txn_id not in seen]
        return _write(actor, filename, ip, bank, new, duplicates=len(receipts) - len(new))


TEMPLATE_NOTES = [
    "银行到账导入说明",
    "每行一笔到账。第1行为表头，列的顺序可以调整；交易流水号、交易日期、金额、房屋编码四列必须有，付款人、摘要两列可以没有，不能增加其他列。",
    "整份文件要么全部导入，要么全部不导入：任何一行有错误时，不导入任何数据，并列出每一处错误（行号、列、原因）。",
    "交易流水号（必填）：银行的交易流水号，用于防止重复入账；同一流水号在文件中只能出现一次。已导入过的流水号计为“重复”，不再入账，"
    "所以同一文件可以放心重复导入。",
    "交易日期（必填）：如 2023-03-01、2023/3/1 或 20230301，不能晚于今天。",
    "金额（必填）：大于0的数，单位元，最多2位小数。",
    "房屋编码（选填）：项目编码-幢号-单元-房号。与系统中的房屋一致时记入该房屋的分户账；为空或找不到时记入“待查”，"
    "之后在“待查到账”页面人工匹配到房屋。",
    "到账金额与该房屋一份未缴通知书的金额相同时，该通知书记为已缴；首期交存通知书缴清后，记为该户的首期交存额。",
    "付款人、摘要（选填）：按银行回单填写。",
    "交易流水号、房屋编码请以文本格式填写，以免 Excel 将长数字转为科学计数法而丢失位数。",
]


def template_bytes() -> bytes:
    """The empty receipts sheet with its headers, and a 说明 sheet with each column's rules."""
    data = workbook_bytes("银行到账", HEADERS, [], notes=TEMPLATE_NOTES)
    workbook = load_workbook(io.BytesIO(data))
    sheet = workbook.worksheets[0]
    for index, header in enumerate(HEADERS, start=1):
        if header not in ("交易日期", "金额"):
            sheet.column_dimensions[sheet.cell(1, index).column_letter].number_format = "@"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- Checking ----------------------------------------------------------------------------------


def _parse_all(rows: list[Row], errors: list[RowError]) -> list[_Receipt]:
    receipts: list[_Receipt] = []
    first_row: dict[str, int] = {}
    for row in rows:
        receipt = _parse(row, errors)
        if receipt is None:
            continue
        if receipt.txn_id in first_row:
            errors.append(
                RowError(row.number, "交易流水号", f"交易流水号“{receipt.txn_id}”与第{first_row[receipt.txn_id]}行重复")
            )
            continue
        first_row[receipt.txn_id] = row.number
        receipts.append(receipt)
    return receipts


def _text(row: Row, column: str, errors: list[RowError]) -> str | None:
    value = row.text(column)
    limit = MAX_LENGTHS.get(column)
    if limit is not None and len(value) > limit:
        errors.append(RowError(row.number, column, f"{column}不能超过{limit}个字符"))
        return None
    return value


def _parse(row: Row, errors: list[RowError]) -> _Receipt | None:
    """The row's own checks; None when any field is bad (each bad field is an error)."""
    n = row.number
    count = len(errors)
    txn_id = _txn_id(row, errors)
    txn_date = _date(row, errors)
    amount = _amount(row, errors)
    unit_code = _text(row, "房屋编码", errors)
    payer = _text(row, "付款人", errors)
    memo = _text(row, "摘要", errors)
    if len(errors) > count:
        return None
    assert txn_id is not None and txn_date is not None and amount is not None
    assert unit_code is not None and payer is not None and memo is not None
    return _Receipt(n, txn_id, txn_date, amount, unit_code, payer, memo)


def _txn_id(row: Row, errors: list[RowError]) -> str | None:
    raw = row.cells.get("交易流水号")
    # Excel keeps 15 significant digits: a longer number typed into a General cell is already cut.
    if isinstance(raw, float) and not (raw.is_integer() and abs(raw) < 1e15):
        errors.append(
            RowError(
                row.number, "交易流水号", "交易流水号是数字格式，Excel 已丢失末尾几位；请将该列设为文本格式后重新填写"
            )
        )
        return None
    value = _text(row, "交易流水号", errors)
    if value is None:
        return None
    if not value:
        errors.append(RowError(row.number, "交易流水号", "交易流水号不能为空"))
        return None
    return value


def _date(row: Row, errors: list[RowError]) -> dt.date | None:
    raw = row.cells.get("交易日期")
    text = row.text("交易日期")
    day: dt.date | None = None
    if raw is None:
        errors.append(RowError(row.number, "交易日期", "交易日期不能为空"))
        return None
    if isinstance(raw, dt.datetime):
        day = raw.date()
    elif isinstance(raw, dt.date):
        day = raw
    elif isinstance(raw, str | int):
        candidate = text.split(" ")[0].split("T")[0]
        for fmt in DATE_FORMATS:
            try:
                day = dt.datetime.strptime(candidate, fmt).date()  # noqa: DTZ007 - a calendar date, no time
                break
            except ValueError:
                continue
    if day is None:
        errors.append(RowError(row.number, "交易日期", f"交易日期格式错误：{text}（应如 2023-03-01）"))
        return None
    if day > timezone.localdate():
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
        if GROUPED_RE.match(raw):
            raw = raw.replace(",", "")  # 1,234.50 as banks print it
        elif not PLAIN_RE.match(raw):
            errors.append(RowError(row.number, "金额", f"金额应为数字：{text}"))
            return None
    try:
        amount = parse_decimal(raw, 2)
    except ValueError as exc:
        errors.append(RowError(row.number, "金额", f"金额{exc}：{text}"))
        return None
    if amount <= 0:
        errors.append(RowError(row.number, "金额", f"金额应大于0：{text}"))
        return None
    if amount > MAX_AMOUNT:
        errors.append(RowError(row.number, "金额", f"金额过大：{text}"))
        return None
    return amount


def _chunks(values: list[Any]) -> Iterator[list[Any]]:
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]


def _already_imported(txn_ids: list[str]) -> dict[str, tuple[dt.date, Decimal] | None]:
    """Transaction ids already in the books: with date and amount when imported as a receipt,
    None when only a journal entry carries the id (posted by another bank job)."""
    seen: dict[str, tuple[dt.date, Decimal] | None] = {}
    for chunk in _chunks(sorted(set(txn_ids))):
        for txn_id in JournalEntry.objects.filter(bank_txn_id__in=chunk).values_list("bank_txn_id", flat=True):
            seen[str(txn_id)] = None
        for txn_id, day, amount in BankReceipt.objects.filter(txn_id__in=chunk).values_list(
            "txn_id", "txn_date", "amount"
        ):
            seen[txn_id] = (day, amount)
    return seen


def _conflicts(receipts: list[_Receipt], seen: dict[str, tuple[dt.date, Decimal] | None]) -> Iterator[RowError]:
    """A transaction id imported before with another date or amount: the bank file is not what it was."""
    for r in receipts:
        before = seen.get(r.txn_id)
        if before is None:
            continue
        day, amount = before
        if amount != r.amount:
            yield RowError(r.row, "金额", f"交易流水号“{r.txn_id}”已导入，金额为{amount}，与本行的{r.amount}不同")
        elif day != r.txn_date:
            yield RowError(
                r.row,
                "交易日期",
                f"交易流水号“{r.txn_id}”已导入，交易日期为{day:%Y-%m-%d}，与本行的{r.txn_date:%Y-%m-%d}不同",
            )


# --- Writing -----------------------------------------------------------------------------------


def _unit_accounts(codes: set[str]) -> dict[str, Account]:
    """Open unit ledgers by unit code, a chunk of codes per query; units without a ledger get one."""
    found: dict[str, Account] = {}
    for chunk in _chunks(sorted(codes)):
        missing = list(
            Unit.objects.filter(code__in=chunk, fund_account__isnull=True).values_list(
                "pk", "project_id", "building_id"
            )
        )
        Account.objects.bulk_create(
            [Account(kind=Account.Kind.UNIT, unit_id=u, project_id=p, building_id=b) for u, p, b in missing]
        )
        for account in (
            Account.objects.filter(kind=Account.Kind.UNIT, unit__code__in=chunk, closed__isnull=True)
            .select_related("unit")
            .only("pk", "kind", "first_deposit", "closed", "unit__code")
        ):
            assert account.unit is not None
            found[account.unit.code] = account
    return found


def _write(
    actor: User | None, filename: str, ip: str | None, bank: Account, receipts: list[_Receipt], *, duplicates: int
) -> ReceiptSummary:
    summary = ReceiptSummary(duplicates=duplicates)
    units = _unit_accounts({r.unit_code for r in receipts if r.unit_code})
    notices = deposits.open_notices_by_account(account.pk for account in units.values())
    suspense = ledger.fund_account(Account.Kind.SUSPENSE)
    bank_import = BankImport.objects.create(
        kind=BankImport.Kind.RECEIPTS, filename=filename[:200], imported_by=actor if actor and actor.pk else None
    )
    document = f"bank_import:{bank_import.pk}"
    specs: list[ledger.EntrySpec] = []
    plan: list[tuple[_Receipt, Account | None, deposits.OpenNotice | None]] = []
    for r in receipts:
        account = units.get(r.unit_code) if r.unit_code else None
        notice = deposits.take_notice(notices.get(account.pk), r.amount) if account else None
        if account is not None:
            kind = deposits.entry_kind_for(notice)
            target, memo = account, " ".join(filter(None, ["银行到账", r.payer, r.memo]))
        else:
            kind, target = JournalEntry.Kind.SUSPENSE, suspense
            reason = f"房屋编码“{r.unit_code}”未找到或已销户" if r.unit_code else "未填房屋编码"
            memo = " ".join(filter(None, [f"待查：{reason}", r.payer, r.memo]))
        specs.append(
            ledger.EntrySpec(
                kind=kind,
                value_date=r.txn_date,
                legs=[ledger.debit(bank, r.amount), ledger.credit(target, r.amount)],
                memo=memo,
                document=document,
                bank_txn_id=r.txn_id,
            )
        )
        plan.append((r, account, notice))
    entries = ledger.post_many(specs, actor=actor, note=f"银行到账导入 {filename}"[:500])
    rows: list[BankReceipt] = []
    paid: list[tuple[deposits.OpenNotice, JournalEntry, int]] = []
    for (r, account, notice), entry in zip(plan, entries, strict=True):
        rows.append(
            BankReceipt(
                txn_id=r.txn_id,
                txn_date=r.txn_date,
                amount=r.amount,
                unit_code=r.unit_code,
                payer=r.payer,
                memo=r.memo,
                bank_account=bank,
                status=BankReceipt.Status.POSTED if account else BankReceipt.Status.SUSPENSE,
                unit_account=account,
                entry=entry,
                notice_id=notice.pk if notice else None,
                bank_import=bank_import,
            )
        )
        if account is not None:
            summary.posted += 1
            if notice is not None:
                paid.append((notice, entry, account.pk))
        else:
            summary.suspense += 1
        summary.amount += r.amount
    BankReceipt.objects.bulk_create(rows, batch_size=1000)
    deposits.mark_paid(paid)
    summary.notices_paid = len(paid)
    summary.bank_import = bank_import
    bank_import.summary = {
        **summary.as_dict(),
        "notices_paid": summary.notices_paid,
        "amount": str(summary.amount),
        "bank": bank.bank_account_number,
    }
    bank_import.save(update_fields=["summary"])
    audit.record(
        actor,
        AuditEvent.Action.IMPORT,
        bank_import,
        after=bank_import.summary,
        ip=ip,
        note=(
            f"银行到账导入：入账{summary.posted}笔，待查{summary.suspense}笔，重复{summary.duplicates}笔，"
            f"合计{summary.amount}元"
        ),
    )
    return summary


# --- Matching suspense by hand -----------------------------------------------------------------


@transaction.atomic
def match_suspense(actor: User | None, receipt: BankReceipt, unit_account: Account) -> BankReceipt:
    """Move a receipt from suspense (待查) to the unit it belongs to: one entry debiting suspense and
    crediting the unit, dated the day of matching (the unit's interest counts from then)."""
    receipt = BankReceipt.objects.select_for_update().get(pk=receipt.pk)
    if receipt.status != BankReceipt.Status.SUSPENSE:
        raise MatchError(f"到账 {receipt.txn_id} 不在待查中（{receipt.get_status_display()}）")
    unit_account = Account.objects.select_related("unit").get(pk=unit_account.pk)
    if unit_account.kind != Account.Kind.UNIT or unit_account.unit is None:
        raise MatchError("只能匹配到房屋的分户账")
    if unit_account.closed is not None:
        raise MatchError(f"房屋 {unit_account.unit.code} 的分户账已销户")
    code = unit_account.unit.code
    entry = ledger.post(
        kind=JournalEntry.Kind.MATCH,
        value_date=timezone.localdate(),
        legs=[
            ledger.debit(ledger.fund_account(Account.Kind.SUSPENSE), receipt.amount),
            ledger.credit(unit_account, receipt.amount),
        ],
        actor=actor,
        memo=f"待查到账匹配：{receipt.txn_id} → {code}",
        document=f"bank_receipt:{receipt.pk}",
    )
    notice = deposits.take_notice(
        deposits.open_notices_by_account([unit_account.pk]).get(unit_account.pk), receipt.amount
    )
    if notice is not None:
        deposits.mark_paid([(notice, entry, unit_account.pk)])
    before = audit.snapshot(receipt, ["status", "unit_account", "match_entry", "notice"])
    receipt.status, receipt.unit_account, receipt.match_entry = BankReceipt.Status.MATCHED, unit_account, entry
    receipt.notice_id = notice.pk if notice else None
    receipt.save(update_fields=["status", "unit_account", "match_entry", "notice"])
    audit.record(
        actor,
        AuditEvent.Action.UPDATE,
        receipt,
        before=before,
        after=audit.snapshot(receipt, ["status", "unit_account", "match_entry", "notice"]),
        note=f"待查到账匹配到房屋 {code}",
    )
    return receipt
