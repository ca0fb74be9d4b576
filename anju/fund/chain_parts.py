"""The chain's pass over the lines (`chain_check.lines_by_entry`) cut into parts run side by side.

The lines are cut into parts of about equal size, each an exact range of the order the pass reads them in:
on SQLite (entry, line id), the order of the lines' entry index; on PostgreSQL the table's pages, read in
the table's order as the one pass reads them (the order the lines were written, see `lines_by_entry`).
A part groups its lines by entry and hashes each group as the whole pass hashes an entry. An entry whose
lines the cut falls among comes back as its lines' text from each part it lies in; the texts are joined in
line order (`merge`) and hashed once. So the parts prove exactly what the one pass proves: every line is in
exactly one part, an entry's text is the same string, and any entry whose lines do not hash as signed is
hashed again from its lines in explicit order (`chain_check.exact_lines`), by the merge or by the chain's
walk, before it is called broken.

Who runs the parts is the caller's (`checks`): on SQLite processes forked from the check (`forked`), each
reading the database file on a connection of its own (two threads of one process ran no faster than one:
SQLite's own locks, measured); on PostgreSQL connections in the check's snapshot, in threads (the server
does the work); inside a transaction (a test's), one after the other on the one connection."""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection

from anju.fund import chain_check
from anju.fund.chain_check import EntryLines
from anju.fund.models import JournalLine

# Below this many lines the one pass is as quick as starting the parts.
SPLIT_MIN = 200_000
MAX_PARTS = 8


@dataclass(frozen=True)
class Fragment:
    """One entry's lines within one part: their days' range, count and sum in fen, and either their SHA-256
    (the entry lies within the part, its lines on one day) or their text `account:fen,…` (the part's edge
    may cut the entry), or neither (its lines are on several days: hashed from its lines, as the one pass)."""

    entry_id: int
    low_day: int
    high_day: int
    count: int
    total: int
    sha256: str | None
    text: str | None


Bound = tuple[int, int]  # SQLite: (entry id, line id) where a part starts; PostgreSQL: (0, the table's page)
EDGE_PAGES = 8  # PostgreSQL: the pages either side of a cut read for the entry it falls in


@dataclass(frozen=True)
class Part:
    start: Bound | None  # None: from the first line
    stop: Bound | None  # None: to the last line
    edges: tuple[int, ...]  # PostgreSQL: the entries cut by some part's edge, returned as text

    def read(self) -> list[Fragment]:
        """This part's fragments, in entry order (SQLite) or the grouping's (PostgreSQL)."""
        if connection.vendor == "postgresql":
            return _pg_part(self)
        return _sqlite_part(self)


