"""The owners' balance query (art. 30): the owner's resident ID number and name — what an owner knows, never
an internal unit code — show the balance and movements of every unit they own now, without login.

A wrong pair gets one answer whatever was wrong, so the page does not tell whether a number is registered or
whose it is; wrong answers per ID number are limited, so names cannot be tried against a number, and a
kiosk asks for a CAPTCHA after failures (`actions`)."""

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
    "未查询到结果：业主姓名与身份证号码不匹配，或该身份证号码名下没有登记的房屋。"
    "请核对后重试，或携带身份证和不动产权证书到维修资金服务窗口查询。"
)
BAD_CAPTCHA = "验证码不正确，请重新输入图片中的数字。"


def find_accounts(name: str, id_number: str) -> list[Account]:
    """The unit accounts of the units whose current owner is the resident with this ID number and this name
    (as registered); empty for anything else."""
    try:
        number = normalize_resident_id(id_number)
    except ValueError:
        return []
    name = "".join(name.split())
    if not name:
        return []
    return list(
        Account.objects.select_related("unit__building", "project")
        .filter(
            kind=Account.Kind.UNIT,
            unit__ownerships__end__isnull=True,
            unit__ownerships__person__id_type=Person.IdType.RESIDENT,
            unit__ownerships__person__id_number=number,
            unit__ownerships__person__name=name,
        )
        .distinct()
        .order_by("unit__code")
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
    address: str  # 项目 幢 单元 室, as on the owner's papers
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
    project = account.project.name if account.project else ""
    return OwnerStatement(
        unit_code=unit.code,
        address=f"{project}{unit.building.number}栋{unit.entrance}单元{unit.room}室",
        project=project,
        owner=mask_name(owner),
        balance=account.balance,
        first_deposit=account.first_deposit,
        interest=queries.interest_total(account),
        closed=account.closed,
        movements=[Movement(r.value_date, r.kind, r.amount, r.balance) for r in rows],
    )
