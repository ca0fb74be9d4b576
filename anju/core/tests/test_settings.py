"""Settings come from the environment; production settings pass `anju check --deploy`."""

from __future__ import annotations

import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from anju import envfile


def run_anju(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """`anju ARGS` in a fresh process with only the given settings (no .env file unless ANJU_ENV_FILE)."""
    drop = {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "ANJU_HTTPS", "ANJU_DATA_DIR", "MEDIA_ROOT", "STATIC_ROOT"}
    base = {k: v for k, v in os.environ.items() if k not in drop} | {"ANJU_ENV_FILE": ""}
    return subprocess.run(
        [sys.executable, "-m", "anju.cli", *args], env=base | env, capture_output=True, text=True, timeout=120
    )


PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "k" * 20 + "-production-secret-key-0123456789-abcdefghijklmnop",
    "ANJU_LEDGER_KEY": "k1:" + "l" * 48,
}


def test_the_ledger_key_is_required_when_debug_is_off() -> None:
    without = {k: v for k, v in PRODUCTION.items() if k != "ANJU_LEDGER_KEY"}
    result = run_anju("check", ALLOWED_HOSTS="anju.example.cn", ANJU_LEDGER_KEY="", ANJU_LEDGER_KEY_FILE="", **without)
    assert result.returncode != 0 and "fund.E001" in result.stderr and "ANJU_LEDGER_KEY" in result.stderr
    result = run_anju("check", ALLOWED_HOSTS="anju.example.cn", ANJU_LEDGER_KEY_FILE="", **PRODUCTION)
    assert result.returncode == 0, result.stderr


def test_secret_key_is_required_when_debug_is_off_and_the_message_says_where_to_set_it() -> None:
    result = run_anju("check", DEBUG="0")
    assert result.returncode == 2 and "SECRET_KEY must be set" in result.stderr
    assert "Traceback" not in result.stderr and ".env" in result.stderr


