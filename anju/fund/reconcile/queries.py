"""The reconciliation (对账, art. 30): the imported bank statement compared day by day with the
journal's postings to the special account, and the statement balance check of `anju fund check`."""

from __future__ import annotations

import datetime as dt
import functools
import operator
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, F, Max, OuterRef, Q, Subquery, Sum
from django.utils import timezone

from anju.core.fields import MoneyField
from anju.fund.models import Account, BankStatementLine, JournalEntry, JournalLine

ZERO = Decimal("0.00")


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
