"""Petitions' rules (DOMAIN.md §5), pure: deadlines from a channel's dated rules, the deadline's state on a
day, the one extension, repeat windows, closure kinds at a date and rates.

A rule is counted in calendar days (信访工作条例 says 日: the start day is not counted and a last day that is
a rest day moves to the next working day, 民法典 第201、203条, `lib.dates.add_days`), in working days (the
12345 platform and the online channels, `lib.dates.add_working_days`) or in hours (urgent platform work
orders). A case keeps the deadlines it was given: a later rule does not move them."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from anju.lib import dates

DUE_SOON_WORKING_DAYS = 3  # the board's "due within 3 working days"
REPEAT_MONTHS = 12  # the same petitioner on the same subject within 12 months is a repeat
CENT = Decimal("0.01")


class Unit(enum.StrEnum):
    CALENDAR = "calendar"
    WORKING = "working"
    HOURS = "hours"


class Step(enum.StrEnum):
    """What a rule gives a limit for."""

    ACCEPT = "accept"  # 受理告知, from receipt
    FORWARD = "forward"  # 转送、交办, from receipt
    REPLY = "reply"  # 答复 (first reply), from acceptance or receipt
    COMPLETE = "complete"  # 办结, from acceptance or receipt
    EXTENSION = "extension"  # the most an extension may add to 办结
    REVIEW_REQUEST = "review_request"  # the petitioner may ask for 复查 until, from the reply
    REVIEW = "review"  # 复查意见, from the request
    REREVIEW_REQUEST = "rereview_request"  # the petitioner may ask for 复核 until, from the 复查 opinion
    REREVIEW = "rereview"  # 复核意见, from the request


class Start(enum.StrEnum):
    RECEIVED = "received"
    ACCEPTED = "accepted"
    REPLIED = "replied"
    REQUESTED = "requested"


@dataclass(frozen=True)
class Rule:
    step: str
    amount: int
    unit: str
    start: str
    effective_from: dt.date
    effective_to: dt.date | None = None

    def in_force(self, on: dt.date) -> bool:
        return self.effective_from <= on and (self.effective_to is None or on <= self.effective_to)


def rule_in_force(rules: Iterable[Rule], step: str, on: dt.date) -> Rule | None:
    """The rule of the step in force on the day (the latest that started on or before it)."""
    candidates = [r for r in rules if r.step == step and r.in_force(on)]
    return max(candidates, key=lambda r: r.effective_from, default=None)


@dataclass(frozen=True)
class Deadline:
    """`nominal` is the last day as counted; `due` the day it is overdue after (past rest days for calendar
    days; the same day for working days and hours)."""

    nominal: dt.date
    due: dt.date


def deadline(
    start: dt.date, amount: int, unit: str, calendar: dates.Calendar | None = None, *, at: dt.datetime | None = None
) -> Deadline:
    """The deadline `amount` units after `start` (the start day itself not counted). Hours count from `at`
    (the time of receipt) when given. Raises `dates.CalendarMissing` for a year without its holiday calendar."""
    if amount < 0:
        raise ValueError("amount must not be negative")
    if unit == Unit.CALENDAR:
        nominal = start + dt.timedelta(days=amount)
        return Deadline(nominal, dates.roll_forward(nominal, calendar))
    if unit == Unit.WORKING:
        due = dates.add_working_days(start, amount, calendar)
        return Deadline(due, due)
    if unit == Unit.HOURS:
        moment = (at or dt.datetime.combine(start, dt.time())) + dt.timedelta(hours=amount)
        return Deadline(moment.date(), moment.date())
    raise ValueError(f"unknown unit {unit!r}")


def extended(start: dt.date, amount: int, extra: int, unit: str, calendar: dates.Calendar | None = None) -> Deadline:
    """The completion deadline once extended by `extra` units in the rule's own unit: counted again from the
    same start (accepted 2024-03-01, 60 + 30 days → 05-30)."""
    return deadline(start, amount + extra, unit, calendar)


def extension_refusal(already: int, requested: int, maximum: int | None) -> str | None:
    """Why an extension is refused (one per case, within the rule's maximum), or None."""
    if already:
        return "每件只能延期一次，本件已延期"
    if requested <= 0:
        return "延期天数须为正整数"
    if maximum is None:
        return "该渠道没有延期规则，不能延期"
    if requested > maximum:
        return f"延期不能超过{maximum}天（该渠道规则的上限）"
    return None


class State(enum.StrEnum):
    DONE = "done"
    ON_TIME = "on_time"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"


def state_on(
    day: dt.date, nominal: dt.date, due: dt.date, met_on: dt.date | None = None, calendar: dates.Calendar | None = None
) -> State:
    """A deadline's state on a day: met; overdue only after `due`; due soon from the nominal day on or within
    3 working days of `due`; otherwise on time. A year without its calendar counts by calendar days."""
    if met_on is not None:
        return State.DONE
    if day > due:
        return State.OVERDUE
    if day >= nominal:
        return State.DUE_SOON
    try:
        left = dates.count_working_days(day, due, calendar)
    except dates.CalendarMissing:
        left = (due - day).days
    return State.DUE_SOON if left <= DUE_SOON_WORKING_DAYS else State.ON_TIME


def met_in_time(met_on: dt.date | None, due: dt.date) -> bool:
    return met_on is not None and met_on <= due


def repeat_window_start(received_on: dt.date) -> dt.date:
    """The first day of the 12 months before a receipt in which an earlier case makes it a repeat."""
    return dates.add_months(received_on, -REPEAT_MONTHS)


class Closure(enum.StrEnum):
    SUBSTANTIVE = "substantive"  # 实体办结
    PROCEDURAL = "procedural"  # 程序性办结


def closure_on(kind: str, closed_on: dt.date | None, converted_on: dt.date | None, as_of: dt.date) -> Closure | None:
    """The closure kind a case had on a day: a procedural closure converted later is procedural until the
    conversion's day (the first closure's date stands)."""
    if closed_on is None or closed_on > as_of or not kind:
        return None
    if converted_on is not None and converted_on > as_of:
        return Closure.PROCEDURAL
    return Closure(kind)


def percent(part: int | Decimal, whole: int | Decimal) -> Decimal | None:
    """part ÷ whole × 100 to two places (None when the whole is zero)."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(CENT, rounding=ROUND_HALF_UP)


def satisfaction_rate(satisfied: int, basically: int, reached: int) -> Decimal | None:
    """(满意 + 基本满意) ÷ reached × 100."""
    return percent(satisfied + basically, reached)
