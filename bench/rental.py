"""Public rental housing at the demo scale and at 10× it: monthly billing and the dashboard.

    DEBUG=1 .venv/bin/python bench/rental.py --db sqlite [--scales 1,10]
    DEBUG=1 .venv/bin/python bench/rental.py --db postgres

For each scale it builds a scratch database (SQLite file under var/bench/, or a PostgreSQL database
it creates and drops) with the demo city's rental records (`anju.rental.demo.build_rental`: at 1×
5,478 homes, 200 shops, a whole 2023 of bills and payments), then measures each figure against a
baseline measured in the same run:
- billing a month for every lease (`actions.bill_month`, what `anju rental bill` runs: the INSERT …
  SELECT, then the prepaid credit applied) vs the raw-SQL floor of the same rows (one INSERT … SELECT
  with the same predicate into a table with the same indexes) and vs a per-lease ORM loop timed on a
  sample;
- billing the same month again (idempotent: creates nothing) vs the first run;
- the rental dashboard page and the 16 KPIs vs the login page.
Nothing here asserts a time."""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from _common import scratch_database, timed  # noqa: E402  (bench/ is on the path: run as a script)


def configure(db: str, scale: float) -> str:
    tag = "rental_" + str(scale).replace(".", "_")
    url, target = scratch_database(db, tag, pg_name=f"anju_bench_{tag}")
    os.environ["DATABASE_URL"] = url
    return target


def one_scale(db: str, scale: float, sample: int) -> list[tuple[str, str, str]]:
    target = configure(db, scale)
    os.environ.setdefault("DEBUG", "1")
    os.environ["ALLOWED_HOSTS"] = "testserver,127.0.0.1,localhost"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anju.settings")
    import datetime as dt
    import io

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test import Client

    from anju.core import kpis
    from anju.core.models import Role, User
    from anju.demo.builder import Context
    from anju.rental import actions
    from anju.rental.demo import build_rental
    from anju.rental.models import Lease, RentBill

    call_command("migrate", verbosity=0)
    build_time, _ = timed(lambda: transaction.atomic()(build_rental)(Context(scale=scale, out=io.StringIO())))
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    leases = Lease.objects.count()
    bills_2023 = RentBill.objects.count()
    label = f"{scale:g}×"
    figures: list[tuple[str, str, str]] = [
        (
            f"{label} demo rental records",
            f"{leases:,} leases, {bills_2023:,} bills of 2023",
            f"built in {build_time:.1f} s",
        )
    ]

    month, due = dt.date(2024, 1, 1), dt.date(2024, 1, 31)
    predicate = "start <= %s AND (ended_on IS NULL OR ended_on >= %s)"
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE bench_bill "
            "(lease_id bigint, kind varchar(10), month date, due date, amount bigint, paid bigint)"
        )
        cursor.execute("CREATE UNIQUE INDEX bench_bill_key ON bench_bill (lease_id, month)")
        cursor.execute("CREATE INDEX bench_bill_month ON bench_bill (month, kind)")
        floor, _ = timed(
            cursor.execute,
            f"INSERT INTO bench_bill SELECT id, kind, %s, %s, monthly_rent, 0 FROM rental_lease WHERE {predicate}",
            [month, due, month, month],
        )
    bill_time, result = timed(actions.bill_month, None, month)
    again_time, again = timed(actions.bill_month, None, month)
    assert again["created"] == 0 and again["existing"] == result["created"]

    # A per-lease ORM loop on a sample (what set-based billing replaces), extrapolated.
    sample_month = dt.date(2024, 2, 1)
    chosen = list(Lease.objects.filter(start__lte=sample_month, ended_on__isnull=True).order_by("pk")[:sample])

    def orm_loop() -> None:
        with transaction.atomic():
            for lease in chosen:
                RentBill.objects.get_or_create(
                    lease=lease,
                    month=sample_month,
                    defaults={
                        "lease_number": lease.number,
                        "kind": lease.kind,
                        "due": dt.date(2024, 2, 29),
                        "amount": lease.monthly_rent,
                    },
                )

    loop_time, _ = timed(orm_loop)
    loop_estimate = loop_time * result["created"] / max(1, len(chosen))
    figures.append(
        (
            f"{label} bill a month",
            f"{bill_time:.2f} s for {result['created']:,} bills",
            f"{bill_time / floor:.1f}× raw INSERT … SELECT floor, same indexes ({floor:.3f} s); "
            f"ORM loop ≈ {loop_estimate:.1f} s = {loop_estimate / bill_time:.0f}× slower",
        )
    )
    figures.append(
        (
            f"{label} bill the same month again",
            f"{again_time:.3f} s, 0 created",
            f"{again_time / bill_time:.2f}× the first run",
        )
    )

    user = User.objects.create_user("bench", password="x-bench-pass-123")
    user.roles.set(Role.objects.filter(code="housing"))
    client = Client()
    client.force_login(user)
    url = "/rental/?year=2023"
    client.get(url)
    page = statistics.median(timed(client.get, url)[0] for _ in range(5))
    base = statistics.median(timed(client.get, "/login/")[0] for _ in range(20))
    kpi_time, _ = timed(lambda: [k.compute(2023) for k in kpis.all_kpis("rental")])
    figures.append(
        (
            f"{label} rental dashboard page",
            f"{page * 1000:.0f} ms median",
            f"{page / base:.1f}× the login page ({base * 1000:.0f} ms)",
        )
    )
    figures.append(
        (f"{label} the 16 rental KPIs", f"{kpi_time * 1000:.0f} ms", f"{kpi_time / base:.1f}× the login page")
    )
    if db == "postgres":
        connection.close()
        subprocess.run(
            ["dropdb", "-h", os.environ.get("BENCH_PGHOST", "127.0.0.1"), "-U", "postgres", target], check=False
        )
    return figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--scales", default="1,10", help="comma-separated multiples of the demo scale")
    parser.add_argument("--sample", type=int, default=1000, help="leases in the ORM-loop sample")
    parser.add_argument("--one", type=float, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one is not None:
        print(json.dumps(one_scale(args.db, args.one, args.sample), ensure_ascii=False))
        return
    rows: list[Any] = []
    for scale in (float(s) for s in args.scales.split(",")):
        # Each scale in a fresh process and database: Django is set up once per process.
        done = subprocess.run(
            [sys.executable, __file__, "--db", args.db, "--sample", str(args.sample), "--one", str(scale)],
            check=True,
            capture_output=True,
            text=True,
        )
        rows.extend(json.loads(done.stdout.strip().splitlines()[-1]))
        print(f"scale {scale:g} done", file=sys.stderr, flush=True)
    print(f"\n| {args.db} | figure | against the baseline |\n|---|---|---|")
    for name, figure, ratio in rows:
        print(f"| {name} | {figure} | {ratio} |")


if __name__ == "__main__":
    main()
