"""The roles page: each role's permissions per module; an administrator creates and changes roles and
assigns them to others, never to themself, and never widens a role they hold; all audited."""

from __future__ import annotations

import pytest

from anju.core import actions
from anju.core.models import AuditEvent, Role, User

pytestmark = pytest.mark.django_db


def test_the_roles_page_shows_each_roles_permissions_per_module(client_for) -> None:
    html = client_for("admin").get("/roles/").content.decode()
    assert "中心领导" in html and "人事财务部" in html and 'href="/roles/new/"' in html
    station = client_for("station")
    assert station.get("/roles/").status_code == 403


def test_an_admin_creates_a_role_for_an_outside_agency_and_assigns_it(client_for, make_user) -> None:
    admin = client_for("admin")
    role = {"code": "tax", "name": "税务局（核验）", "kind": "external"}
    role["permissions"] = ["subsidy:view", "subsidy:review"]
    response = admin.post("/roles/new/", role)
    assert response.status_code == 302
    tax = Role.objects.get(code="tax")
    assert tax.permissions == ["subsidy:review", "subsidy:view"]
    assert AuditEvent.objects.filter(model="core.Role", object_id=str(tax.pk), action="create").exists()
    officer = make_user("shuiwu")
    data = {"username": "shuiwu", "full_name": "税务 张", "email": "", "roles": [tax.pk], "is_active": "on"}
    assert admin.post(f"/users/{officer.pk}/", data).status_code == 302
    assert officer.can("subsidy", "review") and not officer.can("fund", "view")
    again = admin.post("/roles/new/", {"code": "tax", "name": "另一个", "kind": "external"})
    assert again.status_code == 200 and "已存在" in again.content.decode()


def test_nobody_changes_their_own_roles_or_deactivates_themself(client_for) -> None:
    admin = client_for("admin")
    me: User = admin.user  # type: ignore[attr-defined]
    leadership = Role.objects.get(code="leadership")
    data = {"username": me.username, "full_name": me.full_name, "email": "", "is_active": "on"}
    mine = list(me.roles.values_list("pk", flat=True))
    response = admin.post(f"/users/{me.pk}/", {**data, "roles": [leadership.pk, *mine]})
    assert response.status_code == 200 and "不能更改自己的角色" in response.content.decode()
    assert not me.can("fund", "approve")
    response = admin.post(f"/users/{me.pk}/", {**data, "is_active": "", "roles": mine})
    assert "不能停用自己的账号" in response.content.decode()
    me.refresh_from_db()
    assert me.is_active
    # Their name they may change.
    assert admin.post(f"/users/{me.pk}/", {**data, "full_name": "管理员 王", "roles": mine}).status_code == 302


def test_nobody_widens_a_role_they_hold(make_user) -> None:
    admin = make_user("admin2", "admin")
    role = Role.objects.get(code="admin")
    with pytest.raises(actions.UserError) as refused:
        wider = [*role.permissions, "fund:approve"]
        actions.update_role(admin, role, name=role.name, kind=role.kind, permissions=wider)
    assert refused.value.code == "users.role_held"
    other = make_user("admin3", "admin")
    role.users.remove(other)
    renamed = actions.update_role(other, role, name="系统管理", kind=role.kind, permissions=role.permissions)
    assert renamed.name == "系统管理"
    with pytest.raises(actions.UserError) as bad:
        actions.update_role(other, role, name="x", kind=role.kind, permissions=["fund:fly"])
    assert bad.value.code == "users.bad_permission"
