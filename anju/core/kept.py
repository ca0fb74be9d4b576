"""Figures kept per version of the tables they read (issue 17), for sums over whole tables or whole years
that many page views ask for in a row and few writes change: the rent collection rate of the rental and
performance dashboards, the 合计 row of an unfiltered list.

Each watched table has a row in core_tableversion that database triggers move on any insert, update or
delete of its rows, by any code or by hand (`migration_ops.watch_tables`, in the owning app's migration;
the model is anju/fund/totals.py). A figure is kept in the process under the versions of the tables it
reads, read before the figure is computed: it is never kept under versions older than its data, so a view
shows what a fresh computation would show at that moment, exactly, and the first view after any change
computes again. A figure is still computed from the records, never stored as the answer."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from typing import Any

from anju.core import memo
from anju.core.models import TableVersion
from anju.lib.bounded import Bounded

# Figures kept in a process (a year's rate, a list's totals): the least recently used goes first.
KEPT_MAX = 256

_kept: Bounded[Hashable, tuple[tuple[Any, ...], Any]] = Bounded(KEPT_MAX)


def versions(tables: Iterable[str]) -> tuple[Any, ...]:
    """The tables' versions in one query (a table never written since its triggers were made has none)."""
    rows = TableVersion.objects.filter(table__in=sorted(set(tables))).order_by("table")
    return tuple(rows.values_list("table", "n", "stamp"))


def kept[T](name: Hashable, tables: Iterable[str], compute: Callable[[], T]) -> T:
    """`compute()` as of now: the kept value if `tables` have not changed since it was computed, else
    computed again (and kept). `name` names the figure and every argument it depends on besides the data.
    In a page's scope (`anju.core.memo`) the versions are read once for all the figures of the page."""
    watched = tuple(sorted(set(tables)))
    key = memo.once(("anju.core.kept", watched), lambda: versions(watched))  # once in a page's scope
    hit = _kept.get(name)
    if hit is not None and hit[0] == key:
        return hit[1]  # type: ignore[no-any-return]
    value = compute()
    _kept.put(name, (key, value))
    return value


def unwatched(tables: Iterable[str]) -> list[str]:
    """Those of `tables` without their version triggers in the database (`migration_ops.watch_tables`): a
    figure kept per their versions would not see their changes."""
    from django.db import connection

    wanted = sorted(set(tables))
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
            names = {row[0] for row in cursor.fetchall()}
            events = ("insert", "update", "delete")
            return [t for t in wanted if not all(f"core_version_{t}_{e}" in names for e in events)]
        cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        names = {row[0] for row in cursor.fetchall()}
        return [t for t in wanted if f"core_version_{t}" not in names]


def forget() -> None:
    """Drop every kept figure (tests that change a table behind its triggers' back)."""
    _kept.clear()
