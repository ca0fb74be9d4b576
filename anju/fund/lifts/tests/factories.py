"""Lift pilot test data built through the lifts actions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from anju.fund import ledger
from anju.fund.lifts import actions
from anju.fund.lifts.models import Insurer, Lift
from anju.fund.models import Account, JournalEntry
from anju.fund.tests import factories as fund
from anju.registry.models import Building
from anju.registry.tests import factories as registry


def code(seq: int, year: int = 2015) -> str:
    return f"3110431202{year}{seq:06d}"


def lifts(count: int = 3, project_name: str = "恒大御景湾") -> list[Lift]:
    unit = registry.unit(project_name=project_name, room="101")
    building = Building.objects.get(pk=unit.building_id)
    return [actions.register_lift(None, building, registration_code=code(i + 1)) for i in range(count)]


def insurer() -> Insurer:
    enterprise = registry.enterprise(name="中国人民财产保险股份有限公司怀化市分公司", seed=77)
    return actions.register_insurer(None, enterprise, product="电梯维修保险")


def pooled_with(amount: str) -> Account:
    """The pooled account holding value-added income (as the interest allocation leaves it)."""
    pooled = ledger.fund_account(Account.Kind.POOLED)
    ledger.post(
        kind=JournalEntry.Kind.INTEREST,
        value_date=dt.date(2023, 12, 31),
        legs=[ledger.debit(fund.bank(), Decimal(amount)), ledger.credit(pooled, Decimal(amount))],
        actor=None,
        memo="增值收益",
    )
    pooled.refresh_from_db()
    return pooled
