"""Test data for fund use applications, built through the actions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from anju.fund import accounts
from anju.fund.models import Account, UseApplication
from anju.fund.tests import factories as fund
from anju.fund.use import actions as use
from anju.registry.models import Enterprise, Project, Unit
from anju.registry.tests import factories as registry

DEPOSIT_DAY = dt.date(2020, 3, 2)


def estate(
    areas: Sequence[str] = ("100.00", "80.00", "120.00"),
    balances: Sequence[str] | None = None,
    *,
    project_code: str = "P0001",
    shared_owner: bool = False,
    seq_base: int = 100,
) -> list[Account]:
    """Units 1-1-101, 1-1-102, ... of one project, each with its own owner (or one owner for all) and a
    deposit (default: 50 yuan per m²)."""
    owner = registry.person("业主甲", seq=900) if shared_owner else None
    result = []
    for index, area in enumerate(areas):
        who = owner or registry.person(f"业主{index + 1}", seq=seq_base + index)
        unit = registry.unit(project_code=project_code, room=f"{101 + index}", area=area, owner=who)
        accounts.ensure_unit_accounts()
        account = Account.objects.get(unit=unit)
        amount = balances[index] if balances is not None else str(Decimal(area) * 50)
        if Decimal(amount) > 0:
            fund.deposit(account, amount, DEPOSIT_DAY)
        result.append(Account.objects.get(pk=account.pk))
    fund.bank()
    return result


def contractor() -> Enterprise:
    existing = Enterprise.objects.filter(name="怀化建工维修有限公司").first()
    return existing or registry.enterprise("怀化建工维修有限公司", seed=77)


def data(
    project: Project,
    *,
    kind: str = UseApplication.Kind.ORDINARY,
    items: Sequence[tuple[str, str]] = (("屋面防水", "1000.00"),),
    scope_kind: str = UseApplication.ScopeKind.PROJECT,
    scope_spec: str = "",
) -> use.ApplicationData:
    return use.ApplicationData(
        kind=kind,
        title="1栋屋面防水维修",
        project=project,
        applicant_kind=UseApplication.ApplicantKind.PROPERTY_COMPANY,
        applicant_name="怀化物业服务有限公司",
        emergency_reason="屋面漏水" if kind == UseApplication.Kind.EMERGENCY else "",
        scope_kind=scope_kind,
        scope_spec=scope_spec,
        items=[(n, Decimal(b)) for n, b in items],
        contractor=contractor(),
        contractor_bank="中国建设银行怀化分行",
        contractor_account_number="43050170000000009999",
    )


def application(project: Project | None = None, **kwargs: object) -> UseApplication:
    project = project or Project.objects.get(code="P0001")
    return use.create_application(None, data(project, **kwargs))  # type: ignore[arg-type]


def codes(app: UseApplication) -> list[str]:
    return list(app.scope_units.order_by("unit__code").values_list("unit__code", flat=True))


def unit(code: str) -> Unit:
    return Unit.objects.get(code=code)
