from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from anju.fund import accounts
from anju.fund.arrears import actions, rules
from anju.fund.arrears.models import Recovery, RecoveryCase
from anju.fund.arrears.tests import factories
from anju.fund.tests import factories as fund

pytestmark = pytest.mark.django_db
D = Decimal
JSON = "application/json"


@pytest.fixture
def case() -> RecoveryCase:
    case = factories.case(("6000.00", "4000.00"))
    actions.set_target(None, year=2023, amount=D("40000.00"))
    return case


@pytest.mark.parametrize(
    "path", ["/api/fund/arrears/cases", "/api/fund/arrears/targets", "/api/fund/arrears/board?year=2023"]
)
def test_read_endpoints_need_fund_view(client_for, case: RecoveryCase, path: str) -> None:
    assert Client().get(path).status_code == 401
    assert client_for("office").get(path).status_code == 403
    assert client_for("information").get(path).status_code == 200


def test_write_endpoints_need_fund_handle(client_for, case: RecoveryCase) -> None:
    reader = client_for("information")
    posts = [
        ("/api/fund/arrears/cases", {"project": "P0001", "opened_on": "2023-02-20"}),
        (f"/api/fund/arrears/cases/{case.pk}/actions", {"kind": "notice", "date": "2023-03-01"}),
        (
            f"/api/fund/arrears/cases/{case.pk}/recoveries",
            {"amount": "1.00", "received_on": "2023-03-01", "bank_txn_id": "T1"},
        ),
        ("/api/fund/arrears/targets", {"year": 2024, "amount": "1.00"}),
    ]
    for path, body in posts:
        assert reader.post(path, body, content_type=JSON).status_code == 403, path
        assert Client().post(path, body, content_type=JSON).status_code == 401, path


def test_case_list_and_detail(client_for, case: RecoveryCase) -> None:
    client = client_for("finance")
    data = client.get("/api/fund/arrears/cases?q=金御").json()
    assert data["count"] == 1 and data["items"][0]["owed"] == "10000.00" and data["items"][0]["stage"] == "open"
    assert client.get("/api/fund/arrears/cases?stage=auction").json()["count"] == 0
    actions.add_evidence(None, case, collected_on=dt.date(2023, 9, 12), description="契税", units=["P0001-1-1-201"])
    detail = client.get(f"/api/fund/arrears/cases/{case.pk}").json()
    assert [i["amount"] for i in detail["items"]] == ["6000.00", "4000.00"]
    assert [(e["households"], e["amount"], e["units"]) for e in detail["evidence"]] == [
        (1, "4000.00", ["P0001-1-1-201"])
    ]
    assert client.get("/api/fund/arrears/cases/999999").status_code == 404


def test_create_case_add_action_and_recover(client_for) -> None:
    client = client_for("station")
    fund.bank()
    fund.unit_account(room="101", project_code="P0005", project_name="北国之春")
    from anju.registry.models import Project

    Project.objects.filter(code="P0005").update(developer=factories.developer(seed=5))
    body = {"project": "P0005", "opened_on": "2023-02-20", "items": [{"unit": "P0005-1-1-101", "amount": "7000.00"}]}
    response = client.post("/api/fund/arrears/cases", body, content_type=JSON)
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    assert client.post("/api/fund/arrears/cases", body, content_type=JSON).status_code == 400  # exists
    bad = {**body, "project": "P0006", "items": [{"unit": "NOPE", "amount": "1.00"}]}
    assert client.post("/api/fund/arrears/cases", bad, content_type=JSON).status_code == 400
    response = client.post(
        f"/api/fund/arrears/cases/{pk}/actions", {"kind": "not_served", "date": "2023-08-01"}, content_type=JSON
    )
    assert response.status_code == 201 and RecoveryCase.objects.get(pk=pk).stage == rules.UNSERVED
    assert (
        client.post(
            f"/api/fund/arrears/cases/{pk}/actions", {"kind": "x", "date": "2023-08-01"}, content_type=JSON
        ).status_code
        == 400
    )
    path = f"/api/fund/arrears/cases/{pk}/recoveries"
    body = {"amount": "7000.00", "received_on": "2023-12-01"}
    # The bank transaction id is required: it is what makes a second submission harmless.
    assert client.post(path, body, content_type=JSON).status_code == 422
    assert client.post(path, {**body, "bank_txn_id": ""}, content_type=JSON).status_code == 422
    response = client.post(path, {**body, "bank_txn_id": "B1"}, content_type=JSON)
    assert response.status_code == 201 and response.json()["amount"] == "7000.00"
    assert RecoveryCase.objects.get(pk=pk).stage == rules.RECOVERED
    response = client.post(path, {**body, "bank_txn_id": "B1"}, content_type=JSON)
    assert response.status_code == 400 and response.json()["detail"] == "银行交易流水号 B1 已入账"
    response = client.post(
        path, {"amount": "1.00", "received_on": "2023-12-01", "bank_txn_id": "B2"}, content_type=JSON
    )
    assert response.status_code == 400 and "超过" in response.json()["detail"]
    assert Recovery.objects.count() == 1


