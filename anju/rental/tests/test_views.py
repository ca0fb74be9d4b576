"""The rental pages: permissions, lists with filters and export, masked ID numbers, the workflows."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from anju.registry.tests.factories import resident_id
from anju.rental import actions
from anju.rental.models import (
    Draw,
    Exit,
    Filing,
    Household,
    Lease,
    Payment,
    Reminder,
    RentBill,
    RentRate,
    Repair,
    Review,
)
from anju.rental.tests import factories

pytestmark = pytest.mark.django_db
D = dt.date

LISTS = [
    "/rental/",
    "/rental/units/",
    "/rental/households/",
    "/rental/households/?status=waiting",
    "/rental/draws/",
    "/rental/leases/",
    "/rental/bills/",
    "/rental/payments/",
    "/rental/arrears/",
    "/rental/reviews/",
    "/rental/inspections/",
    "/rental/exits/",
    "/rental/repairs/",
    "/rental/filings/",
    "/rental/rates/",
]
FORMS = [
    "/rental/households/new/",
    "/rental/draws/new/",
    "/rental/leases/new/",
    "/rental/bills/run/",
    "/rental/payments/import/",
    "/rental/reviews/open/",
    "/rental/inspections/new/",
    "/rental/repairs/new/",
    "/rental/filings/new/",
    "/rental/rates/new/",
]


@pytest.fixture
def data() -> dict[str, object]:
    factories.rates()
    units = factories.estate(homes=3, shops=1)
    lease = factories.home_lease(units[0], 1, start=D(2023, 1, 1))
    shop = factories.shop_lease(units[3], start=D(2023, 1, 1))
    actions.bill_month(None, D(2023, 1, 1))
    actions.bill_month(None, D(2023, 2, 1))
    actions.receive_payment(None, shop, amount=Decimal("3000.00"), paid_on=D(2023, 1, 15))
    waiting = factories.waiting_household(7)
    return {"units": units, "lease": lease, "shop": shop, "waiting": waiting}


def test_pages_need_the_rental_permission(client_for, data: dict) -> None:
    anonymous, office = Client(), client_for("office")
    for path in LISTS + FORMS:
        assert anonymous.get(path).status_code == 302, path
        assert office.get(path).status_code == 403, path


def test_lists_for_every_role_that_may_view(client_for, data: dict) -> None:
    for role in ("housing", "station", "information", "leadership"):
        client = client_for(role, username=f"u_{role}")
        for path in LISTS:
            assert client.get(path).status_code == 200, (role, path)


def test_forms_need_handle(client_for, data: dict) -> None:
    information, housing = client_for("information"), client_for("housing")
    for path in FORMS:
        assert information.get(path).status_code == 403, path
        assert housing.get(path).status_code == 200, path


def test_export_needs_the_export_permission(client_for, data: dict) -> None:
    station, housing = client_for("station"), client_for("housing")
    for path in LISTS[1:]:
        url = path + ("&" if "?" in path else "?") + "export=xlsx"
        assert station.get(url).status_code == 403, path
        response = housing.get(url)
        assert response.status_code == 200, path
        sheet = load_workbook(io.BytesIO(response.content)).active
        assert sheet is not None and sheet.max_row >= 1, path
    # The contents: the header row and one row per record, as on the page.
    sheet = load_workbook(io.BytesIO(housing.get("/rental/leases/?export=xlsx").content)).active
    assert sheet is not None
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    numbers = {row[0] for row in rows[1:-1]}
    assert "合同编号" in str(rows[0]) or "Lease number" in str(rows[0])
    assert numbers == {data["lease"].number, data["shop"].number} and rows[-1][0] == "合计"  # rents summed
    sheet = load_workbook(io.BytesIO(housing.get("/rental/bills/?unpaid=1&export=xlsx").content)).active
    assert sheet is not None
    cells = [str(c.value) for row in sheet.iter_rows(min_row=2) for c in row]
    assert data["lease"].number in cells and data["shop"].number not in cells


def test_id_numbers_are_masked_without_see_id(client_for, data: dict) -> None:
    number = data["waiting"].applicant.id_number
    masked = number[:3] + "*" * 11 + number[-4:]
    housing, information = client_for("housing"), client_for("information")
    assert number in housing.get("/rental/households/").content.decode()
    page = information.get("/rental/households/").content.decode()
    assert number not in page and masked in page
    exported = client_for("leadership").get("/rental/households/?export=xlsx")
    assert number in [c.value for row in load_workbook(io.BytesIO(exported.content)).active.iter_rows() for c in row]
    # Searching by the exact ID number finds the household only for a role that may see the number.
    assert data["waiting"].number in housing.get(f"/rental/households/?q={number}").content.decode()
    assert data["waiting"].number not in information.get(f"/rental/households/?q={number}").content.decode()


def test_posts_on_record_pages_need_handle(client_for, data: dict) -> None:
    lease, information = data["lease"], client_for("information")
    repair = actions.report_repair(None, data["units"][1], on=D(2023, 5, 1), description="漏水")
    exit_ = factories.served_exit(lease, reason="arrears", notice_on=D(2023, 5, 1), deadline=D(2023, 6, 1))
    posts = [
        (
            f"/rental/leases/{lease.pk}/",
            {"action": "pay", "amount": "80.00", "paid_on": "2023-02-20", "channel": "counter"},
        ),
        (f"/rental/leases/{lease.pk}/", {"action": "remind"}),
        (f"/rental/households/{data['waiting'].pk}/", {"action": "checks", "income": "on", "housing": "on"}),
        (f"/rental/repairs/{repair.pk}/", {"action": "assign", "vendor": "怀化市修缮公司"}),
        (f"/rental/units/{data['units'][1].pk}/", {"state": "repair", "on": "2023-05-01"}),
        (f"/rental/exits/{exit_.pk}/", {"action": "complete", "on": "2023-06-01"}),
    ]
    for url, body in posts:
        assert information.get(url).status_code == 200, url
        assert information.post(url, body).status_code == 403, url
    assert not Payment.objects.filter(lease=lease).exists()
    repair.refresh_from_db()
    exit_.refresh_from_db()
    assert repair.status == "reported" and exit_.status == "notified"


def test_rental_wording_is_not_overridden_by_other_catalogs(client_for, data: dict) -> None:
    housing = client_for("housing")
    page = housing.get(f"/rental/leases/{data['shop'].pk}/").content.decode()
    assert "租金账户" in page and "缴款日期" in page and "已缴" in page
    repair = actions.report_repair(None, data["units"][1], on=D(2023, 5, 1), description="漏水")
    page = housing.get(f"/rental/units/{repair.rental_unit_id}/").content.decode()
    assert "维修内容" in page and "维修金额" in page


def test_filters_and_search(client_for, data: dict) -> None:
    client = client_for("housing")
    page = client.get("/rental/bills/?unpaid=1").content.decode()
    assert data["lease"].number in page and data["shop"].number not in page
    page = client.get("/rental/leases/?kind=shop").content.decode()
    assert data["shop"].number in page and data["lease"].number not in page
    page = client.get(f"/rental/leases/?q={data['lease'].number}").content.decode()
    assert data["lease"].number in page and data["shop"].number not in page
    page = client.get("/rental/arrears/?as_of=2023-03-15").content.decode()
    assert data["lease"].number in page and "160.00" in page
    assert data["lease"].number in client.get("/rental/arrears/?as_of=2023-03-15&age=31-90").content.decode()
    assert data["lease"].number not in client.get("/rental/arrears/?as_of=2023-03-15&age=0-30").content.decode()


def test_the_estate_filter_offers_the_projects_of_rental_units_only_by_code(client_for, data: dict) -> None:
    from anju.registry.tests import factories as registry_factories

    factories.estate(homes=1, shops=0, code="GZ-A")
    registry_factories.unit(project_code="GZ-0", project_name="普通商品房")  # no rental unit: not an estate
    page = client_for("housing").get("/rental/units/").content.decode()
    select = page[page.index('<select name="estate"') :]
    options = re.findall(r'<option value="([^"]+)"', select[: select.index("</select>")])
    assert options == ["GZ-A", "GZ-T"]
    page = client_for("housing", username="u_estate").get("/rental/units/?estate=GZ-A").content.decode()
    assert "GZ-A-1-1-101" in page and "GZ-T-1-1-101" not in page


def test_the_estates_are_kept_until_a_rental_unit_a_unit_or_a_project_changes(client_for, data: dict) -> None:
    """The estate filter is read once per version of its tables: a new rental estate and a renamed project
    show on the next view, and an unchanged view reads no rental unit for it."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from anju.registry.models import Project

    client = client_for("housing")

    def options() -> list[tuple[str, str]]:
        page = client.get("/rental/units/").content.decode()
        select = page[page.index('<select name="estate"') :]
        return re.findall(r'<option value="([^"]+)"[^>]*>([^<]*)<', select[: select.index("</select>")])

    assert [code for code, _name in options()] == ["GZ-T"]
    factories.estate(homes=1, shops=0, code="GZ-B")
    assert [code for code, _name in options()] == ["GZ-B", "GZ-T"]
    Project.objects.filter(code="GZ-B").update(name="新公租家园")
    assert ("GZ-B", "新公租家园") in options()
    with CaptureQueriesContext(connection) as captured:
        options()
    assert not [q for q in captured.captured_queries if 'SELECT "rental_rentalunit"."unit_id"' in q["sql"]]


