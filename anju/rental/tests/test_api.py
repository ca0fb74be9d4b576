"""Every rental API endpoint: 401 without a login, 403 without the permission, then the workflow."""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from django.test import Client
from openpyxl import Workbook

from anju.registry.tests.factories import resident_id
from anju.rental import actions
from anju.rental.models import Exit, Lease, RentalUnit, Repair, Review
from anju.rental.tests import factories

pytestmark = pytest.mark.django_db
D = dt.date

READS = [
    "/api/rental/kpis?year=2023",
    "/api/rental/dashboard?year=2023",
    "/api/rental/units",
    "/api/rental/households",
    "/api/rental/draws",
    "/api/rental/draws/YH2023-00001",
    "/api/rental/leases",
    "/api/rental/leases/ZL2023-00001",
    "/api/rental/bills?month=2023-01",
    "/api/rental/arrears",
    "/api/rental/reviews?year=2023",
    "/api/rental/inspections?year=2023",
    "/api/rental/exits",
    "/api/rental/repairs",
    "/api/rental/filings",
]
DAY = {"on": "2023-05-01"}
WRITES = [
    (
        "/api/rental/households",
        {"applicant_id_number": "x", "category": "dibao", "monthly_income": "1", "applied_on": "2023-01-01"},
    ),
    ("/api/rental/households/SQ2023-00001/checks", {"income": True, "housing": True}),
    ("/api/rental/households/SQ2023-00001/decision", {"eligible": True, **DAY}),
    ("/api/rental/draws", {"announced_on": "2023-05-01", "draw_on": "2023-05-10", "seed_source": "s"}),
    ("/api/rental/draws/YH2023-00001/hold", {"held_on": "2023-05-10", "external_value": "1"}),
    ("/api/rental/leases", {"unit": "x", "start": "2023-01-01", "end": "2024-01-01"}),
    ("/api/rental/leases/ZL2023-00001/renew", {"start": "2024-01-01", "end": "2025-01-01"}),
    ("/api/rental/leases/ZL2023-00001/end", DAY),
    ("/api/rental/bills", {"month": "2023-02"}),
    ("/api/rental/leases/ZL2023-00001/payments", {"amount": "1", "paid_on": "2023-05-01"}),
    ("/api/rental/leases/ZL2023-00001/reminders", {}),
    ("/api/rental/reviews/open", {"year": 2023}),
    ("/api/rental/reviews/1", {"outcome": "pass", **DAY}),
    (
        "/api/rental/inspections",
        {"lease": "x", "visit": "inspection", "on": "2023-05-01", "finding": "lives", "inspector": "a"},
    ),
    ("/api/rental/exits", {"lease": "ZL2023-00001", "reason": "arrears"}),
    ("/api/rental/leases/ZL2023-00001/exits", {"notice_on": "2023-05-01", "deadline": "2023-06-01"}),
    ("/api/rental/exits/QT2023-00001/force", {}),
    ("/api/rental/exits/QT2023-00001/complete", DAY),
    ("/api/rental/repairs", {"unit": "x", "on": "2023-05-01", "description": "d"}),
    ("/api/rental/repairs/WX2023-00001/assign", {"vendor": "v"}),
    ("/api/rental/repairs/WX2023-00001/complete", {"on": "2023-05-01", "cost": "1"}),
    (
        "/api/rental/filings",
        {
            "filed_on": "2023-05-01",
            "lessor": "a",
            "lessor_id": "x",
            "lessee": "b",
            "lessee_id": "y",
            "address": "c",
            "area": "1",
            "start": "2023-05-01",
            "end": "2024-05-01",
            "monthly_rent": "1",
        },
    ),
]


@pytest.fixture
def data() -> dict[str, object]:
    factories.rates()
    units = factories.estate(homes=3, shops=1)
    lease = factories.home_lease(units[0], 1, start=D(2023, 1, 1))
    actions.bill_month(None, D(2023, 1, 1))
    factories.waiting_household(5)
    factories.lottery(announced_on=D(2023, 1, 20), draw_on=D(2023, 1, 25), external="s1")
    return {"units": units, "lease": lease}