def plan(parts: int, min_lines: int | None = None) -> list[Part] | None:
    """The lines cut into `parts` parts of about equal size, or None where one pass will do (fewer lines than
    `min_lines`, by default `SPLIT_MIN`, or one part asked for)."""
    min_lines = SPLIT_MIN if min_lines is None else min_lines
    parts = max(1, min(parts, MAX_PARTS))
    if parts < 2:
        return None
    line = chain_check._q(JournalLine)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Cut by the table's pages: each part a TID range scan of its pages, in the order a sequential scan
            # reads them (an index range of line ids cost 0.3 s more over 3.7M lines than the one pass). The
            # pages between the first line's and the last line's (by the key's index) are cut evenly: lines
            # rolled back leave pages with no line, which the size of the table would count.
            cursor.execute(
                f"SELECT (SELECT COUNT(*) FROM (SELECT 1 FROM {line} LIMIT %s) f), "
                f"(SELECT (ctid::text::point)[0]::bigint FROM {line} ORDER BY id LIMIT 1), "
                f"(SELECT (ctid::text::point)[0]::bigint FROM {line} ORDER BY id DESC LIMIT 1)",
                [max(min_lines, parts)],
            )
            some, first, last = cursor.fetchone()
            if some < max(min_lines, parts) or first is None or abs(last - first) + 1 < parts:
                return None
            low, pages = min(first, last), abs(last - first) + 1
            cuts = sorted({low + pages * k // parts for k in range(1, parts)})
            edges: set[int] = set()
            for cut in cuts:  # the entry of the last line before the cut and of the first after it, if one
                cursor.execute(
                    f"SELECT (SELECT entry_id FROM {line} WHERE ctid >= %s::tid AND ctid < %s::tid "
                    f"ORDER BY ctid DESC LIMIT 1), (SELECT entry_id FROM {line} WHERE ctid >= %s::tid "
                    "AND ctid < %s::tid ORDER BY ctid LIMIT 1)",
                    [_tid(cut - EDGE_PAGES), _tid(cut), _tid(cut), _tid(cut + EDGE_PAGES)],
                )
                before, after = cursor.fetchone()
                if before is not None and before == after:
                    edges.add(int(before))
            bounds: list[Bound | None] = [None, *((0, cut) for cut in cuts), None]
            return [Part(bounds[k], bounds[k + 1], tuple(sorted(edges))) for k in range(len(bounds) - 1)]
        # SQLite: the count from the smallest index, each cut the line at that offset in the entry index's order
        # (an index-only walk).
        cursor.execute(f"SELECT COUNT(*) FROM {line}")
        (count,) = cursor.fetchone()
        if count < max(min_lines, parts):
            return None
        found: set[Bound] = set()
        for k in range(1, parts):
            cursor.execute(
                f"SELECT entry_id, id FROM {line} ORDER BY entry_id, id LIMIT 1 OFFSET %s", [count * k // parts]
            )
            row = cursor.fetchone()
            if row is not None:
                found.add((int(row[0]), int(row[1])))
    cuts_at: list[Bound | None] = [None, *sorted(found), None]
    return [Part(cuts_at[k], cuts_at[k + 1], ()) for k in range(len(cuts_at) - 1)]


def _sqlite_part(part: Part) -> list[Fragment]:
    """The part's lines in the entry index's order (a range of it: row values compare entry, then line id),
    each entry's group concatenated as the one pass does; the first and last groups come back as text."""
    where: list[str] = []
    params: list[int] = []
    if part.start is not None:
        where.append("(entry_id, id) >= (%s, %s)")
        params.extend(part.start)
    if part.stop is not None:
        where.append("(entry_id, id) < (%s, %s)")
        params.extend(part.stop)
    sql = (
        "SELECT entry_id, MIN(day), MAX(day), group_concat(account_id || ':' || amount, ','), SUM(amount) "
        f"FROM {chain_check._q(JournalLine)} {'WHERE ' + ' AND '.join(where) if where else ''} GROUP BY entry_id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    fragments = []
    for index, (entry_id, low, high, text, total) in enumerate(rows):
        count = text.count(",") + 1
        edge = index in (0, len(rows) - 1)
        digest = None
        if not edge and low == high:
            end = f":{low};"
            digest = hashlib.sha256((text.replace(",", end) + end).encode()).hexdigest()
        fragments.append(
            Fragment(int(entry_id), int(low), int(high), count, int(total), digest, text if edge else None)
        )
    return fragments


def _tid(page: int) -> str:
    return f"({max(page, 0)},0)"


def _pg_part(part: Part) -> list[Fragment]:
    """The part's lines (a range of the table's pages, in the table's order) grouped by hashing, as the one
    pass; the entries cut by an edge come back as text, the others hashed by the server."""
    where: list[str] = []
    params: list[str] = []
    if part.start is not None:
        where.append("ctid >= %s::tid")
        params.append(_tid(part.start[1]))
    if part.stop is not None:
        where.append("ctid < %s::tid")
        params.append(_tid(part.stop[1]))
    edges = list(part.edges)
    sql = (
        "SELECT entry_id, low, high, n, total, CASE WHEN entry_id = ANY(%s::bigint[]) THEN text END, "
        "CASE WHEN low = high AND NOT entry_id = ANY(%s::bigint[]) THEN encode(sha256(convert_to("
        "replace(text, ',', ':' || low || ';') || ':' || low || ';', 'UTF8')), 'hex') END FROM ("
        "SELECT entry_id, MIN(day) AS low, MAX(day) AS high, COUNT(*) AS n, SUM(amount) AS total, "
        "string_agg(account_id::text || ':' || amount::text, ',') AS text "
        f"FROM {chain_check._q(JournalLine)} {'WHERE ' + ' AND '.join(where) if where else ''} GROUP BY entry_id) g"
    )
    with connection.cursor() as cursor, chain_check.pg_settings(cursor, chain_check.PG_IN_WRITE_ORDER):
        cursor.execute(sql, [edges, edges, *params])
        rows = cursor.fetchall()
    return [
        Fragment(int(entry_id), int(low), int(high), int(n), int(total), digest, text)
        for entry_id, low, high, n, total, text, digest in rows
    ]


def merge(parts: Sequence[list[Fragment]]) -> dict[int, EntryLines]:
    """Every entry's lines as the one pass finds them, from the parts' fragments in the parts' order."""
    by_entry: dict[int, list[Fragment]] = {}
    for fragments in parts:
        for fragment in fragments:
            by_entry.setdefault(fragment.entry_id, []).append(fragment)
    found: dict[int, EntryLines] = {}
    for entry_id, fragments in by_entry.items():
        count = sum(f.count for f in fragments)
        total = sum(f.total for f in fragments)
        low, high = min(f.low_day for f in fragments), max(f.high_day for f in fragments)
        if len(fragments) == 1 and fragments[0].sha256 is not None:
            found[entry_id] = EntryLines(fragments[0].sha256, count, total)
        elif low == high and all(f.text is not None for f in fragments):
            end, hasher = f":{low};", hashlib.sha256()
            for fragment in fragments:
                hasher.update((str(fragment.text).replace(",", end) + end).encode())
            found[entry_id] = EntryLines(hasher.hexdigest(), count, total)
        else:  # lines on several days, or an entry cut where no part gave its text: from its lines in order
            found[entry_id] = chain_check.exact_lines(entry_id)
    return found


def forkable() -> bool:
    """Whether this connection's work can go to forked processes: SQLite on a file, outside a transaction, from
    a process of one thread (a fork copies only the forking thread: a lock another held stays held)."""
    name = str(connection.settings_dict.get("NAME") or "")
    return (
        connection.vendor == "sqlite"
        and hasattr(os, "fork")
        and threading.active_count() == 1
        and not connection.in_atomic_block
        and name not in ("", ":memory:")
        and "mode=memory" not in name
    )


def forked(works: Sequence[Callable[[], Any]]) -> list[Any]:
    """Each work run in a process forked from this one, all side by side; their results, in order.

    No SQLite handle crosses the fork: this connection is closed first, and each process opens its own on
    the same file (and closes nothing of the parent's). A process's result comes back pickled through a pipe;
    one that fails raises here with its error, after all have ended."""
    connection.close()
    sys.stdout.flush()
    sys.stderr.flush()
    children = []
    for work in works:
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child's coverage is not collected
            _child(work, read, write)
        os.close(write)
        children.append((pid, read))
    results, failures = [], []
    for pid, read in children:
        with os.fdopen(read, "rb") as pipe:
            data = pipe.read()
        _, status = os.waitpid(pid, 0)
        ok, value = pickle.loads(data) if data else (False, f"进程退出，状态 {status}")
        if ok:
            results.append(value)
        else:
            failures.append(str(value))
    if failures:
        raise RuntimeError("核对的子进程失败：" + "；".join(failures))
    return results


def _child(work: Callable[[], Any], read: int, write: int) -> None:  # pragma: no cover - runs in the child
    status = 0
    try:
        os.close(read)
        try:
            outcome: tuple[bool, Any] = (True, work())
        except BaseException as exc:  # any failure goes back to the parent, named
            outcome = (False, f"{type(exc).__name__}: {exc}")
        with os.fdopen(write, "wb") as pipe:
            pickle.dump(outcome, pipe, protocol=pickle.HIGHEST_PROTOCOL)
    except BaseException:  # the parent sees an empty pipe and the status
        status = 1
    finally:
        os._exit(status)
