"""The range of a business date and of an amount that any line accepts (issue 18): a date from 1990 to a
year after today, an amount under 10 亿元. A value outside is a typing mistake, refused with a message
naming the field, never stored (a bill dated 2031, a receipt dated 1900, 8.5e60 元)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

EARLIEST = dt.date(1990, 1, 1)
AHEAD = dt.timedelta(days=366)
MAX_AMOUNT = Decimal("1000000000")  # 10 亿元


def date_problem(day: dt.date, field: str, today: dt.date, *, future: bool = True) -> str | None:
    """Why the day cannot be a business date of `field` (None when it can); `future=False`: not after today."""
    if day < EARLIEST:
        return f"{field}（{day:%Y-%m-%d}）早于{EARLIEST.year}年，请检查"
    latest = today + AHEAD if future else today
    if day > latest:
        return f"{field}（{day:%Y-%m-%d}）晚于{'一年以后' if future else '今天'}，请检查"
    return None


def amount_problem(amount: Decimal, field: str) -> str | None:
    """Why the amount cannot be one of `field` (None when it can): not a finite number, or 10 亿元 or more."""
    if not amount.is_finite():
        return f"{field}不是有效的金额"
    if abs(amount) >= MAX_AMOUNT:
        return f"{field}（{amount}）达到或超过10亿元，请检查"
    return None
