"""Reconciliation with the bank (对账, art. 30): the bank's statement of the special account is
imported line by line, then compared day by day with the journal's postings to that account.

The statement file is all or nothing like every import; importing it again changes nothing, since a
line is known by its bank account and the bank's transaction id (交易流水号)."""

from __future__ import annotations

import datetime as dt
import functools
import operator
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import Count, Exists, F, Max, OuterRef, Q, Subquery, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anju.core import imports
from anju.core.bankfile import BankFile, BankFileImport, BankLine, BankUse
from anju.core.fields import MoneyField
from anju.core.models import BankProfile, User
from anju.fund.models import Account, BankImport, BankStatementLine, JournalEntry, JournalLine
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


# -- reconciliation ----------------------------------------------------------------------------------------------------


@dataclass
class DayRow:
    day: dt.date
    bank_in: Decimal = ZERO
    bank_out: Decimal = ZERO  # as a positive number
    bank_lines: int = 0
    journal_in: Decimal = ZERO
    journal_out: Decimal = ZERO
    journal_lines: int = 0
    bank_closing: Decimal | None = None  # the balance after the day's last statement line
    journal_closing: Decimal = ZERO

    @property
    def bank_net(self) -> Decimal:
        return self.bank_in - self.bank_out

    @property
    def journal_net(self) -> Decimal:
        return self.journal_in - self.journal_out

    @property
    def difference(self) -> Decimal:
        return self.bank_net - self.journal_net

    @property
    def closing_difference(self) -> Decimal | None:
        return None if self.bank_closing is None else self.bank_closing - self.journal_closing

    @property
    def differs(self) -> bool:
        """A difference arises on this day; a closing difference alone is carried from an earlier one."""
        return self.difference != 0


@dataclass(frozen=True)
class BankItem:
    txn_id: str
    txn_date: dt.date
    amount: Decimal
    memo: str


@dataclass(frozen=True)
class JournalItem:
    seq: int
    value_date: dt.date
    kind: str
    memo: str
    amount: Decimal  # on the bank account: + in, - out
    bank_txn_id: str | None


@dataclass(frozen=True)
class Mismatch:
    """A statement line and the entry with its transaction id, whose dates or amounts differ."""

    txn_id: str
    bank_date: dt.date
    bank_amount: Decimal
    seq: int
    entry_date: dt.date
    entry_amount: Decimal


@dataclass
class Reconciliation:
    bank: Account
    start: dt.date
    end: dt.date
    days: list[DayRow]
    bank_only: list[BankItem]  # statement lines with no entry
    journal_only: list[JournalItem]  # entries with no statement line
    mismatched: list[Mismatch]
    paired: list[tuple[BankItem, JournalItem]]  # no transaction id on the entry: same day and amount
    opening: Decimal  # the journal's balance of the account before start
    closing_day: dt.date | None = None  # the last day in the range with statement lines
    statement_closing: Decimal | None = None
    journal_closing: Decimal | None = None
    totals: dict[str, Decimal] = field(default_factory=dict)

    @property
    def closing_difference(self) -> Decimal | None:
        if self.statement_closing is None or self.journal_closing is None:
            return None
        return self.statement_closing - self.journal_closing

    @property
    def differing_days(self) -> list[DayRow]:
        return [row for row in self.days if row.differs]

    @property
    def ok(self) -> bool:
        return not (
            self.differing_days or self.bank_only or self.journal_only or self.mismatched or self.closing_difference
        )


def _money_sum(expression: str, **kwargs: Any) -> Sum:
    return Sum(expression, output_field=MoneyField(), **kwargs)


def _negated(amount: Decimal | None) -> Decimal:
    """Minus the amount; never -0.00, which would print as such."""
    return -amount if amount else ZERO


def _entry_on_bank(bank: Account) -> Exists:
    """An entry posted to this bank account with the statement line's transaction id."""
    return Exists(JournalEntry.objects.filter(bank_txn_id=OuterRef("txn_id"), lines__account=bank))