def test_a_recovery_names_its_bank_account_when_there_are_several(client_for, case: RecoveryCase) -> None:
    client = client_for("station")
    second = accounts.open_bank_account(None, bank_name="建设银行怀化分行", number="43050000000000000002")
    path = f"/api/fund/arrears/cases/{case.pk}/recoveries"
    body = {"amount": "100.00", "received_on": "2023-12-01", "bank_txn_id": "B1"}
    response = client.post(path, body, content_type=JSON)
    assert response.status_code == 400 and "多个维修资金专户" in response.json()["detail"]
    assert not Recovery.objects.exists()
    response = client.post(path, {**body, "bank_account_number": "43050000000000000002"}, content_type=JSON)
    assert response.status_code == 201
    assert Recovery.objects.get().bank == second


@pytest.mark.parametrize("year", ["0", "-5", "1999", "2101", "99999999999999999999"])
def test_the_board_refuses_years_out_of_range(client_for, case: RecoveryCase, year: str) -> None:
    response = client_for("finance").get(f"/api/fund/arrears/board?year={year}")
    assert response.status_code == 422


def test_targets_and_board(client_for, case: RecoveryCase) -> None:
    client = client_for("finance")
    actions.record_recovery(
        None, case, amount=D("10000.00"), received_on=dt.date(2023, 11, 1), bank=fund.bank(), bank_txn_id="T1"
    )
    assert client.get("/api/fund/arrears/targets").json() == [
        {"year": 2023, "amount": "40000.00", "recovered": "10000.00", "rate": "25.00", "issued_by": "", "document": ""}
    ]
    response = client.post("/api/fund/arrears/targets", {"year": 2024, "amount": "5.00"}, content_type=JSON)
    assert response.status_code == 201
    assert client.post("/api/fund/arrears/targets", {"year": 2024, "amount": "0"}, content_type=JSON).status_code == 400
    assert client.post("/api/fund/arrears/targets", {"year": 0, "amount": "1"}, content_type=JSON).status_code == 422
    board = client.get("/api/fund/arrears/board?year=2023").json()
    assert board["rate"] == "25.00" and board["cumulative"][10] == "10000.00"
    assert {s["stage"]: s["cases"] for s in board["stages"]}["recovered"] == 1
    assert board["rows"][0]["project"] == "金御名都"


def test_openapi_lists_the_arrears_and_lift_paths(client_for: Any) -> None:
    paths = client_for("finance").get("/api/openapi.json").json()["paths"]
    for path in (
        "/api/fund/arrears/cases",
        "/api/fund/arrears/cases/{pk}/recoveries",
        "/api/fund/arrears/board",
        "/api/fund/lifts/policies",
        "/api/fund/lifts/progress",
    ):
        assert path in paths, path
