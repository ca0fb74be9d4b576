"""Settings come from the environment; production settings pass `anju check --deploy`."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest


def run_anju(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS"}}
    return subprocess.run(
        [sys.executable, "-m", "anju.cli", *args], env=base | env, capture_output=True, text=True, timeout=120
    )


def test_secret_key_is_required_when_debug_is_off() -> None:
    result = run_anju("check", DEBUG="0")
    assert result.returncode != 0 and "SECRET_KEY must be set" in result.stderr


def test_bad_boolean_is_refused() -> None:
    result = run_anju("check", DEBUG="maybe")
    assert result.returncode != 0 and "DEBUG must be a boolean" in result.stderr


@pytest.mark.parametrize("extra", [{}, {"DATABASE_URL": "postgres://anju@db.example/anju"}])
def test_production_settings_pass_the_deploy_check(extra: dict[str, str]) -> None:
    result = run_anju(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="0",
        SECRET_KEY="k" * 20 + "-production-secret-key-0123456789-abcdefghijklmnop",
        ALLOWED_HOSTS="anju.example.cn",
        **extra,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_client_ip_behind_a_proxy(rf, settings) -> None:
    from anju.core.listing import client_ip

    request = rf.get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9")
    settings.TRUST_X_FORWARDED_FOR = False
    assert client_ip(request) == "10.0.0.5"
    settings.TRUST_X_FORWARDED_FOR = True
    assert client_ip(request) == "203.0.113.9"
