"""Fund test data built through the fund's own posting functions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from anju.core.fields import to_fen
from anju.fund import accounts, ledger
from anju.fund.models import Account, JournalEntry
from anju.registry.models import Unit
from anju.registry.tests import factories as registry


def bank() -> Account:
    existing = Account.objects.filter(kind=Account.Kind.BANK).first()
    return existing or accounts.open_bank_account(None, bank_name="中国建设银行怀化分行", number="43050170000000000001")


def unit_account(room: str = "101", area: str = "100.00", **kwargs: object) -> Account:
    unit = registry.unit(room=room, area=area, **kwargs)  # type: ignore[arg-type]
    accounts.ensure_unit_accounts()
    return Account.objects.get(unit=unit)


def deposit(account: Account, amount: str, day: dt.date, *, first: bool = True) -> JournalEntry:
    value = Decimal(amount)
    entry = ledger.post(
        kind=JournalEntry.Kind.DEPOSIT,
        value_date=day,
        legs=[ledger.debit(bank(), value), ledger.credit(account, value)],
        actor=None,
        memo="交存",
    )
    if first:
        accounts.set_first_deposits([(account.pk, to_fen(value), account.opened)])
    return entry


def spend(account: Account, amount: str, day: dt.date) -> JournalEntry:
    value = Decimal(amount)
    return ledger.post(
        kind=JournalEntry.Kind.USE,
        value_date=day,
        legs=[ledger.debit(account, value), ledger.credit(bank(), value)],
        actor=None,
        memo="维修使用",
    )


def units_of(*accounts_: Account) -> list[Unit]:
    return [a.unit for a in accounts_ if a.unit is not None]


def journal(entries: int = 80, units: int = 8) -> None:
    """`entries` deposits of 1.00–`units`.00 yuan to each of `units` ledgers, one entry each (units + 1 lines):
    on PostgreSQL more than three pages of lines."""
    accounts = [unit_account(room=str(101 + k)) for k in range(units)]
    fund_bank = bank()
    for n in range(entries):
        amounts = [Decimal(1 + (n + k) % units) for k in range(units)]
        ledger.post(
            kind=JournalEntry.Kind.DEPOSIT,
            value_date=dt.date(2023, 1, 1) + dt.timedelta(days=n),
            legs=[ledger.debit(fund_bank, sum(amounts, Decimal(0)))]
            + [ledger.credit(account, amount) for account, amount in zip(accounts, amounts, strict=True)],
            actor=None,
        )
