"""Receipts on the bank special account (银行到账导入) and matching the unmatched ones by hand.

The file is checked whole first (anju.lib.tabular): a file with any bad row posts nothing and names
every bad row. A good file is written in one transaction. The bank's transaction id (交易流水号) is
the idempotency key: a receipt already imported is counted as a duplicate and posts nothing, so
the same file may be imported again safely. A receipt whose 房屋编码 is a unit posts to the unit's
ledger; any other goes to suspense (待查) until someone matches it to a unit."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, NamedTuple

from django import forms
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anju.core import audit, bulk, imports
from anju.core.bankfile import BankFile, BankFileImport, BankUse
from anju.core.fields import from_fen, to_fen
from anju.core.links import reverse
from anju.core.models import AuditEvent, BankProfile, User
from anju.fund import ledger
from anju.fund.deposits import actions as deposits
from anju.fund.errors import MatchError
from anju.fund.models import Account, BankImport, BankReceipt, JournalEntry, LedgerHead
from anju.lib.tabular import Column, Kind, RowError, file_error
from anju.registry.models import Unit

MAX_AMOUNT = Decimal("9999999999.99")


def _max_length(model: type[Any], name: str) -> int:
    length: int = model._meta.get_field(name).max_length
    return length


COLUMNS = (
    Column(
        "交易流水号",
        Kind.CODE,
        required=True,
        max_length=_max_length(BankReceipt, "txn_id"),
        help="银行的交易流水号，用于防止重复入账；同一流水号在文件中只能出现一次。已导入过的流水号计为“重复”，不再入账，"
        "所以同一文件可以放心重复导入。",
    ),
    Column("交易日期", Kind.DATE, required=True, help="不能晚于今天。"),
    Column("金额", Kind.MONEY, required=True, help="大于0。"),
    Column(
        "房屋编码",
        max_length=_max_length(BankReceipt, "unit_code"),
        help="项目编码-幢号-单元-房号。与系统中的房屋一致时记入该房屋的分户账；为空或找不到时记入“待查”，"
        "之后在“待查到账”页面人工匹配到房屋。",
    ),
    Column("付款人", max_length=_max_length(BankReceipt, "payer"), omissible=True, help="按银行回单填写。"),
    Column("摘要", max_length=_max_length(BankReceipt, "memo"), omissible=True, help="按银行回单填写。"),
)
HEADERS = [column.name for column in COLUMNS]
RECEIPTS = BankUse(
    "银行到账导入",
    needs=frozenset({"reference"}),
    reads=frozenset({"counterparty", "memo"}),
    reference="房屋编码",
    max_lengths={
        "txn_id": COLUMNS[0].max_length or 0,
        "reference": COLUMNS[3].max_length or 0,
        "counterparty": COLUMNS[4].max_length or 0,
        "memo": COLUMNS[5].max_length or 0,
    },
)


@dataclass
class ReceiptSummary:
    """What an import did: posted to units, already imported before, posted to suspense."""

    posted: int = 0
    duplicates: int = 0
    suspense: int = 0
    notices_paid: int = 0
    amount: Decimal = Decimal("0.00")
    outflows: int = 0  # money-out lines of a whole statement, which are not receipts
    bank_import: BankImport | None = field(default=None, repr=False, compare=False)

    def as_dict(self) -> dict[str, int]:
        return {"posted": self.posted, "duplicates": self.duplicates, "suspense": self.suspense}


class _Receipt(NamedTuple):  # a tuple: 50k of them are built per file
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
    actor: User | None,
    filename: str,
    content: bytes,
    *,
    bank_number: str = "",
    ip: str | None = None,
    profile: BankProfile | str | None = None,
) -> ReceiptSummary:
    """Import a bank receipts file; raises ImportRejected listing every bad row, having written nothing."""
    result: ReceiptSummary = imports.run(
        RECEIPTS_IMPORT, actor, filename, content, ip=ip, bank=bank_number, profile=profile
    )
    return result


@dataclass
class _Known:
    receipts: list[_Receipt]
    seen: dict[str, tuple[dt.date, Decimal] | None]
    outflows: int


class ReceiptsImport(BankFileImport):
    """银行到账导入: a receipt whose reference is a unit code posts to the unit's ledger, any other to suspense."""

    key = "fund.bank_receipts"
    title = "银行到账导入"
    module = "fund"
    columns = COLUMNS
    use = RECEIPTS
    notes = (
        "到账金额与该房屋一份未缴通知书的金额相同时，该通知书记为已缴；首期交存通知书缴清后，记为该户的首期交存额。",
    )
    example = ("ICBC2023030100001", "2023-03-01", "5000.00", "P0001-1-1-101", "张三", "维修资金")
    command = "anju fund import-bank FILE"
    tabs = ("fund/_tabs.html", "bank")
    template_url_name = "fund:bank_import_template"

    @property
    def crumbs(self) -> list[imports.Crumb]:  # type: ignore[override]
        return [
            imports.Crumb(_("Maintenance fund"), reverse("fund:home")),
            imports.Crumb(_("Bank receipts"), reverse("fund:receipts")),
        ]

    def prepare(self, options: imports.Options) -> imports.Options:
        bank = resolve_bank(options.get("bank") or "")
        return {**super().prepare(options), "bank": bank}

    def form_fields(self, target: imports.Options) -> dict[str, forms.Field]:
        banks = bank_accounts()
        empty = [] if len(banks) == 1 else [("", _("Choose the account the money arrived on"))]
        choices = empty + [(b.bank_account_number, f"{b.name} · {b.bank_account_number}") for b in banks]
        return {
            "bank": forms.ChoiceField(label=_("Special account"), choices=choices, required=False),
            **super().form_fields(target),
        }

    def fetch(self, parsed: BankFile, options: imports.Options) -> _Known:
        receipts, outflows = _receipts(parsed)
        # Every posting takes this lock anyway; taking it first makes the duplicate check exact when
        # two people import overlapping files at once.
        LedgerHead.objects.select_for_update().get_or_create(pk=1)
        return _Known(receipts, _already_imported([r.txn_id for r in receipts]), outflows)

    def check(self, parsed: BankFile, fetched: _Known, options: imports.Options) -> list[RowError]:
        return list(_conflicts(fetched.receipts, fetched.seen, parsed))

    def write(self, actor: User | None, parsed: BankFile, fetched: _Known, options: imports.Options) -> ReceiptSummary:
        new = [r for r in fetched.receipts if r.txn_id not in fetched.seen]
        return _write(
            actor,
            options["filename"],
            options["bank"],
            new,
            duplicates=len(fetched.receipts) - len(new),
            outflows=fetched.outflows,
        )

    def audit(self, result: ReceiptSummary, options: imports.Options) -> imports.AuditEntry:
        assert result.bank_import is not None
        return imports.AuditEntry(
            result.bank_import,
            after=result.bank_import.summary,
            note=(
                f"银行到账导入：入账{result.posted}笔，待查{result.suspense}笔，重复{result.duplicates}笔，"
                f"合计{result.amount}元"
            ),
        )

    def summary(self, result: ReceiptSummary) -> list[tuple[Any, Any]]:
        rows: list[tuple[Any, Any]] = [
            (_("Posted to units"), result.posted),
            (_("To suspense"), result.suspense),
            (_("Already imported (skipped)"), result.duplicates),
            (_("Notices paid"), result.notices_paid),
            (_("Amount posted"), f"{result.amount:,.2f}"),
        ]
        if result.outflows:
            rows.append((_("Money-out lines (not receipts)"), result.outflows))
        return rows

    def links(self, result: ReceiptSummary, options: imports.Options) -> list[tuple[str, str]]:
        links = [(str(_("Back to the receipts")), reverse("fund:receipts"))]
        if result.suspense:
            links.append((str(_("Match the receipts in suspense")), reverse("fund:suspense")))
        return links


