"""`anju demo`: runs the demo steps every line registers (`anju.core.demokit`) in one transaction.

No app imports this package: each line's `demo.py` registers its step in its `AppConfig.ready()`."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, transaction

from anju.core import audit, bulk
from anju.core.demokit import Context, Output, steps
from anju.core.models import AuditEvent, User
from anju.registry.models import Person, Unit


def is_empty() -> bool:
    """True when no business record and no user exists yet."""
    return not (User.objects.exists() or Unit.objects.exists() or Person.objects.exists())


# SQLite's page cache is 2 MB by default: the city's 2M journal lines and 250k units go into indexes
# whose pages the inserts visit in no order, so most of the build re-reads pages from the OS. The build
# runs with a cache that holds them. PostgreSQL's work_mem (4 MB) sends the set-based statements' sorts
# and hashes over the 250k ledgers to disk, and maintenance_work_mem (64 MB) the indexes built after a
# load (`bulk.indexes_built_after`); and the JIT compiles every statement over the big tables for ~0.25 s
# (each runs once). Settings of this connection, put back afterwards.
SQLITE_CACHE_KIB = 1 << 20  # 1 GiB at most, taken as pages are used
PG_SETTINGS = {"work_mem": "256MB", "maintenance_work_mem": "256MB", "jit": "off"}


@contextmanager
def _room_for_the_build() -> Iterator[None]:
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size")
            (before,) = cursor.fetchone()
            cursor.execute(f"PRAGMA cache_size = {-SQLITE_CACHE_KIB}")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute(f"PRAGMA cache_size = {int(before)}")
        return
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        for name, value in PG_SETTINGS.items():
            cursor.execute("SELECT set_config(%s, %s, false)", [name, value])
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for name in PG_SETTINGS:
                cursor.execute(f"RESET {name}")


def build(scale: float, out: Output, cpu: dict[str, float] | None = None) -> dict[str, float]:
    """Runs every registered step in one transaction; returns seconds per step (and puts this process's
    CPU seconds per step in `cpu`: on a machine other loads share, the part that is the build's own)."""
    ctx = Context(scale=scale, out=out)
    timings: dict[str, float] = {}
    with _room_for_the_build(), transaction.atomic(), bulk.foreign_keys_checked_once():
        for step in steps():
            out.write(f"▶ {step.name}\n")
            started, cpu_started = time.perf_counter(), time.process_time()
            step.run(ctx)
            timings[step.name] = time.perf_counter() - started
            if cpu is not None:
                cpu[step.name] = time.process_time() - cpu_started
        audit.record(
            None,
            AuditEvent.Action.IMPORT,
            object_repr="演示城市",
            after={"scale": scale, "units": Unit.objects.count(), "persons": Person.objects.count()},
            note="生成演示城市",
        )
    return timings