def test_reads_need_view(client_for, data: dict) -> None:
    anonymous, office, information = Client(), client_for("office"), client_for("information")
    for path in READS:
        assert anonymous.get(path).status_code == 401, path
        assert office.get(path).status_code == 403, path
        assert information.get(path).status_code == 200, path


def test_writes_need_handle(client_for, data: dict) -> None:
    anonymous, information = Client(), client_for("information")
    for path, body in WRITES:
        assert anonymous.post(path, json.dumps(body), content_type="application/json").status_code == 401, path
        assert information.post(path, json.dumps(body), content_type="application/json").status_code == 403, path


def test_import_needs_handle(client_for, data: dict) -> None:
    file = io.BytesIO(b"x")
    file.name = "bank.csv"
    assert client_for("information").post("/api/rental/payments/import", {"file": file}).status_code == 403


def post(client: Client, path: str, body: dict) -> tuple[int, dict]:
    response = client.post(path, json.dumps(body), content_type="application/json")
    return response.status_code, response.json()


def test_household_lottery_lease_rent_through_the_api(client_for, data: dict) -> None:
    client = client_for("housing")
    applicant = factories.person(40, "钱七")
    status, body = post(
        client,
        "/api/rental/households",
        {
            "applicant_id_number": applicant.id_number,
            "category": "dibao",
            "monthly_income": "500",
            "applied_on": "2023-02-01",
        },
    )
    assert status == 200 and body["status"] == "applied" and body["id_number"] == applicant.id_number
    number = body["number"]
    status, body = post(client, f"/api/rental/households/{number}/decision", {"eligible": True, "on": "2023-02-05"})
    assert status == 400 and "核查" in body["detail"] and body["code"] == "rental.checks_pending"
    post(client, f"/api/rental/households/{number}/checks", {"income": True, "housing": True})
    status, body = post(client, f"/api/rental/households/{number}/decision", {"eligible": True, "on": "2023-02-05"})
    assert status == 200 and body["status"] == "waiting"
    masked = client_for("information").get(f"/api/rental/households?q={number}").json()
    assert masked["count"] == 1 and "*" in masked["items"][0]["id_number"]
    unit = RentalUnit.objects.filter(kind="home", state="vacant").get().unit.code
    announce = {"announced_on": "2023-02-06", "draw_on": "2023-02-10", "seed_source": "当日福彩3D开奖号码"}
    status, draw = post(client, "/api/rental/draws", {**announce, "households": ["SQ2023-00001"], "units": [unit]})
    assert status == 200 and draw["status"] == "announced" and draw["households"] == [number]  # no subset taken
    assert draw["result"] == [] and len(draw["inputs_hash"]) == 64
    assert (
        post(client, f"/api/rental/draws/{draw['number']}/hold", {"held_on": "2023-02-09", "external_value": "1"})[0]
        == 400
    )
    status, draw = post(
        client, f"/api/rental/draws/{draw['number']}/hold", {"held_on": "2023-02-10", "external_value": "731"}
    )
    assert status == 200 and draw["result"][0] == {"rank": 1, "household": number, "unit": unit}
    assert client.post(f"/api/rental/draws/{draw['number']}/verify").json()["verified"] is True
    status, lease = post(
        client, "/api/rental/leases", {"unit": unit, "household": number, "start": "2023-03-01", "end": "2026-02-28"}
    )
    assert status == 200 and lease["monthly_rent"] == "50.00" and lease["deposit"] == "100.00"
    status, bills = post(client, "/api/rental/bills", {"month": "2023-03"})
    assert bills == {"month": "2023-03", "created": 2, "existing": 0}
    assert post(client, "/api/rental/bills", {"month": "2023-03"})[1] == {
        "month": "2023-03",
        "created": 0,
        "existing": 2,
    }
    assert post(client, "/api/rental/bills", {"month": "03/2023"})[0] == 400
    payment = {"amount": "50.00", "paid_on": "2023-03-20", "channel": "bank", "bank_txn": "API1"}
    status, paid = post(client, f"/api/rental/leases/{lease['number']}/payments", payment)
    assert status == 200 and paid["created"] is True
    status, again = post(client, f"/api/rental/leases/{lease['number']}/payments", payment)
    assert again["created"] is False and again["id"] == paid["id"]
    assert client.get(f"/api/rental/leases/{lease['number']}").json()["owed"] == "0.00"
    kpis = {k["code"]: k["value"] for k in client.get("/api/rental/kpis?year=2023").json()}
    assert kpis["rental.allocations"] == 2 and kpis["rental.rent_collected"] == "50.00"


