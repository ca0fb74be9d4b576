"""Every page checks the role: anonymous users go to login, roles without the permission get 403."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from anju.core.models import Role, User
from anju.core.roles import DEFAULT_ROLES

pytestmark = pytest.mark.django_db

# (path, module, action) for every staff page.
PAGES = [
    ("/audit/", "audit", "view"),
    ("/users/", "users", "view"),
    ("/users/new/", "users", "handle"),
    ("/registry/", "registry", "view"),
    ("/registry/persons/", "registry", "view"),
    ("/registry/enterprises/", "registry", "view"),
    ("/registry/projects/", "registry", "view"),
    ("/registry/search/?q=x", "registry", "view"),
    ("/registry/import/", "registry", "handle"),
    ("/registry/import/template.xlsx", "registry", "handle"),
    ("/registry/?export=xlsx", "registry", "export"),
    ("/registry/persons/?export=xlsx", "registry", "export"),
    ("/audit/?export=xlsx", "audit", "export"),
]


def role_grants(code: str, module: str, action: str) -> bool:
    spec = next(r for r in DEFAULT_ROLES if r["code"] == code)
    perms = spec["permissions"]
    assert isinstance(perms, list)
    return f"{module}:{action}" in perms or f"*:{action}" in perms


@pytest.mark.parametrize(("path", "module", "action"), PAGES)
def test_anonymous_is_sent_to_login(client: Client, path: str, module: str, action: str) -> None:
    response = client.get(path)
    assert response.status_code == 302 and response.url.startswith("/login/")


@pytest.mark.parametrize("role", [r["code"] for r in DEFAULT_ROLES])
@pytest.mark.parametrize(("path", "module", "action"), PAGES)
def test_each_role_reaches_exactly_what_it_is_granted(
    client_for, role: str, path: str, module: str, action: str
) -> None:
    client = client_for(role)
    response = client.get(path)
    needs_view = action != "view" and module in {"registry", "audit"} and not role_grants(role, module, "view")
    expected_ok = role_grants(role, module, action) and not needs_view
    assert response.status_code == (200 if expected_ok else 403), (role, path)


def test_user_without_roles_sees_no_module(client_for) -> None:
    client = client_for()
    response = client.get("/")
    assert response.status_code == 200
    assert 'href="/registry/"' not in response.content.decode()
    assert client.get("/registry/").status_code == 403


def test_default_roles_are_the_seed_departments_plus_leaders_and_admins(db) -> None:
    names = set(Role.objects.values_list("name", flat=True))
    assert {
        "办公室",
        "人事财务部",
        "住房保障服务部",
        "住建信息服务部",
        "市住房保障服务站",
        "中心领导",
        "系统管理员",
    } <= names


def test_permissions_are_data_an_admin_can_change(client_for) -> None:
    client = client_for("finance")
    assert client.get("/registry/import/").status_code == 403
    role = Role.objects.get(code="finance")
    role.permissions = [*role.permissions, "registry:handle"]
    role.save()
    user = User.objects.get(pk=client.user.pk)
    assert user.can("registry", "handle")
    assert client.get("/registry/import/").status_code == 200


def test_inactive_user_can_nothing(make_user) -> None:
    user = make_user("x", "leadership", is_active=False)
    assert not user.can("registry", "view")


def test_a_page_reads_the_users_roles_once_for_its_permissions_and_its_top_bar(client_for) -> None:
    client = client_for("housing", "finance")
    client.get("/jobs/")
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/rental/").content.decode()
    assert len([q for q in queries.captured_queries if 'FROM "core_role"' in q["sql"]]) == 1
    for code in ("housing", "finance"):
        assert f" · {Role.objects.get(code=code).name}" in page
    client.user.roles.remove(Role.objects.get(code="finance"))  # type: ignore[attr-defined]
    assert client.get("/fund/").status_code == 403
