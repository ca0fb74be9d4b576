"""API authentication: bearer tokens, the session with CSRF, /api/me and `anju create-api-token`."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.test import Client

from anju.core.actions import create_api_token, revoke_api_token
from anju.core.models import ApiToken, AuditEvent, User

ME = "/api/me"
# Any unsafe endpoint does: a POST without its file gets 422 once authentication has passed.
POST_URL = "/api/registry/units/import"
CSRF_TOKEN = "a" * 32


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture
def housing_user(make_user: Callable[..., User]) -> User:
    return make_user("zhang", "housing")


def test_me_without_auth_is_401(client: Client) -> None:
    response = client.get(ME)
    assert response.status_code == 401
    assert response.json() == {"detail": "Unauthorized"}


def test_me_with_session(client_for: Callable[..., Client]) -> None:
    response = client_for("housing", username="wang").get(ME)
    assert response.status_code == 200
    body = response.json()
    assert body["username"] == "wang"
    assert body["full_name"] == "wang"
    assert body["is_superuser"] is False
    assert body["roles"] == [{"code": "housing", "name": "住房保障服务部"}]
    assert "registry:see_id" in body["permissions"]
    assert body["permissions"] == sorted(body["permissions"])


def test_bearer_token_authenticates_its_user(client: Client, housing_user: User) -> None:
    key = create_api_token(housing_user, housing_user, "integration")
    response = client.get(ME, headers=bearer(key))
    assert response.status_code == 200
    assert response.json()["username"] == "zhang"
    assert ApiToken.objects.get(user=housing_user).last_used is not None


def test_bearer_token_wins_over_the_session(client_for: Callable[..., Client], housing_user: User) -> None:
    key = create_api_token(housing_user, housing_user, "integration")
    response = client_for("office", username="li").get(ME, headers=bearer(key))
    assert response.json()["username"] == "zhang"


def test_revoked_token_is_401(client: Client, housing_user: User) -> None:
    key = create_api_token(housing_user, housing_user, "integration")
    revoke_api_token(housing_user, ApiToken.objects.get(user=housing_user))
    assert client.get(ME, headers=bearer(key)).status_code == 401


def test_token_of_inactive_user_is_401(client: Client, housing_user: User) -> None:
    key = create_api_token(housing_user, housing_user, "integration")
    housing_user.is_active = False
    housing_user.save()
    assert client.get(ME, headers=bearer(key)).status_code == 401


@pytest.mark.parametrize("header", ["Bearer anju_not-a-token", "Bearer ", "Token abc", "anju_x"])
def test_bad_authorization_header_is_401(client: Client, housing_user: User, header: str) -> None:
    assert client.get(ME, headers={"Authorization": header}).status_code == 401


def test_session_post_without_csrf_token_is_refused(housing_user: User) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(housing_user)
    response = client.post(POST_URL)
    assert response.status_code == 403
    assert response.json() == {"detail": "CSRF check Failed"}


def test_session_post_with_csrf_token_passes(housing_user: User) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(housing_user)
    client.cookies[settings.CSRF_COOKIE_NAME] = CSRF_TOKEN
    response = client.post(POST_URL, headers={"X-CSRFToken": CSRF_TOKEN})
    assert response.status_code == 422


def test_session_get_needs_no_csrf_token(housing_user: User) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(housing_user)
    assert client.get(ME).status_code == 200


def test_anonymous_post_is_401_not_a_csrf_failure() -> None:
    assert Client(enforce_csrf_checks=True).post(POST_URL).status_code == 401


def test_bearer_post_needs_no_csrf_token(housing_user: User) -> None:
    key = create_api_token(housing_user, housing_user, "integration")
    response = Client(enforce_csrf_checks=True).post(POST_URL, headers=bearer(key))
    assert response.status_code == 422


def test_create_api_token_command_prints_a_working_key(client: Client, housing_user: User) -> None:
    out = io.StringIO()
    call_command("create-api-token", "zhang", "--name", "GIS sync", stdout=out)
    key = out.getvalue().strip()
    token = ApiToken.objects.get(user=housing_user)
    assert token.name == "GIS sync"
    assert token.digest == ApiToken.hash_key(key)
    assert client.get(ME, headers=bearer(key)).json()["username"] == "zhang"
    event = AuditEvent.objects.get(model="core.ApiToken")
    assert event.actor is None
    assert event.actor_name.startswith("cli")


def test_create_api_token_command_refuses_unknown_and_inactive_users(make_user: Callable[..., User]) -> None:
    make_user("gone", "housing", is_active=False)
    with pytest.raises(CommandError):
        call_command("create-api-token", "nobody", "--name", "x")
    with pytest.raises(CommandError):
        call_command("create-api-token", "gone", "--name", "x")
    assert not ApiToken.objects.exists()