def test_the_homes_list_of_a_center_without_rental_units_offers_no_estate(client_for) -> None:
    from anju.registry.tests import factories as registry_factories

    registry_factories.unit(project_code="GZ-0", project_name="普通商品房")
    response = client_for("housing").get("/rental/units/")
    assert response.status_code == 200
    select = response.content.decode().split('<select name="estate"', 1)[1].split("</select>", 1)[0]
    assert re.findall(r'<option value="([^"]+)"', select) == []


def test_application_to_lease_through_the_pages(client_for, data: dict) -> None:
    client = client_for("housing")
    applicant = factories.person(20, "赵六")
    response = client.post(
        "/rental/households/new/",
        {
            "applicant": applicant.id_number,
            "category": "dibao",
            "monthly_income": "600.00",
            "applied_on": "2023-03-01",
        },
    )
    household = Household.objects.get(applicant=applicant)
    assert response.status_code == 302 and response.url == f"/rental/households/{household.pk}/"
    url = f"/rental/households/{household.pk}/"
    response = client.post(url, {"action": "decide", "eligible": "1", "on": "2023-03-05"})
    assert "核查" in response.content.decode()  # refused: the checks are not done
    client.post(url, {"action": "checks", "income": "on", "housing": "on"})
    client.post(url, {"action": "decide", "eligible": "1", "on": "2023-03-05"})
    household.refresh_from_db()
    assert household.status == "waiting"
    announce = {"announced_on": "2023-03-06", "draw_on": "2023-03-15", "seed_source": "当日福彩3D开奖号码", "units": ""}
    response = client.post("/rental/draws/new/", announce)
    draw = Draw.objects.get()
    assert response.status_code == 302 and draw.status == "announced"
    assert household.number in client.get(f"/rental/draws/{draw.pk}/").content.decode()
    hold = {"action": "hold", "held_on": "2023-03-15", "external_value": "7788"}
    assert client_for("information").post(f"/rental/draws/{draw.pk}/", hold).status_code == 403
    early = client.post(f"/rental/draws/{draw.pk}/", {**hold, "held_on": "2023-03-14"})
    assert "不能提前" in early.content.decode()
    assert client.post(f"/rental/draws/{draw.pk}/", hold).status_code == 302
    draw.refresh_from_db()
    assert draw.status == "held" and draw.external_value == "7788"
    response = client.post(f"/rental/draws/{draw.pk}/")
    assert "结果真实有效" in response.content.decode() or "authentic" in response.content.decode()
    pick = next(p for p in draw.result if p["household"] == household.number)
    assert pick["unit"] is not None
    response = client.post(
        "/rental/leases/new/",
        {"unit": pick["unit"], "household": household.number, "start": "2023-04-01", "end": "2026-03-31"},
    )
    lease = Lease.objects.get(household=household)
    assert response.status_code == 302 and lease.draw_id == draw.pk
    assert lease.monthly_rent == Decimal("50.00")
    response = client.post("/rental/bills/run/", {"month": "2023-04"})
    assert response.status_code == 302 and RentBill.objects.filter(lease=lease).count() == 1
    response = client.post(
        f"/rental/leases/{lease.pk}/",
        {"action": "pay", "amount": "50.00", "paid_on": "2023-04-20", "channel": "bank", "bank_txn": ""},
    )
    assert response.status_code == 200 and not Payment.objects.filter(lease=lease).exists()
    client.post(
        f"/rental/leases/{lease.pk}/",
        {"action": "pay", "amount": "50.00", "paid_on": "2023-04-20", "channel": "bank", "bank_txn": "W1"},
    )
    assert RentBill.objects.get(lease=lease).paid == Decimal("50.00")