def test_arrears_reminders_exits(client_for, data: dict) -> None:
    client = client_for("housing")
    number = data["lease"].number
    arrears = client.get("/api/rental/arrears?as_of=2023-03-15").json()
    assert arrears["ageing"]["31-90"] == "80.00" and arrears["leases"][0]["lease"] == number
    status, reminder = post(client, f"/api/rental/leases/{number}/reminders", {})
    assert status == 200 and reminder["owed"] == "80.00"
    status, body = post(client, "/api/rental/exits", {"lease": number, "reason": "nope"})
    assert status == 400 and body["detail"] == "清退原因无效" and body["code"] == "rental.bad_reason"
    status, body = post(client, "/api/rental/exits", {"lease": number, "reason": "arrears", "note": "欠租"})
    assert status == 200 and body["status"] == "draft" and body["notice_on"] is None
    exit_url = f"/api/rental/exits/{body['number']}"
    serve = {"notice_on": "2023-03-01", "deadline": "2023-04-01"}
    status, refused = post(client, f"/api/rental/leases/{number}/exits", serve)
    assert status == 400 and "审批" in refused["detail"]  # not approved yet
    assert post(client, f"{exit_url}/steps", {"step": "submit"})[1]["status"] == "submitted"
    status, refused = post(client, f"{exit_url}/steps", {"step": "review"})
    assert status == 400 and refused["detail"] == "审核人不能是提交该清退的经办人"
    assert client.post(f"{exit_url}/steps", {"step": "approve"}, content_type="application/json").status_code == 403
    reviewer, leader = client_for("housing", username="reviewer"), client_for("leadership")
    assert post(reviewer, f"{exit_url}/steps", {"step": "review", "note": "属实"})[1]["status"] == "reviewed"
    status, refused = post(leader, f"{exit_url}/steps", {"step": "send_back"})
    assert status == 400 and refused["detail"] == "退回须填写理由"
    assert post(leader, f"{exit_url}/steps", {"step": "approve"})[1]["status"] == "approved"
    status, body = post(client, f"/api/rental/leases/{number}/exits", serve)
    assert status == 200 and body["status"] == "notified" and body["notice_on"] == "2023-03-01"
    steps = [(e["step"], e["by"]) for e in client.get(exit_url).json()["events"]]
    assert steps == [
        ("create", "u_housing"),
        ("submit", "u_housing"),
        ("review", "reviewer"),
        ("approve", "u_leadership"),
        ("serve", "u_housing"),
    ]
    assert post(client, f"/api/rental/exits/{body['number']}/force", {"note": "法院"})[1]["forced"] is True
    status, done = post(client, f"/api/rental/exits/{body['number']}/complete", {"on": "2023-05-01"})
    assert status == 200 and done["status"] == "completed" and Exit.objects.get().completed_on == D(2023, 5, 1)
    assert post(client, f"/api/rental/exits/{body['number']}/complete", {"on": "2023-05-02"})[0] == 400
    assert client.get("/api/rental/exits?status=completed").json()[0]["number"] == body["number"]


