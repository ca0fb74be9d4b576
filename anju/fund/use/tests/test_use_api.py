"""The use-application API: every endpoint, with its permission."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import Workbook

from anju.fund.models import UseApplication
from anju.fund.tests import use_factories as uf
from anju.fund.use import actions as use

pytestmark = pytest.mark.django_db
BASE = "/api/fund/use/applications"


@pytest.fixture
def app() -> UseApplication:
    uf.estate(["100.00", "80.00", "120.00"])
    return uf.application(items=[("屋面防水", "3000.00")])


def body() -> dict[str, object]:
    return {
        "kind": "emergency",
        "title": "电梯主机维修",
        "project_code": "P0001",
        "applicant_kind": "center",
        "applicant_name": "住房保障服务中心",
        "emergency_reason": "电梯困人",
        "scope_kind": "buildings",
        "scope_spec": "1",
        "items": [{"name": "主机", "budget": "600.01"}],
        "contractor_credit_code": uf.contractor().uscc,
        "contractor_bank": "建行",
        "contractor_account_number": "8888",
    }


def vote_sheet() -> bytes:
    book = Workbook()
    book.active.append(["房屋编码", "表决意见"])  # type: ignore[union-attr]
    book.active.append(["P0001-1-1-101", "同意"])  # type: ignore[union-attr]
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def call(client: Client, method: str, path: str, pk: int):
    url = BASE + path.format(pk=pk)
    if method == "get":
        return client.get(url)
    if path.endswith("/import"):
        return client.post(url, {"file": io.BytesIO(vote_sheet())}, format="multipart")
    payload: object = {
        "": body(),
        "/{pk}/votes": [{"unit": "P0001-1-1-101", "vote": "agree"}],
        "/{pk}/payments": {"kind": "advance", "amount": "1.00", "value_date": "2024-01-05", "expected_payments": 0},
        "/{pk}/steps": {"step": "withdraw", "note": "x"},
    }[path]
    return getattr(client, method)(url, payload, content_type="application/json")


@pytest.mark.parametrize(
    ("method", "path", "action"),
    [
        ("get", "", "view"),
        ("get", "/{pk}", "view"),
        ("get", "/{pk}/votes", "view"),
        ("get", "/{pk}/payments", "view"),
        ("post", "", "handle"),
        ("put", "/{pk}/votes", "handle"),
        ("post", "/{pk}/votes/import", "handle"),
        ("post", "/{pk}/payments", "handle"),
        ("post", "/{pk}/steps", "handle"),  # withdraw from draft
    ],
)
def test_permissions(client_for, app: UseApplication, method: str, path: str, action: str) -> None:
    assert call(Client(), method, path, app.pk).status_code == 401
    assert call(client_for("office"), method, path, app.pk).status_code == 403
    viewer = call(client_for("information"), method, path, app.pk).status_code
    assert (viewer == 403) == (action != "view"), viewer
    allowed = call(client_for("station"), method, path, app.pk).status_code
    assert allowed in (200, 400), allowed


def test_list_and_detail(client_for, app: UseApplication) -> None:
    client = client_for("information")
    data = client.get(BASE + "?status=draft").json()
    assert data["count"] == 1 and data["items"][0]["number"] == app.number
    assert client.get(BASE + "?status=paid").json()["count"] == 0
    detail = client.get(f"{BASE}/{app.pk}").json()
    assert [u["share"] for u in detail["scope"]] == ["1000.00", "800.00", "1200.00"]
    assert detail["events"][0]["to_status"] == "draft" and detail["vote_passed"] is False


def test_an_emergency_from_creation_to_paid(client_for) -> None:
    uf.estate(["100.00", "80.00", "120.00"])
    station, finance, leader = client_for("station"), client_for("finance"), client_for("leadership")
    created = station.post(BASE, body(), content_type="application/json")
    assert created.status_code == 200, created.content
    data = created.json()
    pk = data["id"]
    assert data["emergency"] and data["budget"] == "600.01" and data["vote_passed"] is None
    assert sum(float(u["share"]) for u in data["scope"]) == pytest.approx(600.01)
    steps = f"{BASE}/{pk}/steps"
    assert station.post(steps, {"step": "review"}, content_type="application/json").status_code == 403
    assert station.post(steps, {"step": "submit"}, content_type="application/json").json()["status"] == "submitted"
    assert finance.post(steps, {"step": "review"}, content_type="application/json").json()["status"] == "reviewed"
    assert leader.post(steps, {"step": "approve"}, content_type="application/json").json()["status"] == "approved"
    refused = station.post(steps, {"step": "approve"}, content_type="application/json")
    assert refused.status_code == 403
    today = timezone.localdate().isoformat()
    paid = station.post(
        f"{BASE}/{pk}/payments",
        {"kind": "settlement", "final_cost": "600.01", "value_date": today, "expected_payments": 0},
        content_type="application/json",
    )
    assert paid.status_code == 200 and paid.json()["from_fund"] == "600.01" and paid.json()["entry_seq"]
    assert station.get(f"{BASE}/{pk}/payments").json()[0]["amount"] == "600.01"
    again = station.post(
        f"{BASE}/{pk}/payments",
        {"kind": "advance", "amount": "1.00", "value_date": today, "expected_payments": 1},
        content_type="application/json",
    )
    assert again.status_code == 400 and "当前为" in again.json()["detail"]


def test_a_retried_payment_request_pays_once(client_for) -> None:
    uf.estate(["100.00", "80.00", "120.00"])
    app = uf.application(kind="emergency", items=[("电梯", "600.00")])
    for step in ("submit", "review", "approve"):
        app = use.take_step(None, app, step)
    station = client_for("station")
    request = {
        "kind": "advance",
        "amount": "200.00",
        "value_date": timezone.localdate().isoformat(),
        "expected_payments": 0,
    }
    first = station.post(f"{BASE}/{app.pk}/payments", request, content_type="application/json")
    retry = station.post(f"{BASE}/{app.pk}/payments", request, content_type="application/json")
    assert first.status_code == 200 and retry.status_code == 400
    assert retry.json()["detail"] == "该申请已有新的拨付，请刷新后再试"
    assert [p["amount"] for p in station.get(f"{BASE}/{app.pk}/payments").json()] == ["200.00"]
    missing = {k: v for k, v in request.items() if k != "expected_payments"}
    assert station.post(f"{BASE}/{app.pk}/payments", missing, content_type="application/json").status_code == 422


def test_votes_put_and_import(client_for, app: UseApplication) -> None:
    station = client_for("station")
    codes = uf.codes(app)
    response = station.put(
        f"{BASE}/{app.pk}/votes",
        [{"unit": codes[0], "vote": "agree"}, {"unit": codes[2], "vote": "agree"}],
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["result"]["passed"] is True
    bad = station.put(f"{BASE}/{app.pk}/votes", [{"unit": "NOPE", "vote": "agree"}], content_type="application/json")
    assert bad.status_code == 400
    book = Workbook()
    book.active.append(["房屋编码", "表决意见"])  # type: ignore[union-attr]
    book.active.append([codes[1], "反对"])  # type: ignore[union-attr]
    book.active.append([codes[1], "同意"])  # type: ignore[union-attr]
    buffer = io.BytesIO()
    book.save(buffer)
    rejected = station.post(
        f"{BASE}/{app.pk}/votes/import", {"file": io.BytesIO(buffer.getvalue())}, format="multipart"
    )
    assert rejected.status_code == 400 and rejected.json()["errors"][0]["row"] == 3


def test_create_refuses_bad_input(client_for) -> None:
    uf.estate()
    data = body() | {"scope_kind": "list", "scope_spec": "NOPE"}
    response = client_for("station").post(BASE, data, content_type="application/json")
    assert response.status_code == 400 and "NOPE" in response.json()["detail"]
    assert not UseApplication.objects.exists()
