"""Maintenance fund at scale: 1,000,000 unit ledgers and five years of movements.

    DEBUG=1 .venv/bin/python bench/fund.py --db sqlite [--units 1000000]
    DEBUG=1 .venv/bin/python bench/fund.py --db postgres
    DEBUG=1 .venv/bin/python bench/fund.py --db sqlite --only check   # the data, then `anju fund check` alone
    BENCH_KEEP=1 ... --db postgres --only check; then --only check --reuse   # measure the check again on
                                                  # the database the last run left (SQLite's file is always kept)

Builds a scratch database (SQLite file under var/bench/, or a PostgreSQL database it creates and
drops), then measures the heavy paths and prints each against a baseline measured in the same run:
- interest allocation vs the raw-SQL floor of the same work (one aggregate query + one bulk INSERT
  of as many lines) and vs a per-account ORM loop timed on a 10k sample;
- `anju fund check` (with the HMAC chain over every entry and line) vs a bare COUNT(*), SUM scan of
  the journal lines, and the chain's own pass (the lines hashed per entry) vs the same scan;
- bank receipt import (rows/s) vs reading the same file alone;
- the unit statement page vs the login page.
Nothing here asserts a time."""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import statistics
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from _common import scratch_database, timed  # noqa: E402  (bench/ is on the path: run as a script)


def configure(db: str, reuse: bool = False) -> str:
    url, target = scratch_database(db, "fund", reuse=reuse)
    os.environ["DATABASE_URL"] = url
    return target


