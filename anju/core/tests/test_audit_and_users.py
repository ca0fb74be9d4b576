from __future__ import annotations

import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from anju.core import audit
from anju.core.models import AuditEvent, Role, User
from anju.registry.models import Person

pytestmark = pytest.mark.django_db


def test_admin_creates_a_user_who_must_change_the_password(client_for) -> None:
    admin = client_for("admin")
    response = admin.post(
        reverse("core:user_create"),
        {
            "username": "li",
            "full_name": "李四",
            "email": "",
            "roles": [Role.objects.get(code="office").pk],
            "is_active": "on",
            "password": "Init-pass-2023x",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(username="li")
    assert user.must_change_password and [r.code for r in user.roles.all()] == ["office"]
    event = AuditEvent.objects.get(action=AuditEvent.Action.CREATE, model="core.User")
    assert event.actor == admin.user and event.after["roles"] == ["办公室"]
    assert "password" not in event.after


def test_duplicate_user_name_is_refused(client_for, make_user) -> None:
    make_user("li", "office")
    admin = client_for("admin")
    response = admin.post(
        reverse("core:user_create"),
        {
            "username": "li",
            "full_name": "x",
            "roles": [Role.objects.get(code="office").pk],
            "password": "Init-pass-2023x",
        },
    )
    assert response.status_code == 200 and User.objects.filter(username="li").count() == 1


def test_editing_roles_records_before_and_after(client_for, make_user) -> None:
    target = make_user("li", "office")
    admin = client_for("admin")
    response = admin.post(
        reverse("core:user_edit", args=[target.pk]),
        {"full_name": "李四", "email": "", "roles": [Role.objects.get(code="finance").pk], "is_active": "on"},
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(action=AuditEvent.Action.UPDATE, model="core.User")
    assert event.before["roles"] == ["办公室"] and event.after["roles"] == ["人事财务部"]
    assert ("roles", ["办公室"], ["人事财务部"]) in event.changed_fields()


def test_admin_unlocks_a_locked_account(client_for, make_user) -> None:
    from django.utils import timezone

    target = make_user("li", "office", locked_until=timezone.now() + timezone.timedelta(minutes=10))
    admin = client_for("admin")
    assert "li" in admin.get(reverse("core:users") + "?locked=1").content.decode()
    home = admin.get(reverse("core:home")).content.decode()
    assert "?locked=1" in home  # the to-do list points at locked accounts
    admin.post(reverse("core:user_unlock", args=[target.pk]))
    assert not User.objects.get(pk=target.pk).is_locked()


def test_audit_page_filters_and_masks_id_numbers(client_for) -> None:
    admin = client_for("admin")
    audit.record(
        None,
        AuditEvent.Action.UPDATE,
        model="registry.Person",
        object_id="7",
        object_repr="张三",
        before={"id_number": "11010519491231002X", "phone": "13800000000"},
        after={"id_number": "11010519491231002X", "phone": "13900000000"},
    )
    audit.record(
        None,
        AuditEvent.Action.UPDATE,
        model="registry.Person",
        object_id="8",
        object_repr="王五",
        before={"id_number": "110105194912310011"},
        after={"id_number": "110105194912310038"},
    )
    page = admin.get(reverse("core:audit") + "?q=王五").content.decode()
    assert "王五" in page and "张三" not in page
    with translation.override("zh-hans"):
        assert f'<option value="registry.Person">{Person._meta.verbose_name}</option>' in page
    assert "110105194912310011" not in page and "110***********0011" in page
    leader = client_for("leadership")
    page = leader.get(reverse("core:audit") + "?q=王五").content.decode()
    assert "110105194912310011" in page  # leaders may see full ID numbers


def test_audit_page_masks_the_id_numbers_of_a_rental_filing(client_for) -> None:
    audit.record(
        None,
        AuditEvent.Action.CREATE,
        model="rental.Filing",
        object_id="1",
        object_repr="BA2023-00001",
        after={"lessor_id": "11010519491231002X", "lessee_id": "110105194912310011", "rent": "1500.00"},
    )
    admin = client_for("admin")
    page = admin.get(reverse("core:audit") + "?model=rental.Filing").content.decode()
    assert "11010519491231002X" not in page and "110105194912310011" not in page
    assert "110***********002X" in page and "1500.00" in page
    export = admin.get(reverse("core:audit") + "?model=rental.Filing&export=xlsx")
    cells = [c for row in load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True) for c in row]
    assert not any("110105194912310011" in str(c) for c in cells)


def test_audit_export_is_an_xlsx_and_is_itself_audited(client_for) -> None:
    admin = client_for("admin")
    audit.record(None, AuditEvent.Action.CREATE, model="registry.Unit", object_repr="P1-1-1-101")
    response = admin.get(reverse("core:audit") + "?model=registry.Unit&export=xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "时间" and len(rows) == 2 and rows[1][5] == "P1-1-1-101"
    assert AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).count() == 1


def test_api_token_is_shown_once_and_stored_hashed(client_for) -> None:
    client = client_for("housing")
    response = client.post(reverse("core:api_tokens"), {"name": "integration"})
    key = response.context["new_key"]
    assert key.startswith("anju_")
    token = client.user.api_tokens.get()
    assert key not in token.digest and token.digest == token.hash_key(key)
    assert key not in client.get(reverse("core:api_tokens")).content.decode()


def test_audit_page_names_the_records_a_change_points_to_and_reads_codes(client_for) -> None:
    """A changed foreign key shows the record's name (one query per kind of record, not per event), the
    record's own id is not shown, and a model's AUDIT_VALUES reads a logged code (issue 19)."""
    admin = client_for("admin")
    someone = User.objects.create_user(username="wang", password="x-Anju-2023x", full_name="王小二")
    office = Role.objects.get(code="office")

    def grant(n: int) -> None:
        for i in range(n):
            audit.record(
                None,
                AuditEvent.Action.CREATE,
                model="core.RoleGrant",
                object_id=str(900 + i),
                object_repr="授权",
                after={"id": 900 + i, "user": someone.pk, "role": office.pk, "status": "pending"},
            )

    grant(2)
    audit.record(None, AuditEvent.Action.UPDATE, model="core.RoleGrant", after={"user": 999999})
    url = reverse("core:audit") + "?model=core.RoleGrant"
    page = admin.get(url).content.decode()
    assert "王小二" in page and office.name in page
    assert "（已删除的" in page  # a user deleted since: its kind, not its number
    assert ">900<" not in page and ": 900" not in page
    with CaptureQueriesContext(connection) as few:
        admin.get(url)
    grant(30)
    with CaptureQueriesContext(connection) as many:
        admin.get(url)
    assert len(many) == len(few)


def test_audit_page_reads_a_models_logged_codes(client_for) -> None:
    audit.record(
        None,
        AuditEvent.Action.UPDATE,
        model="subsidy.Application",
        object_repr="GF2023-00001",
        after={"step": "pass_documents", "count": 1},
    )
    audit.record(
        None,
        AuditEvent.Action.CREATE,
        model="fund.JournalEntry",
        object_repr="1",
        after={"document": "interest:2023", "first_seq": 3},
    )
    page = client_for("admin").get(reverse("core:audit")).content.decode()
    assert "资料审查通过" in page and ": pass_documents" not in page
    assert "2023年度利息分配" in page and "起始链序号" in page


def test_a_refused_request_reads_in_chinese_in_the_audit_log(client_for) -> None:
    office = client_for("office")
    assert office.get("/users/").status_code == 403
    admin = client_for("admin")
    page = admin.get(reverse("core:audit") + "?action=denied").content.decode()
    assert "访问 /users/（缺少权限：" in page and "users:view" not in page
    export = admin.get(reverse("core:audit") + "?action=denied&export=xlsx")
    cells = [c for row in load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True) for c in row]
    assert any(str(c).startswith("GET /users/") for c in cells)  # the export keeps the note as logged


def test_the_user_and_role_lists_link_to_the_edit_pages_only_for_who_may_edit(client_for) -> None:
    """A leader reads the user and role lists; their names link to the edit pages (403 for a leader) only
    for an administrator (issue 19: no link to a page that refuses)."""
    leader, admin = client_for("leadership"), client_for("admin")
    assert leader.get(f"/users/{admin.user.pk}/").status_code == 403
    for url in ("/users/", "/roles/"):
        edit = re.compile(rf'href="{url}\d+/"')
        assert edit.search(admin.get(url).content.decode())
        page = leader.get(url)
        assert page.status_code == 200 and not edit.search(page.content.decode())
