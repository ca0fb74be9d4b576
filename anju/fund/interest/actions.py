"""Crediting the year's bank interest (增值收益) to the unit accounts by accumulated daily balances."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection, transaction

from anju.core.models import User
from anju.fund import ledger, rules
from anju.fund.errors import InterestError
from anju.fund.models import Account, JournalEntry, JournalLine
from anju.registry.models import Unit


@dataclass
class InterestResult:
    year: int
    amount: Decimal
    accounts: int
    pooled: Decimal
    credited: Decimal
    entry: JournalEntry

    def as_dict(self) -> dict[str, object]:
        return {
            "year": self.year,
            "amount": f"{self.amount:.2f}",
            "accounts": self.accounts,
            "pooled": f"{self.pooled:.2f}",
            "credited": f"{self.credited:.2f}",
        }


def unit_day_sums(year: int) -> list[tuple[int, str, int]]:
    """(account id, unit code, 积数 in fen-days) for every open unit account with a positive 积数 in the year,
    in one aggregate query: each line weighs the days from its value date (or the year's first
    day) to the year's last day, inclusive."""
    start, end = (d.toordinal() for d in rules.year_bounds(year))
    a = connection.ops.quote_name(Account._meta.db_table)
    line = connection.ops.quote_name(JournalLine._meta.db_table)
    unit = connection.ops.quote_name(Unit._meta.db_table)
    sql = (
        f"SELECT l.account_id, u.code, -SUM(l.amount * CASE WHEN l.day < %s THEN %s ELSE %s - l.day END) AS s "
        f"FROM {line} l JOIN {a} a ON a.id = l.account_id JOIN {unit} u ON u.id = a.unit_id "
        f"WHERE a.kind = 'unit' AND a.closed IS NULL AND l.day <= %s "
        f"GROUP BY l.account_id, u.code HAVING -SUM(l.amount * CASE WHEN l.day < %s THEN %s ELSE %s - l.day END) > 0"
    )
    period = end - start + 1
    params = [start, period, end + 1, end, start, period, end + 1]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [(int(r[0]), str(r[1]), int(r[2])) for r in cursor.fetchall()]


@transaction.atomic
def allocate_interest(
    year: int,
    amount: Decimal,
    *,
    pooled_percent: Decimal | None = None,
    actor: User | None = None,
    bank: Account | None = None,
) -> InterestResult:
    """Credit AMOUNT of the year's interest: the pooled share first, the rest to the unit accounts by
    积数, cut to the fen with leftover fens to the largest remainders (ties by unit code). Refuses a
    second allocation for the same year."""
    document = f"interest:{year}"
    # The ledger head lock inside post_bulk serializes allocations; check again under it.
    if JournalEntry.objects.filter(kind=JournalEntry.Kind.INTEREST, document=document).exists():
        raise InterestError(f"{year} 年度利息已分配，不能重复分配", code="already_allocated")
    if bank is None:
        banks = list(Account.objects.filter(kind=Account.Kind.BANK, closed__isnull=True).order_by("pk")[:2])
        if len(banks) != 1:
            raise InterestError("请指定利息入账的专户（--bank）" if banks else "尚未设立专户", code="bank_required")
        bank = banks[0]
    sums = unit_day_sums(year)
    by_code = {code: (account_id, weight) for account_id, code, weight in sums}
    try:
        pooled, parts = rules.split_interest(
            amount, pooled_percent, {code: Decimal(w) for code, (_, w) in by_code.items()}
        )
    except ValueError as exc:
        raise InterestError(str(exc), code="invalid_amount") from exc
    lines: list[tuple[int, Decimal]] = [(bank.pk, amount)]
    if pooled:
        lines.append((ledger.fund_account(Account.Kind.POOLED).pk, -pooled))
    credited = Decimal("0.00")
    count = 0
    for code, part in parts.items():
        if part:
            lines.append((by_code[code][0], -part))
            credited += part
            count += 1
    entry = ledger.post_bulk(
        kind=JournalEntry.Kind.INTEREST,
        value_date=dt.date(year, 12, 31),
        lines=lines,
        actor=actor,
        memo=f"{year}年度增值收益分配",
        document=document,
    )
    return InterestResult(year, amount, count, pooled, credited, entry)
