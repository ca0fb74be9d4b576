"""Termite control's rules (DOMAIN.md §3), pure: the warranty's end, whether a day is under warranty,
which buildings a year's revisit plan is due for, fees and the revisit rate.

The warranty runs from the acceptance day (验收) for N years (包治期限, at least 15 by the national
rule): its nominal last day is the corresponding day N years on, or that month's last day
(民法典 第202条, `lib.dates.add_years`); where that day is a rest day the period ends on the next
working day (第203条), known once the year's holiday calendar is loaded; a date stated in the contract
wins (第204条)."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from anju.lib import dates

NATIONAL_MINIMUM_YEARS = 15
DEFAULT_YEARS = 15
FOLLOW_UP_DAYS = 30  # a control job's follow-up visit (复查) after treatment
CENT = Decimal("0.01")


def nominal_end(accepted_on: dt.date, years: int) -> dt.date:
    """The warranty's nominal last day: the corresponding day `years` on, or that month's last day."""
    if years <= 0:
        raise ValueError("warranty years must be positive")
    return dates.add_years(accepted_on, years)


def effective_end(
    nominal: dt.date, explicit: dt.date | None = None, calendar: dates.Calendar | None = None
) -> tuple[dt.date, bool]:
    """(the last day of the warranty, whether it is final): the contract's own date, else the nominal
    day moved past rest days (203). Until the year's holiday calendar is loaded the nominal day stands,
    not final."""
    if explicit is not None:
        return explicit, True
    try:
        return dates.roll_forward(nominal, calendar), True
    except dates.CalendarMissing:
        return nominal, False


def under_warranty(day: dt.date, accepted_on: dt.date | None, end: dt.date | None) -> bool:
    """A day from the acceptance day itself to the last day, inclusive."""
    return accepted_on is not None and end is not None and accepted_on <= day <= end


def revisit_due(year: int, accepted_on: dt.date | None, end: dt.date | None) -> bool:
    """Year Y's default plan: accepted on or before 31 December Y−1, warranty not ended before 1 January Y."""
    return (
        accepted_on is not None
        and end is not None
        and accepted_on <= dt.date(year - 1, 12, 31)
        and end >= dt.date(year, 1, 1)
    )


def short_warranty(years: int) -> bool:
    """Fewer years than the national minimum: allowed by some local rules, warned about."""
    return years < NATIONAL_MINIMUM_YEARS


def fee(quantity: Decimal, rate: Decimal, minimum: Decimal = Decimal(0)) -> Decimal:
    """rate × max(quantity, minimum), rounded half up to the fen once."""
    if quantity < 0 or rate < 0:
        raise ValueError("quantity and rate must not be negative")
    return (max(quantity, minimum) * rate).quantize(CENT, rounding=ROUND_HALF_UP)


def rate_percent(done: Decimal, due: Decimal) -> Decimal | None:
    """done ÷ due × 100 to two places (None when nothing was due)."""
    if due <= 0:
        return None
    return (done * 100 / due).quantize(CENT, rounding=ROUND_HALF_UP)