def test_reminder_exit_and_notices(client_for, data: dict) -> None:
    client = client_for("housing")
    lease = data["lease"]
    response = client.post(f"/rental/leases/{lease.pk}/", {"action": "remind"})
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "租金催缴通知书" in page and "160.00" in page and "壹佰陆拾元整" in page
    response = client.post(
        f"/rental/leases/{lease.pk}/", {"action": "exit", "reason": "arrears", "note": "欠租 6 个月，催缴无果"}
    )
    exit_ = Exit.objects.get()
    url = f"/rental/exits/{exit_.pk}/"
    assert response.url == url and exit_.status == "draft" and exit_.note == "欠租 6 个月，催缴无果"
    # No notice before the exit is approved.
    assert client.get(f"{url}notice/").url == url
    assert client.post(url, {"step": "submit"}).status_code == 302
    assert client.post(url, {"step": "review"}).status_code == 302  # the preparer may not review it
    assert Exit.objects.get().status == "submitted"
    assert client_for("housing", username="reviewer").post(url, {"step": "review", "note": "属实"}).status_code == 302
    assert client_for("leadership").post(url, {"step": "approve"}).status_code == 302
    assert Exit.objects.get().status == "approved"
    client.post(url, {"action": "serve", "notice_on": "2023-03-01", "deadline": "2023-04-01"})
    exit_.refresh_from_db()
    assert (exit_.status, exit_.notice_on, exit_.deadline) == ("notified", D(2023, 3, 1), D(2023, 4, 1))
    assert "公租房清退通知书" in client.get(f"{url}notice/").content.decode()
    client.post(f"/rental/exits/{exit_.pk}/", {"action": "force", "note": "申请强制执行"})
    client.post(f"/rental/exits/{exit_.pk}/", {"action": "complete", "on": "2023-06-01"})
    exit_.refresh_from_db()
    assert exit_.forced and exit_.status == "completed"
    page = client.get(url).content.decode()
    for label in ("清退经办", "提交审核", "审核通过", "属实", "审批同意", "送达清退通知", "申请强制执行", "清退完成"):
        assert label in page, label


