"""Opening the fund's accounts: a ledger for every unit (set-based), bank special accounts, and the
first deposit and opening date of many unit ledgers at once (set-based)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import connection, transaction
from django.utils import timezone

from anju.core import audit
from anju.core.models import AuditEvent, User
from anju.fund.errors import AccountError
from anju.fund.models import Account
from anju.registry.models import Unit


def ensure_unit_accounts() -> int:
    """Open a ledger (分户账) for every unit that has none, in one INSERT … SELECT; returns how many."""
    account = connection.ops.quote_name(Account._meta.db_table)
    unit = connection.ops.quote_name(Unit._meta.db_table)
    sql = (
        f"INSERT INTO {account} (kind, unit_id, project_id, building_id, name, bank_name, bank_account_number, "
        f"balance, first_deposit, opened) "
        f"SELECT 'unit', u.id, u.project_id, u.building_id, '', '', '', 0, 0, %s FROM {unit} u "
        f"WHERE NOT EXISTS (SELECT 1 FROM {account} a WHERE a.unit_id = u.id)"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [timezone.localdate()])
        return cursor.rowcount


@transaction.atomic
def open_bank_account(
    actor: User | None, *, bank_name: str, number: str, name: str = "", opened: dt.date | None = None
) -> Account:
    """A bank special account (专户), one per designated bank, opened today or on the day given."""
    if Account.objects.filter(kind=Account.Kind.BANK, bank_account_number=number).exists():
        raise AccountError(f"专户账号 {number} 已存在", code="bank_exists")
    account = Account.objects.create(
        kind=Account.Kind.BANK,
        name=name or f"{bank_name}维修资金专户",
        bank_name=bank_name,
        bank_account_number=number,
        opened=opened or timezone.localdate(),
    )
    audit.record(
        actor,
        AuditEvent.Action.CREATE,
        account,
        after=audit.snapshot(account, ["kind", "name", "bank_name", "bank_account_number", "opened"]),
    )
    return account


CHUNK = 2000  # rows per UPDATE … FROM (VALUES …): 6000 parameters, within every backend's limit


@transaction.atomic
def set_first_deposits(rows: Iterable[tuple[int, int, dt.date]]) -> int:
    """Record, set-based, (unit account id, first deposit in fen, opening date) for many unit ledgers:
    what a ledger taken over from the old system (or the demo city) starts with. Returns how many rows."""
    ordered = sorted(rows)
    table = connection.ops.quote_name(Account._meta.db_table)
    opened = "CAST(v.column3 AS date)" if connection.vendor == "postgresql" else "v.column3"
    with connection.cursor() as cursor:
        for start in range(0, len(ordered), CHUNK):
            chunk = ordered[start : start + CHUNK]
            values = ", ".join(["(%s, %s, %s)"] * len(chunk))
            cursor.execute(
                f"UPDATE {table} SET first_deposit = v.column2, opened = {opened} "
                f"FROM (VALUES {values}) AS v WHERE {table}.id = v.column1 AND {table}.kind = 'unit'",
                [value for row in chunk for value in row],
            )
    return len(ordered)
