"""Subsidy records for tests, built through the line's actions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from itertools import count
from typing import Any

from stdnum.cn import ric

from anju.core.models import User
from anju.subsidy import actions
from anju.subsidy.models import Application, Program

_serial = count(1)


def resident_id(n: int, region: str = "431202", birth: str = "19850101") -> str:
    body = f"{region}{birth}{n % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")


def program(
    code: str = "hh2023", *, one_claim: bool = True, share: str = "50", cap: str | None = "20000.00"
) -> Program:
    made = actions.create_program(
        None,
        code=code,
        name="2023年中心城区购房补贴",
        window_from=dt.date(2022, 1, 1),
        window_to=dt.date(2023, 12, 31),
        document="怀建发〔2023〕29号",
        one_claim=one_claim,
    )
    actions.add_rule_version(
        None,
        made,
        effective_from=dt.date(2022, 1, 1),
        kind="deed_tax_share",
        rate=Decimal(share),
        cap=Decimal(cap) if cap else None,
        source="第五条",
    )
    return made


def new(n: int | None = None, **changes: Any) -> actions.NewApplication:
    n = n if n is not None else next(_serial)
    values: dict[str, Any] = dict(
        buyer_name=f"购房人{n}",
        buyer_id=resident_id(n),
        address=f"鹤城区迎丰中路{n}号",
        unit_code=f"431202003001GB{n:05d}F0001",
        contract_number=f"WQ2023-{n:05d}",
        contract_date=dt.date(2023, 6, 1),
        area=Decimal("98.50"),
        price=Decimal("520000.00"),
        tax_voucher=f"HN2023-{n:06d}",
        deed_tax=Decimal("15600.00"),
        payee_name=f"购房人{n}",
        payee_account=f"62170000{n:011d}",
        payee_bank="中国建设银行怀化分行",
        applied_on=dt.date(2023, 7, 10),
    )
    values.update(changes)
    return actions.NewApplication(**values)


def application(prog: Program, actor: User | None = None, **changes: Any) -> Application:
    return actions.register_application(actor, prog, new(**changes))
