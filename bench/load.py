"""Staff pages and the owners' balance query under load, on the demo city, served as in production.

    DEBUG=1 .venv/bin/python bench/load.py --db sqlite [--reuse] [--clients 20] [--seconds 60] [--warmup 10] [--think 0]
    DEBUG=1 .venv/bin/python bench/load.py --db postgres --reuse --owner-query [--rate 50]

Builds the demo city (`anju migrate`, `anju demo`: about 2 min on SQLite, 4 on PostgreSQL) in a scratch
database — the SQLite file var/bench/load.sqlite3, or the PostgreSQL database BENCH_PGDB (default
anju_bench_load) on BENCH_PGHOST — or, with --reuse, keeps the one an earlier run built. Then serves it as
production does (docs/deploy.md): gunicorn, 4 workers, --timeout 300, DEBUG off, static files collected
and served by whitenoise, one JSON log line a request, behind a proxy that appends the client's address
to X-Forwarded-For (this script plays the proxy). Two modes:

- staff pages (default): the demo staff sign in (admin, leader, office, finance, housing, info, station;
  through the login form and its CSRF token); --clients threads, each a signed-in member of staff, request
  the pages of PAGES their role may see (the ~30 most used pages and API lists), one after the other with
  no pause (a saturation test: 20 requests always in flight), or with --think S a random pause of S seconds
  on average after each answer (a person reading the page), for --seconds, after --warmup seconds of the same
  load that are not counted (each worker's first view of a page computes the figures it keeps and compiles
  its templates: about 3 s of CPU, a twentieth of a 30 s run on 2 cores). The login page, requested by
  anonymous clients in the same mix, is the baseline.
- --owner-query: the public owner balance query (/fund/query/) posted at a fixed --rate a second for
  --seconds, each query a different owner (ID number and name of current owners, from the scratch
  database) from its own address; the per-ID limit and the CAPTCHA stay on (valid queries never trip
  them). The login page, requested at a tenth of the rate in the same run, is the baseline.

Prints p50/p95/p99 per page, the errors (any answer not 2xx/3xx, or a failed connection) and the
throughput; for the staff pages also the CPU a request of the server (gunicorn's processes, from /proc), of
this script, which shares the cores, and of the rest of the machine (PostgreSQL's backends): the closed
loop's throughput is at most the processors ÷ their sum.
Nothing here asserts a time; the targets (issue 17) are printed beside the figures."""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PASSWORD = "Anju@2023demo"
USERS = ["admin", "leader", "office", "finance", "housing", "info", "station"]
LOGIN = "login page (baseline)"
# The most used staff pages and API lists; {unit}, {person}, {project}, {account} are filled from the
# database's records at random for each request. A role requests the pages of the modules it may view
# (the module is the path's first part, after /api/; the home and jobs pages are everyone's).
PAGES = [
    ("/", "home"),
    ("/registry/", "units"),
    ("/registry/?project={project}", "units of a project"),
    ("/registry/units/{unit}/", "unit"),
    ("/registry/persons/", "persons"),
    ("/registry/persons/?q=zw", "persons, pinyin search"),
    ("/registry/persons/{person}/", "person"),
    ("/registry/projects/", "projects"),
    ("/registry/projects/{project}/", "project"),
    ("/registry/enterprises/", "enterprises"),
    ("/registry/search/?q=张", "search"),
    ("/fund/", "fund home"),
    ("/fund/accounts/", "unit ledgers"),
    ("/fund/accounts/{account}/", "unit statement"),
    ("/fund/projects/", "project balances"),
    ("/fund/journal/", "journal"),
    ("/fund/use/", "fund use"),
    ("/fund/bank/receipts/", "bank receipts"),
    ("/fund/notices/", "deposit notices"),
    ("/fund/arrears/", "arrears board"),
    ("/rental/", "rental dashboard"),
    ("/rental/units/", "rental homes"),
    ("/rental/leases/", "leases"),
    ("/rental/bills/", "rent bills"),
    ("/rental/arrears/", "rent arrears"),
    ("/termite/", "termite"),
    ("/subsidy/applications/", "subsidy applications"),
    ("/petitions/cases/", "petitions"),
    ("/worklog/", "work records"),
    ("/performance/dashboard/", "performance"),
    ("/oversight/", "oversight"),
    ("/jobs/", "jobs"),
    ("/audit/", "audit log"),
    ("/api/registry/persons", "API persons"),
    ("/api/fund/accounts", "API unit ledgers"),
    ("/api/fund/totals", "API fund totals"),
    ("/api/rental/leases", "API leases"),
    ("/api/petitions/cases", "API petitions"),
]
SAMPLE = """
import json, random
from anju.registry.models import Person, Unit, Project, Ownership
from anju.fund.models import Account
from anju.core.models import User
rng = random.Random(17)
def pick(qs, n):
    ids = list(qs.values_list('pk', flat=True)[:50000])
    return rng.sample(ids, min(n, len(ids)))
units = list(Unit.objects.filter(pk__in=pick(Unit.objects.all(), 300)).values_list('code', flat=True))
accounts = list(Account.objects.filter(pk__in=pick(Account.objects.filter(kind='unit'), 300))
                .values_list('unit__code', flat=True))
persons = pick(Person.objects.all(), 300)
projects = list(Project.objects.filter(pk__in=pick(Project.objects.all(), 100)).values_list('code', flat=True))
current = Person.objects.filter(id_type='resident', pk__in=Ownership.objects.filter(end__isnull=True).values('person'))
owner_ids = pick(current, {owners})
owners = list(Person.objects.filter(pk__in=owner_ids).values_list('id_number', 'name'))
modules = {modules}
views = {{u.username: [m for m in modules if u.can(m, 'view')] for u in User.objects.filter(username__in={users})}}
print(json.dumps({{'unit': units, 'account': accounts, 'person': persons, 'project': projects,
                  'owners': owners, 'views': views}}))
"""


