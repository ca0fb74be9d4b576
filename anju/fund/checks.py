"""`anju fund check`: the ledger's invariants, each proved by a set-based query over the journal."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from functools import partial
from typing import Any, TypeVar

from django.db import connection, transaction

from anju.core.fields import from_fen
from anju.fund import chain_check, chain_parts
from anju.fund.ledger import ASSET_KINDS
from anju.fund.models import Account, JournalEntry, JournalLine, LedgerHead
from anju.fund.reconcile import queries as reconcile_queries

MAX_LISTED = 50
T = TypeVar("T")


@dataclass
class Violation:
    rule: str
    message: str


@dataclass
class CheckReport:
    entries: int = 0
    lines: int = 0
    accounts: int = 0
    violations: list[Violation] = field(default_factory=list)
    chain: dict[str, object] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.violations

    def as_dict(self) -> dict[str, object]:
        return {
            "ok": self.ok,
            "entries": self.entries,
            "lines": self.lines,
            "accounts": self.accounts,
            "violations": [asdict(v) for v in self.violations],
            "chain": self.chain,
        }


def _q(model: type) -> str:
    return connection.ops.quote_name(model._meta.db_table)  # type: ignore[attr-defined]


def _rows(sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])
        return list(cursor.fetchall())


# While the check runs: room to sort and group the lines in memory. SQLite's page cache is 2 MB by
# default (every page of a 3.7M-line journal read again from the OS on each pass, and the sorter spills
# to a file beyond it), and PostgreSQL's work_mem (4 MB) sends the per-entry and per-account sorts to disk.
SQLITE_SETTINGS = {"cache_size": -262_144, "mmap_size": 1 << 30}  # 256 MiB of cache, 1 GiB mapped
PG_WORK_MEM = "256MB"


@contextmanager
def room_to_sort() -> Iterator[None]:
    """The connection's cache and sort memory raised for the check, then put back as they were (unless the
    connection was closed meanwhile, as forking the check's processes does: a new one has the defaults)."""
    before: dict[str, Any] = {}
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT current_setting('work_mem'), set_config('work_mem', %s, false)", [PG_WORK_MEM])
            before["work_mem"] = cursor.fetchone()[0]
        elif connection.vendor == "sqlite":
            for name, value in SQLITE_SETTINGS.items():
                cursor.execute(f"PRAGMA {name}")
                row = cursor.fetchone()
                if row is not None:  # an in-memory database maps nothing
                    before[name] = row[0]
                    cursor.execute(f"PRAGMA {name} = {int(value)}")
        opened = connection.connection
    yield
    if not before or connection.connection is None or connection.connection is not opened:
        return
    with connection.cursor() as cursor:
        for name, value in before.items():
            if connection.vendor == "postgresql":
                cursor.execute("SELECT set_config(%s, %s, false)", [name, value])
            else:
                cursor.execute(f"PRAGMA {name} = {int(value)}")


# PostgreSQL, where the lines' pages are all-visible (vacuumed, as autovacuum keeps an append-only table):
# their sums read in ledger order from the (account, day, amount) index alone, merged with the ledgers in key
# order. Left to itself the planner hashes 3.7M lines into a million groups instead (2–3× slower, measured
# with EXPLAIN ANALYZE on the 1M bench) and runs that in each parallel worker; where the pages are not
# all-visible, every index entry would fetch its line from the table, so the planner chooses.
PG_LEDGER_ORDER = {
    "enable_hashagg": "off",
    "enable_hashjoin": "off",
    "enable_sort": "off",
    "max_parallel_workers_per_gather": "0",
}
ALL_VISIBLE = 0.9


def _mostly_all_visible(line: str) -> bool:
    (share,) = _rows(
        "SELECT relallvisible::float / GREATEST(relpages, 1) FROM pg_class WHERE oid = %s::regclass", [line]
    )[0]
    return bool(share is not None and share >= ALL_VISIBLE)


