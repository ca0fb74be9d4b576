"""Long jobs in the background while people use the pages: a 250k-row roll import and a 250k-unit export.

    DEBUG=1 .venv/bin/python bench/jobs.py --db sqlite [--units 250000]
    DEBUG=1 .venv/bin/python bench/jobs.py --db postgres

Builds a scratch database (SQLite file under var/bench/, or a PostgreSQL database it creates and drops),
serves it as in production (gunicorn, 2 workers, DEBUG off) with `anju worker` beside it, signs a
member of staff in, then:
- measures the p95 of four staff pages with nothing running (the baseline);
- uploads a roll (房屋清册) of --units rows through the import page: the page answers at once with the
  job's page, the worker imports the file; the pages are measured again while it runs;
- exports the whole unit list (.xlsx) the same way.
It prints each job's time, rows per second and the pages' p95 during the job against the baseline.
Nothing here asserts a time."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

from _common import scratch_database  # bench/ is on the path: run as a script
from stdnum.cn import ric

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PAGES = ["/", "/registry/", "/fund/", "/jobs/"]
PASSWORD = "bench-Passw0rd"


def configure(db: str) -> str:
    return scratch_database(db, "jobs", pg_name="anju_bench_jobs")[0]


def roll_csv(units: int) -> bytes:
    """A roll of `units` homes in 25 projects, each with its owner (a valid resident ID)."""
    lines = ["项目编码,项目名称,幢号,单元,房号,楼层,建筑面积,房屋用途,业主姓名,证件号码,联系电话"]
    start = dt.date(1950, 1, 1)
    for u in range(units):
        project, rest = divmod(u, units // 25 + 1)
        building, rest = divmod(rest, 200)
        floor, room = divmod(rest, 4)
        body = f"431202{start + dt.timedelta(days=u // 900):%Y%m%d}{u % 900 + 100:03d}"
        number = body + ric.calc_check_digit(body + "0")
        lines.append(
            f"B{project + 1:03d},项目{project + 1},{building + 1},1,{floor + 1}{room + 1:02d},{floor + 1},"
            f"{80 + u % 60}.{u % 100:02d},住宅,业主{u},{number},138{u:08d}"
        )
    return ("\n".join(lines) + "\n").encode()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Staff:
    """A signed-in browser: a cookie jar and the CSRF token."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
        form = self.get("/login/")
        self.post("/login/", {"username": "bench", "password": PASSWORD}, token_from=form)

    def get(self, path: str) -> str:
        with self.opener.open(self.base + path, timeout=600) as response:
            return str(response.read().decode("utf-8", "replace"))

    def post(
        self, path: str, fields: dict[str, str], *, token_from: str, files: dict[str, tuple[str, bytes]] | None = None
    ) -> str:
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', token_from)
        assert token is not None, "no CSRF token"
        fields = {"csrfmiddlewaretoken": token.group(1), **fields}
        headers = {"Referer": self.base + path}
        if files:
            boundary = "----anjubench"
            body = b""
            for name, value in fields.items():
                body += f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
            for name, (filename, content) in files.items():
                body += (
                    (
                        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                        "Content-Type: text/csv\r\n\r\n"
                    ).encode()
                    + content
                    + b"\r\n"
                )
            body += f"--{boundary}--\r\n".encode()
            headers["Content-Type"] = f"multipart/form-data; boundary={boundary}"
        else:
            body = urllib.parse.urlencode(fields).encode()
        request = urllib.request.Request(self.base + path, data=body, headers=headers)
        with self.opener.open(request, timeout=600) as response:
            return str(response.geturl())


def measure_pages(staff: Staff, stop: threading.Event | None = None, rounds: int = 10) -> list[float]:
    """Response times (ms) of the pages, round after round, until `stop` (or `rounds` rounds)."""
    times: list[float] = []
    done = 0
    while (stop is None and done < rounds) or (stop is not None and not stop.is_set()):
        for page in PAGES:
            started = time.perf_counter()
            staff.get(page)
            times.append((time.perf_counter() - started) * 1000)
        done += 1
    return times


def p95(times: list[float]) -> float:
    return statistics.quantiles(times, n=20)[-1] if len(times) >= 2 else (times[0] if times else 0.0)


