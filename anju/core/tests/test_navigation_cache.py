"""The navigation menu kept per permission set (anju.core.context_processors) and the user's roles read in
one query (User.current_roles): a role or permission change shows and applies on the very next request,
and a staff page's fixed queries do not grow with the number of roles or modules."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from anju.core import context_processors, modules
from anju.core.models import Role, User

pytestmark = pytest.mark.django_db


def nav_urls(client: Client) -> list[str]:
    page = client.get("/jobs/").content.decode()
    nav = page.split('<nav class="sidenav"', 1)[1].split("</nav>", 1)[0]
    return re.findall(r'href="([^"]+)"', nav)


def fresh_menu(user: User) -> list[str]:
    """The menu as computed without any kept one: the addresses of the modules the user may view now."""
    from django.urls import reverse

    user = User.objects.get(pk=user.pk)
    return [reverse(m.url_name) for m in modules.all_modules() if user.can(m.code, modules.VIEW)]


def test_menu_is_the_fresh_menu_for_each_role(client_for) -> None:
    for code in ("office", "finance", "housing", "leadership", "admin"):
        client = client_for(code)
        assert nav_urls(client)[1:] == fresh_menu(client.user), code  # the first link is 首页


def test_a_permission_added_to_a_role_shows_and_applies_on_the_next_request(client_for) -> None:
    client = client_for("finance")
    assert "/rental/" not in nav_urls(client)
    assert client.get("/rental/").status_code == 403
    role = Role.objects.get(code="finance")
    role.permissions = [*role.permissions, "rental:view"]
    role.save()
    assert "/rental/" in nav_urls(client)
    assert client.get("/rental/").status_code == 200
    role.permissions = [p for p in role.permissions if p != "rental:view"]
    role.save()
    assert "/rental/" not in nav_urls(client)
    assert client.get("/rental/").status_code == 403


def test_a_role_taken_away_or_given_shows_and_applies_on_the_next_request(client_for) -> None:
    client = client_for("housing", "finance")
    assert "/fund/" in nav_urls(client)
    assert client.get("/fund/").status_code == 200
    User.objects.get(pk=client.user.pk).roles.remove(Role.objects.get(code="finance"))
    assert "/fund/" not in nav_urls(client)
    assert client.get("/fund/").status_code == 403
    assert nav_urls(client)[1:] == fresh_menu(client.user)
    User.objects.get(pk=client.user.pk).roles.add(Role.objects.get(code="finance"))
    assert "/fund/" in nav_urls(client)
    assert client.get("/fund/").status_code == 200


def test_a_user_made_inactive_or_superuser_gets_the_menu_of_now(client_for) -> None:
    client = client_for("finance")
    User.objects.filter(pk=client.user.pk).update(is_superuser=True)
    assert nav_urls(client)[1:] == fresh_menu(client.user) and "/rental/" in nav_urls(client)
    User.objects.filter(pk=client.user.pk).update(is_superuser=False)
    assert "/rental/" not in nav_urls(client)
    User.objects.filter(pk=client.user.pk).update(is_active=False)
    assert client.get("/jobs/").status_code == 302  # signed out


def test_the_menu_is_kept_per_permission_set_and_marks_the_current_page(client_for) -> None:
    context_processors.forget()
    one, two = client_for("finance", username="one"), client_for("finance", username="two")
    assert nav_urls(one) == nav_urls(two)
    assert len(context_processors._menus) == 1  # one per permission set, not per user
    page = two.get("/fund/").content.decode()
    assert '<a href="/fund/" class="active">' in page
    assert '<a href="/registry/" class="">' in page
    assert len(context_processors._links) == 1  # the links' HTML kept with the menu, once for both users
    nav = two.get("/fund/accounts/").content.decode().split('<nav class="sidenav"', 1)[1].split("</nav>", 1)[0]
    assert re.findall(r'<a href="([^"]+)" class="active">', nav) == ["/fund/"]  # a page under it, and no other
    fund = next(m for m in modules.all_modules() if m.code == "fund")
    assert f'<span class="icon">{fund.icon}</span>{fund.name}</a>' in nav
    nav = two.get("/jobs/").content.decode().split('<nav class="sidenav"', 1)[1].split("</nav>", 1)[0]
    assert 'class="active"' not in nav


def test_the_header_lists_the_roles_and_the_fixed_queries_do_not_grow_with_them(client_for) -> None:
    one = client_for("finance", username="one")
    many = client_for("finance", "housing", "office", "information", "station", username="many")
    counts = []
    for client in (one, many):
        client.get("/jobs/")
        with CaptureQueriesContext(connection) as queries:
            page = client.get("/jobs/").content.decode()
        counts.append(len(queries))
        roles = [q for q in queries.captured_queries if '"core_role"' in q["sql"]]
        assert len(roles) == 1
        for role in client.user.roles.all():
            assert f" · {role.name}" in page
    assert counts[0] == counts[1]


def test_current_roles_are_the_related_roles_read_once_and_again_after_a_change(make_user) -> None:
    user = make_user("x", "finance", "housing")
    user = User.objects.get(pk=user.pk)
    assert user.current_roles() == list(Role.objects.filter(users=user).order_by("id"))
    assert user.can("fund", "view") and user.can("rental", "view")
    with CaptureQueriesContext(connection) as queries:
        assert [r.code for r in user.current_roles()] == ["finance", "housing"]
    assert len(queries) == 0
    user.roles.remove(Role.objects.get(code="housing"))  # through this instance's manager: read again
    assert [r.code for r in user.current_roles()] == ["finance"]
    assert not user.can("rental", "view")
    user.roles.add(Role.objects.get(code="housing"))
    assert user.can("rental", "view")
    user.roles.clear()
    assert user.current_roles() == [] and not user.can("fund", "view")
