"""Anju served as in production: gunicorn and `anju worker` with DEBUG off, a fresh data directory and
a fresh database (PostgreSQL when the suite runs on it, else SQLite), plain HTTP (ANJU_HTTPS off, as on
an intranet without TLS). Pages are styled from Anju's own static files, /api/docs needs nothing from
outside, /healthz sees the worker, a report queued through the API is built by the worker and
downloaded, and every request is logged as a JSON line."""

from __future__ import annotations

import gzip
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from http.cookiejar import CookieJar
from pathlib import Path

import pytest

BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _get(url: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers)
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, dict(response.headers), response.read()


PASSWORD = "serving-Passw0rd"
SETUP = (
    "from anju.core.models import Role, User; "
    f"u = User.objects.create_user('serving', password='{PASSWORD}', full_name='部署测试'); "
    "u.roles.set(Role.objects.filter(code='finance'))"
)


@pytest.fixture(scope="module")
def database() -> Iterator[str]:
    """A fresh database for the served instance: PostgreSQL beside the suite's own when it runs there."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        yield ""
        return
    parts = urllib.parse.urlsplit(url)
    name = f"anju_serving_{os.getpid()}"
    server = ["-h", parts.hostname or "127.0.0.1", "-p", str(parts.port or 5432), "-U", parts.username or "postgres"]
    subprocess.run(["dropdb", "--if-exists", *server, name], check=True, capture_output=True)
    subprocess.run(["createdb", *server, name], check=True, capture_output=True)
    yield urllib.parse.urlunsplit(parts._replace(path="/" + name))
    subprocess.run(["dropdb", "--if-exists", "--force", *server, name], capture_output=True)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, database: str):  # type: ignore[no-untyped-def]
    data = tmp_path_factory.mktemp("anju-data")
    port = _free_port()
    drop = {"DATABASE_URL", "MEDIA_ROOT", "STATIC_ROOT", "DJANGO_SETTINGS_MODULE"}
    env = {k: v for k, v in os.environ.items() if k not in drop} | {
        "ANJU_ENV_FILE": "",
        "DEBUG": "0",
        "SECRET_KEY": "serving-test-" + "s" * 50,
        "ANJU_LEDGER_KEY": "k1:serving-test-" + "l" * 40,
        "ALLOWED_HOSTS": "127.0.0.1",
        "ANJU_HTTPS": "0",
        "ANJU_DATA_DIR": str(data),
        "WORKER_BEAT_SECONDS": "1",
    }
    if database:
        env["DATABASE_URL"] = database

    def anju(*command: str) -> str:
        done = subprocess.run([str(BIN / "anju"), *command], env=env, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        return done.stdout

    anju("migrate", "-v", "0")
    anju("collectstatic", "--no-input", "-v", "0")
    anju("shell", "-v", "0", "-c", SETUP)
    token = anju("create-api-token", "serving", "--name", "serving test").split()[-1]
    log = (data / "gunicorn.log").open("w")
    worker_log = (data / "worker.log").open("w")
    processes = [
        subprocess.Popen(
            [str(BIN / "gunicorn"), "anju.wsgi", "--workers", "2", "--bind", f"127.0.0.1:{port}"],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        ),
        subprocess.Popen(
            [str(BIN / "anju"), "worker", "--interval", "0.2", "--no-startup-delay"],
            env=env,
            stdout=worker_log,
            stderr=subprocess.STDOUT,
        ),
    ]
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            _get(base + "/healthz")
            break
        except urllib.error.HTTPError:  # 503 until the worker's first heartbeat
            break
        except OSError:
            time.sleep(0.2)
    yield base, data / "gunicorn.log", token
    for process in processes:
        process.terminate()
    for process in processes:
        process.wait(timeout=20)
    log.close()
    worker_log.close()


def test_pages_are_styled_from_anjus_own_static_files(server) -> None:  # type: ignore[no-untyped-def]
    base, _, _ = server
    status, _, body = _get(base + "/login/")
    html = body.decode()
    assert status == 200
    stylesheet = re.search(r'href="(/static/css/anju\.[0-9a-f]{12}\.css)"', html)
    assert stylesheet is not None, "the stylesheet has a hashed name"
    status, headers, css = _get(base + stylesheet.group(1), **{"Accept-Encoding": "gzip"})
    assert status == 200 and headers.get("Content-Encoding") == "gzip" and "immutable" in headers["Cache-Control"]
    source = (Path(__file__).parent.parent / "anju" / "static" / "css" / "anju.css").read_bytes()
    assert gzip.decompress(css) == source


def test_api_docs_load_nothing_from_outside(server) -> None:  # type: ignore[no-untyped-def]
    base, _, token = server
    status, _, body = _get(base + "/api/docs", Authorization=f"Bearer {token}")  # the docs are for signed-in users
    sources = re.findall(r'(?:src|href)="([^"]+)"', body.decode())
    assert status == 200 and sources and all(source.startswith("/") for source in sources), sources
    bundle = next(source for source in sources if "swagger-ui-bundle" in source)
    assert _get(base + bundle)[0] == 200


def _healthy(base: str) -> dict[str, object]:
    for _ in range(100):
        try:
            return json.loads(_get(base + "/healthz")[2])  # type: ignore[no-any-return]
        except urllib.error.HTTPError:  # 503 until the worker's first heartbeat
            time.sleep(0.2)
    raise AssertionError("/healthz never answered 200")


def test_health_and_the_request_log(server) -> None:  # type: ignore[no-untyped-def]
    base, log, _ = server
    body = _healthy(base)
    assert body["status"] == "ok" and body["database"]["ok"] and body["worker"]["ok"]  # type: ignore[index]
    lines = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    assert {"path": "/healthz", "status": 200} in [{k: line[k] for k in ("path", "status")} for line in lines]
    assert "ANJU_HTTPS is off" in log.read_text()


def test_a_report_queued_through_the_api_is_built_by_the_worker_and_downloaded(server) -> None:  # type: ignore[no-untyped-def]
    base, _, token = server
    _healthy(base)
    bearer = {"Authorization": f"Bearer {token}"}
    request = urllib.request.Request(base + "/api/performance/reports?year=2023", method="POST", headers=bearer)
    with urllib.request.urlopen(request, timeout=10) as response:
        run = json.loads(response.read())
    assert response.status == 202 and run["status"] in ("queued", "running")
    for _ in range(600):
        run = json.loads(_get(base + f"/api/performance/reports/{run['id']}", **bearer)[2])
        if run["status"] not in ("queued", "running"):
            break
        time.sleep(0.5)
    assert run["status"] == "done", run
    # The file is downloaded by a signed-in member of staff, as from the report page.
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
    login = opener.open(base + "/login/", timeout=10).read().decode()
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login)
    assert csrf is not None
    form = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": csrf.group(1), "username": "serving", "password": PASSWORD}
    ).encode()
    opener.open(urllib.request.Request(base + "/login/", data=form, headers={"Referer": base + "/login/"}), timeout=10)
    with opener.open(base + f"/performance/report/runs/{run['id']}/report.docx", timeout=30) as response:
        docx = response.read()
    assert response.status == 200 and docx.startswith(b"PK") and b"word/document.xml" in docx