def test_leases_renew_and_end(client_for, data: dict) -> None:
    client = client_for("housing")
    shop = factories.shop_lease(data["units"][3], start=D(2023, 1, 1))
    status, renewed = post(
        client, f"/api/rental/leases/{shop.number}/renew", {"start": "2024-01-01", "end": "2028-12-31"}
    )
    assert status == 200 and renewed["status"] == "active"
    status, ended = post(client, f"/api/rental/leases/{renewed['number']}/end", {"on": "2024-06-30"})
    assert status == 200 and ended["status"] == "ended"
    status, body = post(client, f"/api/rental/leases/{renewed['number']}/end", {"on": "2024-07-30"})
    assert status == 400 and body == {"detail": "合同已终止", "code": "rental.lease_not_active"}
    assert Lease.objects.filter(kind="shop", status="ended").count() == 2


def test_reviews_inspections_repairs_filings(client_for, data: dict) -> None:
    client = client_for("housing")
    assert post(client, "/api/rental/reviews/open", {"year": 2023})[1] == {"opened": 1}
    review = Review.objects.get()
    assert post(client, f"/api/rental/reviews/{review.pk}", {"outcome": "bad", "on": "2023-05-01"})[0] == 400
    status, body = post(client, f"/api/rental/reviews/{review.pk}", {"outcome": "market", "on": "2023-05-01"})
    assert status == 200 and body["outcome"] == "market"
    visit = {
        "lease": data["lease"].number,
        "visit": "reinspection",
        "on": "2023-05-02",
        "finding": "lives",
        "inspector": "刘洋",
    }
    assert post(client, "/api/rental/inspections", visit)[0] == 400
    assert post(client, "/api/rental/inspections", {**visit, "visit": "inspection"})[0] == 200
    assert len(client.get("/api/rental/inspections?year=2023").json()) == 1
    unit = data["units"][1].unit.code
    status, repair = post(client, "/api/rental/repairs", {"unit": unit, "on": "2023-06-01", "description": "漏水"})
    assert status == 200 and repair["status"] == "reported"
    assert (
        post(client, f"/api/rental/repairs/{repair['number']}/complete", {"on": "2023-06-02", "cost": "10"})[0] == 400
    )
    post(client, f"/api/rental/repairs/{repair['number']}/assign", {"vendor": "安顺维修"})
    status, done = post(
        client, f"/api/rental/repairs/{repair['number']}/complete", {"on": "2023-06-02", "cost": "88.80"}
    )
    assert status == 200 and done["cost"] == "88.80" and Repair.objects.get().status == "done"
    filing = {
        "filed_on": "2023-07-01",
        "lessor": "张三",
        "lessor_id": resident_id(seq=50),
        "lessee": "李四",
        "lessee_id": "123",
        "address": "迎丰中路",
        "area": "60",
        "start": "2023-07-01",
        "end": "2024-06-30",
        "monthly_rent": "800",
    }
    assert post(client, "/api/rental/filings", filing)[0] == 400
    status, body = post(client, "/api/rental/filings", {**filing, "lessee_id": resident_id(seq=51)})
    assert status == 200 and body["lessee_id"] == resident_id(seq=51)
    shown = client_for("information").get("/api/rental/filings?year=2023").json()[0]
    assert shown["lessor_id"] != resident_id(seq=50) and shown["lessor_id"].endswith(resident_id(seq=50)[-4:])