def test_a_dotenv_file_supplies_settings_the_environment_does_not_override(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    assert envfile.write_secret_key(env_file) and not envfile.write_secret_key(env_file)
    assert envfile.write_ledger_key(env_file) and not envfile.write_ledger_key(env_file)
    assert "ANJU_LEDGER_KEY=k1:" in env_file.read_text()
    assert stat.S_IMODE(env_file.stat().st_mode) == 0o600
    env_file.write_text(env_file.read_text() + 'ALLOWED_HOSTS="anju.example.cn"\nANJU_HTTPS=off\n')
    show = "from django.conf import settings as s; print(s.SECRET_KEY[:8], s.ALLOWED_HOSTS, s.ANJU_HTTPS)"
    result = run_anju("shell", "-v", "0", "-c", show, DEBUG="0", ANJU_ENV_FILE=str(env_file))
    key = next(line for line in env_file.read_text().splitlines() if line.startswith("SECRET_KEY="))[11:]
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [key[:8], "['anju.example.cn']", "False"]
    # The environment wins over the file.
    result = run_anju("shell", "-v", "0", "-c", show, DEBUG="0", ANJU_ENV_FILE=str(env_file), ANJU_HTTPS="1")
    assert result.stdout.split()[-1] == "True"


def test_plain_http_turns_off_secure_cookies_and_says_so(tmp_path: Path) -> None:
    show = "from django.conf import settings as s; "
    show += "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT)"
    result = run_anju("shell", "-v", "0", "-c", show, ALLOWED_HOSTS="anju.lan", ANJU_HTTPS="0", **PRODUCTION)
    assert result.stdout.split() == ["False", "False", "False"]
    check = run_anju("check", "--deploy", ALLOWED_HOSTS="anju.lan", ANJU_HTTPS="0", **PRODUCTION)
    assert "anju.W001" in check.stdout + check.stderr and "plain HTTP" in check.stdout + check.stderr
    secure = run_anju("shell", "-v", "0", "-c", show, ALLOWED_HOSTS="anju.lan", **PRODUCTION)
    assert secure.stdout.split() == ["True", "True", "True"]


def test_files_live_in_the_data_directory(tmp_path: Path) -> None:
    show = (
        "from django.conf import settings as s; "
        "print(s.MEDIA_ROOT, s.STATIC_ROOT, s.DATABASES['default']['NAME'], sep='\\n')"
    )
    result = run_anju("shell", "-v", "0", "-c", show, DEBUG="1", ANJU_DATA_DIR=str(tmp_path / "data"), DATABASE_URL="")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [str(tmp_path / "data" / name) for name in ("media", "static", "anju.sqlite3")]


def test_bad_boolean_is_refused() -> None:
    result = run_anju("check", DEBUG="maybe")
    assert result.returncode != 0 and "DEBUG must be a boolean" in result.stderr


# A PostgreSQL URL that answers: the model checks ask the server's version (Person.id_tail is a generated column).
@pytest.mark.parametrize("extra", [{}, {"DATABASE_URL": "postgres://postgres@127.0.0.1:5432/postgres"}])
def test_production_settings_pass_the_deploy_check(extra: dict[str, str]) -> None:
    result = run_anju(
        "check", "--deploy", "--fail-level", "WARNING", ALLOWED_HOSTS="anju.example.cn", **PRODUCTION, **extra
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_client_ip_behind_a_proxy(rf, settings) -> None:
    from anju.core.client_address import client_ip

    request = rf.get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9")
    settings.TRUST_X_FORWARDED_FOR = False
    assert client_ip(request) == "10.0.0.5"
    settings.TRUST_X_FORWARDED_FOR = True
    assert client_ip(request) == "203.0.113.9"
    # A malformed address is never stored (PostgreSQL's address column refused it: a server error).
    bad = rf.get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="10.0.0.256")
    assert client_ip(bad) == "10.0.0.5"
    assert client_ip(rf.get("/", REMOTE_ADDR="not-an-address")) is None


def test_static_files_are_served_hashed_and_compressed_without_debug(tmp_path: Path) -> None:
    env = {
        "ALLOWED_HOSTS": "testserver",
        "ANJU_HTTPS": "0",
        "ANJU_DATA_DIR": str(tmp_path),
        "REQUEST_LOG": "0",
        **PRODUCTION,
    }
    # The big vendored bundles are left out: compressing them (brotli) takes half a minute.
    skip = ("--ignore", "vendor", "--ignore", "ninja", "--ignore", "admin")
    collected = run_anju("collectstatic", "--no-input", "-v", "0", *skip, **env)
    assert collected.returncode == 0, collected.stderr
    fetch = (
        "from django.templatetags.static import static; from django.test import Client; "
        "url = static('css/anju.css'); r = Client().get(url, headers={'accept-encoding': 'gzip'}); "
        "print(url, r.status_code, r.headers.get('Content-Encoding'), r.headers.get('Cache-Control'))"
    )
    result = run_anju("shell", "-v", "0", "-c", fetch, **env)
    url, status, encoding, cache = result.stdout.split(maxsplit=3)
    assert re.fullmatch(r"/static/css/anju\.[0-9a-f]{12}\.css", url) and status == "200", result.stderr
    assert encoding == "gzip" and "immutable" in cache


def test_swagger_ui_is_served_from_this_server(client_for) -> None:
    html = client_for("office").get("/api/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle" in html and "cdn" not in html.lower()


def test_postgresql_connections_run_without_the_jit_unless_asked() -> None:
    show = "from django.conf import settings as s; "
    show += "print(repr(s.DATABASES['default'].get('OPTIONS', {}).get('options')))"
    url = "postgres://anju@db.example:5432/anju?options=-c%20statement_timeout%3D60000"
    off = run_anju("shell", "-v", "0", "-c", show, DEBUG="1", DATABASE_URL=url)
    assert off.stdout.strip() == repr("-c statement_timeout=60000 -c jit=off"), off.stderr
    on = run_anju("shell", "-v", "0", "-c", show, DEBUG="1", DATABASE_URL=url, PG_JIT="on")
    assert on.stdout.strip() == repr("-c statement_timeout=60000"), on.stderr
    sqlite = run_anju("shell", "-v", "0", "-c", show, DEBUG="1", DATABASE_URL="sqlite:///:memory:")
    assert sqlite.stdout.strip() == "None", sqlite.stderr
