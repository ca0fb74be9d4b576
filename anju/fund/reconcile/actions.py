"""Reconciliation with the bank (对账, art. 30): the bank's statement of the special account is
imported line by line, then compared day by day with the journal's postings to that account.

The statement file is all or nothing like every import; importing it again changes nothing, since a
line is known by its bank account and the bank's transaction id (交易流水号)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from anju.core import imports
from anju.core.bankfile import BankFile, BankFileImport, BankLine, BankUse
from anju.core.links import reverse
from anju.core.models import BankProfile, User
from anju.fund.models import Account, BankImport, BankStatementLine
from anju.lib.tabular import FILE_ROW, Column, ImportRejected, Kind, RowError

ZERO = Decimal("0.00")
TXN_ID_LENGTH = BankStatementLine._meta.get_field("txn_id").max_length or 64
MEMO_LENGTH = BankStatementLine._meta.get_field("memo").max_length or 200
# MoneyField is a BIGINT of fen; a bank amount beyond a trillion yuan is a typo, not a transaction.
MAX_AMOUNT = Decimal("999999999999.99")
BATCH = 2000
COLUMNS = (
    Column(
        "交易流水号",
        Kind.CODE,
        required=True,
        max_length=TXN_ID_LENGTH,
        help="本专户已导入的流水号，日期和金额都相同时跳过，不同时拒绝；同一文件可以重复导入。",
    ),
    Column("交易日期", Kind.DATE, required=True, help="各行按银行打印的时间先后排列。"),
    Column("金额", Kind.MONEY, required=True, help="收入为正数，支出为负数，不能为零。"),
    Column("余额", Kind.MONEY, required=True, help="本笔交易后的余额，须等于上一行的余额加本行金额。"),
    Column("摘要", max_length=MEMO_LENGTH, omissible=True),
)
HEADERS = [column.name for column in COLUMNS]
STATEMENT = BankUse(
    "银行对账单导入",
    needs=frozenset({"balance"}),
    reads=frozenset({"memo"}),
    max_lengths={"txn_id": TXN_ID_LENGTH, "memo": MEMO_LENGTH},
)


# -- import ----------------------------------------------------------------------------------------------------------


@dataclass
class StatementImportSummary:
    created: int
    skipped: int  # lines already imported, identical
    first_date: dt.date | None
    last_date: dt.date | None
    bank_import: BankImport | None = field(default=None, repr=False, compare=False)

    def as_dict(self) -> dict[str, Any]:
        return {
            "created": self.created,
            "skipped": self.skipped,
            "first_date": self.first_date.isoformat() if self.first_date else None,
            "last_date": self.last_date.isoformat() if self.last_date else None,
        }


def _checked_lines(parsed: BankFile) -> list[BankLine | None]:
    """Each row's line in file order (None for a bad row), with the amounts' own limits checked."""
    bad: set[int] = set()
    for number, amount in parsed.amounts.items():
        column = parsed.amount_column(amount)
        if amount.amount == 0:
            parsed.errors.append(RowError(number, column, f"{column}不能为零"))
            bad.add(number)
        elif abs(amount.amount) > MAX_AMOUNT:
            parsed.errors.append(RowError(number, column, f"{column}超出范围：{amount.text}"))
            bad.add(number)
    balance = parsed.headers["balance"]
    for row in parsed.rows:
        value = row.values.get("balance")
        if value is not None and abs(value) > MAX_AMOUNT:
            parsed.errors.append(RowError(row.number, balance, f"{balance}超出范围：{row.text(balance)}"))
            bad.add(row.number)
    by_row = {line.row: line for line in parsed.lines if line.row not in bad}
    return [by_row.get(row.number) for row in parsed.rows]


def _check_sequence(parsed: BankFile, lines: list[BankLine | None]) -> None:
    """Lines run in time order and each balance is the previous one plus the amount; so the last line
    of a day carries that day's closing balance, and a mistyped figure shows."""
    previous: BankLine | None = None
    date, balance = parsed.headers["date"], parsed.headers["balance"]
    for line in lines:
        if line is None:
            previous = None
            continue
        if previous is not None:
            assert previous.balance is not None and line.balance is not None
            if line.date < previous.date:
                parsed.errors.append(RowError(line.row, date, f"{date}早于第{previous.row}行：流水须按时间先后排列"))
            elif previous.balance + line.amount != line.balance:
                parsed.errors.append(
                    RowError(
                        line.row,
                        balance,
                        f"{balance} {line.balance} 不等于第{previous.row}行{balance} {previous.balance} "
                        f"加本行金额 {line.amount}",
                    )
                )
        previous = line


def _check_known(bank: Account, lines: list[BankLine], txn_column: str) -> tuple[set[str], list[RowError]]:
    """Transaction ids already imported for this account; a known id with other figures is an error."""
    known: set[str] = set()
    errors: list[RowError] = []
    existing: dict[str, tuple[dt.date, Decimal, Decimal]] = {}
    for chunk in imports.chunks([line.txn_id for line in lines]):
        for txn_id, txn_date, amount, balance in BankStatementLine.objects.filter(
            bank_account=bank, txn_id__in=chunk
        ).values_list("txn_id", "txn_date", "amount", "balance"):
            existing[txn_id] = (txn_date, amount, balance)
    for line in lines:
        stored = existing.get(line.txn_id)
        if stored is None:
            continue
        if stored != (line.date, line.amount, line.balance):
            date, amount, balance = stored
            errors.append(
                RowError(
                    line.row,
                    txn_column,
                    f"交易流水号“{line.txn_id}”已导入（{date.isoformat()}，金额 {amount}，余额 {balance}），与本行不同",
                )
            )
        known.add(line.txn_id)
    return known, errors