RECEIPTS_IMPORT = ReceiptsImport()


# --- Checking ----------------------------------------------------------------------------------


def _receipts(parsed: BankFile) -> tuple[list[_Receipt], int]:
    """The file's receipts and the number of money-out lines skipped (a whole statement's payments).

    In Anju's template (one signed amount column) an amount of 0 or less is an error; in a bank's
    statement with the directions apart or marked, money out is simply not a receipt."""
    bad: set[int] = set()
    outflows: set[int] = set()
    for row, amount in parsed.amounts.items():
        column = parsed.amount_column(amount)
        if parsed.statement and amount.amount < 0:
            outflows.add(row)
        elif amount.amount <= 0:
            parsed.errors.append(RowError(row, column, f"{column}应大于0：{amount.text}"))
            bad.add(row)
        elif amount.amount > MAX_AMOUNT:
            parsed.errors.append(RowError(row, column, f"{column}过大：{amount.text}"))
            bad.add(row)
    skipped = bad | outflows | parsed.repeated
    receipts = [
        _Receipt(line.row, line.txn_id, line.date, line.amount, line.reference, line.counterparty, line.memo)
        for line in parsed.lines
        if line.row not in skipped
    ]
    return receipts, len(outflows)


def _already_imported(txn_ids: list[str]) -> dict[str, tuple[dt.date, Decimal] | None]:
    """Transaction ids already in the books: with date and amount when imported as a receipt,
    None when only a journal entry carries the id (posted by another bank job). One query each."""
    seen: dict[str, tuple[dt.date, Decimal] | None] = {}
    if not txn_ids:
        return seen
    wanted = imports.among(sorted(set(txn_ids)))
    for txn_id in JournalEntry.objects.filter(bank_txn_id__in=wanted).values_list("bank_txn_id", flat=True):
        seen[str(txn_id)] = None
    for txn_id, day, amount in BankReceipt.objects.filter(txn_id__in=wanted).values_list(
        "txn_id", "txn_date", "amount"
    ):
        seen[txn_id] = (day, amount)
    return seen