def run_job(staff: Staff, start: str) -> tuple[float, dict[str, object], list[float]]:
    """Wait for the job whose page `start` is, measuring the pages meanwhile: seconds, the job, page times."""
    job_id = int(re.search(r"/jobs/(\d+)/", start).group(1))  # type: ignore[union-attr]
    stop = threading.Event()
    times: list[float] = []
    reader = threading.Thread(target=lambda: times.extend(measure_pages(Staff(staff.base), stop)))
    started = time.perf_counter()
    reader.start()
    state: dict[str, object] = {}
    while True:
        html = staff.get(f"/jobs/{job_id}/")
        status = re.search(r'<span class="tag (\w+)">', html)
        state = {"status": status.group(1) if status else "?"}
        if state["status"] in ("done", "failed"):
            error = re.search(r'<p class="error">(.*?)</p>', html, re.S)
            state["error"] = error.group(1) if error else ""
            break
        time.sleep(0.5)
    elapsed = time.perf_counter() - started
    stop.set()
    reader.join()
    return elapsed, state, times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--units", type=int, default=250_000)
    args = parser.parse_args()
    data = ROOT / "var" / "bench" / "jobs-data"
    subprocess.run(["rm", "-rf", str(data)], check=True)
    data.mkdir(parents=True)
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE"}} | {
        "DATABASE_URL": configure(args.db),
        "ANJU_ENV_FILE": "",
        "DEBUG": "0",
        "SECRET_KEY": "bench-" + "b" * 50,
        "ALLOWED_HOSTS": "127.0.0.1",
        "ANJU_HTTPS": "0",
        "ANJU_DATA_DIR": str(data),
        "UPLOAD_MAX_MB": "200",
        "REQUEST_LOG": "0",
    }

    def anju(*command: str) -> str:
        done = subprocess.run([str(BIN / "anju"), *command], env=env, capture_output=True, text=True, check=False)
        if done.returncode:
            sys.exit(done.stderr)
        return done.stdout

    anju("migrate", "-v", "0")
    anju("collectstatic", "--no-input", "-v", "0")
    anju(
        "shell",
        "-v",
        "0",
        "-c",
        "from anju.core.models import Role, User; "
        f"u = User.objects.create_user('bench', password='{PASSWORD}', full_name='压测'); "
        "u.roles.set(Role.objects.filter(code__in=['admin', 'housing', 'information']))",
    )
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    logs = (data / "server.log").open("w")
    processes = [
        subprocess.Popen(
            [str(BIN / "gunicorn"), "anju.wsgi", "--workers", "2", "--timeout", "600", "--bind", f"127.0.0.1:{port}"],
            env=env,
            stdout=logs,
            stderr=subprocess.STDOUT,
        ),
        subprocess.Popen(
            [str(BIN / "anju"), "worker", "--interval", "0.5", "--no-startup-delay"],
            env=env,
            stdout=logs,
            stderr=subprocess.STDOUT,
        ),
    ]
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/login/", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        staff = Staff(base)
        measure_pages(staff, rounds=2)  # warm up
        baseline = measure_pages(staff, rounds=15)
        rows = []
        content = roll_csv(args.units)
        form = staff.get("/registry/import/")
        started = time.perf_counter()
        page = staff.post("/registry/import/", {}, token_from=form, files={"file": ("roll.csv", content)})
        answered = time.perf_counter() - started
        seconds, state, during = run_job(staff, page)
        rows.append(("roll import", args.units, answered, seconds, state, during))
        started = time.perf_counter()
        page = staff.opener.open(base + "/registry/?export=xlsx", timeout=600).geturl()
        answered = time.perf_counter() - started
        seconds, state, during = run_job(staff, page)
        rows.append(("units export", args.units, answered, seconds, state, during))
        files = sorted((data / "jobs").glob("*/*.xlsx"))
        print(f"\n{args.db}: {args.units:,} units; pages {', '.join(PAGES)}; gunicorn 2 workers + anju worker")
        print(f"| {args.db} | job | page answered | rows/s | pages' p95 during the job | against the baseline |")
        print("|---|---|---|---|---|---|")
        base_p95 = p95(baseline)
        for name, count, answered, seconds, state, during in rows:
            outcome = f"{seconds:.1f} s" if state["status"] == "done" else f"{state['status']}: {state['error']}"
            print(
                f"| {name} | {outcome} | {answered * 1000:.0f} ms | {count / seconds:,.0f} | "
                f"{p95(during):.0f} ms over {len(during)} requests | {p95(during) / base_p95:.1f}× the p95 with "
                f"nothing running ({base_p95:.0f} ms) |"
            )
        if files:
            print(f"export file: {files[-1].stat().st_size / 1e6:.1f} MB")
        print(json.dumps({"baseline_p95_ms": round(base_p95, 1)}))
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)
        logs.close()


if __name__ == "__main__":
    main()
