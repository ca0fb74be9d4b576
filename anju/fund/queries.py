"""Reads of the fund: balances at every level, statements, interest, replenishment, KPIs."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.db.models import Count, F, Q, QuerySet, Sum

from anju.core.fields import MoneyField
from anju.fund import rules
from anju.fund.errors import FundError
from anju.fund.models import Account, JournalEntry, JournalLine
from anju.lib.bounded import Bounded
from anju.registry import queries as registry_queries
from anju.registry.models import Project, Unit

ZERO = Decimal("0.00")


def special_account(number: str = "", *, purpose: str = "入账") -> Account:
    """The open bank special account (专户) with this number; without a number, the only open one.
    `purpose` (入账 / 付款) words the message asking for the number when there are several."""
    banks = Account.objects.filter(kind=Account.Kind.BANK, closed__isnull=True).order_by("pk")
    if number:
        banks = banks.filter(bank_account_number=number)
    found = list(banks[:2])
    if not found:
        raise FundError("没有这个维修资金专户", code="bank_unknown", field="bank_account_number")
    if len(found) > 1:
        raise FundError(
            f"有多个维修资金专户，请填写{purpose}专户账号（bank_account_number）",
            code="bank_ambiguous",
            field="bank_account_number",
        )
    return found[0]


def unit_accounts() -> QuerySet[Account]:
    return Account.objects.filter(kind=Account.Kind.UNIT)


def fund_accounts() -> QuerySet[Account]:
    """The fund's own accounts (bank, pooled, suspense, receivable): every kind but the unit ledgers, named
    by the kinds' index (a "not unit" condition reads all the 250k ledgers: 25 ms on PostgreSQL)."""
    return Account.objects.filter(kind__in=[kind for kind in Account.Kind.values if kind != Account.Kind.UNIT])


def ledgers_by_unit_code() -> QuerySet[Account]:
    """The unit ledgers with their units, in unit code order: the accounts with a unit, which are the unit
    ledgers (constraint account_unit_iff_unit_kind). Joined by the unit rather than filtered by the kind,
    both databases read the units' code index in order and stop at a page's LIMIT."""
    return Account.objects.filter(unit__code__isnull=False).select_related("unit").order_by("unit__code")


# Up to this many units whose code starts with a search (`ledgers_matching`), or ledgers due for replenishment
# (`replenishment_listed`), are listed by id; past it the rule itself is asked.
UNITS_LISTED = 2000


def ledgers_matching(q: str) -> Q:
    """Unit ledgers whose unit's code starts with `q` or whose project's name contains it, case-insensitively
    (the unit ledger lists' search), as conditions the ledgers' own indexes serve: the projects so named (a
    few hundred projects read) and, when at most UNITS_LISTED units have such a code, those units, by id.
    ORed across the units' and projects' tables in one query, the database walked every ledger in code order
    testing both (PostgreSQL, the demo city: 1.0–2.0 s a page for a code no unit has). A prefix that more
    units have ("GZ") is tested on the codes as before."""
    projects = list(Project.objects.filter(name__icontains=q).values_list("pk", flat=True))
    codes = Unit.objects.filter(registry_queries.code_prefix(q)).order_by()
    units = list(codes.values_list("pk", flat=True)[: UNITS_LISTED + 1])
    by_code = Q(unit_id__in=units) if len(units) <= UNITS_LISTED else Q(unit__code__istartswith=q)
    return by_code | Q(project_id__in=projects)


def unit_totals_by(field: str, **where: object) -> QuerySet:  # type: ignore[type-arg]
    """The unit ledgers' count and balances summed per building or project (from the cached balances), among
    the accounts matching `where` (a project, some projects).

    On SQLite the kind is tested inside the sums, not in the WHERE, so the accounts are found by the project's
    index: SQLite keeps no statistics and otherwise reads them by the kind's index — every one of the 250k
    ledgers is a unit's — to sum 50 projects' (the project balances page: SQL 37 → 2 ms on the demo city).
    PostgreSQL plans by its statistics either way, and the three filtered sums cost it more (9.3 → 13.5 ms)."""
    if connection.vendor != "sqlite":
        return unit_accounts().filter(**where).values(field).annotate(**_unit_sums(None))
    return (
        Account.objects.filter(**where)
        .values(field)
        .annotate(**_unit_sums(Q(kind=Account.Kind.UNIT)))
        .filter(accounts__gt=0)
    )