def test_batch_reminders_for_the_ticked_leases_in_arrears(client_for, data: dict) -> None:
    lease, shop = data["lease"], data["shop"]  # the shop paid both months
    housing, information = client_for("housing"), client_for("information")
    page = housing.get("/rental/arrears/?kind=home").content.decode()
    assert 'formaction="/rental/arrears/remind/"' in page
    assert f'name="ids" value="{lease.pk}" form="batch-form"' in page
    # A role that may only view sees no selection and cannot post one.
    assert "batch-form" not in information.get("/rental/arrears/").content.decode()
    assert information.post("/rental/arrears/remind/", {"ids": [lease.pk]}).status_code == 403
    assert housing.get("/rental/arrears/remind/").status_code == 405
    response = housing.post(
        "/rental/arrears/remind/", {"ids": [lease.pk, shop.pk, "x"], "next": "/rental/arrears/?kind=home"}
    )
    assert response.status_code == 302 and response.url == "/rental/arrears/?kind=home"
    assert list(Reminder.objects.values_list("lease", flat=True)) == [lease.pk]
    shown = housing.get(response.url).content.decode()
    assert "已开具 1 份催缴通知" in shown and f"合同 {shop.number} 没有欠缴租金" in shown
    # Nothing ticked, or a foreign address to go back to: the list itself, with a word why.
    response = housing.post("/rental/arrears/remind/", {"next": "https://evil.example/"})
    assert response.url == "/rental/arrears/"
    assert "请先勾选要催缴的合同" in housing.get(response.url).content.decode()


