"""Pure rules of public rental housing: rent, the lottery, billing months, arrears ageing, rates, and the
exit workflow as a table.

No Django here: the lottery in particular must be re-runnable by anyone from its published inputs
with nothing but Python's hashlib (see docs/rental.md)."""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from anju.lib.workflow import Flow, approval_steps
from anju.rental.errors import RentalError

FEN = Decimal("0.01")
AGEING_BUCKETS = ("0-30", "31-90", "91-180", ">180")


def monthly_rent(area: Decimal, per_m2: Decimal, reduction_percent: Decimal) -> Decimal:
    """area × rate per m² × (1 − reduction), rounded half up to the fen once, at the end."""
    return (area * per_m2 * (Decimal(100) - reduction_percent) / Decimal(100)).quantize(FEN, rounding=ROUND_HALF_UP)


def month_start(value: dt.date) -> dt.date:
    return value.replace(day=1)


def month_end(value: dt.date) -> dt.date:
    return value.replace(day=calendar.monthrange(value.year, value.month)[1])


def parse_month(text: str) -> dt.date:
    """'YYYY-MM' as the first day of the month (RentalError, a ValueError, otherwise)."""
    try:
        year, month = text.strip().split("-")
        if len(year) != 4 or len(month) != 2:
            raise ValueError
        return dt.date(int(year), int(month), 1)
    except ValueError as exc:
        raise RentalError(f"月份格式应为 YYYY-MM：{text}", code="bad_month", field="month") from exc


def is_billed(month: dt.date, start: dt.date, ended_on: dt.date | None) -> bool:
    """A lease is billed a whole month when the month's first day lies between its start and the day it
    ended (moved out, renewed, exited): the move-in month is free when the lease starts after the 1st,
    the move-out month is owed in full. The term's end date does not stop the billing: a household
    still living in a home past its term (a renewal pending) owes the rent and is counted in force,
    and such leases are listed as a to-do ("leases past their term")."""
    return start <= month and (ended_on is None or month <= ended_on)


def billed_months(year: int, start: dt.date, ended_on: dt.date | None) -> int:
    return sum(1 for m in range(1, 13) if is_billed(dt.date(year, m, 1), start, ended_on))


def ageing_bucket(days_overdue: int) -> str:
    """The arrears ageing bucket of a bill overdue by so many days (0-30, 31-90, 91-180, >180)."""
    if days_overdue <= 30:
        return "0-30"
    if days_overdue <= 90:
        return "31-90"
    if days_overdue <= 180:
        return "91-180"
    return ">180"


def percent(numerator: Decimal | int, denominator: Decimal | int) -> Decimal:
    """A percentage with two decimals, half up; 0.00 when the denominator is zero."""
    if not denominator:
        return Decimal("0.00")
    return (Decimal(numerator) * 100 / Decimal(denominator)).quantize(FEN, rounding=ROUND_HALF_UP)


# --- the lottery (摇号) ------------------------------------------------------------------------------


def lottery_key(seed: str, label: str) -> str:
    """SHA-256 (hex) of the UTF-8 text "<seed>|<label>"."""
    return hashlib.sha256(f"{seed}|{label}".encode()).hexdigest()


def lottery_order(seed: str, labels: Iterable[str]) -> list[str]:
    """The labels (household numbers or unit codes) ordered by their key, ties by label."""
    unique = sorted(set(labels))
    return sorted(unique, key=lambda label: (lottery_key(seed, label), label))


@dataclass(frozen=True)
class Pick:
    rank: int
    household: str
    unit: str | None  # None: ranked but no home left; stays on the waiting list in this order


def draw(seed: str, households: Iterable[str], units: Iterable[str]) -> list[Pick]:
    """The draw: households ranked by SHA-256(seed|household number); homes ordered the same way by
    SHA-256(seed|unit code); the household of rank k gets the home of rank k while homes last."""
    ranked = lottery_order(seed, households)
    homes = lottery_order(seed, units)
    return [
        Pick(rank, number, homes[rank - 1] if rank <= len(homes) else None) for rank, number in enumerate(ranked, 1)
    ]


def inputs_hash(draw_on: dt.date, households: Iterable[str], units: Iterable[str]) -> str:
    """SHA-256 (hex) of the frozen inputs of an announced draw, as the UTF-8 text of three lines:
    the draw date (YYYY-MM-DD), the household numbers sorted and joined by commas, the unit codes
    sorted and joined by commas."""
    text = f"{draw_on:%Y-%m-%d}\n{','.join(sorted(set(households)))}\n{','.join(sorted(set(units)))}"
    return hashlib.sha256(text.encode()).hexdigest()


def draw_seed(inputs_hash_hex: str, external_value: str) -> str:
    """The draw's seed: SHA-256 (hex) of "<inputs hash>|<external value>" — the value published by the
    named outside source on the draw date, unknown when the inputs were frozen."""
    return hashlib.sha256(f"{inputs_hash_hex}|{external_value.strip()}".encode()).hexdigest()


def draw_as_json(picks: list[Pick]) -> list[dict[str, object]]:
    return [{"rank": p.rank, "household": p.household, "unit": p.unit} for p in picks]


# --- the exit workflow (清退: 经办 → 审核 → 审批, then the notice) ------------------------------------------
# No money leaves, so two people suffice: the reviewer and the approver each differ from the preparer. Once
# approved, the notice is served (notified), notices again and forced exit follow, and the home is handed
# back (completed): those are actions with dates of their own, not approval steps.

EXIT_OPEN = ("draft", "submitted", "reviewed")
EXIT_FLOW = Flow(steps=approval_steps(EXIT_OPEN), distinct=2)
