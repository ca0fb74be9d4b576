"""`anju demo`: runs the demo steps every line registers (`anju.core.demokit`) in one transaction.

No app imports this package: each line's `demo.py` registers its step in its `AppConfig.ready()`."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, transaction

from anju.core import audit
from anju.core.demokit import Context, Output, steps
from anju.core.models import AuditEvent, User
from anju.registry.models import Person, Unit


def is_empty() -> bool:
    """True when no business record and no user exists yet."""
    return not (User.objects.exists() or Unit.objects.exists() or Person.objects.exists())


# SQLite's page cache is 2 MB by default: the city's 2M journal lines and 250k units go into indexes
# whose pages the inserts visit in no order, so most of the build re-reads pages from the OS. The build
# runs with a cache that holds them (a setting of this connection, put back afterwards).
SQLITE_CACHE_KIB = 1 << 20  # 1 GiB at most, taken as pages are used


@contextmanager
def _sqlite_cache() -> Iterator[None]:
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        (before,) = cursor.fetchone()
        cursor.execute(f"PRAGMA cache_size = {-SQLITE_CACHE_KIB}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(before)}")


def build(scale: float, out: Output) -> dict[str, float]:
    """Runs every registered step in one transaction; returns seconds per step."""
    ctx = Context(scale=scale, out=out)
    timings: dict[str, float] = {}
    with _sqlite_cache(), transaction.atomic():
        for step in steps():
            out.write(f"▶ {step.name}\n")
            started = time.perf_counter()
            step.run(ctx)
            timings[step.name] = time.perf_counter() - started
        audit.record(
            None,
            AuditEvent.Action.IMPORT,
            object_repr="演示城市",
            after={"scale": scale, "units": Unit.objects.count(), "persons": Person.objects.count()},
            note="生成演示城市",
        )
    return timings
