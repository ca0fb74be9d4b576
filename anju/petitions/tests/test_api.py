"""The petitions API: cases listed and read (identities masked without see_id, audited with it), a case
registered by an integration, and the Open311 GeoReport v2 set as the 12345 platform's client uses it: the
services list, a request created with an API key (idempotent by the platform's order number) and its status
with expected_datetime and status_notes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client

from anju.core.actions import create_api_token
from anju.core.models import AuditEvent, User
from anju.petitions import actions
from anju.petitions.models import Case
from anju.petitions.tests import factories as f

pytestmark = pytest.mark.django_db
OPEN311 = "/api/petitions/open311/v2"


@pytest.fixture
def platform(make_user: Callable[..., User]) -> str:
    """The 12345 platform's account (the office's role) and its API key."""
    user = make_user("platform12345", "office")
    return create_api_token(user, user, "12345平台")


def test_cases_list_and_detail_mask_identities(client_for: Callable[..., Client]) -> None:
    case = f.case(name="王建国", phone="13907451234")
    leader = client_for("leadership")
    page = leader.get("/api/petitions/cases?year=2024").json()
    assert page["count"] == 1 and page["items"][0]["number"] == case.number
    detail = leader.get(f"/api/petitions/cases/{case.pk}").json()
    assert detail["petitioners"] == [{"name": "王建国", "phone": "13907451234"}]
    assert [d["step"] for d in detail["deadlines"]] == ["accept", "forward"]
    assert detail["history"][0]["step"] == "register"
    assert AuditEvent.objects.filter(actor=leader.user, note__contains="信访人身份").exists()  # type: ignore[attr-defined]
    station = client_for("station")
    assert station.get(f"/api/petitions/cases/{case.pk}").status_code == 403
    assert station.get("/api/petitions/cases").status_code == 403


def test_an_integration_registers_a_case(client_for: Callable[..., Client]) -> None:
    office = client_for("office")
    body = {
        "channel": "hotline12345", "reference": "GD77", "received_at": "2024-09-27T16:20:00+08:00",
        "category": "property", "subject": "电梯故障", "content": "小区电梯故障", "complete_limit": 3,
        "petitioners": [{"name": "张三", "phone": "13907450001"}],
    }  # fmt: skip
    answer = office.post("/api/petitions/cases", body, content_type="application/json")
    assert answer.status_code == 201
    created = answer.json()
    assert created["reference"] == "GD77"
    assert {d["step"]: d["due"] for d in created["deadlines"]}["complete"] == "2024-10-08"  # 09-29 works, 10-01…07 rest
    again = office.post("/api/petitions/cases", body, content_type="application/json")
    assert again.status_code == 400 and again.json()["code"] == "petitions.reference_exists"
    bad = office.post(
        "/api/petitions/cases", {**body, "reference": "GD78", "channel": "nope"}, content_type="application/json"
    )
    assert bad.status_code == 400 and bad.json()["field"] == "channel"


def test_open311_services_create_and_status(client: Client, platform: str) -> None:
    services = client.get(f"{OPEN311}/services.json", {"api_key": platform})
    assert services.status_code == 200
    assert {s["service_code"] for s in services.json()} >= {"fund", "rental", "termite", "property"}
    form = {
        "api_key": platform, "service_code": "termite", "description": "楼道木门发现白蚁", "last_name": "李",
        "first_name": "四", "phone": "13907450002", "order_number": "GD2024092700001",
        "requested_datetime": "2024-09-27T09:30:00+08:00", "limit_working_days": "5",
    }  # fmt: skip
    created = client.post(f"{OPEN311}/requests.json", form)
    assert created.status_code == 201
    number = created.json()[0]["service_request_id"]
    case = Case.objects.get(number=number)
    assert case.channel.code == "hotline12345" and case.reference == "GD2024092700001"
    retried = client.post(f"{OPEN311}/requests.json", form)  # the platform retries: the same case
    assert retried.json()[0]["service_request_id"] == number and Case.objects.count() == 1
    status = client.get(f"{OPEN311}/requests/GD2024092700001.json", {"api_key": platform}).json()[0]
    assert status["status"] == "open" and status["service_code"] == "termite"
    assert status["expected_datetime"].startswith("2024-10-10T23:59:59")
    handler = User.objects.get(username="platform12345")
    case = actions.assign_case(None, case, handler=handler, on=dt.date(2024, 9, 27))
    actions.reply_case(None, case, on=dt.date(2024, 9, 30), text="已安排上门灭治")
    actions.close_case(None, case, on=dt.date(2024, 9, 30), kind="substantive")
    status = client.get(f"{OPEN311}/requests/{number}.json", {"api_key": platform}).json()[0]
    assert (status["status"], status["status_notes"]) == ("closed", "已安排上门灭治")
    missing = client.get(f"{OPEN311}/requests/NOPE.json", {"api_key": platform})
    assert missing.status_code == 404 and missing.json()[0]["code"] == 404


def test_open311_needs_a_key_with_the_role(client: Client, make_user: Callable[..., User]) -> None:
    assert client.get(f"{OPEN311}/services.json").status_code == 401
    assert client.get(f"{OPEN311}/services.json", {"api_key": "anju_wrong"}).status_code == 401
    finance = make_user("fin", "finance")
    key = create_api_token(finance, finance, "x")
    assert client.get(f"{OPEN311}/services.json", {"api_key": key}).status_code == 403
    refused = client.post(f"{OPEN311}/requests.json", {"api_key": key, "service_code": "fund", "description": "x"})
    assert refused.status_code == 403 and not Case.objects.exists()
