"""The demo fund's plan (`anju.fund.demo`): the units, projects and bank accounts it draws on, and the entries
and repairs it plans before posting them; the use applications' demo step (`anju.fund.use.demo`) reads the
repairs it paid."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from anju.fund.models import Account


@dataclass(frozen=True)
class Repair:
    name: str
    low: int  # 元
    high: int
    entrance_only: bool = False
    needs_lift: bool = False
    emergency: bool = False


@dataclass
class UnitInfo:
    unit: int
    account: int
    code: str
    project: int
    building: int
    entrance: str
    area: Decimal
    standard: tuple[str, str]  # (building type, use class) of its deposit standard
    lifts: int
    fen: int = 0  # the deposit due, then paid (0 when never paid)
    paid_on: dt.date | None = None
    spent: int = 0  # on repairs so far


@dataclass(frozen=True)
class ProjectInfo:
    pk: int
    code: str
    name: str
    index: int
    unreachable: bool


@dataclass
class Posting:
    """An entry to post: the bank line first, then the unit lines, as (account id, fen debit-positive)."""

    day: dt.date
    order: int  # deposits before repairs on the same day
    kind: str
    memo: str
    bank: int
    lines: list[tuple[int, int]] = field(default_factory=list)
    txn_id: str = ""  # set when posted


@dataclass
class PlannedRepair:
    """A repair paid in the plan, for its use application (demo_use): who shared it and how much."""

    posting: Posting
    repair: Repair
    number: int
    where: str
    members: list[UnitInfo]
    shares: dict[str, int]  # fen by unit code


@dataclass
class Plan:
    units: list[UnitInfo]
    projects: dict[int, ProjectInfo]
    banks: list[Account]
    postings: list[Posting] = field(default_factory=list)
    interest: dict[int, Decimal] = field(default_factory=dict)
    unit_flows: dict[int, int] = field(default_factory=lambda: defaultdict(int))  # day number -> net fen in
    repairs: list[PlannedRepair] = field(default_factory=list)
