"""The staff pages of bench/load.py one request at a time: server time and query count of each page.

    DEBUG=1 .venv/bin/python bench/pages.py --db sqlite [--repeat 5] [--only fund] [--profile LABEL]

Runs on the demo city that `bench/load.py --db …` built (its SQLite file var/bench/load.sqlite3, or the
PostgreSQL database BENCH_PGDB on BENCH_PGHOST), in this process with Django's test client, DEBUG off:
each page of load.py's PAGES is requested --repeat times by a member of staff whose role may see it, the
records filled in as load.py does. Prints per page the median server time, its CPU time, the number of
queries and their time, and the login page (the baseline) first; then the mix's mean CPU time a request,
which is what bounds the throughput of the closed loop (2 cores ÷ CPU per request). --profile LABEL prints
a cProfile of that page (`all`: of the whole mix, by own time and by cumulative time, kept in
var/bench/pages.prof for pstats' print_callers). Nothing here asserts a time."""

from __future__ import annotations

import argparse
import cProfile
import logging
import pstats
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from load import PAGES, USERS, in_process, module  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--only", default="", help="only the pages whose path contains this")
    parser.add_argument("--profile", default="", help="the label of a page to profile, or 'all': the whole mix")
    parser.add_argument("--queries", default="", help="the label of a page whose slowest queries to print")
    args = parser.parse_args()
    in_process(args.db, logging.INFO)
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from anju.core.models import User
    from anju.fund.models import Account
    from anju.registry.models import Person, Project, Unit

    rng = random.Random(17)

    def pick(queryset, field: str) -> list[object]:  # type: ignore[no-untyped-def]
        return list(queryset.order_by("pk").values_list(field, flat=True)[:2000:7])

    sample = {
        "unit": pick(Unit.objects.all(), "code"),
        "account": pick(Account.objects.filter(kind="unit"), "unit__code"),
        "person": pick(Person.objects.all(), "pk"),
        "project": pick(Project.objects.all(), "code"),
    }
    users = {u.username: u for u in User.objects.filter(username__in=USERS)}
    clients: dict[str, Client] = {}
    for name in USERS:
        client = Client(HTTP_X_FORWARDED_PROTO="http")
        client.force_login(users[name])
        clients[name] = client

    def who(template: str) -> str | None:
        mod = module(template)
        for name in USERS:
            if mod is None or users[name].can(mod, "view"):
                return name
        return None

    def measure(client: Client, path: str) -> tuple[float, float, int, float, int]:
        with CaptureQueriesContext(connection) as queries:
            cpu, wall = time.process_time(), time.perf_counter()
            response = client.get(path)
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        sql = sum(float(q["time"]) for q in queries.captured_queries)
        return wall * 1000, cpu * 1000, len(queries), sql * 1000, response.status_code

    rows = []
    whole = cProfile.Profile() if args.profile == "all" else None
    anonymous = Client()
    pages = [("/login/", "login page (baseline)"), *PAGES]
    for template, label in pages:
        if args.only and args.only not in template and label != "login page (baseline)":
            continue
        name = who(template)
        if name is None:
            continue
        client = anonymous if template == "/login/" else clients[name]
        runs = []
        for index in range(args.repeat + 1):
            path = template.format(**{k: rng.choice(v) for k, v in sample.items()})
            if whole is not None and index:
                whole.enable()
            result = measure(client, path)
            if whole is not None:
                whole.disable()
            if index:  # the first request warms the caches up
                runs.append(result)
        if label == args.queries:
            with CaptureQueriesContext(connection) as captured:
                client.get(template.format(**{k: rng.choice(v) for k, v in sample.items()}))
            for query in sorted(captured.captured_queries, key=lambda q: -float(q["time"]))[:8]:
                print(f"{float(query['time']) * 1000:.0f} ms: {query['sql'][:600]}")
        if label == args.profile:
            profile = cProfile.Profile()
            profile.runcall(client.get, template.format(**{k: rng.choice(v) for k, v in sample.items()}))
            pstats.Stats(profile).sort_stats("cumulative").print_stats(40)
        rows.append((label, name, runs))
    if whole is not None:
        whole.dump_stats(ROOT / "var" / "bench" / "pages.prof")
        pstats.Stats(whole).sort_stats("tottime").print_stats(45)
        pstats.Stats(whole).sort_stats("cumulative").print_stats(60)
    print(f"{args.db}: one request at a time, median of {args.repeat}; load {open('/proc/loadavg').read().strip()}")
    print("| page | as | ms | CPU ms | queries | SQL ms | status |")
    print("|---|---|---|---|---|---|---|")
    cpus = []
    for label, name, runs in rows:
        wall = statistics.median(r[0] for r in runs)
        cpu = statistics.median(r[1] for r in runs)
        count = max(r[2] for r in runs)
        sql = statistics.median(r[3] for r in runs)
        status = ",".join(sorted({str(r[4]) for r in runs}))
        if label != "login page (baseline)":
            cpus.append(wall)
        print(f"| {label} | {name} | {wall:.1f} | {cpu:.1f} | {count} | {sql:.1f} | {status} |")
    if cpus:
        print(f"mean server time a page over the mix: {statistics.mean(cpus):.1f} ms ({len(cpus)} pages)")


if __name__ == "__main__":
    main()
