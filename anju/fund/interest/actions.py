"""Crediting the year's bank interest (增值收益) to the unit accounts by accumulated daily balances."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection, transaction
from django.db.backends.utils import CursorWrapper

from anju.core.models import User
from anju.fund import ledger, rules
from anju.fund.errors import InterestError
from anju.fund.models import Account, JournalEntry, JournalLine
from anju.lib.money import fen
from anju.registry.models import Unit


@dataclass
class InterestResult:
    year: int
    amount: Decimal
    accounts: int
    pooled: Decimal
    credited: Decimal
    entry: JournalEntry
    # (unit account, part): `credit_interest`'s; `allocate_interest` leaves them in the journal.
    credits: list[tuple[int, Decimal]] = field(default_factory=list, repr=False)

    def as_dict(self) -> dict[str, object]:
        return {
            "year": self.year,
            "amount": f"{self.amount:.2f}",
            "accounts": self.accounts,
            "pooled": f"{self.pooled:.2f}",
            "credited": f"{self.credited:.2f}",
        }


WEIGHTS = "anju_interest_weight"  # temporary: (account_id, code, w) the year's 积数 per unit account
PARTS = "anju_interest_part"  # temporary: (account_id, amount) each account's line, fen, debit-positive
INT64 = 2**63 - 1


def _day_sums_sql(year: int) -> tuple[str, list[int]]:
    """The 积数 query: each line weighs the days from its value date (or the year's first day) to the
    year's last day, inclusive; rows (account id, unit code, 积数 in fen-days) of the open unit accounts
    with a positive 积数."""
    start, end = (d.toordinal() for d in rules.year_bounds(year))
    a = connection.ops.quote_name(Account._meta.db_table)
    line = connection.ops.quote_name(JournalLine._meta.db_table)
    unit = connection.ops.quote_name(Unit._meta.db_table)
    sql = (
        f"SELECT l.account_id, u.code, -SUM(l.amount * CASE WHEN l.day < %s THEN %s ELSE %s - l.day END) AS s "
        f"FROM {line} l JOIN {a} a ON a.id = l.account_id JOIN {unit} u ON u.id = a.unit_id "
        f"WHERE a.kind = 'unit' AND a.closed IS NULL AND l.day <= %s "
        f"GROUP BY l.account_id, u.code HAVING -SUM(l.amount * CASE WHEN l.day < %s THEN %s ELSE %s - l.day END) > 0"
    )
    period = end - start + 1
    return sql, [start, period, end + 1, end, start, period, end + 1]


def unit_day_sums(year: int) -> list[tuple[int, str, int]]:
    """(account id, unit code, 积数 in fen-days) for every open unit account with a positive 积数 in the year,
    in one aggregate query."""
    sql, params = _day_sums_sql(year)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [(int(r[0]), str(r[1]), int(r[2])) for r in cursor.fetchall()]


def _temporary(cursor: CursorWrapper, name: str, columns: str) -> str:
    """A fresh, empty temporary table of this connection (dropped and made again)."""
    table = connection.ops.quote_name(name)
    cursor.execute(f"DROP TABLE IF EXISTS {table}")
    cursor.execute(f"CREATE TEMPORARY TABLE {table} ({columns})")
    return table


@dataclass(frozen=True)
class _Staged:
    accounts: int
    weight: int  # 积数 of all the accounts, fen-days
    largest: int


def _stage_day_sums(year: int) -> _Staged:
    """The year's 积数 into the temporary table WEIGHTS, in the database: nothing crosses to Python."""
    sql, params = _day_sums_sql(year)
    pg = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        if pg:
            # CREATE TABLE AS may plan the aggregate in parallel (INSERT … SELECT may not), as the bare
            # SELECT is; at the default work_mem, whose merge join over the lines' account index beats
            # the hash joins and hash aggregate a larger one leads to (3× slower on the 1M bench).
            weights = connection.ops.quote_name(WEIGHTS)
            cursor.execute(f"DROP TABLE IF EXISTS {weights}")
            cursor.execute(
                f"CREATE TEMPORARY TABLE {weights} AS "
                f"SELECT account_id, code, CAST(s AS BIGINT) AS w FROM ({sql}) AS d",
                params,
            )
            _analyze_with_memory(cursor, weights)
        else:
            weights = _temporary(cursor, WEIGHTS, "account_id INTEGER PRIMARY KEY, code text, w bigint")
            cursor.execute(f"INSERT INTO {weights} (account_id, code, w) {sql}", params)
    return _staged()


def _analyze_with_memory(cursor: CursorWrapper, table: str) -> None:
    """PostgreSQL: the staged table's statistics, and memory for the split's sort and the balance update's
    join of a million rows (this transaction only; a larger work_mem already set is kept)."""
    cursor.execute(f"ANALYZE {table}")
    cursor.execute(
        "SELECT set_config('work_mem', '64MB', true) "
        "WHERE pg_size_bytes(current_setting('work_mem')) < pg_size_bytes('64MB')"
    )


def _staged() -> _Staged:
    weights = connection.ops.quote_name(WEIGHTS)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*), COALESCE(SUM(w), 0), COALESCE(MAX(w), 0) FROM {weights}")
        count, total, largest = cursor.fetchone()
    return _Staged(int(count), int(total), int(largest))


