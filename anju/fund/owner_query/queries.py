"""The owners' balance query (art. 30): the owner's resident ID number and name — what an owner knows, never
an internal unit code — show the balance and movements of every unit they own now, without login.

A wrong pair gets one answer whatever was wrong, so the page does not tell whether a number is registered or
whose it is; wrong answers per ID number are limited, so names cannot be tried against a number, and a
kiosk asks for a CAPTCHA after failures (`actions`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

from anju.core.templatetags.anju import money
from anju.fund.models import Account, JournalEntry, JournalLine
from anju.fund.queries import ZERO
from anju.lib.ids import normalize_resident_id
from anju.registry.models import Building, Ownership, Person, Project, Unit

# The answers are Chinese whatever the page language: they are meant for the owners.
NO_MATCH = (
    "未查询到结果：业主姓名与身份证号码不匹配，或该身份证号码名下没有登记的房屋。"
    "请核对后重试，或携带身份证和不动产权证书到维修资金服务窗口查询。"
)
BAD_CAPTCHA = "验证码不正确，请重新输入图片中的数字。"


def find_accounts(name: str, id_number: str) -> list[Account]:
    """The unit accounts of the units whose current owner is the resident with this ID number and this name
    (as registered); empty for anything else, ordered by unit code.

    One query, led by the index on the person's ID number, and written out: composing its joins with the ORM
    cost more than running it. Each account carries what the page shows — `unit_code`, `unit_entrance`,
    `unit_room`, `building_number`, `project_name` and `owner_name`, the matched current owner's name — and
    nothing else is loaded. A unit has one current ownership (a unique constraint), so no unit comes twice."""
    try:
        number = normalize_resident_id(id_number)
    except ValueError:
        return []
    name = "".join(name.split())
    if not name:
        return []
    table = {model: connection.ops.quote_name(model._meta.db_table) for model in TABLES}
    sql = (
        'SELECT a."id", a."kind", a."unit_id", a."project_id", a."balance", a."first_deposit", a."closed", '
        'u."code" AS unit_code, u."entrance" AS unit_entrance, u."room" AS unit_room, '
        'b."number" AS building_number, p."name" AS project_name, pe."name" AS owner_name '
        f"FROM {table[Person]} pe "
        f'JOIN {table[Ownership]} o ON o."person_id" = pe."id" AND o."end" IS NULL '
        f'JOIN {table[Unit]} u ON u."id" = o."unit_id" '
        f'JOIN {table[Building]} b ON b."id" = u."building_id" '
        f'JOIN {table[Account]} a ON a."unit_id" = u."id" AND a."kind" = %s '
        f'LEFT JOIN {table[Project]} p ON p."id" = a."project_id" '
        'WHERE pe."id_type" = %s AND pe."id_number" = %s AND pe."name" = %s '
        'ORDER BY u."code"'
    )
    return list(Account.objects.raw(sql, [Account.Kind.UNIT, Person.IdType.RESIDENT, number, name]))


TABLES = (Person, Ownership, Unit, Building, Account, Project)


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

    def rows(self) -> SafeString:
        """The movements' table rows, escaped, formatted as the template's `date:"Y-m-d"` and `money` filters
        would, built here rather than by a template loop (the page's largest cost after its queries)."""
        return format_html_join(
            "\n  ",  # as the template loop laid them out
            '<tr><td class="nowrap">{}</td><td>{}</td><td class="num">{}</td><td class="num">{}</td></tr>',
            ((m.value_date.isoformat(), m.kind, money(m.amount), money(m.balance)) for m in self.movements),
        )


def lines_read(accounts: list[Account]) -> Read | None:
    """On PostgreSQL, the SELECT of `accounts`' journal lines as `owner_statements` reads them — account, amount,
    value date, entry kind, in the order of the account, the day and the entry's number (the columns "l_day"
    and "l_seq" only order them) — for `actions.register_attempt` to send in its own statement: one round trip
    fewer. None on SQLite (no round trips to save; its raw rows would need the ORM's converters) or without
    accounts: `owner_statements` reads the lines itself then."""
    if connection.vendor != "postgresql" or not accounts:
        return None
    line, entry = (connection.ops.quote_name(model._meta.db_table) for model in (JournalLine, JournalEntry))
    marks = ", ".join(["%s"] * len(accounts))
    sql = (
        'SELECT l."account_id" AS "l_account", l."amount" AS "l_amount", e."value_date" AS "l_date", '
        f'e."kind" AS "l_kind", l."day" AS "l_day", e."seq" AS "l_seq" FROM {line} l '
        f'JOIN {entry} e ON e."id" = l."entry_id" WHERE l."account_id" IN ({marks})'
    )
    return Read(sql, [account.pk for account in accounts], ("l_account", "l_day", "l_seq"), 4)


@dataclass(frozen=True)
class Read:
    """A SELECT sent within another statement: its text and parameters, the names of the columns its rows are
    ordered by, and how many of its first columns are the answer (the rest only order it)."""

    sql: str
    params: list[Any]
    order: tuple[str, ...]
    width: int


def owner_statements(accounts: list[Account], lines: Iterable[Sequence[Any]] | None = None) -> list[OwnerStatement]:
    """The statements of `find_accounts`'s accounts: their movements with running balance and the interest
    credited, from one query over their journal lines (index account, day) whatever the number of units — or
    from `lines`, the rows `lines_read`'s SELECT gave (the database's values) with the attempt's counts."""
    movements: dict[int, list[Movement]] = {account.pk: [] for account in accounts}
    interest: dict[int, Decimal] = dict.fromkeys(movements, ZERO)
    signs = {account.pk: account.sign for account in accounts}
    balances: dict[int, Decimal] = dict.fromkeys(movements, ZERO)
    labels = dict(JournalEntry.Kind.choices)
    if lines is None:
        lines = (
            JournalLine.objects.filter(account__in=list(movements))
            .order_by("account", "day", "entry__seq")
            .values_list("account", "amount", "entry__value_date", "entry__kind")
        )
    else:  # the database's values: the amount in fen, converted as the ORM does
        field = JournalLine._meta.get_field("amount")
        lines = ((a, field.from_db_value(fen, None, connection), day, kind) for a, fen, day, kind in lines)
    for account_id, amount, value_date, kind in lines:
        signed = signs[account_id] * amount
        balances[account_id] += signed
        if kind == JournalEntry.Kind.INTEREST:
            interest[account_id] += signed
        label = str(labels.get(kind, kind))
        movements[account_id].append(Movement(value_date, label, signed, balances[account_id]))
    statements = []
    for account in accounts:
        shown = account.__dict__  # the columns find_accounts adds
        project = shown["project_name"] or ""
        statements.append(
            OwnerStatement(
                unit_code=shown["unit_code"],
                address=f"{project}{shown['building_number']}栋{shown['unit_entrance']}单元{shown['unit_room']}室",
                project=project,
                owner=mask_name(shown["owner_name"]),
                balance=account.balance,
                first_deposit=account.first_deposit,
                interest=interest[account.pk] or ZERO,
                closed=account.closed,
                movements=movements[account.pk],
            )
        )
    return statements
