"""Large list exports (issue 17): the units list (房屋清单), the persons list and the fund journal as .xlsx.

    DEBUG=1 .venv/bin/python bench/exports.py --db sqlite [--units 250000 --entries 250000]
    BENCH_PGDB=anju_bench_exports DEBUG=1 .venv/bin/python bench/exports.py --db postgres
    ... --objects   also times the units export with its columns read as model objects (the kit before)
    ... --reuse     runs on the database a last run left (SQLite's file; PostgreSQL's with BENCH_KEEP=1)

Builds a scratch database (SQLite file under var/bench/, or the PostgreSQL database BENCH_PGDB, created
and dropped) with set-based inserts: projects of 1,000 units, one owner per unit (a person, a few owning
two), a unit ledger per unit and `--entries` journal entries of two lines each. Then, for each list:
- runs its export as the worker runs a large one (`run_job` of a `core.export` job for a user of the
  办公室 and 人事财务部 roles: ID numbers masked), file written to the job's folder: the time people wait;
- reads the same rows again as the export does (database and cells), keeps them in memory, and writes
  them with the project's writer (`anju.lib.xlsx`) and with bare openpyxl in write-only mode (no
  formats, no widths, no 合计): the baseline, measured in the same run on the same rows.
It prints the export's time, rows/s and its ratio to the bare-openpyxl write. Nothing here asserts a time."""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import io
import os
import random
import shutil
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from _common import scratch_database  # noqa: E402  (bench/ is on the path: run as a script)


def configure(db: str, reuse: bool) -> str:
    url, target = scratch_database(db, "exports", reuse=reuse)
    os.environ["DATABASE_URL"] = url
    return target


def resident_id(n: int) -> str:
    born = dt.date(1950, 1, 1) + dt.timedelta(days=n // 1000)  # unique: a birth date per 1,000 persons
    body = f"431202{born:%Y%m%d}{n % 1000:03d}"
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, weights, strict=True)) % 11]


