"""Opening the fund's accounts: a ledger for every unit (set-based), bank special accounts."""

from __future__ import annotations

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
def open_bank_account(actor: User | None, *, bank_name: str, number: str, name: str = "") -> Account:
    """A bank special account (专户), one per designated bank."""
    if Account.objects.filter(kind=Account.Kind.BANK, bank_account_number=number).exists():
        raise AccountError(f"专户账号 {number} 已存在", code="bank_exists")
    account = Account.objects.create(
        kind=Account.Kind.BANK,
        name=name or f"{bank_name}维修资金专户",
        bank_name=bank_name,
        bank_account_number=number,
    )
    audit.record(
        actor,
        AuditEvent.Action.CREATE,
        account,
        after=audit.snapshot(account, ["kind", "name", "bank_name", "bank_account_number"]),
    )
    return account
