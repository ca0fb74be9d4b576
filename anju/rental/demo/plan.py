"""The rental demo's plan: the seed's figures, the planned homes and leases, the helpers that fit them."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from stdnum.cn import uscc

from anju.registry import actions as registry_actions
from anju.registry.models import Enterprise
from anju.rental import rules
from anju.rental.models import (
    Category,
)

if TYPE_CHECKING:
    pass


YEAR = 2023
# The seed's 2023 figures (KPIS.md): scaled by homes at other scales.
HOMES, SHOPS = 5478, 200
HOUSEHOLDS, ALLOCATIONS, EXITS, FORCED = 5361, 264, 212, 36
EXIT_LEAD_DAYS = 12  # an exit is prepared this many days before its notice (审核、审批 in between)
COLLECTED_HOMES, COLLECTED_SHOPS = Decimal("5844200.00"), Decimal("2742700.00")
COLLECTION_RATE = Decimal("0.9953")
SHOP_RATE = Decimal("0.9981")
REVIEWS_DUE, REVIEWS_DONE = 5166, 5016
REPAIRS, REPAIR_COST = 285, Decimal("1122600.00")
INSPECTIONS, REINSPECTIONS = 1660, 540
FILINGS = 146
REVIEW_OPENS = dt.date(YEAR, 3, 20)  # before the first lottery's leases start
DRAW_SEED_SOURCE = "摇号当日中国福利彩票“快乐8”开奖号码（公证处记录）"
ESTATES = [("GZ-CD", "城东公租房小区", 0.37), ("GZ-CN", "城南公租房小区", 0.34), ("GZ-CB", "城北公租房小区", 0.29)]
HOME_RATES: dict[str, tuple[Decimal, Decimal]] = {  # category: (per m² per month, reduction %)
    Category.DIBAO: (Decimal("2.20"), Decimal("50")),
    Category.LOW_INCOME: (Decimal("2.20"), Decimal("20")),
    Category.MIGRANT: (Decimal("2.20"), Decimal("0")),
    Category.NEW_GRADUATE: (Decimal("2.20"), Decimal("0")),
    Category.MARKET: (Decimal("8.00"), Decimal("0")),
}
SHOP_PER_M2 = Decimal("30.00")
CATEGORY_MIX = [(Category.DIBAO, 25), (Category.LOW_INCOME, 40), (Category.MIGRANT, 30), (Category.NEW_GRADUATE, 5)]
VENDORS = [
    "怀化市安顺房屋维修有限公司",
    "湖南鹤城建筑修缮工程有限公司",
    "怀化市宏兴水电安装有限公司",
    "怀化市城通防水工程有限公司",
]
SHOP_TRADES = ["便利店", "餐馆", "药房", "理发店", "五金店", "水果店", "早餐店"]
REPAIR_WORK = [
    "卫生间漏水维修",
    "屋面防水补漏",
    "下水管道疏通",
    "入户门锁更换",
    "楼道照明维修",
    "外墙脱落修补",
    "水表更换",
    "窗户玻璃更换",
]


@dataclass
class PlannedUnit:
    id: int
    code: str
    kind: str
    area: Decimal
    history: list[tuple[str, dt.date, str]] = field(default_factory=list)


@dataclass
class PlannedLease:
    id: int
    unit: PlannedUnit
    household: int | None
    tenant: str
    category: str
    start: dt.date
    end: dt.date
    ended_on: dt.date | None = None
    draw: int | None = None

    @property
    def months(self) -> int:
        return rules.billed_months(YEAR, self.start, self.ended_on)


def _term_end(start: dt.date, years: int) -> dt.date:
    """The day before the term's anniversary (a term from 29 February runs to the end of February)."""
    try:
        anniversary = start.replace(year=start.year + years)
    except ValueError:  # 29 February in a common year
        anniversary = dt.date(start.year + years, 3, 1)
    return anniversary - dt.timedelta(days=1)


def _waiting_since(row: list[object]) -> dt.date:
    since = row[13]
    assert isinstance(since, dt.date)
    return since


def _day(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    return first + dt.timedelta(days=rng.randrange(0, (last - first).days + 1))


OWNER_NAME = "怀化市住房保障服务中心"
OWNED_SINCE = dt.date(2012, 1, 1)


def _owner() -> Enterprise:
    """The estates belong to the city, held by the center (a public institution: credit code 12…)."""
    code = "12431200MB1C20238"
    return registry_actions.create_enterprise(
        None,
        name=OWNER_NAME,
        uscc=code + uscc.calc_check_digit(code),
        legal_representative="张主任",
        address="怀化市鹤城区迎丰中路",
    )


def _fit_areas(
    leases: list[PlannedLease], rates: dict[str, tuple[Decimal, Decimal]], target: Decimal, low: Decimal, high: Decimal
) -> Decimal:
    """Adjust the floor areas so the year's billed rent of the leases is within a yuan of the target
    (one unit's area is its lease's area); returns the billed total."""

    def rent(lease: PlannedLease) -> Decimal:
        per_m2, reduction = rates[lease.category]
        return rules.monthly_rent(lease.unit.area, per_m2, reduction) * lease.months

    total = sum((rent(lease) for lease in leases), Decimal(0))
    if total == 0:
        return total
    factor = target / total
    for lease in leases:
        lease.unit.area = min(high, max(low, (lease.unit.area * factor).quantize(rules.FEN)))
    total = sum((rent(lease) for lease in leases), Decimal(0))
    # Only units let once in the year: a home re-let after an exit carries two leases' rents.
    lets: dict[int, int] = {}
    for lease in leases:
        lets[lease.unit.id] = lets.get(lease.unit.id, 0) + 1
    billed = [lease for lease in leases if lease.months and lets[lease.unit.id] == 1]
    for index in range(len(billed) * 4):
        diff = target - total
        if abs(diff) < 1:
            break
        lease = billed[index % len(billed)]
        per_m2, reduction = rates[lease.category]
        step = per_m2 * (100 - reduction) / 100 * lease.months
        delta = max(Decimal("-3"), min(Decimal("3"), diff / step)).quantize(rules.FEN)
        area = min(high, max(low, lease.unit.area + delta))
        before = rent(lease)
        lease.unit.area = area
        total += rent(lease) - before
    return sum((rent(lease) for lease in leases), Decimal(0))
