"""Shared pytest fixtures: users per role, logged-in clients, registry records built through actions."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from anju.core.models import Role, User

PASSWORD = "Anju-test-pass-2023"
ANJU = str(Path(sys.executable).parent / "anju")

# Property tests judge results, not speed: on a shared CI machine an example may take longer than
# Hypothesis's default deadline, which is not a failure of the rule under test.
hypothesis_settings.register_profile("anju", deadline=None, suppress_health_check=[HealthCheck.too_slow])
hypothesis_settings.load_profile("anju")


@pytest.fixture
def make_user(db: None) -> Callable[..., User]:
    def make(username: str, *role_codes: str, **extra: object) -> User:
        user = User.objects.create_user(username=username, password=PASSWORD, full_name=username, **extra)
        user.roles.set(Role.objects.filter(code__in=role_codes))
        return user

    return make


@pytest.fixture
def client_for(make_user: Callable[..., User]) -> Callable[..., Client]:
    """A test client logged in as a new user holding the given roles."""

    def make(*role_codes: str, username: str | None = None) -> Client:
        user = make_user(username or "u_" + "_".join(role_codes or ("none",)), *role_codes)
        client = Client()
        client.force_login(user)
        client.user = user  # type: ignore[attr-defined]
        return client

    return make


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: object) -> None:
    # PBKDF2 at Django's work factor costs most of a second per hash; tests don't need it.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # type: ignore[attr-defined]


@pytest.fixture(autouse=True)
def _jobs_run_at_once(settings: Any) -> None:
    """Background jobs run inside the request in tests (tests/test_worker.py runs a real worker)."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def anju_on_file(tmp_path: Path) -> Callable[..., str]:
    """The `anju` command, each call a process of its own, on a SQLite file of its own in `tmp_path` (DEBUG on,
    no .env): its stdout; the test fails with its stderr when it exits non-zero. The file is empty until
    `anju_on_file("migrate", "-v", "0")`."""
    env = os.environ | {
        "DEBUG": "1",
        "ANJU_ENV_FILE": "",
        "ANJU_DATA_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'anju.sqlite3'}",
    }

    def anju(*args: str) -> str:
        done = subprocess.run([ANJU, *args], env=env, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        return done.stdout

    return anju
