from __future__ import annotations

import datetime as dt
import time

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from anju.core.middleware import SessionRefreshMiddleware
from anju.core.models import AuditEvent, User
from conftest import PASSWORD

pytestmark = pytest.mark.django_db


def post_login(client: Client, username: str, password: str, **extra: str):
    return client.post(reverse("core:login"), {"username": username, "password": password, **extra})


def test_login_page_renders_in_chinese_by_default(client: Client) -> None:
    response = client.get(reverse("core:login"))
    assert response.status_code == 200
    assert "登录" in response.content.decode()


def test_a_browser_asking_for_english_still_gets_chinese(client: Client) -> None:
    """The center works in Chinese (issue 19 item 8): no language switch, Accept-Language is ignored."""
    page = client.get(reverse("core:login"), headers={"accept-language": "en"}).content.decode()
    assert "登录" in page and "Log in" not in page and 'lang="zh-hans"' in page


def test_successful_login_redirects_home_and_is_audited(make_user) -> None:
    user = make_user("zhang", "housing")
    client = Client()
    response = post_login(client, "zhang", PASSWORD)
    assert response.status_code == 302 and response.url == reverse("core:home")
    event = AuditEvent.objects.get(action=AuditEvent.Action.LOGIN)
    assert event.actor == user and event.actor_name == "zhang" and event.ip == "127.0.0.1"
    assert client.get(reverse("core:home")).status_code == 200


def test_login_follows_safe_next_only(make_user) -> None:
    make_user("zhang", "housing")
    response = post_login(Client(), "zhang", PASSWORD, next="/registry/")
    assert response.url == "/registry/"
    response = post_login(Client(), "zhang", PASSWORD, next="https://evil.example/")
    assert response.url == reverse("core:home")


def test_wrong_password_is_refused_and_audited(make_user) -> None:
    make_user("zhang", "housing")
    response = post_login(Client(), "zhang", "wrong-password")
    assert response.status_code == 200
    assert "_auth_user_id" not in response.client.session
    assert AuditEvent.objects.filter(action=AuditEvent.Action.LOGIN_FAILED, actor_name="zhang").count() == 1


def test_unknown_user_failure_is_audited_with_the_name_tried(db) -> None:
    post_login(Client(), "nobody", "x")
    assert AuditEvent.objects.filter(action=AuditEvent.Action.LOGIN_FAILED, actor_name="nobody").exists()


def test_repeated_failures_lock_the_account(make_user, settings) -> None:
    settings.LOGIN_MAX_FAILURES = 3
    make_user("zhang", "housing")
    client = Client()
    for _ in range(3):
        post_login(client, "zhang", "wrong-password")
    user = User.objects.get(username="zhang")
    assert user.is_locked()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.LOCKED, actor_name="zhang").count() == 1
    # Even the right password is refused while locked.
    response = post_login(client, "zhang", PASSWORD)
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_failures_before_a_success_do_not_count(make_user, settings) -> None:
    settings.LOGIN_MAX_FAILURES = 3
    make_user("zhang", "housing")
    for _ in range(2):
        post_login(Client(), "zhang", "wrong-password")
    post_login(Client(), "zhang", PASSWORD)
    for _ in range(2):
        post_login(Client(), "zhang", "wrong-password")
    assert not User.objects.get(username="zhang").is_locked()


def test_lock_expires(make_user) -> None:
    user = make_user("zhang", "housing")
    user.locked_until = timezone.now() - dt.timedelta(seconds=1)
    user.save()
    response = post_login(Client(), "zhang", PASSWORD)
    assert response.status_code == 302


def test_inactive_user_cannot_log_in(make_user) -> None:
    make_user("zhang", "housing", is_active=False)
    assert post_login(Client(), "zhang", PASSWORD).status_code == 200


def test_logout_requires_post_and_is_audited(client_for) -> None:
    client = client_for("housing")
    assert client.get(reverse("core:logout")).status_code == 405
    response = client.post(reverse("core:logout"))
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action=AuditEvent.Action.LOGOUT).count() == 1
    assert client.get(reverse("core:home")).status_code == 302


def test_anonymous_user_is_sent_to_login(client: Client) -> None:
    response = client.get(reverse("core:home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("core:login"))


def test_session_expires_when_idle_and_at_browser_close(settings, make_user) -> None:
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert 0 < settings.SESSION_COOKIE_AGE <= 8 * 3600
    make_user("idle", "housing")
    client = Client()
    post_login(client, "idle", PASSWORD)
    session = Session.objects.get()
    # Requests within the refresh interval write nothing; after it, the expiry moves on from that request.
    client.get(reverse("core:home"))
    assert Session.objects.get().expire_date == session.expire_date
    Session.objects.update(expire_date=session.expire_date - dt.timedelta(minutes=5))
    stored = client.session
    stored[SessionRefreshMiddleware.KEY] = int(time.time()) - settings.SESSION_REFRESH_SECONDS - 1
    stored.save()
    client.get(reverse("core:home"))
    assert Session.objects.get().expire_date > session.expire_date - dt.timedelta(minutes=5)
    Session.objects.update(expire_date=timezone.now() - dt.timedelta(seconds=1))  # idle past the age
    assert client.get(reverse("core:home")).status_code == 302


def test_must_change_password_redirects_everything_to_the_change_form(make_user) -> None:
    make_user("zhang", "housing", must_change_password=True)
    client = Client()
    post_login(client, "zhang", PASSWORD)
    response = client.get(reverse("registry:units"))
    assert response.status_code == 302 and response.url == reverse("core:password_change")
    response = client.post(
        reverse("core:password_change"),
        {"old_password": PASSWORD, "new_password1": "Nw-pass-9876x", "new_password2": "Nw-pass-9876x"},
    )
    assert response.status_code == 302
    user = User.objects.get(username="zhang")
    assert not user.must_change_password and user.check_password("Nw-pass-9876x")
    assert client.get(reverse("registry:units")).status_code == 200
    assert AuditEvent.objects.filter(action=AuditEvent.Action.PASSWORD, object_id=str(user.pk)).exists()


@pytest.mark.parametrize(
    ("old", "new1", "new2"),
    [
        ("wrong", "Nw-pass-9876x", "Nw-pass-9876x"),
        (PASSWORD, "Nw-pass-9876x", "Other-9876x"),
        (PASSWORD, "123", "123"),
    ],
)
def test_password_change_rejects_bad_input(client_for, old: str, new1: str, new2: str) -> None:
    client = client_for("housing")
    response = client.post(
        reverse("core:password_change"), {"old_password": old, "new_password1": new1, "new_password2": new2}
    )
    assert response.status_code == 200
    assert client.user.__class__.objects.get(pk=client.user.pk).check_password(PASSWORD)
