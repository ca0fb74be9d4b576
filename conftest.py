"""Shared pytest fixtures: users per role, logged-in clients, registry records built through actions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from anju.core.models import Role, User

PASSWORD = "Anju-test-pass-2023"

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
