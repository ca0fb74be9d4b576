"""What a module's test asks of figures kept per table version (`anju.core.kept`): that computing them reads
only the tables listed for their key, and that each of those is watched by its version triggers."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from django.db import connection
from django.test.utils import CaptureQueriesContext

from anju.core import kept

# The versions' own table, read by `kept` itself.
VERSIONS = "core_tableversion"


def tables_read(sql: str) -> set[str]:
    """The tables a statement reads (its FROM and JOIN clauses, as Django quotes them)."""
    return set(re.findall(r'(?:FROM|JOIN)\s+"(\w+)"', sql))


def assert_reads_only_watched(computations: Iterable[Callable[[], object]], tables: Iterable[str]) -> None:
    """Each computation's statements read only `tables` (and the versions), none of which is unwatched."""
    listed = set(tables)
    read: set[str] = set()
    for compute in computations:
        with CaptureQueriesContext(connection) as captured:
            compute()
        for query in captured.captured_queries:
            read |= tables_read(query["sql"]) - {VERSIONS}
    assert read, "the computations read no table"
    assert read <= listed, f"read but not listed: {sorted(read - listed)}"
    assert kept.unwatched(listed) == [], f"listed but not watched: {kept.unwatched(listed)}"