def server_env(url: str, data: Path) -> dict[str, str]:
    """The settings the demo city is served with (production's, DEBUG off, behind this script's proxy)."""
    return {
        "DATABASE_URL": url,
        "ANJU_ENV_FILE": "",
        "DEBUG": "0",
        "SECRET_KEY": "bench-" + "b" * 50,
        "ANJU_LEDGER_KEY": "bench:load-bench-ledger-key-not-secret-0123456789abcdef",
        "ALLOWED_HOSTS": "127.0.0.1",
        "ANJU_HTTPS": "0",
        "TRUST_X_FORWARDED_FOR": "1",
        "ANJU_DATA_DIR": str(data),
    }


def city_env(db: str) -> dict[str, str]:
    """`server_env` for the demo city an earlier run built: its SQLite file, or the PostgreSQL database
    BENCH_PGDB on BENCH_PGHOST (what bench/pages.py and bench/signin.py run on)."""
    if db == "sqlite":
        url = f"sqlite:///{ROOT / 'var' / 'bench' / 'load.sqlite3'}"
    else:
        host, name = os.environ.get("BENCH_PGHOST", "127.0.0.1"), os.environ.get("BENCH_PGDB", "anju_bench_load")
        url = f"postgres://postgres@{host}:5432/{name}"
    return server_env(url, ROOT / "var" / "bench" / f"load-data-{db}")


def in_process(db: str, quiet: int) -> None:
    """Django set up in this process on the demo city (`city_env`), for the test client: no proxy in front,
    and log records below `quiet` dropped."""
    import logging

    env = city_env(db)
    env.pop("TRUST_X_FORWARDED_FOR")
    os.environ.update(env | {"ALLOWED_HOSTS": "testserver,127.0.0.1"})
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anju.settings")
    import django

    django.setup()
    logging.disable(quiet)


def configure(db: str, reuse: bool) -> tuple[str, bool]:
    """The scratch database's URL, and whether it must be built."""
    if db == "sqlite":
        path = ROOT / "var" / "bench" / "load.sqlite3"
        path.parent.mkdir(parents=True, exist_ok=True)
        if reuse and path.exists():
            return f"sqlite:///{path}", False
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{path}", True
    name = os.environ.get("BENCH_PGDB", "anju_bench_load")
    host = os.environ.get("BENCH_PGHOST", "127.0.0.1")
    url = f"postgres://postgres@{host}:5432/{name}"
    listed = subprocess.run(
        ["psql", "-h", host, "-U", "postgres", "-Atc", f"SELECT 1 FROM pg_database WHERE datname = '{name}'"],
        capture_output=True,
        text=True,
        check=True,
    )
    if reuse and listed.stdout.strip() == "1":
        return url, False
    subprocess.run(["dropdb", "-h", host, "-U", "postgres", "--if-exists", "--force", name], check=True)
    subprocess.run(["createdb", "-h", host, "-U", "postgres", name], check=True)
    return url, True