def test_repair_review_inspection_filing_rate_pages(client_for, data: dict) -> None:
    client = client_for("housing")
    unit = data["units"][1]
    client.post("/rental/repairs/new/", {"unit": unit.unit.code, "on": "2023-05-01", "description": "漏水"})
    repair = Repair.objects.get()
    client.post(f"/rental/repairs/{repair.pk}/", {"action": "assign", "vendor": "安顺维修"})
    client.post(f"/rental/repairs/{repair.pk}/", {"action": "complete", "on": "2023-05-03", "cost": "420.00"})
    repair.refresh_from_db()
    assert repair.status == "done" and repair.cost == Decimal("420.00")
    client.post("/rental/reviews/open/", {"year": "2023", "on": "2023-02-01"})
    review = Review.objects.get(household=data["lease"].household)
    client.post(f"/rental/reviews/{review.pk}/", {"outcome": "pass", "on": "2023-06-01"})
    review.refresh_from_db()
    assert review.outcome == "pass"
    response = client.post(
        "/rental/inspections/new/",
        {
            "lease": data["lease"].number,
            "visit": "inspection",
            "on": "2023-06-02",
            "finding": "lives",
            "inspector": "刘洋",
        },
    )
    assert response.status_code == 302
    fields = {
        "filed_on": "2023-07-01",
        "lessor": "张三",
        "lessor_id": resident_id(seq=30),
        "lessee": "李四",
        "lessee_id": "bad",
        "address": "迎丰中路8号",
        "area": "70.00",
        "start": "2023-07-01",
        "end": "2024-06-30",
        "monthly_rent": "1000.00",
    }
    assert client.post("/rental/filings/new/", fields).status_code == 200
    assert not Filing.objects.exists()
    client.post("/rental/filings/new/", {**fields, "lessee_id": resident_id(seq=31)})
    assert Filing.objects.count() == 1
    client.post(
        "/rental/rates/new/",
        {"kind": "home", "category": "dibao", "per_m2": "2.50", "reduction_percent": "50", "valid_from": "2024-01-01"},
    )
    assert RentRate.objects.filter(valid_from=D(2024, 1, 1)).exists()
    response = client.post(f"/rental/units/{unit.pk}/", {"state": "repair", "on": "2023-08-01", "note": "翻新"})
    assert response.status_code == 302
    assert "翻新" in client.get(f"/rental/units/{unit.pk}/").content.decode()


def test_import_page_shows_every_bad_row(client_for, data: dict) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["交易流水号", "交易日期", "金额", "合同编号", "付款人"])
    sheet.append(["I1", "2023-02-10", "abc", data["lease"].number, ""])
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    buffer.name = "bank.xlsx"
    response = client_for("housing").post("/rental/payments/import/", {"file": buffer})
    assert response.status_code == 200
    page = response.content.decode()
    assert "金额应为数字" in page and "<td>2</td>" in page
    assert not Payment.objects.filter(bank_txn="I1").exists()


def test_dashboard_shows_the_figures(client_for, data: dict) -> None:
    page = client_for("leadership").get("/rental/?year=2023").content.decode()
    assert 'data-code="rental.rent_collected"' in page and "3000.00" in page
    assert "rent-chart" in page