def test_payment_import_through_the_api(client_for, data: dict) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["交易流水号", "交易日期", "金额", "合同编号", "付款人"])
    sheet.append(["AP1", "2023-01-20", 80, data["lease"].number, ""])
    buffer = io.BytesIO()
    workbook.save(buffer)
    content = buffer.getvalue()
    client = client_for("housing")

    def upload(data_bytes: bytes) -> tuple[int, dict]:
        file = io.BytesIO(data_bytes)
        file.name = "bank.xlsx"
        response = client.post("/api/rental/payments/import", {"file": file})
        return response.status_code, response.json()

    assert upload(content) == (200, {"created": 1, "duplicates": 0})
    assert upload(content) == (200, {"created": 0, "duplicates": 1})
    status, body = upload(b"not a spreadsheet")
    assert status == 400 and body["errors"][0]["row"] == 0
    assert data["lease"].bills.get().paid == Decimal("80.00")


def test_exit_and_repair_lists_read_in_a_fixed_number_of_queries(client_for, data: dict) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for("information")

    def queries_for(path: str) -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(path).status_code == 200
        return len(ctx.captured_queries)

    units = data["units"]
    actions.report_repair(None, units[1], on=D(2023, 5, 1), description="漏水")
    factories.served_exit(data["lease"], reason="arrears", notice_on=D(2023, 5, 1), deadline=D(2023, 6, 1))
    one = (queries_for("/api/rental/repairs"), queries_for("/api/rental/exits"))
    for index in range(3):
        actions.report_repair(None, units[2], on=D(2023, 5, 2 + index), description="门锁")
    lease = factories.home_lease(units[2], 60, start=D(2023, 2, 1))
    factories.served_exit(lease, reason="sublet", notice_on=D(2023, 5, 1), deadline=D(2023, 6, 1))
    assert (queries_for("/api/rental/repairs"), queries_for("/api/rental/exits")) == one
    rows = client.get("/api/rental/exits").json()
    assert {row["lease"] for row in rows} == {data["lease"].number, lease.number}


def test_unknown_categories_and_negative_amounts_are_refused(client_for, data: dict) -> None:
    client = client_for("housing")
    applicant = factories.person(41, "孙八")
    body = {
        "applicant_id_number": applicant.id_number,
        "category": "royal",
        "monthly_income": "800.00",
        "applied_on": "2023-04-01",
    }
    status, answer = post(client, "/api/rental/households", body)
    assert status == 400 and "类别" in answer["detail"]
    status, answer = post(client, "/api/rental/households", {**body, "category": "commercial"})
    assert status == 400
    status, answer = post(client, "/api/rental/households", {**body, "category": "dibao", "monthly_income": "-1"})
    assert status == 400 and "收入" in answer["detail"]
    status, answer = post(
        client,
        "/api/rental/leases",
        {
            "unit": data["units"][3].unit.code,
            "tenant_name": "怀化市李记",
            "start": "2023-02-01",
            "end": "2024-01-31",
            "deposit": "-5.00",
        },
    )
    assert status == 400 and "押金" in answer["detail"]
    assert post(client, "/api/rental/households", {**body, "category": "dibao"})[0] == 200


def test_filings_and_households_are_masked_in_the_api_without_see_id(client_for, data: dict) -> None:
    lessor, lessee = resident_id(seq=71), resident_id(seq=72)
    actions.file_rental(
        None,
        filed_on=D(2023, 6, 1),
        lessor="张三",
        lessor_id=lessor,
        lessee="李四",
        lessee_id=lessee,
        address="怀化市鹤城区迎丰路1号",
        area=Decimal("80.00"),
        start=D(2023, 6, 1),
        end=D(2024, 5, 31),
        monthly_rent=Decimal("1200.00"),
    )
    housing, information = client_for("housing"), client_for("information")
    seen = housing.get("/api/rental/filings").json()[0]
    assert (seen["lessor_id"], seen["lessee_id"]) == (lessor, lessee)
    masked = information.get("/api/rental/filings").json()[0]
    assert masked["lessor_id"] == lessor[:3] + "*" * 11 + lessor[-4:] and lessee not in json.dumps(masked)
    applicant = data["lease"].household.applicant.id_number
    assert applicant in json.dumps(housing.get("/api/rental/households").json())
    assert applicant not in json.dumps(information.get("/api/rental/households").json())
