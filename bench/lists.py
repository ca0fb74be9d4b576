"""The large lists of issue 17 — fund journal (记账凭证), persons, projects — and the persons' search.

    DEBUG=1 .venv/bin/python bench/lists.py --db sqlite [--units 250000 --entries 1000000]
    DEBUG=1 .venv/bin/python bench/lists.py --db postgres

Builds a scratch database (SQLite file under var/bench/, or a PostgreSQL database it creates and drops)
with set-based inserts: projects of 1,000 units, one owner per unit (a person, a few owning two), a unit
ledger per unit and `--entries` journal entries of two lines each (the special account and a unit).
Then times, through the test client, ~30 requests of each page (p50 and p95) and prints each against
the login page measured in the same run, and against the way the page was built before issue 17 (the
per-row aggregate annotated over the whole table before the LIMIT and counted exactly: the same ORM
query timed directly, a few times). Nothing here asserts a time."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from _common import scratch_database, timed  # noqa: E402  (bench/ is on the path: run as a script)


def configure(db: str) -> str:
    url, target = scratch_database(db, "lists")
    os.environ["DATABASE_URL"] = url
    return target


def p50_p95(times: list[float]) -> tuple[float, float]:
    ordered = sorted(times)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def resident_id(n: int) -> str:
    born = dt.date(1950, 1, 1) + dt.timedelta(days=n // 1000)  # unique: a birth date per 1,000 persons
    body = f"431202{born:%Y%m%d}{n % 1000:03d}"
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, weights, strict=True)) % 11]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--units", type=int, default=250_000)
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--before", type=int, default=3, help="runs of the pre-issue-17 query (slow)")
    args = parser.parse_args()
    target = configure(args.db)
    os.environ.setdefault("DEBUG", "1")
    os.environ["ALLOWED_HOSTS"] = "testserver,127.0.0.1,localhost"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anju.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.db.models import Count, Q, Sum
    from django.test import Client

    from anju.core import bulk
    from anju.core.demokit import names
    from anju.core.fields import MoneyField
    from anju.core.models import Role, User
    from anju.fund import accounts
    from anju.fund.models import Account, JournalEntry, JournalLine
    from anju.lib.pinyin import person_initials
    from anju.registry.models import Building, Ownership, Person, Project, Unit

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    n, per_project, per_building = args.units, 1000, 100
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
                 str(u % per_building + 101), 1, Decimal(8000 + u % 7000) / 100, "residential", now, now)
                for u in range(n)
            ),
        )  # fmt: skip
        cache: dict[str, str] = {}

        def person_row(p: int) -> tuple[object, ...]:
            name = rng.choice(names.SURNAMES) + rng.choice(names.GIVEN_NAMES)
            if name not in cache:
                cache[name] = person_initials(name)
            return (p + 1, name, "resident", resident_id(p), None, f"139{p:08d}", "", cache[name], now, now)

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
        e = args.entries
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
    lines = JournalLine.objects.count()
    print(
        f"{args.db}: {n:,} units, {persons:,} persons, {projects:,} projects, {e:,} entries / {lines:,} lines "
        f"built in {time.perf_counter() - started:.0f} s",
        flush=True,
    )

    user = User.objects.create_user("bench", password="x-bench-pass-123")
    user.roles.set(Role.objects.filter(code="leadership"))
    client = Client()
    client.force_login(user)

    def pages(url: str) -> list[float]:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return [timed(client.get, url)[0] for _ in range(args.requests)]

    base50, _base95 = p50_p95(pages("/login/"))
    figures: list[tuple[str, str, str]] = [("login page (baseline)", f"p50 {base50 * 1000:.0f} ms", "1×")]

    def before(queryset) -> float:  # type: ignore[no-untyped-def]
        """The page's query as built before: aggregate over the whole table, LIMIT 50, exact count."""
        runs = []
        for _ in range(args.before):
            runs.append(timed(lambda: (list(queryset[:50]), queryset.count()))[0])
        return statistics.median(runs)

    bank_sum = Sum("lines__amount", filter=Q(lines__account__kind=Account.Kind.BANK), output_field=MoneyField())
    cases = [
        ("fund journal", "/fund/journal/", JournalEntry.objects.annotate(bank_amount=bank_sum).order_by("-seq")),
        (
            "persons",
            "/registry/persons/",
            Person.objects.annotate(unit_count=Count("ownerships", filter=Q(ownerships__end__isnull=True))).order_by(
                "name", "id"
            ),
        ),
        (
            "projects",
            "/registry/projects/",
            Project.objects.annotate(unit_count=Count("units", distinct=True), total_area=Sum("units__area")).order_by(
                "code"
            ),
        ),
    ]
    for label, url, old in cases:
        p50, p95 = p50_p95(pages(url))
        old_time = before(old)
        figures.append(
            (
                f"{label} page",
                f"p50 {p50 * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms",
                f"{p50 / base50:.1f}× login; the former query alone {old_time * 1000:.0f} ms = {old_time / p50:.0f}× "
                "this whole page",
            )
        )
    sample = Person.objects.order_by("pk")[persons // 2]
    for label, query in [("search ?q=zw", "zw"), ("search name + ID suffix", f"{sample.name} {sample.id_number[-4:]}")]:
        p50, p95 = p50_p95(pages(f"/registry/persons/?q={query}"))
        figures.append((label, f"p50 {p50 * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms", f"{p50 / base50:.1f}× login"))
    p50, _p95 = p50_p95(pages(f"/fund/journal/?page={10**9}&per={10**6}"))
    figures.append(("journal ?page=10⁹&per=10⁶ (clamped)", f"p50 {p50 * 1000:.0f} ms", f"{p50 / base50:.1f}× login"))

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