def test_to_dos_on_the_home_page(client_for, data: dict) -> None:
    factories.waiting_household(8)  # decided: not a to-do
    actions.apply(
        None,
        applicant=factories.person(9),
        category="dibao",
        monthly_income=Decimal("400.00"),
        owns_home=False,
        applied_on=D(2023, 5, 1),
    )
    repair = actions.report_repair(None, data["units"][1], on=D(2023, 5, 1), description="漏水")
    past = factories.home_lease(data["units"][2], 10, start=D(2019, 1, 1))  # term ended 1 Jan 2022
    housing = client_for("housing")
    page = housing.get("/").content.decode()
    assert "/rental/households/?status=applied" in page and "/rental/repairs/?status=open" in page
    assert "past_term=" in page
    assert "/rental/households/?status=applied" not in client_for("information").get("/").content.decode()
    today = timezone.localdate()
    listed = housing.get(f"/rental/leases/?status=active&past_term={today:%Y-%m-%d}").content.decode()
    assert past.number in listed and data["shop"].number not in listed  # the shop's term runs to 2028
    actions.assign_repair(None, repair, vendor="怀化市修缮公司")
    actions.complete_repair(None, repair, on=D(2023, 5, 3), cost=Decimal("120.00"))
    for lease in Lease.objects.filter(status="active", end__lt=today):
        actions.end_lease(None, lease, on=D(2023, 5, 31))
    page = housing.get("/").content.decode()
    assert "/rental/repairs/?status=open" not in page and "past_term=" not in page


def test_household_documents(client_for, data: dict) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    household = data["waiting"]
    url = f"/rental/households/{household.pk}/documents/"
    pdf = SimpleUploadedFile("收入证明.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    assert client_for("information").post(url, {"file": pdf, "kind": "收入证明"}).status_code == 403
    pdf.seek(0)
    response = client_for("housing").post(url, {"file": pdf, "kind": "收入证明"})
    assert response.status_code == 302
    page = client_for("station").get(f"/rental/households/{household.pk}/").content.decode()
    assert "收入证明.pdf" in page
    bad = SimpleUploadedFile("x.exe", b"MZ", content_type="application/octet-stream")
    client_for("housing", username="h2").post(url, {"file": bad, "kind": "其他"})
    assert (
        "x.exe" not in client_for("station", username="s2").get(f"/rental/households/{household.pk}/").content.decode()
    )


def test_printable_contract_and_filing_certificate(client_for, data: dict) -> None:
    lease = data["lease"]
    number = lease.household.applicant.id_number
    page = client_for("housing").get(f"/rental/leases/{lease.pk}/contract/").content.decode()
    assert "公共租赁住房租赁合同" in page and number in page and "捌拾元整" in page
    masked = client_for("station").get(f"/rental/leases/{lease.pk}/contract/").content.decode()
    assert number not in masked and number[-4:] in masked
    filing = actions.file_rental(
        None,
        filed_on=D(2023, 7, 1),
        lessor="张三",
        lessor_id=resident_id(seq=60),
        lessee="李四",
        lessee_id=resident_id(seq=61),
        address="迎丰中路8号",
        area=Decimal("70.00"),
        start=D(2023, 7, 1),
        end=D(2024, 6, 30),
        monthly_rent=Decimal("1000.00"),
    )
    station = client_for("station", username="s2")
    page = station.get(f"/rental/filings/{filing.pk}/").content.decode()
    assert "房屋租赁登记备案证明" in page and resident_id(seq=60) not in page
    assert client_for("office").get(f"/rental/filings/{filing.pk}/").status_code == 403


def test_the_homes_list_offers_each_estate_once(client_for) -> None:  # type: ignore[no-untyped-def]
    factories.estate(homes=6, shops=2, code="GZ-A")
    factories.estate(homes=3, shops=0, code="GZ-B")
    page = client_for("housing").get("/rental/units/").content.decode()
    assert page.count('<option value="GZ-A"') == 1 and page.count('<option value="GZ-B"') == 1
