"""What every benchmark shares: its scratch database and a timer.

A benchmark builds its records in a scratch database of its own — a SQLite file under var/bench/, or a
PostgreSQL database it creates (dropping one left by an earlier run) on BENCH_PGHOST, named by BENCH_PGDB
or after the benchmark — and times its work with `timed`."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def scratch_database(db: str, tag: str, *, reuse: bool = False, pg_name: str | None = None) -> tuple[str, str]:
    """(the database URL, the SQLite file or the PostgreSQL database's name) of benchmark `tag`; emptied
    first unless `reuse` keeps what a last run left."""
    if db == "sqlite":
        path = ROOT / "var" / "bench" / f"{tag}.sqlite3"
        path.parent.mkdir(parents=True, exist_ok=True)
        if not reuse:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{path}", str(path)
    name = pg_name or os.environ.get("BENCH_PGDB", f"anju_bench_{tag}")
    host = os.environ.get("BENCH_PGHOST", "127.0.0.1")
    if not reuse:
        subprocess.run(["dropdb", "-h", host, "-U", "postgres", "--if-exists", "--force", name], check=True)
        subprocess.run(["createdb", "-h", host, "-U", "postgres", name], check=True)
    return f"postgres://postgres@{host}:5432/{name}", name


def timed(fn, *args, **kwargs):  # type: ignore[no-untyped-def]
    """(seconds, result) of one call."""
    started = time.perf_counter()
    result = fn(*args, **kwargs)
    return time.perf_counter() - started, result
