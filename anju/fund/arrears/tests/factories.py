"""Arrears test data built through the arrears actions on fund test ledgers."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from anju.fund.arrears import actions
from anju.fund.arrears.models import RecoveryCase
from anju.fund.tests import factories as fund
from anju.registry.models import Enterprise, Project
from anju.registry.tests import factories as registry


def developer(name: str = "怀化宏达房地产开发有限公司", seed: int = 1) -> Enterprise:
    return registry.enterprise(name=name, seed=seed)


def case(
    amounts: tuple[str, ...] = ("6000.00", "4000.00"),
    *,
    project_code: str = "P0001",
    project_name: str = "金御名都",
    seed: int = 1,
    opened_on: dt.date = dt.date(2023, 2, 20),
) -> RecoveryCase:
    """A case on a project with one unit per amount, each unit with an empty ledger."""
    dev = developer(name=f"怀化{project_name}房地产开发有限公司", seed=seed)
    units = []
    for index, amount in enumerate(amounts, start=1):
        account = fund.unit_account(
            room=f"{index}01", area="100.00", project_code=project_code, project_name=project_name
        )
        assert account.unit is not None
        units.append((account.unit, Decimal(amount)))
    project = Project.objects.get(code=project_code)
    project.developer = dev
    project.save(update_fields=["developer"])
    fund.bank()
    return actions.open_case(None, developer=dev, project=project, opened_on=opened_on, items=units)
