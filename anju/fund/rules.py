"""Pure rules of the maintenance fund (no Django): interest by accumulated daily balances (积数),
replenishment, deposit amounts. The database queries in ledger.py implement the same formulas
set-based; the tests check them against these."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Hashable, Iterable, Mapping
from decimal import Decimal

from anju.lib.money import apportion, round_fen

REPLENISH_THRESHOLD = Decimal("0.30")


def days_in_year(year: int) -> int:
    return 366 if calendar.isleap(year) else 365


def daily_balance_sum(movements: Iterable[tuple[dt.date, Decimal]], start: dt.date, end: dt.date) -> Decimal:
    """积数: the sum over each calendar day from start to end (inclusive) of the balance at the end
    of that day. Money in on day D counts from D; money out on D stops counting on D (算头不算尾),
    so a movement on D weighs (end - D + 1) days, and one before start weighs the whole period."""
    total = Decimal(0)
    period = (end - start).days + 1
    for day, amount in movements:
        if day > end:
            continue
        weight = period if day < start else (end - day).days + 1
        total += amount * weight
    return total


def line_weight(day: int, start: int, end: int) -> int:
    """The same weight on day numbers (date.toordinal()); what the SQL CASE computes."""
    if day > end:
        return 0
    return end - start + 1 if day < start else end - day + 1


def split_interest[K: Hashable](
    amount: Decimal, pooled_percent: Decimal | None, weights: Mapping[K, Decimal]
) -> tuple[Decimal, dict[K, Decimal]]:
    """The pooled account's share (percent of amount, half up to the fen) and each account's part of
    the rest in proportion to its 积数, exact to the fen (largest remainders, ties by key)."""
    if amount <= 0:
        raise ValueError("interest amount must be positive")
    pooled = Decimal("0.00")
    if pooled_percent is not None:
        if not Decimal(0) <= pooled_percent <= Decimal(100):
            raise ValueError("pooled share must be between 0 and 100 percent")
        pooled = round_fen(amount * pooled_percent / 100)
    rest = amount - pooled
    positive = {k: w for k, w in weights.items() if w > 0}
    if rest and not positive:
        raise ValueError("no account held a balance in the period")
    return pooled, (apportion(rest, positive) if rest else {k: Decimal("0.00") for k in positive})


def needs_replenishment(balance: Decimal, first_deposit: Decimal) -> bool:
    """Art. 17: a unit whose balance fell below 30% of its first deposit must top up."""
    return first_deposit > 0 and balance < first_deposit * REPLENISH_THRESHOLD


def replenishment_amount(balance: Decimal, first_deposit: Decimal) -> Decimal:
    """What restores the balance to the first deposit (the usual top-up notice amount)."""
    return max(Decimal("0.00"), first_deposit - balance)


def deposit_amount(area: Decimal, rate_per_m2: Decimal) -> Decimal:
    """First deposit: floor area × the published rate (元/m²), rounded half up to the fen."""
    if area <= 0:
        raise ValueError("area must be positive")
    if rate_per_m2 <= 0:
        raise ValueError("rate must be positive")
    return round_fen(area * rate_per_m2)


def year_bounds(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)