def _conflicts(
    receipts: list[_Receipt], seen: dict[str, tuple[dt.date, Decimal] | None], parsed: BankFile
) -> Iterator[RowError]:
    """A transaction id imported before with another date or amount: the bank file is not what it was."""
    for r in receipts:
        before = seen.get(r.txn_id)
        if before is None:
            continue
        day, amount = before
        if amount != r.amount:
            column = parsed.headers.get("credit") or parsed.headers["amount"]
            yield RowError(r.row, column, f"交易流水号“{r.txn_id}”已导入，金额为{amount}，与本行的{r.amount}不同")
        elif day != r.txn_date:
            yield RowError(
                r.row,
                parsed.headers["date"],
                f"交易流水号“{r.txn_id}”已导入，交易日期为{day:%Y-%m-%d}，与本行的{r.txn_date:%Y-%m-%d}不同",
            )


# --- Writing -----------------------------------------------------------------------------------


def _unit_accounts(codes: set[str]) -> dict[str, int]:
    """Open unit ledgers' ids by unit code; units without a ledger get one. A query per step, whatever
    the number of codes (they go as one parameter, `imports.among`)."""
    if not codes:
        return {}
    wanted = imports.among(sorted(codes))
    missing = list(
        Unit.objects.filter(code__in=wanted, fund_account__isnull=True).values_list("pk", "project_id", "building_id")
    )
    if missing:
        bulk.insert_rows(
            Account,
            NEW_LEDGER_COLUMNS,
            ((Account.Kind.UNIT, u, p, b, "", "", "", 0, 0, timezone.localdate()) for u, p, b in missing),
        )
    return dict(
        Account.objects.filter(kind=Account.Kind.UNIT, unit__code__in=wanted, closed__isnull=True).values_list(
            "unit__code", "pk"
        )
    )


def _open_notices(account_ids: list[int]) -> dict[int, list[deposits.OpenNotice]]:
    """`deposits.open_notices_by_account` in one query: the accounts' open notices, oldest first."""
    found: dict[int, list[deposits.OpenNotice]] = {}
    if not account_ids:
        return found
    rows = (
        deposits.open_notices()
        .filter(account_id__in=imports.among(sorted(set(account_ids))))
        .order_by("issued_on", "pk")
        .values_list("account_id", "pk", "kind", "amount")
    )
    for account_id, pk, kind, amount in rows:
        found.setdefault(account_id, []).append(deposits.OpenNotice(pk, kind, amount))
    return found


NEW_LEDGER_COLUMNS = (
    *("kind", "unit_id", "project_id", "building_id", "name", "bank_name", "bank_account_number"),
    *("balance", "first_deposit", "opened"),
)
RECEIPT_COLUMNS = (
    "txn_id",
    "txn_date",
    "amount",
    "unit_code",
    "payer",
    "memo",
    "bank_account_id",
    "status",
    "unit_account_id",
    "entry_id",
    "notice_id",
    "bank_import_id",
)