def _ledgers_pass(account: str, line: str, kinds: str) -> tuple[int, int, int, int, int]:
    """One pass over the ledgers, each against the sum of its own lines: (how many ledgers, how many whose
    cached balance differs from their lines, how many liability ledgers are negative, the asset side and
    the liability side of the fund's equation in fen).

    The lines' (account, day, amount) index covers the sum, so no line is sorted or read from the table:
    SQLite sums them in ledger order and fetches each ledger by key (`_sqlite_ledgers_pass`); PostgreSQL
    sums them all in ledger order from the same index and merges them with the ledgers (`PG_LEDGER_ORDER`)."""
    if connection.vendor == "sqlite":
        return _sqlite_ledgers_pass(account, line, kinds)
    plan: dict[str, str] = {}
    if connection.vendor == "postgresql" and _mostly_all_visible(line):
        plan = PG_LEDGER_ORDER
    # Each ledger's sum as bigint (the balance's own type; a sum past it raises, never compares equal), and the
    # sign on the balance's side: no numeric arithmetic per ledger (a quarter of this statement's CPU). Whether
    # a ledger is on the asset side is worked out once a ledger, in a subquery kept apart (OFFSET 0), not in
    # each of the four aggregates (1.18 → 1.02 s over 1M ledgers).
    source = (
        f"(SELECT id, balance, kind IN ({kinds}) AS asset FROM {account} OFFSET 0) a LEFT JOIN "
        f"(SELECT account_id, SUM(amount)::bigint AS total FROM {line} GROUP BY account_id) s ON s.account_id = a.id"
    )
    with connection.cursor() as cursor, chain_check.pg_settings(cursor, plan):
        cursor.execute(
            "SELECT COUNT(*), "
            "COUNT(*) FILTER (WHERE CASE WHEN a.asset THEN a.balance ELSE -a.balance END <> COALESCE(s.total, 0)), "
            "COUNT(*) FILTER (WHERE NOT a.asset AND a.balance < 0), "
            "COALESCE(SUM(a.balance) FILTER (WHERE a.asset), 0), "
            f"COALESCE(SUM(a.balance) FILTER (WHERE NOT a.asset), 0) FROM {source}",
            [*ASSET_KINDS],
        )
        row = cursor.fetchone()
    count, differ, negative, assets, liabilities = (int(value) for value in row)
    return count, differ, negative, assets, liabilities