def _load_day_sums(weights: Mapping[str, tuple[int, int]]) -> _Staged:
    """Given 积数 (unit code → (account id, fen-days)) into the temporary table WEIGHTS, the positive ones:
    what `_stage_day_sums` computes from the journal, from a caller that holds them."""
    rows = ((account_id, code, int(w)) for code, (account_id, w) in weights.items() if w > 0)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            table = _temporary(cursor, WEIGHTS, "account_id bigint, code text, w bigint")
            with cursor.cursor.copy(f"COPY {table} (account_id, code, w) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            _analyze_with_memory(cursor, table)
        else:
            table = _temporary(cursor, WEIGHTS, "account_id INTEGER PRIMARY KEY, code text, w bigint")
            cursor.executemany(f"INSERT INTO {table} (account_id, code, w) VALUES (%s, %s, %s)", list(rows))
    return _staged()


def _stage_parts(rest_fen: int, staged: _Staged) -> None:
    """Each account's part of REST_FEN fen in proportion to its 积数, into the temporary table PARTS as
    a credit (negative fen), zero parts left out: exactly `anju.lib.money.apportion` in SQL. Each part is
    cut to the fen (rest × w div W); the leftover fens go one each to the largest remainders
    (rest × w mod W), ties by unit code in code-point order (Python's string order: byte order of
    UTF-8, SQLite's BINARY and PostgreSQL's "C" collation). Needs rest × w to fit in 64 bits."""
    weights, parts = (connection.ops.quote_name(n) for n in (WEIGHTS, PARTS))
    pg = connection.vendor == "postgresql"
    collate = 'COLLATE "C"' if pg else "COLLATE BINARY"
    m, total = "CAST(%s AS BIGINT)", "CAST(%s AS BIGINT)"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(SUM({m} * w / {total}), 0) FROM {weights}", [rest_fen, staged.weight])
        leftover = rest_fen - int(cursor.fetchone()[0])
        key = "bigint" if pg else "INTEGER PRIMARY KEY"
        parts = _temporary(cursor, PARTS, f"account_id {key}, amount bigint")
        cursor.execute(
            f"INSERT INTO {parts} (account_id, amount) "
            f"SELECT account_id, -(q + CASE WHEN rn <= %s THEN 1 ELSE 0 END) FROM ("
            f"SELECT account_id, {m} * w / {total} AS q, "
            f"ROW_NUMBER() OVER (ORDER BY {m} * w %% {total} DESC, code {collate}) AS rn FROM {weights}"
            f") AS s WHERE q > 0 OR rn <= %s ORDER BY account_id",
            [leftover, rest_fen, staged.weight, rest_fen, staged.weight, leftover],
        )
        if pg:
            cursor.execute(f"ANALYZE {parts}")


def _check_not_allocated(year: int) -> str:
    """The year's interest document; refuses a second allocation (post_bulk's ledger head lock
    serializes allocations, and credit_interest checks again inside it)."""
    document = f"interest:{year}"
    if JournalEntry.objects.filter(kind=JournalEntry.Kind.INTEREST, document=document).exists():
        raise InterestError(f"{year} 年度利息已分配，不能重复分配", code="already_allocated")
    return document


@transaction.atomic
def allocate_interest(
    year: int,
    amount: Decimal,
    *,
    pooled_percent: Decimal | None = None,
    actor: User | None = None,
    bank: Account | None = None,
    progress: Callable[..., None] | None = None,
) -> InterestResult:
    """Credit AMOUNT of the year's interest: the pooled share first, the rest to the unit accounts by
    积数, cut to the fen with leftover fens to the largest remainders (ties by unit code). Refuses a
    second allocation for the same year. `progress(done, total, step)` hears of the two steps.

    Set-based in the database: the 积数 and the split into temporary tables, the entry posted from them
    by `ledger.post_staged` (its MAC over the same lines in the same order as `credit_interest` would
    write them); the credits stay in the journal (`InterestResult.credits` is left empty). An amount so
    large that amount × 积数 would not fit in 64 bits is split in Python by `credit_interest`."""
    report = progress or (lambda done, total, step="": None)
    document = _check_not_allocated(year)
    if bank is None:
        banks = list(Account.objects.filter(kind=Account.Kind.BANK, closed__isnull=True).order_by("pk")[:2])
        if len(banks) != 1:
            raise InterestError("请指定利息入账的专户（--bank）" if banks else "尚未设立专户", code="bank_required")
        bank = banks[0]
    report(0, 2, "计算各户积数")
    try:
        pooled = rules.pooled_share(amount, pooled_percent)
    except ValueError as exc:
        raise InterestError(str(exc), code="invalid_amount") from exc
    staged = _stage_day_sums(year)
    rest = fen(amount - pooled)
    if rest and not staged.accounts:
        raise InterestError(rules.NO_POSITIVE_BALANCE, code="invalid_amount")
    report(1, 2, f"{staged.accounts}户记账")
    if rest * staged.largest > INT64:
        weights = {code: (account_id, w) for account_id, code, w in _staged_weights()}
        result = credit_interest(actor, year, amount, weights=weights, bank=bank, pooled_percent=pooled_percent)
        report(2, 2, "完成")
        return result
    entry, accounts = _post_staged_parts(actor, year, amount, pooled, bank, staged, document)
    _drop_staging()
    report(2, 2, "完成")
    return InterestResult(year, amount, accounts, pooled, amount - pooled, entry)


def _post_staged_parts(
    actor: User | None, year: int, amount: Decimal, pooled: Decimal, bank: Account, staged: _Staged, document: str
) -> tuple[JournalEntry, int]:
    """The split of the staged 积数 into PARTS and the entry posted from it by `ledger.post_staged`: the
    bank's debit, the pooled share, then each account's part in account order."""
    rest = fen(amount - pooled)
    if rest:
        _stage_parts(rest, staged)
    else:
        with connection.cursor() as cursor:
            _temporary(cursor, PARTS, "account_id bigint, amount bigint")
    lines: list[tuple[int, Decimal]] = [(bank.pk, amount)]
    if pooled:
        lines.append((ledger.fund_account(Account.Kind.POOLED).pk, -pooled))
    return ledger.post_staged(
        kind=JournalEntry.Kind.INTEREST,
        value_date=dt.date(year, 12, 31),
        lines=lines,
        staged=PARTS,
        actor=actor,
        memo=f"{year}年度增值收益分配",
        document=document,
    )


def _drop_staging() -> None:
    with connection.cursor() as cursor:
        for name in (WEIGHTS, PARTS):
            cursor.execute(f"DROP TABLE IF EXISTS {connection.ops.quote_name(name)}")


def _staged_weights() -> list[tuple[int, str, int]]:
    """The staged 积数, taken out of the database (and the temporary table dropped)."""
    weights = connection.ops.quote_name(WEIGHTS)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT account_id, code, w FROM {weights}")
        rows = [(int(a), str(c), int(w)) for a, c, w in cursor.fetchall()]
        cursor.execute(f"DROP TABLE {weights}")
    return rows


@dataclass(frozen=True)
class InterestPreview:
    """What an allocation would credit, computed as the allocation does, nothing posted."""

    year: int
    amount: Decimal
    pooled: Decimal
    accounts: int
    weight: int  # 积数 of all the accounts, fen-days
    credited: Decimal
    smallest: Decimal
    largest: Decimal
    sample: list[tuple[str, int, Decimal]]  # (unit code, 积数, part), the first units by code

    @property
    def balanced(self) -> bool:
        """The parts make the whole to the fen: the pooled share and every unit's credit add up to the amount."""
        return self.pooled + self.credited == self.amount


def preview_interest(
    year: int, amount: Decimal, *, pooled_percent: Decimal | None = None, sample: int = 20
) -> InterestPreview:
    """The allocation's figures before it is run: refused as the allocation would be (a year already
    allocated, a bad amount or share, no balance in the year)."""
    _check_not_allocated(year)
    sums = unit_day_sums(year)
    try:
        pooled, parts = rules.split_interest(amount, pooled_percent, {code: Decimal(w) for _, code, w in sums})
    except ValueError as exc:
        raise InterestError(str(exc), code="invalid_amount") from exc
    credited = [part for part in parts.values() if part]
    first = sorted(sums, key=lambda row: row[1])[:sample]
    return InterestPreview(
        year=year,
        amount=amount,
        pooled=pooled,
        accounts=len(credited),
        weight=sum(w for _, _, w in sums),
        credited=sum(credited, Decimal("0.00")),
        smallest=min(credited, default=Decimal("0.00")),
        largest=max(credited, default=Decimal("0.00")),
        sample=[(code, weight, parts.get(code, Decimal("0.00"))) for _, code, weight in first],
    )


@transaction.atomic
def credit_interest(
    actor: User | None,
    year: int,
    amount: Decimal,
    *,
    weights: Mapping[str, tuple[int, int]],
    bank: Account,
    pooled_percent: Decimal | None = None,
) -> InterestResult:
    """Post the year's interest on 31 December from the given 积数 (unit code → (account id, fen-days)),
    set-based in one entry: the pooled share first, the rest split as `allocate_interest` splits it (in
    SQL, `_stage_parts`, the same parts as `rules.split_interest`), the unit lines in account order.
    `allocate_interest` computes the 积数 from the journal; a caller that holds them already (the demo
    city's plan) passes them. An amount so large that amount × 积数 would not fit in 64 bits is split in
    Python (`rules.split_interest`) and posted by `ledger.post_bulk`."""
    document = _check_not_allocated(year)
    try:
        pooled = rules.pooled_share(amount, pooled_percent)
    except ValueError as exc:
        raise InterestError(str(exc), code="invalid_amount") from exc
    rest = fen(amount - pooled)
    largest = max((int(w) for _, w in weights.values()), default=0)
    if rest * largest <= INT64:
        staged = _load_day_sums(weights)
        if rest and not staged.accounts:
            _drop_staging()
            raise InterestError(rules.NO_POSITIVE_BALANCE, code="invalid_amount")
        entry, count = _post_staged_parts(actor, year, amount, pooled, bank, staged, document)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT account_id, amount FROM {connection.ops.quote_name(PARTS)} ORDER BY account_id")
            staged_credits = [(int(account_id), Decimal(-part).scaleb(-2)) for account_id, part in cursor.fetchall()]
        _drop_staging()
        return InterestResult(year, amount, count, pooled, amount - pooled, entry, staged_credits)
    try:
        pooled, parts = rules.split_interest(
            amount, pooled_percent, {code: Decimal(w) for code, (_, w) in weights.items()}
        )
    except ValueError as exc:
        raise InterestError(str(exc), code="invalid_amount") from exc
    lines: list[tuple[int, Decimal]] = [(bank.pk, amount)]
    if pooled:
        lines.append((ledger.fund_account(Account.Kind.POOLED).pk, -pooled))
    # In account order: the line indexes then grow at their ends instead of at random pages.
    credits = sorted((weights[code][0], part) for code, part in parts.items() if part)
    lines.extend((account_id, -part) for account_id, part in credits)
    credited = sum((part for _, part in credits), Decimal("0.00"))
    entry = ledger.post_bulk(
        kind=JournalEntry.Kind.INTEREST,
        value_date=dt.date(year, 12, 31),
        lines=lines,
        actor=actor,
        memo=f"{year}年度增值收益分配",
        document=document,
    )
    return InterestResult(year, amount, len(credits), pooled, credited, entry, credits)
