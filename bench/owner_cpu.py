"""The owners' balance query one request at a time: CPU milliseconds a request against the login page's, and
the queries of one request, on the demo city that `bench/load.py --owner-query` built.

    DEBUG=1 .venv/bin/python bench/load.py --db sqlite --owner-query      # builds the city and its owners
    DEBUG=1 .venv/bin/python bench/owner_cpu.py --db sqlite [--queries 300]
    BENCH_PGDB=… DEBUG=1 .venv/bin/python bench/owner_cpu.py --db postgres

Uses load.py's scratch database (var/bench/load.sqlite3, or BENCH_PGDB) and the owners it sampled, configured
as load.py's server is (DEBUG off, behind a proxy). Each query goes through Django's whole middleware stack
(its test client, in this process), a different owner from its own address, posted with the form's CSRF
token; the login page, requested as often, is the baseline. Prints the process CPU time a request
(`time.process_time`, which other processes on a loaded machine disturb far less than wall time; on
PostgreSQL the database server's own CPU is not in it) and the ratio to the login page. Each run records its
queries' attempts in the scratch database (addresses 10.200.x.y and up, which load.py does not use)."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys

from load import BIN, ROOT, configure, server_env

CODE = """
import json, logging, re, time
from django.db import connection
from django.test import Client
logging.getLogger("anju.request").setLevel(logging.WARNING)
owners = json.loads(open({path!r}, encoding="utf-8").read())["owners"]
count, first = {count}, {first}
host = {{"HTTP_HOST": "127.0.0.1", "HTTP_X_FORWARDED_PROTO": "http"}}
kiosk = Client(enforce_csrf_checks=True, HTTP_X_FORWARDED_FOR="10.200.0.1", **host)
page = kiosk.get("/fund/query/").content.decode()
token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
def query(i):
    number, name = owners[(first + i) % len(owners)]
    address = f"10.{{200 + (first + i) // 62500 % 50}}.{{(first + i) // 250 % 250}}.{{(first + i) % 250 + 1}}"
    form = {{"csrfmiddlewaretoken": token, "id_number": number, "name": name}}
    response = kiosk.post("/fund/query/", form, HTTP_X_FORWARDED_FOR=address)
    assert response.status_code == 200 and "未查询到结果" not in response.content.decode(), response.status_code
for i in range(20):
    query(i)
connection.force_debug_cursor = True  # the log is emptied when a request starts: it holds the last one's
query(20)
connection.force_debug_cursor = False
captured = list(connection.queries)
login = Client(**host)
for _ in range(20):
    login.get("/login/")
started = time.process_time()
for _ in range(count):
    login.get("/login/")
login_ms = (time.process_time() - started) / count * 1000
walls = []
started = time.process_time()
for i in range(21, 21 + count):
    began = time.perf_counter()
    query(i)
    walls.append(time.perf_counter() - began)
owner_ms = (time.process_time() - started) / count * 1000
wall_ms = sorted(walls)[len(walls) // 2] * 1000
writes = [q for q in captured if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]
print(json.dumps({{"queries": len(captured), "writes": len(writes), "owner_cpu_ms": round(owner_ms, 2),
                  "login_cpu_ms": round(login_ms, 2), "ratio": round(owner_ms / login_ms, 2),
                  "owner_wall_p50_ms": round(wall_ms, 2)}}))
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--first", type=int, default=0, help="the first sampled owner asked about")
    args = parser.parse_args()
    url, build = configure(args.db, reuse=True)
    data = ROOT / "var" / "bench" / f"load-data-{args.db}"
    samples = sorted(data.glob("sample-*.json"), key=lambda p: int(p.stem.split("-")[1]))
    if build or not samples:
        sys.exit(f"no demo city with owners: run bench/load.py --db {args.db} --owner-query first")
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE"}} | server_env(url, data)
    code = CODE.format(path=str(samples[-1]), count=args.queries, first=args.first)
    done = subprocess.run(
        [str(BIN / "anju"), "shell", "-v", "0", "-c", code], env=env, capture_output=True, text=True, check=False
    )
    if done.returncode:
        sys.exit(done.stderr)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    print(
        f"{args.db}: one owner query = {result['queries']} queries ({result['writes']} written), "
        f"{result['owner_cpu_ms']} ms CPU; the login page {result['login_cpu_ms']} ms; "
        f"ratio {result['ratio']}×; a query's wall time p50 {result['owner_wall_p50_ms']} ms (the database's "
        f"work and round trips included; {args.queries} of each, one at a time; load {os.getloadavg()[0]:.1f})"
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
