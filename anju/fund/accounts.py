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


BANK_FIELDS = ["name", "bank_name", "bank_account_number", "opened", "closed"]


@transaction.atomic
def open_bank_account(
    actor: User | None, *, bank_name: str, number: str, name: str = "", opened: dt.date | None = None
) -> Account:
    """A bank special account (专户), one per designated bank, opened today or on the day given."""
    number = number.strip()
    if not bank_name.strip() or not number:
        raise AccountError("请填写开户银行和专户账号", code="bank_required", field="number")
    if Account.objects.filter(kind=Account.Kind.BANK, bank_account_number=number).exists():
        raise AccountError(f"专户账号 {number} 已存在", code="bank_exists")
    account = Account.objects.create(
        kind=Account.Kind.BANK,
        name=name.strip() or f"{bank_name.strip()}维修资金专户",
        bank_name=bank_name.strip(),
        bank_account_number=number,
        opened=opened or timezone.localdate(),
    )
    audit.record(
        actor,
        AuditEvent.Action.CREATE,
        account,
        after=audit.snapshot(account, ["kind", *BANK_FIELDS[:4]]),
    )
    return account


@transaction.atomic
def rename_bank_account(actor: User | None, account: Account, *, name: str, bank_name: str) -> Account:
    """A special account's name and bank as printed (the account number never changes: a new number is a
    new account)."""
    account = Account.objects.select_for_update().get(pk=account.pk, kind=Account.Kind.BANK)
    if not name.strip() or not bank_name.strip():
        raise AccountError("请填写账户名称和开户银行", code="name_required", field="name")
    before = audit.snapshot(account, BANK_FIELDS)
    account.name, account.bank_name = name.strip(), bank_name.strip()
    account.save(update_fields=["name", "bank_name"])
    audit.record_change(actor, account, before)
    return account


@transaction.atomic
def close_bank_account(actor: User | None, account: Account, *, on: dt.date | None = None) -> Account:
    """Close a special account (销户) once its money has been moved to another one: the balance must be
    zero, and another special account must stay open for the fund's receipts."""
    # Every special account locked, in id order: two closures at once cannot leave none open.
    banks = {a.pk: a for a in Account.objects.select_for_update().filter(kind=Account.Kind.BANK).order_by("pk")}
    account = banks[account.pk]
    if account.closed is not None:
        raise AccountError(f"专户 {account.bank_account_number} 已于 {account.closed} 销户", code="bank_closed")
    if account.balance != 0:
        message = f"专户 {account.bank_account_number} 余额 {account.balance} 元，须先转入其他专户再销户"
        raise AccountError(message, code="bank_not_empty")
    if not any(bank.closed is None for pk, bank in banks.items() if pk != account.pk):
        raise AccountError("这是唯一在用的专户：请先开立新专户再销户", code="last_bank")
    before = audit.snapshot(account, BANK_FIELDS)
    account.closed = on or timezone.localdate()
    account.save(update_fields=["closed"])
    audit.record_change(actor, account, before, note="专户销户")
    return account


CHUNK = 2000  # rows per UPDATE … FROM (VALUES …): 6000 parameters, within every backend's limit


@transaction.atomic
def set_first_deposits(rows: Iterable[tuple[int, int, dt.date]]) -> int:
    """Record, set-based, (unit account id, first deposit in fen, opening date) for many unit ledgers:
    what a ledger taken over from the old system (or the demo city) starts with. Returns how many rows."""
    ordered = sorted(rows)
    table = connection.ops.quote_name(Account._meta.db_table)
    if connection.vendor == "postgresql":
        # One UPDATE from the rows COPYed into a temporary table: a statement per 2000 rows hash-joined the
        # whole ledger table each time (107 of them for the demo city, 20 s with the client's parsing of
        # each long statement).
        with connection.cursor() as cursor:
            cursor.execute(
                "CREATE TEMPORARY TABLE anju_first_deposit (id bigint PRIMARY KEY, fen bigint, opened date) "
                "ON COMMIT DROP"
            )
            with cursor.cursor.copy("COPY anju_first_deposit (id, fen, opened) FROM STDIN") as copy:
                for row in ordered:
                    copy.write_row(row)
            cursor.execute("ANALYZE anju_first_deposit")
            cursor.execute(
                f"UPDATE {table} SET first_deposit = v.fen, opened = v.opened FROM anju_first_deposit v "
                f"WHERE {table}.id = v.id AND {table}.kind = 'unit'"
            )
            cursor.execute("DROP TABLE anju_first_deposit")
        return len(ordered)
    with connection.cursor() as cursor:
        for start in range(0, len(ordered), CHUNK):
            chunk = ordered[start : start + CHUNK]
            values = ", ".join(["(%s, %s, %s)"] * len(chunk))
            cursor.execute(
                f"UPDATE {table} SET first_deposit = v.column2, opened = v.column3 "
                f"FROM (VALUES {values}) AS v WHERE {table}.id = v.column1 AND {table}.kind = 'unit'",
                [value for row in chunk for value in row],
            )
    return len(ordered)