def _sqlite_ledgers_pass(account: str, line: str, kinds: str) -> tuple[int, int, int, int, int]:
    """SQLite: the lines' (account, day, amount) index read once in ledger order, each ledger's sum taken as its
    lines go by and its ledger fetched by key (the next one, mostly), in one statement with a pass over the
    ledgers for their count, the negative ones, both sides of the equation and their total |balance|. A ledger
    without lines must hold 0: the total |balance| of the ledgers with lines equals that of all ledgers exactly
    when each of the others holds 0 (a sum of absolute values is 0 only if each is)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT w.differ, w.held, t.n, t.negative, t.assets, t.liabilities, t.held FROM "
            f"(SELECT COUNT(CASE WHEN CASE WHEN a.kind IN ({kinds}) THEN a.balance ELSE -a.balance END <> s.total "
            "THEN 1 END) AS differ, "
            "COALESCE(SUM(ABS(a.balance)), 0) AS held "
            f"FROM (SELECT account_id, SUM(amount) AS total FROM {line} GROUP BY account_id) s "
            f"CROSS JOIN {account} a ON a.id = s.account_id) w, "
            "(SELECT COUNT(*) AS n, "
            f"COUNT(CASE WHEN a.kind NOT IN ({kinds}) AND a.balance < 0 THEN 1 END) AS negative, "
            f"COALESCE(SUM(CASE WHEN a.kind IN ({kinds}) THEN a.balance ELSE 0 END), 0) AS assets, "
            f"COALESCE(SUM(CASE WHEN a.kind IN ({kinds}) THEN 0 ELSE a.balance END), 0) AS liabilities, "
            f"COALESCE(SUM(ABS(a.balance)), 0) AS held FROM {account} a) t",
            [*ASSET_KINDS] * 4,
        )
        row = cursor.fetchone()
    differ, held_with_lines, count, negative, assets, liabilities, held = (int(value) for value in row)
    if held != held_with_lines:  # some ledger without lines holds money
        differ += 1
    return count, differ, negative, assets, liabilities


def check_ledger(parts: int | None = None) -> CheckReport:
    """Every invariant proved. On PostgreSQL outside a transaction the whole check reads one snapshot
    (REPEATABLE READ, read only), exported to connections that run the ledgers' pass and the parts of the
    chain's pass beside each other (`Beside`); on SQLite on a file, outside a transaction, those run in
    processes forked from this one (`chain_parts.forked`); else (inside a transaction, e.g. a test's) one
    after the other. `parts`: how many parts the chain's pass over the lines is cut into (`chain_parts`);
    by default as many as the machine has cores where they can run side by side, else one. On PostgreSQL one
    fewer, the ledgers' pass taking a core: on 2 cores, 1M ledgers and 3.7M lines (`bench/fund.py`), the
    check took 1.27–1.36 s with the chain's pass whole beside it and 1.44–1.47 s with it in two parts (three
    backends on two cores); on SQLite 2.4 s in one process, 1.5 s with two parts and the ledgers' pass in
    three processes (the one pass alone takes 1.5 s)."""
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                cursor.execute("SELECT pg_export_snapshot()")
                (snapshot,) = cursor.fetchone()
            with room_to_sort():
                return _check_ledger(Beside(snapshot), _cores() - 1 if parts is None else parts)
    if parts is None:
        parts = _cores() if chain_parts.forkable() else 1
    with room_to_sort():
        return _check_ledger(None, parts)


def _cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


class Beside:
    """PostgreSQL: work run on a connection of its own in a thread while this one goes on (each backend on a
    core of its own; the client waits outside Python's lock). Its transaction imports `snapshot`, so it reads
    exactly what the check's own connection reads.

    Not on SQLite: two connections of one process did not run faster than one (the chain's pass in two
    halves on two threads took the same wall time as one after the other, measured; see README)."""

    def __init__(self, snapshot: str) -> None:
        self.snapshot = snapshot
        self.pool = ThreadPoolExecutor(max_workers=1 + chain_parts.MAX_PARTS, thread_name_prefix="fund-check")

    def start(self, work: Callable[[], T]) -> Future[T]:
        return self.pool.submit(self._run, work)

    def _run(self, work: Callable[[], T]) -> T:
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                # SET takes no parameters; the id is PostgreSQL's own (pg_export_snapshot), quoted as a literal.
                cursor.execute(f"SET TRANSACTION SNAPSHOT '{self.snapshot.replace("'", "''")}'")
                with room_to_sort():
                    return work()
        finally:
            connection.close()  # this thread's own connection

    def close(self) -> None:
        self.pool.shutdown(wait=True)


def _roomy[R](work: Callable[[], R]) -> R:
    """`work` with the room to sort (a forked process's own connection)."""
    with room_to_sort():
        return work()


def _check_ledger(beside: Beside | None, parts: int) -> CheckReport:
    try:
        return _check_ledger_with(beside, parts)
    finally:
        if beside is not None:
            beside.close()


def _check_ledger_with(beside: Beside | None, parts: int) -> CheckReport:
    report = CheckReport()
    entry, line, account = _q(JournalEntry), _q(JournalLine), _q(Account)
    kinds = ", ".join(["%s"] * len(ASSET_KINDS))
    add = report.violations.append

    # Nothing edited, removed, inserted or reordered: the HMAC chain, over the lines streamed once (in parts
    # side by side where there are many); the same pass counts and sums each entry's lines for the balance
    # rule. The ledgers' pass (balances, overdraws, the equation) reads other rows: beside it.
    ledgers_pass = partial(_ledgers_pass, account, line, kinds)
    cut = chain_parts.plan(parts)
    ledgers: tuple[int, int, int, int, int] | None = None
    if beside is not None:
        ledgers_future = beside.start(ledgers_pass)
        futures = [beside.start(part.read) for part in cut or []]
        lines = chain_parts.merge([f.result() for f in futures]) if cut else chain_check.lines_by_entry()
        ledgers = ledgers_future.result()
    elif cut and chain_parts.forkable():
        works: list[Callable[[], Any]] = [ledgers_pass, *(part.read for part in cut)]
        ledgers, *fragments = chain_parts.forked([partial(_roomy, work) for work in works])
        lines = chain_parts.merge(fragments)
    else:
        lines = chain_parts.merge([part.read() for part in cut]) if cut else chain_check.lines_by_entry()
    report.entries = JournalEntry.objects.count()
    report.lines = sum(stats.count for stats in lines.values())
    chain_report = chain_check.verify_chain(lines)
    report.chain = chain_report.as_dict()
    for seq, count, total in chain_report.unbalanced[:MAX_LISTED]:
        if count < 2:
            add(Violation("balanced", f"分录 #{seq} 少于两行"))
        if total:
            add(Violation("balanced", f"分录 #{seq} 借贷不平衡，差额 {from_fen(total)}"))
    for item in chain_report.breaks[:MAX_LISTED]:
        add(Violation("unchanged" if item.failure in ("lines", "fields") else "chain", item.message))
    if len(chain_report.breaks) > MAX_LISTED:
        add(Violation("chain", f"另有 {len(chain_report.breaks) - MAX_LISTED} 处链条断开"))

    # Sequence numbers run 1..N without gaps, and the head agrees: a deleted entry shows here.
    count, low, high = _rows(f"SELECT COUNT(*), MIN(seq), MAX(seq) FROM {entry}")[0]
    head = LedgerHead.objects.filter(pk=1).values_list("last_seq", flat=True).first() or 0
    if count and (low != 1 or high != count):
        add(Violation("sequence", f"分录编号不连续：共 {count} 笔，编号 {low}–{high}（有分录被删除）"))
    if (high or 0) != head:
        add(Violation("sequence", f"分录编号 {high or 0} 与账簿记录 {head} 不一致"))

    # Every cached balance equals its lines, no liability ledger is negative, and the fund's equation, in one
    # pass over the ledgers; the ledgers at fault are named (their units' codes joined) only when some are.
    report.accounts, differ, negative, assets, liabilities = ledgers if ledgers is not None else ledgers_pass()
    expected = f"CASE WHEN a.kind IN ({kinds}) THEN COALESCE(s.total, 0) ELSE -COALESCE(s.total, 0) END"
    mismatched = (
        f"SELECT a.unit_id, a.name, a.kind, a.balance, {expected} AS expected FROM {account} a "
        f"LEFT JOIN (SELECT account_id, SUM(amount) AS total FROM {line} GROUP BY account_id) s "
        f"ON s.account_id = a.id WHERE a.balance <> {expected} LIMIT {MAX_LISTED}"
    )
    for code, name, kind, balance, total in (
        _rows(
            f"SELECT COALESCE(u.code, ''), m.name, m.kind, m.balance, m.expected FROM ({mismatched}) m "
            "LEFT JOIN registry_unit u ON u.id = m.unit_id",
            [*ASSET_KINDS, *ASSET_KINDS],
        )
        if differ
        else []
    ):
        label = f"分户账 {code}" if code else (name or kind)
        add(Violation("balances", f"{label} 余额 {from_fen(int(balance))} 与明细合计 {from_fen(int(total))} 不符"))

    for code, balance in (
        _rows(
            f"SELECT COALESCE(u.code, a.name), a.balance FROM {account} a LEFT JOIN registry_unit u "
            f"ON u.id = a.unit_id WHERE a.kind NOT IN ({kinds}) AND a.balance < 0 LIMIT {MAX_LISTED}",
            [*ASSET_KINDS],
        )
        if negative
        else []
    ):
        add(Violation("no_overdraw", f"{code} 余额为负：{from_fen(int(balance))}"))

    for rule, message in reconcile_queries.statement_balance_violations():
        add(Violation(rule, message))

    if assets != liabilities:
        add(
            Violation(
                "equation",
                f"资金平衡式不成立：专户及应收 {from_fen(assets)} ≠ 分户账、统筹及待查 {from_fen(liabilities)}",
            )
        )
    return report
