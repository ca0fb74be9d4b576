"""LoginRequiredMiddleware: every URL of anju.urls needs a signed-in user, except the views named here.

A new public view has to be marked `@login_not_required` and added to PUBLIC on purpose; every other
page sends an anonymous visitor to the login page, and every API endpoint answers 401 itself."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.converters import IntConverter, UUIDConverter
from django.urls.resolvers import RoutePattern

# URL name → why it is public.
PUBLIC = {
    "core:login": "the login page",
    "core:logout": "a page left open past the idle timeout still logs out",
    "core:healthz": "the load balancer and the monitoring",
    "fund:owner_query": "owners query their own balance (rate-limited, no account)",
    "fund:owner_query_captcha": "the owner query's CAPTCHA picture (a kiosk after failed queries)",
}
# The API authenticates each request itself (bearer token or session) and answers 401, not a redirect;
# its schema and the Swagger page answer a signed-in user or a bearer token only (issue 18): the page sends
# others to the login page and the schema answers 401, which the API's own views check, not the middleware.
API_NAMESPACE = "api"
API_PUBLIC_DOCS = {"api:openapi-json", "api:openapi-view", "api:api-root"}


def _patterns(
    patterns: list[Any] | None = None, namespace: str = "", converters: dict[str, Any] | None = None
) -> Iterator[tuple[str, URLPattern, dict[str, Any]]]:
    """(namespaced name, pattern, the converters of its whole route) for every URL of anju.urls."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        assert isinstance(entry.pattern, RoutePattern), f"{entry.pattern} is not a path(): give it sample values"
        found = {**(converters or {}), **entry.pattern.converters}
        if isinstance(entry, URLResolver):
            inner = namespace + (f"{entry.namespace}:" if entry.namespace else "")
            yield from _patterns(entry.url_patterns, inner, found)
        else:
            assert entry.name, f"{entry.pattern} has no name"
            yield namespace + entry.name, entry, found


def _sample(converter: Any) -> object:
    if isinstance(converter, IntConverter):
        return 1
    if isinstance(converter, UUIDConverter):
        return uuid.UUID(int=1)
    return "x"


def _url(name: str, converters: dict[str, Any]) -> str:
    return reverse(name, kwargs={key: _sample(converter) for key, converter in converters.items()})


def _is_public(pattern: URLPattern) -> bool:
    return getattr(pattern.callback, "login_required", True) is False


ALL = list(_patterns())


def test_the_public_views_are_exactly_the_named_ones() -> None:
    public = {name for name, pattern, _ in ALL if _is_public(pattern) and not name.startswith(f"{API_NAMESPACE}:")}
    assert public == set(PUBLIC)


def test_every_api_url_is_left_to_the_apis_own_authentication() -> None:
    api = {name: pattern for name, pattern, _ in ALL if name.startswith(f"{API_NAMESPACE}:")}
    assert API_PUBLIC_DOCS <= set(api) and len(api) > 50
    assert [name for name, pattern in api.items() if not _is_public(pattern)] == []


@pytest.mark.django_db
def test_an_anonymous_visitor_is_sent_to_login_from_every_other_page(client: Client) -> None:
    checked = 0
    for name, pattern, converters in ALL:
        if _is_public(pattern):
            continue
        url = _url(name, converters)
        response = client.get(url)
        assert response.status_code == 302, (name, url, response.status_code)
        assert response["Location"].startswith("/login/?next="), (name, url, response["Location"])
        checked += 1
    assert checked > 150


@pytest.mark.django_db
def test_the_public_pages_answer_an_anonymous_visitor(client: Client) -> None:
    assert client.get(reverse("core:login")).status_code == 200
    assert client.get(reverse("fund:owner_query")).status_code == 200
    assert client.get(reverse("core:healthz")).status_code in {200, 503}  # 503: a check failed, still no login
    assert client.get(reverse("core:logout")).status_code == 405  # POST only
    logout = client.post(reverse("core:logout"))
    assert logout.status_code == 302 and logout["Location"] == reverse("core:login")
    assert client.post("/i18n/setlang/", {"language": "en", "next": "/login/"}).status_code == 404  # no menu
    docs = client.get("/api/docs")
    assert docs.status_code == 302 and docs["Location"].startswith(reverse("core:login"))
    assert client.get("/api/openapi.json").status_code == 401


@pytest.mark.django_db
def test_every_api_endpoint_answers_an_anonymous_request_with_401(client: Client) -> None:
    from anju.api import api

    schema = api.get_openapi_schema()
    checked = 0
    for path, operations in schema["paths"].items():
        url = re.sub(r"\{\w+\}", "1", path)
        for method in operations:
            response = client.generic(method.upper(), url)
            assert response.status_code == 401, (method, url, response.status_code)
            assert response["Content-Type"].startswith("application/json"), (method, url)
            checked += 1
    assert checked > 80


def test_signed_in_users_still_need_their_role(client_for: Any) -> None:
    """The middleware only asks for a session; the per-view role checks still answer 403."""
    office = client_for("office")
    assert office.get("/audit/").status_code == 403
    assert office.get("/api/rental/leases").status_code == 403
