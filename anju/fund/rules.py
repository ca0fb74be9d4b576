"""Pure rules of the maintenance fund (no Django): interest by accumulated daily balances (积数),
replenishment, deposit amounts, owner votes, the settlement split of a repair, and the workflows of use
applications and refunds as tables. The database queries in ledger.py implement the same formulas
set-based; the tests check them against these."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from anju.lib.errors import DomainError
from anju.lib.money import FEN, apportion, round_fen
from anju.lib.workflow import Flow, Step, approval_steps

REPLENISH_THRESHOLD = Decimal("0.30")
ZERO = Decimal("0.00")


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


NO_POSITIVE_BALANCE = "该年度没有余额为正的分户账，无法分配利息"


def pooled_share(amount: Decimal, pooled_percent: Decimal | None) -> Decimal:
    """The pooled account's share of the interest: percent of amount, half up to the fen."""
    if amount <= 0:
        raise ValueError("利息金额必须大于零")
    if pooled_percent is None:
        return Decimal("0.00")
    if not Decimal(0) <= pooled_percent <= Decimal(100):
        raise ValueError("统筹比例须在0%至100%之间")
    return round_fen(amount * pooled_percent / 100)


def split_interest[K: Hashable](
    amount: Decimal, pooled_percent: Decimal | None, weights: Mapping[K, Decimal]
) -> tuple[Decimal, dict[K, Decimal]]:
    """The pooled account's share (percent of amount, half up to the fen) and each account's part of
    the rest in proportion to its 积数, exact to the fen (largest remainders, ties by key)."""
    pooled = pooled_share(amount, pooled_percent)
    rest = amount - pooled
    positive = {k: w for k, w in weights.items() if w > 0}
    if rest and not positive:
        raise ValueError(NO_POSITIVE_BALANCE)
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


# Owner votes (业主表决) on using or raising the fund.
CIVIL_CODE_2021 = "civil_code_2021"
TWO_THIRDS_2007 = "two_thirds_2007"
VOTE_RULES = (CIVIL_CODE_2021, TWO_THIRDS_2007)
USE = "use"
RAISE = "raise"
VOTE_MATTERS = (USE, RAISE)
RATIO_PLACES = Decimal("0.0001")


@dataclass(frozen=True)
class VoteOutcome:
    """The outcome of an owner vote under a rule; ratios are shown to four places, the thresholds are
    compared exactly (cross-multiplied, never on rounded ratios)."""

    rule: str
    matter: str
    quorum_met: bool
    passed: bool
    area_participation: Decimal  # voted area / total area
    owner_participation: Decimal  # voted owners / total owners
    agree_area_ratio: Decimal  # agreeing area / the rule's base (participating or total area)
    agree_owner_ratio: Decimal  # agreeing owners / the rule's base (participating or total owners)


def _ratio(part: Decimal | int, whole: Decimal | int) -> Decimal:
    return (Decimal(part) / Decimal(whole)).quantize(RATIO_PLACES) if whole else Decimal("0.0000")


def vote_outcome(
    rule: str,
    matter: str,
    total_area: Decimal,
    total_owners: int,
    voted_area: Decimal,
    voted_owners: int,
    agree_area: Decimal,
    agree_owners: int,
) -> VoteOutcome:
    """The outcome of a vote (民法典 278, 1259; 物权法 76).

    civil_code_2021: a quorum of owners holding ≥ 2/3 of the area AND ≥ 2/3 of the headcount took part
    (以上 includes the number); using the fund then needs the agreement of more than 1/2 of the
    participating area AND of the participating owners (过半数: exactly half fails); raising it needs
    ≥ 3/4 of both.
    two_thirds_2007: the older "double two-thirds": owners holding ≥ 2/3 of the TOTAL area AND ≥ 2/3 of
    the TOTAL headcount agree, for use and raise alike. The quorum shown is the same 2/3 participation;
    agreement of 2/3 of the totals implies it."""
    if rule not in VOTE_RULES:
        raise ValueError(f"unknown vote rule {rule!r}")
    if matter not in VOTE_MATTERS:
        raise ValueError(f"unknown vote matter {matter!r}")
    for name, number in (
        ("total_area", total_area),
        ("total_owners", total_owners),
        ("voted_area", voted_area),
        ("voted_owners", voted_owners),
        ("agree_area", agree_area),
        ("agree_owners", agree_owners),
    ):
        if number < 0:
            raise ValueError(f"{name} must not be negative")
    if total_area <= 0 or total_owners <= 0:
        raise ValueError("the vote needs a positive total area and at least one owner")
    if voted_area > total_area or voted_owners > total_owners:
        raise ValueError("more voted than there are")
    if agree_area > voted_area or agree_owners > voted_owners:
        raise ValueError("more agree than voted")
    quorum = voted_area * 3 >= total_area * 2 and voted_owners * 3 >= total_owners * 2
    if rule == CIVIL_CODE_2021:
        area_base, owner_base = voted_area, voted_owners
        if matter == USE:
            agreed = agree_area * 2 > voted_area and agree_owners * 2 > voted_owners
        else:
            agreed = agree_area * 4 >= voted_area * 3 and agree_owners * 4 >= voted_owners * 3
        passed = quorum and agreed
    else:
        area_base, owner_base = total_area, total_owners
        passed = agree_area * 3 >= total_area * 2 and agree_owners * 3 >= total_owners * 2
    return VoteOutcome(
        rule=rule,
        matter=matter,
        quorum_met=quorum,
        passed=passed,
        area_participation=_ratio(voted_area, total_area),
        owner_participation=_ratio(voted_owners, total_owners),
        agree_area_ratio=_ratio(agree_area, area_base),
        agree_owner_ratio=_ratio(agree_owners, owner_base),
    )


