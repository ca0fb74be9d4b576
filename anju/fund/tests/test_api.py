from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.test import Client
from openpyxl import Workbook

from anju.fund.models import Account, BankReceipt
from anju.fund.tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def ledger_data() -> Account:
    account = factories.unit_account(room="101")
    factories.deposit(account, "7800.00", dt.date(2023, 3, 1))
    factories.spend(account, "300.00", dt.date(2023, 6, 1))
    return account


def receipts_file(rows: list[list[object]]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(["交易流水号", "交易日期", "金额", "房屋编码", "付款人", "摘要"])
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("path", ["/api/fund/accounts", "/api/fund/totals", "/api/fund/receipts", "/api/fund/notices"])
def test_fund_endpoints_need_the_fund_view_permission(client_for, path: str) -> None:
    assert Client().get(path).status_code == 401
    assert client_for("office").get(path).status_code == 403
    assert client_for("information").get(path).status_code == 200


def test_statement_has_running_balance(client_for, ledger_data: Account) -> None:
    data = client_for("finance").get("/api/fund/accounts/P0001-1-1-101").json()
    assert [m["balance"] for m in data["movements"]] == ["7800.00", "7500.00"]
    assert data["account"]["balance"] == "7500.00" and data["account"]["first_deposit"] == "7800.00"
    assert client_for("finance", username="f2").get("/api/fund/accounts/NOPE").status_code == 404


def test_totals_show_the_balance_equation(client_for, ledger_data: Account) -> None:
    data = client_for("finance").get("/api/fund/totals").json()
    assert data["bank"] == data["unit"] == "7500.00" and data["balanced"] is True


def test_receipt_import_then_match_from_suspense(client_for, ledger_data: Account) -> None:
    client = client_for("station")
    content = receipts_file(
        [
            ["T1", "2023-07-01", "100.00", "P0001-1-1-101", "张三", "续交"],
            ["T2", "2023-07-02", "55.50", "NOPE-1-1-1", "李四", ""],
        ]
    )
    response = client.post("/api/fund/receipts/import", {"file": io.BytesIO(content)}, format="multipart")
    assert response.status_code == 200, response.content
    assert response.json() == {"posted": 1, "duplicates": 0, "suspense": 1}
    again = client.post("/api/fund/receipts/import", {"file": io.BytesIO(content)}, format="multipart")
    assert again.json() == {"posted": 0, "duplicates": 2, "suspense": 0}
    suspense = client.get("/api/fund/receipts?status=suspense").json()["items"]
    assert [r["txn_id"] for r in suspense] == ["T2"]
    matched = client.post(
        f"/api/fund/receipts/{suspense[0]['id']}/match", {"unit_code": "P0001-1-1-101"}, content_type="application/json"
    )
    assert matched.status_code == 200 and matched.json()["status"] == "matched"
    assert Account.objects.get(pk=ledger_data.pk).balance == Decimal("7655.50")
    assert BankReceipt.objects.get(txn_id="T2").status == "matched"


def test_bad_receipt_file_gets_row_errors(client_for, ledger_data: Account) -> None:
    content = receipts_file([["T1", "2023-13-01", "-5", "P0001-1-1-101", "", ""]])
    response = client_for("station").post(
        "/api/fund/receipts/import", {"file": io.BytesIO(content)}, format="multipart"
    )
    assert response.status_code == 400
    columns = {e["column"] for e in response.json()["errors"]}
    assert {"交易日期", "金额"} <= columns and all(e["row"] == 2 for e in response.json()["errors"])
    assert not BankReceipt.objects.exists()


def test_import_and_match_need_handle(client_for, ledger_data: Account) -> None:
    viewer = client_for("information")
    content = receipts_file([["T1", "2023-07-01", "100.00", "P0001-1-1-101", "", ""]])
    assert (
        viewer.post("/api/fund/receipts/import", {"file": io.BytesIO(content)}, format="multipart").status_code == 403
    )
    assert (
        viewer.post("/api/fund/notices", {"unit_code": "P0001-1-1-101"}, content_type="application/json").status_code
        == 403
    )


def test_issue_a_notice_through_the_api(client_for) -> None:
    from anju.fund.deposits import actions as deposits

    deposits.create_standard(
        None,
        building_type="multi_storey",
        use_class="residential",
        effective_from=dt.date(2020, 1, 1),
        rate=Decimal("78.50"),
    )
    factories.unit_account(room="201", area="89.37")
    client = client_for("station")
    response = client.post("/api/fund/notices", {"unit_code": "P0001-1-1-201"}, content_type="application/json")
    assert response.status_code == 200, response.content
    notice = response.json()
    assert notice["amount"] == "7015.55"  # 89.37 × 78.50 = 7015.545, half up
    assert notice["amount_capitals"] == "柒仟零壹拾伍元伍角伍分"
    listed = client.get("/api/fund/notices?unit=P0001-1-1-201").json()
    assert listed["count"] == 1 and listed["items"][0]["status"] == "issued"