def module(path: str) -> str | None:
    parts = path.split("?")[0].strip("/").split("/")
    first = parts[1] if parts[0] == "api" else parts[0]
    return None if first in ("", "jobs") else first


MODULES = sorted({m for t, _label in PAGES if (m := module(t)) is not None})


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Client:
    """One browser: its cookies; each request on a new connection (gunicorn's sync workers close them)."""

    def __init__(self, port: int, address: str = "127.0.0.1") -> None:
        self.port, self.address = port, address
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: dict[str, str] | None = None) -> tuple[int, bytes]:
        headers = {"X-Forwarded-For": self.address, "X-Forwarded-Proto": "http", "Host": "127.0.0.1"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        data = None
        if body is not None:
            data = urllib.parse.urlencode(body).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://127.0.0.1:{self.port}{path}"
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=300)
        try:
            connection.request(method, urllib.parse.quote(path, safe="/?=&%:"), body=data, headers=headers)
            response = connection.getresponse()
            content = response.read()
            for header in response.headers.get_all("Set-Cookie") or []:
                name, _, rest = header.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
            return response.status, content
        finally:
            connection.close()

    def form_token(self, path: str) -> str:
        status, content = self.request("GET", path)
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', content)
        if status != 200 or token is None:
            sys.exit(f"{path}: {status}, no CSRF token")
        return token.group(1).decode()

    def login(self, username: str) -> Client:
        token = self.form_token("/login/")
        status, _ = self.request(
            "POST", "/login/", {"csrfmiddlewaretoken": token, "username": username, "password": PASSWORD}
        )
        if status != 302 or "sessionid" not in self.cookies:
            sys.exit(f"{username} could not sign in ({status})")
        return self


class Recorder:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.times: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, list[str]] = defaultdict(list)

    def timed(self, label: str, call: Callable[..., tuple[int, bytes]], *args: object) -> None:
        started = time.perf_counter()
        try:
            status, _ = call(*args)
            failure = "" if 200 <= status < 400 else str(status)
        except OSError as error:
            failure = type(error).__name__
        elapsed = (time.perf_counter() - started) * 1000
        with self.lock:
            self.times[label].append(elapsed)
            if failure:
                self.errors[label].append(failure)


def quantiles(times: list[float]) -> tuple[float, float, float]:
    if len(times) < 2:
        value = times[0] if times else 0.0
        return value, value, value
    cuts = statistics.quantiles(times, n=100, method="inclusive")
    return cuts[49], cuts[94], cuts[98]


def report(recorder: Recorder, seconds: float, title: str, target: str) -> None:
    base = quantiles(recorder.times[LOGIN])[1] or 1.0
    everything = [t for label, times in recorder.times.items() if label != LOGIN for t in times]
    errors = sum(len(e) for label, e in recorder.errors.items() if label != LOGIN)
    print(f"\n{title}")
    print("| page | requests | p50 ms | p95 ms | p99 ms | p95 against the login page | errors |")
    print("|---|---|---|---|---|---|---|")
    order = sorted(recorder.times, key=lambda label: (label == LOGIN, -quantiles(recorder.times[label])[1]))
    for label in order:
        times = recorder.times[label]
        p50, p95, p99 = quantiles(times)
        failed = recorder.errors.get(label, [])
        shown = f"{len(failed)} ({', '.join(sorted(set(failed)))})" if failed else "0"
        print(f"| {label} | {len(times):,} | {p50:.0f} | {p95:.0f} | {p99:.0f} | {p95 / base:.1f}× | {shown} |")
    p50, p95, p99 = quantiles(everything)
    print(
        f"| **all but the login page** | {len(everything):,} | {p50:.0f} | {p95:.0f} | {p99:.0f} | "
        f"{p95 / base:.1f}× | {errors} |"
    )
    print(f"throughput: {len(everything) / seconds:.1f} requests/s over {seconds:.0f} s; target: {target}")
    print(json.dumps({"p95_ms": round(p95, 1), "login_p95_ms": round(base, 1), "errors": errors}))


def cpu_seconds(pids: list[int]) -> float:
    """The CPU (user and system) these processes have used, from /proc (0 where there is none)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime: the stat line's 14th and 15th fields
    return total / os.sysconf("SC_CLK_TCK")


def machine_cpu_seconds() -> float:
    """The CPU all processes of the machine have used (user, nice, system, interrupts), from /proc/stat."""
    fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    user, nice, system, _idle, _iowait, irq, softirq = (int(value) for value in fields[:7])
    return (user + nice + system + irq + softirq) / os.sysconf("SC_CLK_TCK")


def server_processes(master: int) -> list[int]:
    """gunicorn's master and its workers."""
    try:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    except OSError:
        return [master]
    return [master, *(int(pid) for pid in children)]


