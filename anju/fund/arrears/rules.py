"""Pure rules of arrears recovery: the stage of a case from its timeline, an item's status, the split
of a lump-sum payment over a case's items. No Django imports."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from decimal import Decimal

from anju.lib.money import apportion

# Action kinds.
NOTICE = "notice"  # 追缴告知书
NOT_SERVED = "not_served"  # 告知书无法送达
INTERVIEW = "interview"  # 约谈
JOINT_INTERVIEW = "joint"  # 联合约谈 (police, tax, urban management)
TRANSFER = "transfer"  # 移交城管行政追缴
CIVIL_SUIT = "civil_suit"  # 委托律所民事诉讼
AUCTION_STARTED = "auction"  # 抵押资产拍卖
FAILED_AUCTION = "failed_auction"  # 流拍
ACTION_KINDS = (NOTICE, NOT_SERVED, INTERVIEW, JOINT_INTERVIEW, TRANSFER, CIVIL_SUIT, AUCTION_STARTED, FAILED_AUCTION)
INTERVIEW_KINDS = (INTERVIEW, JOINT_INTERVIEW)

_CHINESE_DIGITS = "零一两三四五六七八九十"


def chinese_count(n: int) -> str:
    """How many times, as the center writes it before 次 (两次拍卖, 三次拍卖); Arabic digits past ten."""
    return _CHINESE_DIGITS[n] if 0 <= n <= 10 else str(n)


# Stages, in the order a case moves through them.
OPEN = "open"
NOTIFIED = "notified"
UNSERVED = "unserved"
INTERVIEWED = "interviewed"
ENFORCEMENT = "enforcement"
AUCTION = "auction"
RECOVERED = "recovered"
STAGES = (OPEN, UNSERVED, NOTIFIED, INTERVIEWED, ENFORCEMENT, AUCTION, RECOVERED)

# How far each action takes a case; a notice not served ranks with a served one, and the later of the
# two decides which it shows.
_RANK = {
    NOTICE: 1,
    NOT_SERVED: 1,
    INTERVIEW: 2,
    JOINT_INTERVIEW: 2,
    TRANSFER: 3,
    CIVIL_SUIT: 3,
    AUCTION_STARTED: 4,
    FAILED_AUCTION: 4,
}
_STAGE_OF_RANK = {0: OPEN, 2: INTERVIEWED, 3: ENFORCEMENT, 4: AUCTION}

# Item statuses.
OWED = "owed"
PARTIAL = "partial"
ITEM_RECOVERED = "recovered"


def case_stage(actions_in_order: Iterable[str], owed: Decimal, recovered: Decimal) -> str:
    """The stage of a case: recovered once nothing is outstanding, else the furthest step its timeline
    (action kinds in date order) has reached. Unknown kinds raise ValueError."""
    if recovered < 0 or owed < 0 or recovered > owed:
        raise ValueError("recovered must be between 0 and the amount owed")
    if owed > 0 and recovered == owed:
        return RECOVERED
    rank = 0
    last_notice = ""
    for kind in actions_in_order:
        if kind not in _RANK:
            raise ValueError(f"unknown action kind: {kind}")
        rank = max(rank, _RANK[kind])
        if _RANK[kind] == 1:
            last_notice = kind
    if rank == 1:
        return UNSERVED if last_notice == NOT_SERVED else NOTIFIED
    return _STAGE_OF_RANK[rank]


def item_status(amount: Decimal, recovered: Decimal) -> str:
    if recovered <= 0:
        return OWED
    return ITEM_RECOVERED if recovered >= amount else PARTIAL


def split_recovery[K: Hashable](amount: Decimal, outstanding: Mapping[K, Decimal]) -> dict[K, Decimal]:
    """Shares of a payment over the items still owed: each its whole outstanding amount when the payment
    clears the case, else in proportion to what each still owes (largest remainder, ties by key).
    No share exceeds its item's outstanding amount. A payment above the total, non-positive, or with more
    than two decimals raises ValueError."""
    owed = {key: value for key, value in outstanding.items() if value > 0}
    total = sum(owed.values(), Decimal(0))
    if amount <= 0:
        raise ValueError("amount must be positive")
    if amount > total:
        raise ValueError("amount exceeds what is outstanding")
    if amount == total:
        return dict(owed)
    # Below the total every share is under its item's outstanding amount: floor(x) + 1 fen <= owed when x < owed.
    return apportion(amount, owed)
