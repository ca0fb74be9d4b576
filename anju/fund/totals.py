"""The fund's whole-table figures — the balance of each account kind, the unit ledgers' count and sums,
the ledgers below 30% of their first deposit — summed over all the ledgers (250k in the demo city) once
per version of the accounts and kept in each process, instead of once per page view.

The version is LedgerHead (the last entry's number and MAC: every posting moves it in the transaction
that moves the cached balances, and only posting moves balances) with AccountsVersion (which database
triggers move on any other change to the accounts a figure reads: an account added or removed, its kind,
unit, project, building, first deposit or closing date; migration 0012). The version is read before the
figures, so figures are never kept under a version older than they are: a page shows what a full sum
would show at that moment, exactly, and the first view after any change sums again."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, Sum

from anju.core.fields import MoneyField
from anju.fund import queries
from anju.fund.models import Account, AccountsVersion, LedgerHead

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Figures:
    by_kind: dict[str, Decimal]  # each account kind's balance summed (natural sign)
    ledgers: int  # unit ledgers
    balance: Decimal  # unit ledgers' balances summed
    first_deposit: Decimal  # unit ledgers' first deposits summed
    replenish: int  # open unit ledgers below 30% of their first deposit
    in_projects: dict[str, Any]  # the unit ledgers with a project: "accounts", "balance", "first_deposit"


_lock = threading.Lock()
_kept: dict[str, Any] = {}


def version() -> tuple[Any, ...]:
    head = LedgerHead.objects.filter(pk=1).values_list("last_seq", "last_mac").first()
    accounts = AccountsVersion.objects.filter(pk=1).values_list("n", "stamp").first()
    return (head, accounts)


def _money(value: Decimal | None) -> Decimal:
    return value if value is not None else ZERO


def _compute() -> Figures:
    by_kind = {
        kind: _money(total)
        for kind, total in Account.objects.values("kind")
        .annotate(total=Sum("balance", output_field=MoneyField()))
        .values_list("kind", "total")
    }
    units = queries.unit_accounts().aggregate(
        ledgers=Count("id"),
        balances=Sum("balance", output_field=MoneyField()),
        firsts=Sum("first_deposit", output_field=MoneyField()),
        projects=Count("id", filter=Q(project__isnull=False)),
        project_balance=Sum("balance", filter=Q(project__isnull=False), output_field=MoneyField()),
        project_first=Sum("first_deposit", filter=Q(project__isnull=False), output_field=MoneyField()),
    )
    return Figures(
        by_kind=by_kind,
        ledgers=units["ledgers"],
        balance=_money(units["balances"]),
        first_deposit=_money(units["firsts"]),
        replenish=queries.replenishment_due().count(),
        in_projects={
            "accounts": units["projects"],
            "balance": _money(units["project_balance"]),
            "first_deposit": _money(units["project_first"]),
        },
    )


def figures() -> Figures:
    """The figures as of now: kept ones if the version is unchanged, else summed again (and kept)."""
    key = version()
    with _lock:
        if _kept.get("key") == key:
            return _kept["figures"]  # type: ignore[no-any-return]
    found = _compute()
    with _lock:
        _kept.update(key=key, figures=found)
    return found


def fund_totals() -> dict[str, Decimal]:
    """`queries.fund_totals` from the kept figures (the pages; `anju fund check` sums afresh)."""
    return queries.totals_of(figures().by_kind)


def forget() -> None:
    """Drop the kept figures (tests that change the accounts behind the triggers' back)."""
    with _lock:
        _kept.clear()