def _unit_sums(among: Q | None) -> dict[str, Count | Sum]:
    return {
        "accounts": Count("id", filter=among),
        "balance": Sum("balance", filter=among, output_field=MoneyField()),
        "first_deposit": Sum("first_deposit", filter=among, output_field=MoneyField()),
    }


def fund_totals() -> dict[str, Decimal]:
    """Balance of each account kind (natural sign) and the balance equation's two sides."""
    rows = Account.objects.values("kind").annotate(total=Sum("balance", output_field=MoneyField()))
    return totals_of({r["kind"]: r["total"] or ZERO for r in rows})


def totals_of(by_kind: dict[str, Decimal]) -> dict[str, Decimal]:
    """`fund_totals` from each account kind's summed balance."""
    assets = sum((by_kind.get(k, ZERO) for k in Account.ASSET_KINDS), ZERO)
    liabilities = sum((v for k, v in by_kind.items() if k not in Account.ASSET_KINDS), ZERO)
    return {**{str(k): by_kind.get(k, ZERO) for k in Account.Kind}, "assets": assets, "liabilities": liabilities}


@dataclass
class StatementRow:
    seq: int
    value_date: dt.date
    kind: str
    memo: str
    amount: Decimal  # in the account's natural sign: + money in, - money out
    balance: Decimal
    posted_by: str


def statement(
    account: Account, start: dt.date | None = None, end: dt.date | None = None
) -> tuple[Decimal, list[StatementRow]]:
    """The account's opening balance at start and its movements with running balance (分户账明细)."""
    lines = JournalLine.objects.filter(account=account).select_related("entry").order_by("day", "entry__seq")
    opening = ZERO
    if start is not None:
        before = lines.filter(day__lt=start.toordinal()).aggregate(s=Sum("amount", output_field=MoneyField()))["s"]
        opening = account.sign * before if before else ZERO
        lines = lines.filter(day__gte=start.toordinal())
    if end is not None:
        lines = lines.filter(day__lte=end.toordinal())
    balance = opening
    rows = []
    for line in lines:
        amount = account.sign * line.amount
        balance += amount
        rows.append(
            StatementRow(
                line.entry.seq,
                line.entry.value_date,
                line.entry.get_kind_display(),
                line.entry.memo,
                amount,
                balance,
                line.entry.posted_by_name,
            )
        )
    return opening, rows


def interest_total(account: Account) -> Decimal:
    total = JournalLine.objects.filter(account=account, entry__kind=JournalEntry.Kind.INTEREST).aggregate(
        s=Sum("amount", output_field=MoneyField())
    )["s"]
    return account.sign * total if total else ZERO


# An entry's lines never change once posted (the journal is append-only, and the hash of its lines is kept with
# it): their count is kept in the process per entry and line hash, so the interest page counts an allocation's
# lines (a line a unit ledger: 1.8M for the demo city's sixteen) on a worker's first view and for a new one only.
_LINE_COUNTS: Bounded[tuple[int, str], int] = Bounded(4096)


def _line_counts(entries: list[JournalEntry]) -> dict[int, int]:
    """How many lines each entry has: the kept counts, the others counted from the lines' entry index."""
    keys = {entry.pk: (entry.pk, entry.lines_sha256) for entry in entries}
    counts = {pk: _LINE_COUNTS.get(key) for pk, key in keys.items()}
    missing = [pk for pk, n in counts.items() if n is None]
    if missing:
        counted = (
            JournalLine.objects.filter(entry_id__in=missing)
            .order_by()
            .values("entry_id")
            .annotate(n=Count("*"))
            .values_list("entry_id", "n")
        )
        for pk, n in counted:
            counts[pk] = n
            _LINE_COUNTS.put(keys[pk], n)
    return {pk: n or 0 for pk, n in counts.items()}


