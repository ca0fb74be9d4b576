"""The owners' balance query (art. 30): a unit code and the current owner's resident ID number show the
unit account's balance and movements, without login.

A wrong pair gets one answer whatever was wrong, so the page does not tell whether a unit exists or
who owns it; attempts per IP address are limited, so ID numbers cannot be guessed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from anju.fund import queries
from anju.fund.models import Account
from anju.lib.ids import normalize_resident_id
from anju.registry.models import Person

# The answers are Chinese whatever the page language: they are meant for the owners.
NO_MATCH = (
    "未查询到结果：房屋编码与业主身份证号码不匹配。请核对后重试，或携带身份证和不动产权证书到维修资金服务窗口查询。"
)


def find_account(unit_code: str, id_number: str) -> Account | None:
    """The unit's account when the number is its current owner's resident ID; None for anything else."""
    try:
        number = normalize_resident_id(id_number)
    except ValueError:
        return None
    code = unit_code.strip()
    if not code:
        return None
    return (
        Account.objects.select_related("unit", "project")
        .filter(
            kind=Account.Kind.UNIT,
            unit__code=code,
            unit__ownerships__end__isnull=True,
            unit__ownerships__person__id_type=Person.IdType.RESIDENT,
            unit__ownerships__person__id_number=number,
        )
        .first()
    )


def mask_name(name: str) -> str:
    """The family name and an asterisk for each other character: 张三 -> 张*."""
    name = name.strip()
    return name[:1] + "*" * (len(name) - 1) if name else ""


@dataclass(frozen=True)
class Movement:
    value_date: dt.date
    kind: str
    amount: Decimal  # + in, - out
    balance: Decimal


@dataclass(frozen=True)
class OwnerStatement:
    unit_code: str
    project: str
    owner: str  # masked
    balance: Decimal
    first_deposit: Decimal
    interest: Decimal
    closed: dt.date | None
    movements: list[Movement]


def owner_statement(account: Account) -> OwnerStatement:
    unit = account.unit
    assert unit is not None
    ownership = unit.current_ownership()
    owner = ownership.person.name if ownership and ownership.person else ""
    _, rows = queries.statement(account)
    return OwnerStatement(
        unit_code=unit.code,
        project=account.project.name if account.project else "",
        owner=mask_name(owner),
        balance=account.balance,
        first_deposit=account.first_deposit,
        interest=queries.interest_total(account),
        closed=account.closed,
        movements=[Movement(r.value_date, r.kind, r.amount, r.balance) for r in rows],
    )