def import_statement(
    actor: User | None,
    bank: Account,
    filename: str,
    content: bytes,
    *,
    ip: str | None = None,
    profile: BankProfile | str | None = None,
) -> StatementImportSummary:
    """Import a bank statement file for a special account; raises ImportRejected, having written nothing."""
    summary: StatementImportSummary = imports.run(
        STATEMENT_IMPORT, actor, filename, content, ip=ip, bank=bank, profile=profile
    )
    return summary


@dataclass
class _Checked:
    lines: list[BankLine]
    known: set[str]


class StatementImport(BankFileImport):
    """银行对账单导入: the special account's statement, line by line, for the reconciliation."""

    key = "fund.bank_statement"
    title = "银行对账单导入"
    module = "fund"
    columns = COLUMNS
    use = STATEMENT
    example = ("ICBC2023030100001", "2023-03-01", "5000.00", "1205000.00", "维修资金 P0001-1-1-101")
    tabs = ("fund/_tabs.html", "reconcile")

    @property
    def crumbs(self) -> list[imports.Crumb]:  # type: ignore[override]
        return [
            imports.Crumb(_("Maintenance fund"), reverse("fund:home")),
            imports.Crumb(_("Reconciliation"), reverse("fund:reconcile")),
        ]

    def prepare(self, options: imports.Options) -> imports.Options:
        bank = options.get("bank")
        if not isinstance(bank, Account):
            banks = Account.objects.filter(kind=Account.Kind.BANK)
            bank = banks.filter(pk=int(str(bank))).first() if str(bank or "").isdigit() else None
            if bank is None and not options.get("bank") and banks.count() == 1:
                bank = banks.get()
        if bank is None:
            raise ImportRejected([RowError(FILE_ROW, "", str(_("Choose the bank special account.")))])
        if bank.kind != Account.Kind.BANK:
            raise ImportRejected([RowError(FILE_ROW, "", "请选择银行专户")])
        return {**super().prepare(options), "bank": bank}

    def form_fields(self, target: imports.Options) -> dict[str, forms.Field]:
        banks = list(Account.objects.filter(kind=Account.Kind.BANK).order_by("pk"))
        empty = [("", "—")] if len(banks) > 1 else []
        choices = empty + [(str(b.pk), f"{b.name} {b.bank_account_number}") for b in banks]
        return {
            "bank": forms.ChoiceField(label=_("Bank special account"), choices=choices, required=False),
            **super().form_fields(target),
        }

    def fetch(self, parsed: BankFile, options: imports.Options) -> _Checked:
        checked = _checked_lines(parsed)
        _check_sequence(parsed, checked)
        # Imports of one account run one at a time, so the known-id check holds until the insert.
        Account.objects.select_for_update().filter(pk=options["bank"].pk).first()
        lines = [line for line in checked if line is not None]
        known, errors = _check_known(options["bank"], lines, parsed.headers["txn_id"])
        parsed.errors.extend(errors)
        return _Checked(lines, known)

    def write(
        self, actor: User | None, parsed: BankFile, fetched: _Checked, options: imports.Options
    ) -> StatementImportSummary:
        bank: Account = options["bank"]
        lines = fetched.lines
        new = [line for line in lines if line.txn_id not in fetched.known]
        summary = StatementImportSummary(
            created=len(new),
            skipped=len(fetched.known),
            first_date=min((line.date for line in lines), default=None),
            last_date=max((line.date for line in lines), default=None),
        )
        record = BankImport.objects.create(
            kind=BankImport.Kind.STATEMENT,
            filename=options["filename"][:200],
            imported_by=actor if actor and actor.pk else None,
            summary={**summary.as_dict(), "bank_account": bank.bank_account_number},
        )
        BankStatementLine.objects.bulk_create(
            [
                BankStatementLine(
                    bank_account=bank,
                    txn_id=line.txn_id,
                    txn_date=line.date,
                    amount=line.amount,
                    balance=line.balance or ZERO,  # required by the statement's use: never None here
                    memo=line.memo,
                    bank_import=record,
                )
                for line in new
            ],
            batch_size=BATCH,
        )
        summary.bank_import = record
        return summary

    def audit(self, result: StatementImportSummary, options: imports.Options) -> imports.AuditEntry:
        bank: Account = options["bank"]
        record = result.bank_import
        assert record is not None
        return imports.AuditEntry(record, after=record.summary, note=f"{bank.name} {bank.bank_account_number}")

    def summary(self, result: StatementImportSummary) -> list[tuple[Any, Any]]:
        dates = f"{result.first_date:%Y-%m-%d} – {result.last_date:%Y-%m-%d}" if result.first_date else ""
        return [(_("New lines"), result.created), (_("Already imported"), result.skipped), (_("Dates"), dates)]

    def links(self, result: StatementImportSummary, options: imports.Options) -> list[tuple[str, str]]:
        if result.first_date is None or result.last_date is None:
            return []
        query = f"?bank={options['bank'].pk}&from={result.first_date:%Y-%m-%d}&to={result.last_date:%Y-%m-%d}"
        return [(str(_("Reconcile these dates")), reverse("fund:reconcile") + query)]


STATEMENT_IMPORT = StatementImport()