def interest_allocations() -> list[JournalEntry]:
    """The interest entries, newest first, each with the interest it allocated (`total`: the sum of its lines
    on the special accounts) and the unit ledgers it credited (`units`: its lines less those on the fund's own
    ledgers). An allocation has a line a unit ledger, 1.8M lines for the demo city's sixteen years: they are
    counted from the lines' entry index alone, and the few lines on the fund's own ledgers (special accounts,
    pooled, suspense) found through the (ledger, day) index on the allocations' days, every line of an entry
    carrying its day. Four queries whatever the years; joining every line to its ledger took 9–10 s a view."""
    entries = list(
        JournalEntry.objects.filter(kind=JournalEntry.Kind.INTEREST).select_related("posted_by").order_by("-value_date")
    )
    if not entries:
        return entries
    counts = _line_counts(entries)
    own = dict(Account.objects.exclude(kind=Account.Kind.UNIT).values_list("pk", "kind"))
    totals: dict[int, Decimal] = {}
    others: Counter[int] = Counter()
    days = {entry.value_date.toordinal() for entry in entries}
    for entry_id, account_id, amount in JournalLine.objects.filter(account_id__in=own, day__in=days).values_list(
        "entry_id", "account_id", "amount"
    ):
        others[entry_id] += 1
        if own[account_id] == Account.Kind.BANK:
            totals[entry_id] = totals.get(entry_id, Decimal(0)) + amount
    for entry in entries:
        entry.total = totals.get(entry.pk)  # type: ignore[attr-defined]
        entry.units = counts.get(entry.pk, 0) - others[entry.pk]  # type: ignore[attr-defined]
    return entries


def replenishment_due() -> QuerySet[Account]:
    """Art. 17: open unit accounts whose balance fell below 30% of the first deposit."""
    # balance < 30% × first deposit, compared as balance × 100 < first deposit × 30 in whole fen.
    percent = int(rules.REPLENISH_THRESHOLD * 100)
    return (
        unit_accounts()
        .filter(closed__isnull=True, first_deposit__gt=ZERO)
        .alias(balance_100=F("balance") * 100)
        .filter(balance_100__lt=F("first_deposit") * percent)
    )


def replenishment_listed() -> QuerySet[Account]:
    """`replenishment_due()` as its list reads it: while at most UNITS_LISTED ledgers are due (225 of the demo
    city's 250k), those ledgers by id, so each later read (the page's rows, its totals, a filter) finds them by
    key. Asked for the rule itself, PostgreSQL cannot estimate balance × 100 < first deposit × 30, planned for
    30k ledgers and hashed all 256k units to order the first 50 by code (98 ms; by id 5 ms, after the one read of
    the ledgers that finds the ids)."""
    due = replenishment_due()
    ids = list(due.order_by().values_list("pk", flat=True)[: UNITS_LISTED + 1])
    return unit_accounts().filter(pk__in=ids) if len(ids) <= UNITS_LISTED else due


def flows(kind: str | list[str], start: dt.date, end: dt.date, *, account_kind: str = Account.Kind.UNIT) -> Decimal:
    """Money moved by entries of the kind(s) into (positive) accounts of account_kind in [start, end]."""
    kinds = [kind] if isinstance(kind, str) else kind
    total = JournalLine.objects.filter(
        entry__kind__in=kinds, account__kind=account_kind, day__gte=start.toordinal(), day__lte=end.toordinal()
    ).aggregate(s=Sum("amount", output_field=MoneyField()))["s"]
    sign = 1 if account_kind in Account.ASSET_KINDS else -1
    return sign * total if total else ZERO