def reconcile(bank: Account, start: dt.date, end: dt.date) -> Reconciliation:
    """Bank statement against journal for [start, end]: per day (two GROUP BY queries), the
    unmatched and mismatched items (one query each), closing balances."""
    first, last = start.toordinal(), end.toordinal()
    statement = BankStatementLine.objects.filter(bank_account=bank, txn_date__gte=start, txn_date__lte=end)
    journal = JournalLine.objects.filter(account=bank, day__gte=first, day__lte=last)

    days: dict[dt.date, DayRow] = {}
    # The day's closing balance is on its last line: lines are stored in statement order.
    closing_balance = Subquery(
        BankStatementLine.objects.filter(bank_account=bank, txn_date=OuterRef("txn_date"))
        .order_by("-id")
        .values("balance")[:1],
        output_field=MoneyField(),
    )
    for bank_row in (
        statement.order_by()
        .values("txn_date")
        .annotate(
            inflow=_money_sum("amount", filter=Q(amount__gt=ZERO)),
            outflow=_money_sum("amount", filter=Q(amount__lt=ZERO)),
            lines=Count("id"),
        )
        .annotate(closing=closing_balance)
    ):
        day = days.setdefault(bank_row["txn_date"], DayRow(bank_row["txn_date"]))
        day.bank_in, day.bank_out = bank_row["inflow"] or ZERO, _negated(bank_row["outflow"])
        day.bank_lines, day.bank_closing = bank_row["lines"], bank_row["closing"]
    for journal_row in (
        journal.order_by()
        .values("day")
        .annotate(
            inflow=_money_sum("amount", filter=Q(amount__gt=ZERO)),
            outflow=_money_sum("amount", filter=Q(amount__lt=ZERO)),
            lines=Count("id"),
        )
    ):
        date = dt.date.fromordinal(journal_row["day"])
        day = days.setdefault(date, DayRow(date))
        day.journal_in, day.journal_out = journal_row["inflow"] or ZERO, _negated(journal_row["outflow"])
        day.journal_lines = journal_row["lines"]

    before = JournalLine.objects.filter(account=bank, day__lt=first).aggregate(s=_money_sum("amount"))["s"]
    opening = before or ZERO
    running = opening
    ordered = [days[d] for d in sorted(days)]
    for day in ordered:
        running += day.journal_net
        day.journal_closing = running

    bank_only = [
        BankItem(txn_id, txn_date, amount, memo)
        for txn_id, txn_date, amount, memo in statement.filter(~_entry_on_bank(bank))
        .order_by("txn_date", "id")
        .values_list("txn_id", "txn_date", "amount", "memo")
    ]
    journal_only = [
        JournalItem(
            r["entry__seq"],
            r["entry__value_date"],
            str(JournalEntry.Kind(r["entry__kind"]).label),
            r["entry__memo"],
            r["amount"],
            r["entry__bank_txn_id"],
        )
        for r in journal.filter(
            ~Exists(BankStatementLine.objects.filter(bank_account=bank, txn_id=OuterRef("entry__bank_txn_id")))
        )
        .order_by("entry__seq")
        .values("entry__seq", "entry__value_date", "entry__kind", "entry__memo", "entry__bank_txn_id")
        .annotate(amount=_money_sum("amount"))
    ]
    entry_amount = Subquery(
        JournalLine.objects.filter(account=bank, entry__bank_txn_id=OuterRef("txn_id"))
        .order_by()
        .values("entry_id")
        .annotate(s=Sum("amount"))
        .values("s")[:1],
        output_field=MoneyField(),
    )
    entry = JournalEntry.objects.filter(bank_txn_id=OuterRef("txn_id"), lines__account=bank)
    # Lines outside the dates whose entry is inside them: a date that differs across the range's edge.
    ids_in_range = (
        JournalEntry.objects.filter(lines__account=bank, value_date__gte=start, value_date__lte=end)
        .exclude(bank_txn_id=None)
        .values("bank_txn_id")
    )
    mismatched = [
        Mismatch(r["txn_id"], r["txn_date"], r["amount"], r["entry_seq"], r["entry_date"], r["entry_amount"])
        for r in BankStatementLine.objects.filter(bank_account=bank)
        .annotate(
            entry_seq=Subquery(entry.values("seq")[:1]),
            entry_date=Subquery(entry.values("value_date")[:1]),
            entry_amount=entry_amount,
        )
        .filter(entry_seq__isnull=False)
        .filter(Q(txn_date__gte=start, txn_date__lte=end) | Q(txn_id__in=Subquery(ids_in_range)))
        .exclude(txn_date=F("entry_date"), amount=F("entry_amount"))
        .order_by("txn_date", "id")
        .values("txn_id", "txn_date", "amount", "entry_seq", "entry_date", "entry_amount")
    ]
    bank_only, journal_only, paired = _pair_by_day_and_amount(bank_only, journal_only)

    result = Reconciliation(bank, start, end, ordered, bank_only, journal_only, mismatched, paired, opening)
    with_statement = [row for row in ordered if row.bank_closing is not None]
    if with_statement:
        last_day = with_statement[-1]
        result.closing_day = last_day.day
        result.statement_closing = last_day.bank_closing
        result.journal_closing = last_day.journal_closing
    result.totals = {
        "bank_in": sum((r.bank_in for r in ordered), ZERO),
        "bank_out": sum((r.bank_out for r in ordered), ZERO),
        "journal_in": sum((r.journal_in for r in ordered), ZERO),
        "journal_out": sum((r.journal_out for r in ordered), ZERO),
    }
    return result