def unit_code(u: int, per_building: int, projects: int) -> str:
    building = u // per_building
    return f"B{building % projects + 1:05d}-{building // projects + 1}-1-{u % per_building + 101}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--units", type=int, default=1_000_000)
    parser.add_argument("--sample", type=int, default=10_000)
    parser.add_argument("--receipts", type=int, default=10_000)
    parser.add_argument(
        "--only",
        choices=["all", "check", "import", "interest"],
        default="all",
        help="check, import or interest: skip the other figures",
    )
    parser.add_argument("--profile", action="store_true", help="print where the bank import spends its time")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="with --only check or interest: measure on the database a previous run left (BENCH_KEEP=1 for "
        "PostgreSQL; for interest, one whose 2023 interest is not yet allocated), without building it again",
    )
    args = parser.parse_args()
    if args.reuse and args.only not in ("check", "interest"):
        parser.error("--reuse goes with --only check or --only interest")
    target = configure(args.db, args.reuse)
    os.environ.setdefault("DEBUG", "1")
    os.environ["ALLOWED_HOSTS"] = "testserver,127.0.0.1,localhost"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anju.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test import Client

    from anju.core import bulk
    from anju.core.models import Role, User
    from anju.fund import accounts, chain_check, checks, ledger
    from anju.fund.bank import actions as bank
    from anju.fund.interest import actions as interest
    from anju.fund.models import Account, JournalEntry, JournalLine
    from anju.lib.tabular import read_table
    from anju.registry.models import Building, Project, Unit

    figures: list[tuple[str, str, str]] = []
    if args.reuse:
        print(f"{args.db}: {JournalLine.objects.count():,} journal lines kept from the last run", flush=True)
        if args.only == "interest":
            unit_ids = list(Account.objects.filter(kind="unit").order_by("pk").values_list("pk", flat=True))
            measure_interest(args, figures, Decimal("12345678.90"), unit_ids)
        else:
            measure_check(args.db, figures, connection, checks, chain_check)
        report(args, figures, target, connection)
        return
    started = time.perf_counter()
    call_command("migrate", verbosity=0)

    # --- the city: units, ledgers, five years of movements ------------------------------------
    n = args.units
    per_building = 100
    now = bulk.db_datetime(django.utils.timezone.now())
    with transaction.atomic():
        projects = max(1, n // 1000)
        bulk.insert_rows(
            Project,
            ["id", "code", "name", "address", "district", "kind", "initials", "created", "updated"],
            ((i + 1, f"B{i + 1:05d}", f"基准小区{i + 1}", "", "", "commercial", "", now, now) for i in range(projects)),
        )
        buildings = (n + per_building - 1) // per_building
        bulk.insert_rows(
            Building,
            ["id", "project_id", "number", "floors", "structure", "lift_count"],
            ((b + 1, b % projects + 1, str(b // projects + 1), 18, "shear", 2) for b in range(buildings)),
        )
        bulk.insert_rows(
            Unit,
            [
                "id",
                "code",
                "project_id",
                "building_id",
                "entrance",
                "room",
                "floor",
                "area",
                "use",
                "created",
                "updated",
            ],
            (
                (
                    u + 1,
                    unit_code(u, per_building, projects),
                    (u // per_building) % projects + 1,
                    u // per_building + 1,
                    "1",
                    str(u % per_building + 101),
                    1,
                    Decimal(8000 + u % 7000) / 100,
                    "residential",
                    now,
                    now,
                )
                for u in range(n)
            ),
        )
        bulk.reset_sequences(Project, Building, Unit)
        accounts.ensure_unit_accounts()
        bank_account = accounts.open_bank_account(None, bank_name="中国建设银行", number="43050170000000000001")
    unit_ids = list(Account.objects.filter(kind="unit").order_by("pk").values_list("pk", flat=True))
    # Five years: a first deposit in 2019, then each year a top-up for a third of the units and a
    # repair charge for a tenth of them.
    for year in range(2019, 2024):
        lines: list[tuple[int, Decimal]] = []
        for i, account_id in enumerate(unit_ids):
            if year == 2019:
                lines.append((account_id, Decimal(6000 + i % 4000)))
            elif i % 3 == year % 3:
                lines.append((account_id, Decimal(100 + i % 50)))
        total = sum((amount for _, amount in lines), Decimal(0))
        ledger.post_bulk(
            kind=JournalEntry.Kind.DEPOSIT,
            value_date=dt.date(year, 3 + year % 5, 10),
            lines=[(bank_account.pk, total), *((a, -m) for a, m in lines)],
            actor=None,
            memo=f"{year}交存",
        )
        if year > 2019:
            uses = [(account_id, Decimal(50 + i % 30)) for i, account_id in enumerate(unit_ids) if i % 10 == year % 10]
            used = sum((amount for _, amount in uses), Decimal(0))
            ledger.post_bulk(
                kind=JournalEntry.Kind.USE,
                value_date=dt.date(year, 9, 1),
                lines=[(bank_account.pk, -used), *uses],
                actor=None,
                memo=f"{year}维修使用",
            )
    Account.objects.filter(kind="unit").update(first_deposit=Decimal(0))
    if connection.vendor == "postgresql":
        # What autovacuum does after a bulk load (and between the years this build posts in minutes):
        # without statistics the planner takes the freshly loaded tables for empty ones, and without a
        # vacuum every ledger carries the dead row versions of its five years of balance updates, so the
        # interest's balance update is no longer HOT (it goes into all seven of the account table's
        # indexes: 7× slower at 300k units) and each foreign-key check walks the dead versions.
        # This server runs with autovacuum off; a deployment has it on.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE)")
    lines_total = JournalLine.objects.count()
    setup = time.perf_counter() - started
    print(f"{args.db}: {n:,} unit ledgers, {lines_total:,} journal lines built in {setup:.0f} s", flush=True)

    # --- interest allocation -------------------------------------------------------------------
    amount = Decimal("12345678.90")
    if args.only == "import":
        measure_import(args, figures, bank, read_table, Unit)
        report(args, figures, target, connection)
        return
    if args.only == "check":
        result = interest.allocate_interest(2023, amount)
        print(f"interest allocated to {result.accounts:,} ledgers", flush=True)
        measure_check(args.db, figures, connection, checks, chain_check)
        report(args, figures, target, connection)
        return
    measure_interest(args, figures, amount, unit_ids)
    if args.only == "interest":
        report(args, figures, target, connection)
        return

    measure_check(args.db, figures, connection, checks, chain_check)

    measure_import(args, figures, bank, read_table, Unit)

    # --- the unit statement page -----------------------------------------------------------------
    user = User.objects.create_user("bench", password="x-bench-pass-123")
    user.roles.set(Role.objects.filter(code="finance"))
    client = Client()
    client.force_login(user)
    busy = Account.objects.filter(kind="unit").order_by("pk").select_related("unit").first()
    assert busy is not None and busy.unit is not None
    url = f"/fund/accounts/{busy.unit.code}/"
    client.get(url)
    page_times = [timed(client.get, url)[0] for _ in range(20)]
    base_times = [timed(client.get, "/login/")[0] for _ in range(20)]
    page, base = statistics.median(page_times), statistics.median(base_times)
    moves = JournalLine.objects.filter(account=busy).count()
    figures.append(
        (
            "unit statement page",
            f"{page * 1000:.0f} ms median ({moves} movements)",
            f"{page / base:.1f}× the login page ({base * 1000:.0f} ms)",
        )
    )

    report(args, figures, target, connection)


def measure_interest(args, figures, amount, unit_ids) -> None:  # type: ignore[no-untyped-def]
    """The interest allocation against its raw-SQL floor, checked unit by unit against the Python split."""
    from django.db import connection, transaction

    from anju.core import bulk
    from anju.core.fields import to_fen
    from anju.fund import rules
    from anju.fund.interest import actions as interest
    from anju.fund.models import Account, JournalEntry, JournalLine

    # The floor: the same aggregate query and one INSERT of as many lines, rolled back. On PostgreSQL the
    # lines' foreign keys are checked at commit (DEFERRABLE INITIALLY DEFERRED), which a rolled-back
    # floor never reaches: they are checked here before the rollback, timed apart (SQLite checks them
    # during the INSERT, floor and allocation alike). Inserting the same lines into the same table pays
    # the same checks, so the figure is against the floor with them; the allocation's own checks are
    # timed apart too (fired before its commit), for the comparison without them on either side.
    pg = connection.vendor == "postgresql"
    floor_fk = alloc_fk = 0.0
    with transaction.atomic():
        floor_query, sums = timed(interest.unit_day_sums, 2023)
        head = JournalEntry.objects.create(
            seq=10**9, kind="interest", value_date=dt.date(2023, 12, 31), posted_by_name="bench", mac="bench"
        )
        floor_insert, _ = timed(
            bulk.insert_rows,
            JournalLine,
            ["entry_id", "account_id", "amount", "day"],
            [(head.pk, account_id, -1, 0) for account_id, _code, _w in sums],
        )
        if pg:
            floor_fk, _ = timed(_check_deferred, connection)
        transaction.set_rollback(True)
    floor = floor_query + floor_insert + floor_fk
    started = time.perf_counter()
    with transaction.atomic():
        result = interest.allocate_interest(2023, amount)
        if pg:
            alloc_fk, _ = timed(_check_deferred, connection)
    alloc = time.perf_counter() - started
    assert result.credited == amount and result.accounts == len(sums)
    # The same database, the split as the allocation made it before it was set-based (rules.split_interest
    # in Python over the same 积数): every unit's part must be what was posted.
    _pooled, parts = rules.split_interest(amount, None, {code: Decimal(w) for _a, code, w in sums})
    by_code = {code: account_id for account_id, code, _w in sums}
    expected = sorted((by_code[code], -part) for code, part in parts.items() if part)
    lines = JournalLine.objects.filter(entry=result.entry, account__kind="unit").order_by("pk")
    assert list(lines.values_list("account_id", "amount")) == expected, "not the Python split"
    print(f"interest: {len(expected):,} parts identical to the Python split", flush=True)
    if args.only == "interest":
        from anju.fund import checks

        ledger_check = checks.check_ledger()
        assert ledger_check.ok, ledger_check.as_dict()
        print(f"anju fund check after the interest: ok, {ledger_check.entries:,} entries chained", flush=True)
    # The per-account ORM loop, on a sample, in a transaction rolled back.
    sample = unit_ids[: args.sample]
    start, end = dt.date(2023, 1, 1).toordinal(), dt.date(2023, 12, 31).toordinal()
    with transaction.atomic():
        entry = JournalEntry.objects.create(
            seq=10**9 + 1, kind="interest", value_date=dt.date(2023, 12, 31), posted_by_name="bench", mac="bench"
        )
        loop_started = time.perf_counter()
        for account_id in sample:
            weight = 0
            for line in JournalLine.objects.filter(account_id=account_id, day__lte=end).only("amount", "day"):
                weight += -to_fen(line.amount) * (end - max(line.day, start) + 1)
            share = Decimal(weight % 997) / 100 + Decimal("0.01")
            JournalLine.objects.create(entry=entry, account_id=account_id, amount=-share, day=end)
            account = Account.objects.get(pk=account_id)
            account.balance += share
            account.save(update_fields=["balance"])
        loop = (time.perf_counter() - loop_started) / len(sample) * len(sums)
        transaction.set_rollback(True)
    figures.append(
        (
            "interest allocation",
            f"{alloc:.1f} s for {result.accounts:,} ledgers",
            f"{alloc / floor:.2f}× raw-SQL floor ({floor:.1f} s"
            + (
                f", of which {floor_fk:.1f} s the lines' foreign-key checks; without them on either side "
                f"{(alloc - alloc_fk) / (floor - floor_fk):.2f}×: {alloc - alloc_fk:.1f} s against "
                f"{floor - floor_fk:.1f} s, the allocation's own checks {alloc_fk:.1f} s)"
                if pg
                else ")"
            )
            + f"; ORM loop ≈ {loop:.0f} s = {loop / alloc:.0f}× slower",
        )
    )


def _check_deferred(connection) -> None:  # type: ignore[no-untyped-def]
    """PostgreSQL: fire the journal lines' foreign-key checks the transaction has deferred (as its commit
    would; the entry's own balance check stays at the commit)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT string_agg(quote_ident(conname), ', ') FROM pg_constraint "
            "WHERE conrelid = 'fund_journalline'::regclass AND contype = 'f'"
        )
        cursor.execute(f"SET CONSTRAINTS {cursor.fetchone()[0]} IMMEDIATE")


def measure_import(args, figures, bank, read_table, Unit) -> None:  # type: ignore[no-untyped-def]
    """The bank receipt import of args.receipts rows (one in ten to suspense) against reading the file."""
    from openpyxl import Workbook

    codes = list(Unit.objects.order_by("pk").values_list("code", flat=True)[: args.receipts])
    wb = Workbook(write_only=True)
    ws = wb.create_sheet()
    ws.append(bank.HEADERS)
    for i, code in enumerate(codes):
        ws.append([f"BENCH{i:09d}", "2024-01-15", "4500.00", code if i % 10 else "UNKNOWN", "业主", "交存"])
    buffer = io.BytesIO()
    wb.save(buffer)
    content = buffer.getvalue()
    read_time, _ = timed(read_table, "r.xlsx", content, bank.HEADERS, max_rows=10**7)
    if args.profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.enable()
    import_time, summary = timed(bank.import_receipts, None, "r.xlsx", content)
    if args.profile:
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)
    rate = len(codes) / import_time
    figures.append(
        (
            "bank receipt import",
            f"{rate:,.0f} rows/s ({len(codes):,} rows, {import_time:.1f} s)",
            f"{import_time / read_time:.1f}× reading the file alone ({read_time:.1f} s)",
        )
    )
    assert summary.posted + summary.suspense == len(codes)


def measure_check(db: str, figures: list[tuple[str, str, str]], connection, checks, chain_check) -> None:  # type: ignore[no-untyped-def]
    """`anju fund check` and the chain's pass over the lines, each against one full scan in the same run.

    On PostgreSQL the tables are vacuumed first, as autovacuum does on a live server after the interest's
    million lines (this machine's server runs with autovacuum off): the check reads the ledgers' sums from
    the lines' index alone where their pages are all-visible, and plans it otherwise where they are not."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE) fund_journalline, fund_account, fund_journalentry")
    scans = []
    for _ in range(3):
        with connection.cursor() as cursor:
            scan, _ = timed(cursor.execute, "SELECT COUNT(*), SUM(amount) FROM fund_journalline")
            cursor.fetchall()
        scans.append(scan)
    scan = statistics.median(scans)
    with checks.room_to_sort():  # as the check runs it
        chain_time, lines = timed(chain_check.lines_by_entry)
    check_time, report = timed(checks.check_ledger)
    assert report.ok, report.as_dict()
    assert report.chain["verified"] == report.entries
    figures.append(
        (
            "anju fund check (HMAC chain included)",
            f"{check_time:.1f} s over {report.lines:,} lines, {report.entries:,} entries",
            f"{check_time / scan:.1f}× one full scan of the lines ({scan:.2f} s)",
        )
    )
    figures.append(
        (
            "the chain's pass over the lines",
            f"{chain_time:.1f} s ({len(lines):,} entries hashed)",
            f"{chain_time / scan:.1f}× one full scan of the lines",
        )
    )


def report(args, figures, target, connection) -> None:  # type: ignore[no-untyped-def]
    print(f"\n| {args.db} | figure | against the baseline |\n|---|---|---|")
    for name, figure, ratio in figures:
        print(f"| {name} | {figure} | {ratio} |")
    if args.db == "postgres" and not os.environ.get("BENCH_KEEP"):
        connection.close()
        subprocess.run(
            ["dropdb", "-h", os.environ.get("BENCH_PGHOST", "127.0.0.1"), "-U", "postgres", target], check=False
        )


if __name__ == "__main__":
    main()
