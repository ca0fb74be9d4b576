"""The signed-in session and user read with one plain statement each (anju.core.signin): the same
answers as Django's database sessions and ModelBackend, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.contrib.sessions.backends.db import SessionStore as DjangoSessionStore
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from anju.core.models import User
from anju.core.signin import SessionStore, StaffBackend

pytestmark = pytest.mark.django_db


def test_the_site_reads_sessions_and_users_through_these_classes(client_for: Callable[..., Client]) -> None:
    assert settings.SESSION_ENGINE == "anju.core.signin"
    assert settings.AUTHENTICATION_BACKENDS == ["anju.core.signin.StaffBackend"]
    client = client_for("housing")
    response = client.get(reverse("core:home"))
    assert response.status_code == 200
    assert response.wsgi_request.user == client.user  # type: ignore[attr-defined]


def test_the_user_is_the_one_modelbackend_finds_field_for_field(make_user: Callable[..., User]) -> None:
    user = make_user("signin", "housing", must_change_password=True)
    User.objects.filter(pk=user.pk).update(
        last_login=dt.datetime(2026, 3, 1, 8, 30, 15, 123456, tzinfo=dt.UTC),
        locked_until=timezone.now() + dt.timedelta(minutes=3),
    )
    ours, djangos = StaffBackend().get_user(str(user.pk)), ModelBackend().get_user(str(user.pk))
    assert ours is not None and djangos is not None
    for field in User._meta.concrete_fields:
        assert getattr(ours, field.attname) == getattr(djangos, field.attname), field.name
    assert type(ours.is_active) is bool and ours.last_login.tzinfo is not None
    assert ours.get_session_auth_hash() == djangos.get_session_auth_hash()
    assert list(ours.roles.values_list("code", flat=True)) == ["housing"]


def test_no_user_for_an_inactive_account_a_missing_one_or_a_key_that_is_not_one(
    make_user: Callable[..., User], django_assert_num_queries: Callable[..., object]
) -> None:
    user = make_user("leaver", "housing")
    backend = StaffBackend()
    with django_assert_num_queries(1):  # type: ignore[attr-defined]
        assert backend.get_user(user.pk) == user
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert backend.get_user(user.pk) is None
    assert backend.get_user(user.pk + 1000) is None
    assert backend.get_user("1 OR 1=1") is None  # Django's ModelBackend raises here


def _stored(data: dict[str, object], expires: dt.datetime) -> str:
    """A session written by Django's own engine, expiring at `expires`."""
    store = DjangoSessionStore()
    store.update(data)
    store.create()
    Session.objects.filter(session_key=store.session_key).update(expire_date=expires)
    return str(store.session_key)


def test_a_session_loads_as_djangos_engine_loads_it_until_the_second_it_expires(
    django_assert_num_queries: Callable[..., object],
) -> None:
    data = {"_auth_user_id": "7", "名字": "张三", "n": [1, 2]}
    key = _stored(data, timezone.now() + dt.timedelta(seconds=2))
    with django_assert_num_queries(1):  # type: ignore[attr-defined]
        loaded = SessionStore(key).load()
    assert loaded == DjangoSessionStore(key).load() == data
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    expired = SessionStore(key)
    assert expired.load() == {} and expired.session_key is None  # the next save makes a new key
    assert DjangoSessionStore(key).load() == {}


def test_an_unknown_or_malformed_key_loads_nothing_and_writes_go_through_djangos_engine() -> None:
    assert SessionStore("x" * 32).load() == {}
    assert SessionStore("short").load() == {}  # not a valid key: no query's worth asking
    store = SessionStore()
    store["k"] = "v"
    store.save()
    assert Session.objects.get(session_key=store.session_key).get_decoded() == {"k": "v"}
    store.flush()
    assert not Session.objects.filter(session_key=store.session_key).exists()
