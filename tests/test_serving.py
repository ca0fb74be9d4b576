"""Anju served as in production: gunicorn with DEBUG off, a fresh data directory, plain HTTP (ANJU_HTTPS
off, as on an intranet without TLS). Pages are styled from Anju's own static files, /api/docs needs
nothing from outside, /healthz answers, and every request is logged as a JSON line."""

from __future__ import annotations

import gzip
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
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


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    data = tmp_path_factory.mktemp("anju-data")
    port = _free_port()
    drop = {"DATABASE_URL", "MEDIA_ROOT", "STATIC_ROOT", "DJANGO_SETTINGS_MODULE"}
    env = {k: v for k, v in os.environ.items() if k not in drop} | {
        "ANJU_ENV_FILE": "",
        "DEBUG": "0",
        "SECRET_KEY": "serving-test-" + "s" * 50,
        "ALLOWED_HOSTS": "127.0.0.1",
        "ANJU_HTTPS": "0",
        "ANJU_DATA_DIR": str(data),
    }
    for command in (["migrate", "-v", "0"], ["collectstatic", "--no-input", "-v", "0"]):
        done = subprocess.run([str(BIN / "anju"), *command], env=env, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
    log = (data / "gunicorn.log").open("w")
    process = subprocess.Popen(
        [str(BIN / "gunicorn"), "anju.wsgi", "--workers", "2", "--bind", f"127.0.0.1:{port}"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            _get(base + "/healthz")
            break
        except OSError:
            time.sleep(0.2)
    yield base, data / "gunicorn.log"
    process.terminate()
    process.wait(timeout=20)
    log.close()


def test_pages_are_styled_from_anjus_own_static_files(server) -> None:  # type: ignore[no-untyped-def]
    base, _ = server
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
    base, _ = server
    status, _, body = _get(base + "/api/docs")
    sources = re.findall(r'(?:src|href)="([^"]+)"', body.decode())
    assert status == 200 and sources and all(source.startswith("/") for source in sources), sources
    bundle = next(source for source in sources if "swagger-ui-bundle" in source)
    assert _get(base + bundle)[0] == 200


def test_health_and_the_request_log(server) -> None:  # type: ignore[no-untyped-def]
    base, log = server
    status, _, body = _get(base + "/healthz")
    assert status == 200 and json.loads(body)["database"]["ok"]
    lines = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    assert {"path": "/healthz", "status": 200} in [{k: line[k] for k in ("path", "status")} for line in lines]
    assert "ANJU_HTTPS is off" in log.read_text()