def _pair_by_day_and_amount(
    bank_only: list[BankItem], journal_only: list[JournalItem]
) -> tuple[list[BankItem], list[JournalItem], list[tuple[BankItem, JournalItem]]]:
    """Entries the center posted without a bank transaction id (payments out, interest) are paired
    one to one with an unmatched statement line of the same day and amount; the rest stay unmatched."""
    waiting: dict[tuple[dt.date, Decimal], list[JournalItem]] = defaultdict(list)
    for item in journal_only:
        if item.bank_txn_id is None:
            waiting[(item.value_date, item.amount)].append(item)
    paired: list[tuple[BankItem, JournalItem]] = []
    still_bank: list[BankItem] = []
    used: set[int] = set()
    for line in bank_only:
        candidates = waiting.get((line.txn_date, line.amount))
        if candidates:
            item = candidates.pop(0)
            used.add(item.seq)
            paired.append((line, item))
        else:
            still_bank.append(line)
    return still_bank, [item for item in journal_only if item.seq not in used], paired


def default_range(bank: Account) -> tuple[dt.date, dt.date]:
    """The month of the account's latest statement line, or the current month."""
    latest = BankStatementLine.objects.filter(bank_account=bank).aggregate(d=Max("txn_date"))["d"]
    anchor = latest or timezone.localdate()
    start = anchor.replace(day=1)
    following = (start + dt.timedelta(days=32)).replace(day=1)
    return start, following - dt.timedelta(days=1)


def statement_balance_violations() -> list[tuple[str, str]]:
    """(rule, message) for each bank account whose last statement balance differs from the journal's
    balance of that account up to the same day; for `anju fund check`. Two queries in all."""
    last = BankStatementLine.objects.filter(bank_account=OuterRef("pk")).order_by("-txn_date", "-id")
    banks = list(
        Account.objects.filter(kind=Account.Kind.BANK)
        .annotate(
            last_date=Subquery(last.values("txn_date")[:1]),
            last_balance=Subquery(last.values("balance")[:1], output_field=MoneyField()),
        )
        .filter(last_date__isnull=False)
        .order_by("pk")
    )
    if not banks:
        return []
    up_to = functools.reduce(
        operator.or_,
        (Q(account_id=b.pk, day__lte=b.last_date.toordinal()) for b in banks),
    )
    sums = dict(
        JournalLine.objects.filter(up_to)
        .order_by()
        .values("account_id")
        .annotate(s=_money_sum("amount"))
        .values_list("account_id", "s")
    )
    violations = []
    for bank in banks:
        journal = sums.get(bank.pk) or ZERO
        statement: Decimal = bank.last_balance
        if journal != statement:
            day: dt.date = bank.last_date
            violations.append(
                (
                    "statement",
                    f"{bank.name}（{bank.bank_account_number}）{day.isoformat()} 银行对账单余额 {statement} "
                    f"与账簿专户余额 {journal} 不符，差额 {statement - journal}",
                )
            )
    return violations
