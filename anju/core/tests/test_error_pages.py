"""The error pages: 404, 403, 500 and the CSRF failure in Chinese and in the site's layout with a way
back; a 403 names the permission missing and the roles granting it; under /api/ they stay JSON."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from anju import urls
from anju.core import error_pages
from anju.core.models import AuditEvent, Role, User

pytestmark = pytest.mark.django_db


def assert_layout_and_way_back(html: str) -> None:
    assert 'class="topbar"' in html and 'class="sidenav"' in html  # the site's layout, its navigation
    assert "data-back" in html and f'href="{reverse("core:home")}"' in html  # back, and home
    assert "返回" in html and "首页" in html


def test_404_is_chinese_in_the_layout(client_for: Callable[..., Client]) -> None:
    response = client_for("finance").get("/no/such/page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "页面不存在" in html and "Not Found" not in html
    assert_layout_and_way_back(html)


def test_404_under_the_api_stays_json(client_for: Callable[..., Client]) -> None:
    response = client_for("finance").get("/api/no/such/endpoint")
    assert response.status_code == 404 and response.json() == {"detail": "Not Found"}


def test_403_names_the_permission_and_the_roles_holding_it(client_for: Callable[..., Client]) -> None:
    # 人事财务部 has no access to public rental housing.
    response = client_for("finance").get(reverse("rental:home"))
    assert response.status_code == 403
    html = response.content.decode()
    assert "没有权限" in html and "“公租房”模块的“查看”权限" in html
    assert_layout_and_way_back(html)
    paragraph = re.search(r'<p class="needed-roles">(.*?)</p>', html, re.S)
    assert paragraph is not None
    named = set(re.search(r"拥有该权限的角色：(.*?)。", paragraph.group(1)).group(1).split("、"))  # type: ignore[union-attr]
    assert {"住房保障服务部", "住建信息服务部", "市住房保障服务站", "中心领导"} <= named
    assert "人事财务部" not in named and "housing" not in named  # names, never codes
    # The role's grants are read as they are now: a role given the permission is named.
    finance = Role.objects.get(code="finance")
    finance.permissions = [*finance.permissions, "rental:view"]
    finance.save()
    other = client_for("office").get(reverse("rental:home")).content.decode()
    assert "人事财务部" in re.search(r'<p class="needed-roles">(.*?)</p>', other, re.S).group(1)  # type: ignore[union-attr]
    # Still written to the audit log.
    assert AuditEvent.objects.filter(action=AuditEvent.Action.DENIED, note__contains="rental:view").exists()


def test_403_of_a_workflow_step_names_either_action() -> None:
    found = error_pages.needed(PermissionDenied("fund:approve/review"))
    assert found is not None and found["action"] == "审批或审核"
    assert "人事财务部" in found["roles"] and "中心领导" in found["roles"]
    assert error_pages.needed(PermissionDenied("POST")) is None
    assert error_pages.needed(PermissionDenied("not signed in")) is None


def test_403_under_the_api_stays_json(client_for: Callable[..., Client]) -> None:
    request = RequestFactory().get("/api/rental/leases")
    request.user = client_for("finance").user  # type: ignore[attr-defined]
    response = error_pages.denied(request, PermissionDenied("rental:view"))
    assert response.status_code == 403 and response["Content-Type"] == "application/json"


def test_500_renders_without_the_database_or_the_request_context() -> None:
    assert urls.handler500 is error_pages.server_error
    request = RequestFactory().get("/fund/")  # no user, no session: the middleware may not have run
    with CaptureQueriesContext(connection) as queries:
        response = error_pages.server_error(request)
    assert response.status_code == 500 and queries.captured_queries == []
    html = response.content.decode()
    assert "服务器错误" in html and 'class="topbar"' in html and 'href="/"' in html and "css/anju.css" in html
    assert error_pages.server_error(RequestFactory().get("/api/x"))["Content-Type"] == "application/json"


def test_500_handler_answers_an_exception_in_a_view(
    make_user: Callable[..., User], monkeypatch: pytest.MonkeyPatch
) -> None:
    import anju.core.views as core_views

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    client = Client(raise_request_exception=False)
    client.force_login(make_user("clerk", "finance"))
    monkeypatch.setattr(core_views, "render", broken)  # the home page breaks
    response = client.get(reverse("core:home"))
    assert response.status_code == 500 and "服务器错误" in response.content.decode()


def test_csrf_failure_is_chinese_in_the_layout(make_user: Callable[..., User]) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user("clerk", "finance"))
    response = client.post(reverse("core:password_change"), {"old_password": "x"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "表单已失效" in html and "CSRF verification failed" not in html and "Forbidden" not in html
    assert_layout_and_way_back(html)


def test_a_stale_login_form_gets_the_chinese_page_too() -> None:
    response = Client(enforce_csrf_checks=True).post(reverse("core:login"), {"username": "x", "password": "y"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "表单已失效" in html and 'class="sidenav"' not in html and "data-back" in html  # no menu signed out