def build(units: int, entries: int) -> str:
    """The city: projects, buildings, units, persons owning them, unit ledgers, journal entries."""
    import django
    from django.db import connection, transaction

    from anju.core import bulk
    from anju.core.demokit import names
    from anju.fund import accounts
    from anju.fund.models import Account, JournalEntry, JournalLine
    from anju.lib.pinyin import person_initials
    from anju.registry.models import Building, Ownership, Person, Project, Unit

    n, per_project, per_building = units, 1000, 100
    projects, buildings = max(1, n // per_project), (n + per_building - 1) // per_building
    persons = n - n // 20  # a twentieth of the owners hold two units
    rng = random.Random(17)
    now = bulk.db_datetime(django.utils.timezone.now())
    with transaction.atomic():
        bulk.insert_rows(
            Project,
            ["id", "code", "name", "address", "district", "kind", "initials", "created", "updated"],
            ((i + 1, f"B{i + 1:05d}", f"基准小区{i + 1}", "", "", "commercial", "", now, now) for i in range(projects)),
        )
        bulk.insert_rows(
            Building,
            ["id", "project_id", "number", "floors", "structure", "lift_count"],
            ((b + 1, b % projects + 1, str(b // projects + 1), 18, "shear", 2) for b in range(buildings)),
        )
        bulk.insert_rows(
            Unit,
            ["id", "code", "project_id", "building_id", "entrance", "room", "floor", "area", "use", "created",
             "updated"],
            (
                (u + 1, f"U{u + 1:07d}", (u // per_building) % projects + 1, u // per_building + 1, "1",
                 str(u % per_building + 101), u % 18 + 1, Decimal(8000 + u % 7000) / 100,
                 "residential" if u % 10 else "shop", now, now)
                for u in range(n)
            ),
        )  # fmt: skip
        cache: dict[str, str] = {}

        def person_row(p: int) -> tuple[object, ...]:
            name = rng.choice(names.SURNAMES) + rng.choice(names.GIVEN_NAMES)
            if name not in cache:
                cache[name] = person_initials(name)
            born = dt.date(1950, 1, 1) + dt.timedelta(days=p // 1000)
            address = f"鹤城区迎丰路{p % 500}号"
            return (p + 1, name, "resident", resident_id(p), born, f"139{p:08d}", address, cache[name], now, now)

        bulk.insert_rows(
            Person,
            ["id", "name", "id_type", "id_number", "birth_date", "phone", "address", "initials", "created", "updated"],
            (person_row(p) for p in range(persons)),
        )
        bulk.insert_rows(
            Ownership,
            ["unit_id", "person_id", "start"],
            ((u + 1, u % persons + 1, dt.date(2015, 1, 1)) for u in range(n)),
        )
        bulk.reset_sequences(Project, Building, Unit, Person)
        accounts.ensure_unit_accounts()
        bank = accounts.open_bank_account(None, bank_name="中国建设银行", number="43050170000000000001")
        unit_accounts = list(Account.objects.filter(kind="unit").order_by("pk").values_list("pk", flat=True))
        e = entries
        bulk.insert_rows(
            JournalEntry,
            ["id", "seq", "kind", "value_date", "posted_at", "posted_by_name", "memo", "document", "key_id",
             "prev_mac", "lines_sha256", "mac"],
            (
                (i + 1, i + 1, "deposit", dt.date(2019, 1, 1) + dt.timedelta(days=i * 1800 // e), now, "基准",
                 "交存", f"D{i + 1:08d}", "k1", "", "-", "-")
                for i in range(e)
            ),
        )  # fmt: skip
        day0 = dt.date(2019, 1, 1).toordinal()
        bulk.insert_rows(
            JournalLine,
            ["entry_id", "account_id", "amount", "day"],
            (
                row
                for i in range(e)
                for row in (
                    (i + 1, bank.pk, Decimal(100 + i % 5000), day0 + i * 1800 // e),
                    (i + 1, unit_accounts[i % len(unit_accounts)], -Decimal(100 + i % 5000), day0 + i * 1800 // e),
                )
            ),
        )
        bulk.reset_sequences(JournalEntry)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return f"{n:,} units, {persons:,} persons, {projects:,} projects, {e:,} entries / {2 * e:,} lines"


def bare_openpyxl(title: str, headers: list[str], rows: list[list[Any]]) -> int:
    """The baseline: the same rows through openpyxl's write-only mode, nothing else (the bytes' length)."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title)
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return len(buffer.getvalue())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--units", type=int, default=250_000)
    parser.add_argument("--entries", type=int, default=250_000)
    parser.add_argument("--only", choices=["units", "persons", "journal"], action="append")
    parser.add_argument("--objects", action="store_true", help="also the units export read as model objects")
    parser.add_argument("--reuse", action="store_true", help="the database of the last run (kept: BENCH_KEEP=1)")
    args = parser.parse_args()
    target = configure(args.db, args.reuse)
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anju.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.urls import resolve

    from anju.core import jobs
    from anju.core.listing import export as export_module
    from anju.core.listing.page import ListPage
    from anju.core.models import Job, Role, User
    from anju.lib import xlsx

    started = time.perf_counter()
    if args.reuse:
        print(f"{args.db}: the database of the last run", flush=True)
    else:
        call_command("migrate", verbosity=0)
        city = build(args.units, args.entries)
        print(f"{args.db}: {city} built in {time.perf_counter() - started:.0f} s", flush=True)
    user, _created = User.objects.get_or_create(username="bench")
    user.roles.set(Role.objects.filter(code__in=["office", "finance"]))  # registry and fund export, IDs masked

    def run_job(path: str) -> tuple[float, int, int]:
        """The export as the worker runs it: seconds, rows, file size."""
        job = Job.objects.create(kind=export_module.EXPORT_JOB, title=path, owner=user, params={"path": path,
                                 "query": "export=xlsx", "ip": "127.0.0.1"})  # fmt: skip
        began = time.perf_counter()
        status = jobs.run_job.call(job.pk)
        seconds = time.perf_counter() - began
        job.refresh_from_db()
        assert status == Job.Status.DONE, (path, job.error)
        size = Path(job.file).stat().st_size
        shutil.rmtree(jobs.directory(job), ignore_errors=True)
        return seconds, job.total, size

    def rows_of(path: str) -> tuple[float, dict[str, Any]]:
        """The export's rows read again as it reads them (database and cells), kept: seconds and the rows."""
        kept: dict[str, Any] = {}

        def keep(title: str, headers: list[str], rows: Any, **options: Any) -> bytes:
            began = time.perf_counter()
            kept.update(title=title, headers=list(headers), rows=list(rows), options=options)
            kept["seconds"] = time.perf_counter() - began
            return b""

        job = Job.objects.create(kind=export_module.EXPORT_JOB, title=path, owner=user, params={"path": path,
                                 "query": "export=xlsx", "ip": "127.0.0.1"})  # fmt: skip
        writer, export_module.workbook_bytes = export_module.workbook_bytes, keep  # type: ignore[assignment]
        try:
            export_module.run_export(job, lambda *_args, **_kw: None)
        finally:
            export_module.workbook_bytes = writer
        return kept["seconds"], kept

    lists = [("units", "/registry/"), ("persons", "/registry/persons/"), ("journal", "/fund/journal/")]
    resolve(lists[0][1])  # the URLconf and every line's views imported once, as in a worker that has run a job
    figures = []
    for label, path in lists:
        if args.only and label not in args.only:
            continue
        seconds, total, size = run_job(path)
        read, kept = rows_of(path)
        began = time.perf_counter()
        xlsx.workbook_bytes(kept["title"], kept["headers"], kept["rows"], **kept["options"])
        ours = time.perf_counter() - began
        began = time.perf_counter()
        bare_openpyxl(kept["title"], kept["headers"], kept["rows"])
        bare = time.perf_counter() - began
        figures.append((f"{label} export, {total:,} rows × {len(kept['headers'])} columns", seconds, total, size, read,
                        ours, bare))  # fmt: skip
        del kept
        print(f"  {label}: {seconds:.1f} s", flush=True)
    if args.objects and (not args.only or "units" in args.only):
        # The kit before issue 17's export work read each row as model objects (a select_related and a
        # prefetch of the current owner per chunk): the same list with its columns' fields dropped.
        original = ListPage.__post_init__

        def objects(self: ListPage) -> None:
            original(self)
            self.columns = [dataclasses.replace(c, fields=()) for c in self.columns]

        ListPage.__post_init__ = objects  # type: ignore[method-assign]
        seconds, total, size = run_job("/registry/")
        ListPage.__post_init__ = original  # type: ignore[method-assign]
        units_bare = next(figure[6] for figure in figures if figure[0].startswith("units"))
        figures.append(("units export read as objects (the kit before)", seconds, total, size, None, None, units_bare))

    print(
        f"\n| {args.db} | export as a task | rows/s | file | reading the rows (database, cells) | writing them "
        "(anju.lib.xlsx) | the same rows by bare openpyxl write-only | export ÷ bare openpyxl |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for name, seconds, total, size, read, ours, bare in figures:
        parts = [f"{seconds:.1f} s", f"{total / seconds:,.0f}", f"{size / 2**20:.1f} MB"]
        parts += [f"{read:.1f} s", f"{ours:.1f} s", f"{bare:.1f} s"] if read is not None else ["", "", "(as above)"]
        print(f"| {name} | {' | '.join(parts)} | {seconds / bare:.2f}× |")
    if args.db == "postgres" and not os.environ.get("BENCH_KEEP"):
        connection.close()
        subprocess.run(
            ["dropdb", "-h", os.environ.get("BENCH_PGHOST", "127.0.0.1"), "-U", "postgres", target], check=False
        )


if __name__ == "__main__":
    main()