def _write(
    actor: User | None, filename: str, bank: Account, receipts: list[_Receipt], *, duplicates: int, outflows: int
) -> ReceiptSummary:
    summary = ReceiptSummary(duplicates=duplicates, outflows=outflows)
    units = _unit_accounts({r.unit_code for r in receipts if r.unit_code})
    notices = _open_notices(list(units.values())) if units else {}
    suspense = ledger.fund_account(Account.Kind.SUSPENSE).pk
    bank_import = BankImport.objects.create(
        kind=BankImport.Kind.RECEIPTS, filename=filename[:200], imported_by=actor if actor and actor.pk else None
    )
    document = f"bank_import:{bank_import.pk}"
    # Plain rows, no model objects: one entry (bank debit, unit or suspense credit) per receipt.
    entries: list[ledger.NewEntry] = []
    plan: list[tuple[_Receipt, int, int | None, deposits.OpenNotice | None]] = []
    bank_id, new_entry, take_notice = bank.pk, ledger.NewEntry, deposits.take_notice
    deposit = JournalEntry.Kind.DEPOSIT
    for r in receipts:
        account = units.get(r.unit_code) if r.unit_code else None
        notice = take_notice(notices.get(account), r.amount) if account is not None and notices else None
        if account is not None:
            kind = deposit if notice is None else deposits.entry_kind_for(notice)
            target = account
            memo = (
                f"银行到账 {r.payer} {r.memo}"
                if r.payer and r.memo
                else " ".join(filter(None, ["银行到账", r.payer, r.memo]))
            )
        else:
            kind, target = JournalEntry.Kind.SUSPENSE, suspense
            reason = f"房屋编码“{r.unit_code}”未找到或已销户" if r.unit_code else "未填房屋编码"
            memo = " ".join(filter(None, [f"待查：{reason}", r.payer, r.memo]))
        fen = to_fen(r.amount)
        entries.append(new_entry(kind, r.txn_date, ((bank_id, fen), (target, -fen)), memo, document, r.txn_id))
        plan.append((r, fen, account, notice))
    ids = ledger.post_rows(entries, actor=actor, note=f"银行到账导入 {filename}"[:500])
    rows: list[tuple[Any, ...]] = []
    paid: list[tuple[deposits.OpenNotice, JournalEntry, int]] = []
    posted, suspended = BankReceipt.Status.POSTED, BankReceipt.Status.SUSPENSE
    days: dict[dt.date, str] = {}  # the day as text, what the date adapter writes, once per day
    import_id = bank_import.pk
    for (r, fen, account, notice), entry_id in zip(plan, ids, strict=True):
        day = days.get(r.txn_date)
        if day is None:
            day = days[r.txn_date] = r.txn_date.isoformat()
        rows.append(
            (
                *(r.txn_id, day, fen, r.unit_code, r.payer, r.memo, bank_id),
                *(posted if account else suspended, account, entry_id, notice.pk if notice else None, import_id),
            )
        )
        if notice is not None and account is not None:
            paid.append((notice, JournalEntry(pk=entry_id), account))
    summary.posted = sum(1 for _, _, account, _ in plan if account is not None)
    summary.suspense = len(plan) - summary.posted
    summary.amount = from_fen(sum(fen for _, fen, _, _ in plan))
    bulk.insert_rows(BankReceipt, RECEIPT_COLUMNS, rows)
    deposits.mark_paid(paid)
    summary.notices_paid = len(paid)
    summary.bank_import = bank_import
    bank_import.summary = {
        **summary.as_dict(),
        "notices_paid": summary.notices_paid,
        "amount": str(summary.amount),
        "bank": bank.bank_account_number,
        **({"outflows": summary.outflows} if summary.outflows else {}),
    }
    bank_import.save(update_fields=["summary"])
    return summary


# --- Matching suspense by hand -----------------------------------------------------------------


@transaction.atomic
def match_suspense(actor: User | None, receipt: BankReceipt, unit_account: Account) -> BankReceipt:
    """Move a receipt from suspense (待查) to the unit it belongs to: one entry debiting suspense and
    crediting the unit, dated the day of matching (the unit's interest counts from then)."""
    receipt = BankReceipt.objects.select_for_update().get(pk=receipt.pk)
    if receipt.status != BankReceipt.Status.SUSPENSE:
        raise MatchError(f"到账 {receipt.txn_id} 不在待查中（{receipt.get_status_display()}）", code="not_in_suspense")
    unit_account = Account.objects.select_related("unit").get(pk=unit_account.pk)
    if unit_account.kind != Account.Kind.UNIT or unit_account.unit is None:
        raise MatchError("只能匹配到房屋的分户账", code="not_unit_ledger")
    if unit_account.closed is not None:
        raise MatchError(f"房屋 {unit_account.unit.code} 的分户账已销户", code="account_closed")
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