class BelowPaid(DomainError):
    """The total asked for is below what the keys already covered."""

    prefix = "fund.use"
    default_code = "below_paid"


def settlement_split[K: Hashable](
    final_cost: Decimal, weights: Mapping[K, Decimal], covered: Mapping[K, Decimal]
) -> dict[K, Decimal]:
    """The running total (the audited final cost, or the advances so far plus a new one) apportioned by
    the weights (largest remainders, ties by key), then each key's part = its share of the total minus
    what it already covered (earlier payments from its account or by the owner). Splitting every
    instalment on the running total keeps each key's cumulative payment at its share of what was paid
    so far, instead of letting the rounding of separate splits drift.

    No part is negative: where the plain split gives a key less than it covered (the largest-remainder
    method may move a fen against a larger total, and earlier instalments may have rounded a key up),
    the key keeps what it covered and the difference comes off the other keys, those furthest above
    their exact share first, in passes until it is met (a donor may give more than one fen). The parts
    sum exactly to total minus covered. A total below what was already covered raises BelowPaid (money
    is not paid back by a settlement); other bad arguments raise ValueError."""
    if any(k not in weights for k in covered):
        raise ValueError("covered keys must be among the weights")
    if any(c < 0 for c in covered.values()):
        raise ValueError("covered amounts must not be negative")
    covered_total = sum((covered.get(k, ZERO) for k in weights), ZERO)
    if final_cost < covered_total:
        raise BelowPaid("the total is below what was already paid")
    final = apportion(final_cost, weights)
    short = {k for k in weights if final[k] < covered.get(k, ZERO)}
    if short:
        weight_sum = sum(weights.values(), ZERO)
        need = sum((covered[k] - final[k] for k in short), ZERO)
        for k in short:
            final[k] = covered[k]

        def above_exact(k: K) -> Decimal:
            return final[k] - final_cost * weights[k] / weight_sum

        # Donors can always meet the need: what they hold above their cover is (total - covered) + need.
        while need > 0:
            donors = sorted(
                (k for k in weights if final[k] > covered.get(k, ZERO)),
                key=lambda k: (-above_exact(k), _key_order(k)),
            )
            if not donors:  # pragma: no cover - excluded by the check against covered_total above
                raise ValueError("the total cannot be split without a negative part")
            # One fen each per pass; a need far larger than the donors (covered not in proportion to the
            # weights) is taken in bigger even steps so the passes stay few.
            step = max(FEN, (need / len(donors)).quantize(FEN, rounding=ROUND_DOWN))
            for k in donors:
                if need <= 0:
                    break
                take = min(need, final[k] - covered.get(k, ZERO), step)
                final[k] -= take
                need -= take
    return {k: final[k] - covered.get(k, ZERO) for k in weights}


def _key_order(key: object) -> tuple[str, str]:
    return (type(key).__name__, str(key))


# --- workflows (经办 → 审核 → 审批): money leaves the fund, so three different people -------------------------

OPEN_STATES = ("draft", "submitted", "reviewed")
# Fund use: draft → submitted → reviewed → approved → (payments: paying → paid) → closed; withdrawn.
USE_FLOW = Flow(
    steps=(
        *approval_steps(OPEN_STATES, opinions=False, reject=False),
        Step("close", "归档", ("paid",), "closed", "handle", irreversible=True),
    ),
    distinct=3,
)
# Refund on demolition: draft → submitted → reviewed → approved (or rejected) → paid; withdrawn.
REFUND_FLOW = Flow(steps=approval_steps(OPEN_STATES), distinct=3)