def staff_load(
    port: int,
    sample: dict[str, list[object]],
    clients: int,
    seconds: float,
    think: float = 0,
    server: int = 0,
    warmup: float = 0,
) -> None:
    signed_in = [Client(port).login(USERS[index % len(USERS)]) for index in range(clients)]
    rng = random.Random(17)

    def fill(template: str) -> str:
        return template.format(**{key: rng.choice(sample[key]) for key in ("unit", "person", "project", "account")})

    views: dict[str, list[str]] = sample["views"]  # type: ignore[assignment]
    allowed = {user: [(t, label) for t, label in PAGES if module(t) in (None, *views[user])] for user in USERS}
    for client in signed_in:  # warm the workers up a little
        client.request("GET", "/")
    seen = {label for pages in allowed.values() for _, label in pages}
    print(
        f"pages: {len(seen)} of {len(PAGES)} in the mix; per role: "
        + ", ".join(f"{u} {len(allowed[u])}" for u in USERS)
    )

    def run(index: int, recorder: Recorder, stop: float) -> None:
        user, client = USERS[index % len(USERS)], signed_in[index]
        anonymous = Client(port)
        choices = [*allowed[user], ("/login/", LOGIN)]
        local = random.Random(index + (0 if recorder is timed else 1000))
        while time.perf_counter() < stop:
            template, label = local.choice(choices)
            if label == LOGIN:
                anonymous.cookies.clear()
                recorder.timed(label, anonymous.request, "GET", "/login/")
            else:
                recorder.timed(label, client.request, "GET", fill(template))
            if think:  # a member of staff reading the page before the next click
                time.sleep(max(0.0, min(local.expovariate(1 / think), stop - time.perf_counter(), 10 * think)))

    def drive(recorder: Recorder, length: float) -> None:
        stop = time.perf_counter() + length
        threads = [threading.Thread(target=run, args=(i, recorder, stop)) for i in range(clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    timed = Recorder()
    if warmup:  # the same load, not counted: each worker's first views (kept figures, templates) are behind it
        ignored = Recorder()
        drive(ignored, warmup)
        failed = sum(len(e) for e in ignored.errors.values())
        print(f"warm-up: {sum(len(t) for t in ignored.times.values()):,} requests in {warmup:g} s, not counted;"
              f" {failed} errors" + (f" ({dict(ignored.errors)})" if failed else ""))  # fmt: skip
    recorder = timed
    serving = server_processes(server) if server else []
    server_before, client_before, machine_before = cpu_seconds(serving), time.process_time(), machine_cpu_seconds()
    started = time.perf_counter()
    drive(timed, seconds)
    elapsed = time.perf_counter() - started
    server_cpu, client_cpu = cpu_seconds(serving) - server_before, time.process_time() - client_before
    machine_cpu = machine_cpu_seconds() - machine_before
    report(
        recorder,
        elapsed,
        f"staff pages: {clients} clients ({', '.join(USERS)}), {elapsed:.0f} s, gunicorn 4 workers, "
        + (f"a pause of {think:g} s on average after each answer" if think else "no pause between requests"),
        "p95 ≤ 150 ms with 0 errors",
    )
    # Where the machine's CPU went: the server (gunicorn's workers), this script, which plays the 20 browsers
    # and the proxy on the same cores, and the rest (PostgreSQL's backends, anything else running). Requests
    # the processors can answer a second = processors / CPU a request.
    answered = sum(len(times) for times in recorder.times.values())
    if answered and serving:
        processors = os.cpu_count() or 1
        rest = max(0.0, machine_cpu - server_cpu - client_cpu)
        per_request = [cpu / answered * 1000 for cpu in (server_cpu, client_cpu, rest)]
        print(
            f"CPU a request: server {per_request[0]:.1f} ms, this script {per_request[1]:.1f} ms, the rest of the "
            f"machine (the database server, others) {per_request[2]:.1f} ms; the machine's {processors} processors "
            f"were {machine_cpu / elapsed / processors:.0%} busy"
        )


def owner_load(port: int, owners: list[list[str]], rate: float, seconds: float) -> None:
    count = int(rate * seconds)
    if len(owners) < count:
        print(f"note: {len(owners)} owners for {count} queries; some owners are asked about more than once")
    kiosk = Client(port, "10.255.0.1")
    token = kiosk.form_token("/fund/query/")
    recorder = Recorder()
    late: list[float] = []

    def query(index: int) -> tuple[int, bytes]:
        number, name = owners[index % len(owners)]
        owner = Client(port, f"10.{index // 62500 % 250}.{index // 250 % 250}.{index % 250 + 1}")
        owner.cookies = dict(kiosk.cookies)
        status, content = owner.request(
            "POST", "/fund/query/", {"csrfmiddlewaretoken": token, "id_number": number, "name": name}
        )
        if status == 200 and "未查询到结果".encode() in content:
            return 404, content  # a valid query that found nothing is an error here
        return status, content

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=64) as pool:
        for index in range(count):
            due = started + index / rate
            wait = due - time.perf_counter()
            if wait > 0:
                time.sleep(wait)
            else:
                late.append(-wait * 1000)
            pool.submit(recorder.timed, "owner query", query, index)
            if index % 10 == 0:
                pool.submit(recorder.timed, LOGIN, Client(port).request, "GET", "/login/")
    elapsed = time.perf_counter() - started
    report(
        recorder,
        elapsed,
        f"owner query: {rate:g} queries/s for {seconds:g} s, {len(owners):,} owners; gunicorn 4 workers",
        "p95 ≤ 20 ms at 50 requests/s",
    )
    print(f"queries sent more than 10 ms late: {sum(1 for t in late if t > 10)} of {count}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--reuse", action="store_true", help="keep the demo city an earlier run built")
    parser.add_argument("--owner-query", action="store_true", help="drive the owners' query at a fixed rate")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument(
        "--warmup", type=float, default=10, help="seconds of the same load before the timed run, not counted"
    )
    parser.add_argument("--rate", type=float, default=50)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument(
        "--think",
        type=float,
        default=0,
        help="staff pages: each client pauses a random time of this mean (s, exponential) after each answer, as "
        "a person reads the page; 0 (the default) is the closed loop without pause, which measures saturation",
    )
    args = parser.parse_args()
    url, build = configure(args.db, args.reuse)
    data = ROOT / "var" / "bench" / f"load-data-{args.db}"
    if build:
        subprocess.run(["rm", "-rf", str(data)], check=True)
    data.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE"}} | server_env(url, data)

    def anju(*command: str) -> str:
        done = subprocess.run([str(BIN / "anju"), *command], env=env, capture_output=True, text=True, check=False)
        if done.returncode:
            sys.exit(done.stderr)
        return done.stdout

    anju("migrate", "-v", "0")
    if build:
        started = time.perf_counter()
        anju("demo")
        print(f"demo city built in {time.perf_counter() - started:.0f} s")
    if args.db == "postgres":
        # What autovacuum does on a live server after the build's million-row writes (the planner's statistics,
        # the visibility map); this machine's server runs without it, so a city never served would be planned
        # blind. Quick once done.
        name = urllib.parse.urlparse(url)
        subprocess.run(
            ["vacuumdb", "-h", name.hostname or "", "-U", "postgres", "--analyze", "-q", name.path.lstrip("/")],
            check=True,
        )
    anju("collectstatic", "--no-input", "-v", "0")
    owners_wanted = int(args.rate * args.seconds) if args.owner_query else 0
    cached = data / f"sample-{owners_wanted}.json"  # the records a run asks for, kept with the database
    if build or not cached.exists():
        cached.write_text(
            anju("shell", "-v", "0", "-c", SAMPLE.format(owners=owners_wanted, modules=MODULES, users=USERS))
            .strip()
            .splitlines()[-1]
        )
    sample = json.loads(cached.read_text())
    port = free_port()
    gunicorn = ["--workers", str(args.workers), "--timeout", "300"]
    log = (data / "server.log").open("w")
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "anju.wsgi", "--bind", f"127.0.0.1:{port}", *gunicorn],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        for _ in range(150):
            try:
                Client(port).request("GET", "/login/")
                break
            except OSError:
                time.sleep(0.2)
        print(f"{args.db}: gunicorn, {args.workers} workers, DEBUG off, {os.cpu_count()} processors")
        if args.owner_query:
            owner_load(port, sample["owners"], args.rate, args.seconds)
        else:
            staff_load(port, sample, args.clients, args.seconds, args.think, server.pid, args.warmup)
    finally:
        server.terminate()
        server.wait(timeout=60)
        log.close()


if __name__ == "__main__":
    main()
