from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from anju.core import attachments
from anju.core.models import Attachment
from anju.fund.arrears import actions, demo, queries, rules
from anju.fund.arrears.models import CaseAction, Evidence, Recovery, RecoveryCase, RecoveryTarget, Stage
from anju.fund.arrears.tests import factories
from anju.fund.arrears.tests.test_actions import items_file
from anju.fund.arrears.tests.test_demo import little_city
from anju.fund.tests import factories as fund
from anju.registry.models import Project

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def case() -> RecoveryCase:
    case = factories.case(("6000.00", "4000.00"))
    actions.set_target(None, year=2023, amount=D("40000.00"))
    actions.add_action(None, case, kind=rules.NOTICE, date=dt.date(2023, 3, 1))
    return case


def pages(case: RecoveryCase) -> list[str]:
    return [
        "/fund/arrears/",
        "/fund/arrears/cases/",
        "/fund/arrears/cases/?kpi=recovered&year=2023&stage=notified&q=金御",
        f"/fund/arrears/cases/{case.pk}/",
        f"/fund/arrears/cases/{case.pk}/notice/",
        "/fund/arrears/targets/",
        "/fund/arrears/cases/new/",
    ]


def test_pages_need_the_fund_permissions(client_for, case: RecoveryCase) -> None:
    office = client_for("office")
    for path in pages(case):
        assert Client().get(path).status_code == 302, path
        assert office.get(path).status_code == 403, path
    reader = client_for("information")
    for path in pages(case)[:-1]:
        assert reader.get(path).status_code == 200, path
    assert reader.get("/fund/arrears/cases/new/").status_code == 403
    for path, data in [
        (f"/fund/arrears/cases/{case.pk}/actions/", {"kind": "notice", "date": "2023-04-01"}),
        (f"/fund/arrears/cases/{case.pk}/evidence/", {}),
        (f"/fund/arrears/cases/{case.pk}/recoveries/", {}),
        (f"/fund/arrears/cases/{case.pk}/items/", {}),
        ("/fund/arrears/targets/", {"year": 2024, "amount": "1.00"}),
    ]:
        assert reader.post(path, data).status_code == 403, path
    assert CaseAction.objects.count() == 1 and RecoveryTarget.objects.count() == 1


def test_board_shows_figures_matrix_and_exports(client_for, case: RecoveryCase) -> None:
    client = client_for("finance")
    html = client.get("/fund/arrears/?year=2023").content.decode()
    assert "金御名都" in html and "40,000.00" in html and 'id="progress-chart"' in html and "echarts.min.js" in html
    response = client.get("/fund/arrears/?year=2023&export=xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    assert [c.value for c in sheet[2]][:2] == ["ZJ2023-0001", "金御名都"]
    total = [c.value for c in sheet[sheet.max_row]]
    cases = list(sheet.iter_rows(min_row=2, max_row=sheet.max_row - 1, values_only=True))
    assert total[0] == "合计" and total[4] == sum(row[4] for row in cases) and total[7] is None
    assert sheet.cell(2, 5).number_format == "#,##0.00"  # 欠缴金额: money, a number
    assert client_for("information").get("/fund/arrears/?export=xlsx").status_code == 403


def test_the_boards_matrix_row_is_the_cases_figures_and_stages_escaped(client_for, case: RecoveryCase) -> None:
    """A case's row of the projects × stages matrix: its number linking to its page, the project (the
    developer in the title), households, owed and recovered, and one cell a stage coloured as
    `stage_cells` says, the current one marked; names are escaped."""
    Project.objects.filter(pk=case.project_id).update(name='金御<b>名都</b> & "东"')
    case.developer.name = "开发<i>公司</i>"
    case.developer.save()
    case.refresh_from_db()
    html = client_for("finance").get("/fund/arrears/?year=2023").content.decode()
    matrix = html.split('id="board-matrix"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr data-stage=.*?</tr>", matrix, re.S)
    assert len(rows) == 1
    row = rows[0]
    stages = [value for value, _label in Stage.choices]
    cells = queries.stage_cells(case.stage, stages)
    assert row.startswith(f'<tr data-stage="{case.stage}"><td class="nowrap"><a href="/fund/arrears/cases/{case.pk}/">')
    assert f">{case.number}</a>" in row
    assert 'title="开发&lt;i&gt;公司&lt;/i&gt;">金御&lt;b&gt;名都&lt;/b&gt; &amp; &quot;东&quot;</td>' in row
    assert "<b>" not in row and "<i>" not in row
    figures = re.findall(r'<td class="num">([^<]*)</td>', row)
    assert figures == [str(case.households), f"{case.owed:,.2f}", f"{case.recovered:,.2f}"]
    assert re.findall(r'<td class="stage ([a-z]*)">(●?)</td>', row) == [
        (cell, "●" if cell == "current" else "") for cell in cells
    ]
    assert cells.count("current") == 1 and cells[stages.index(case.stage)] == "current"


def test_case_list_filters_and_exports(client_for, case: RecoveryCase) -> None:
    client = client_for("finance")
    assert "ZJ2023-0001" in client.get("/fund/arrears/cases/?stage=notified").content.decode()
    assert "ZJ2023-0001" not in client.get("/fund/arrears/cases/?stage=auction").content.decode()
    assert "ZJ2023-0001" not in client.get("/fund/arrears/cases/?kpi=recovered&year=2023").content.decode()
    assert "ZJ2023-0001" in client.get("/fund/arrears/cases/?q=金御").content.decode()
    response = client.get("/fund/arrears/cases/?export=xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_open_a_case_with_its_units_from_a_file(client_for) -> None:
    fund.bank()
    account = fund.unit_account(room="101", project_code="P0009", project_name="现代农机物流中心")
    Project.objects.filter(code="P0009").update(developer=factories.developer(seed=9))
    client = client_for("station")
    upload = SimpleUploadedFile("items.xlsx", items_file([["P0009-1-1-101", "8000.00"]]))
    response = client.post("/fund/arrears/cases/new/", {"project": "P0009", "opened_on": "2023-02-20", "items": upload})
    case = RecoveryCase.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/fund/arrears/cases/{case.pk}/"
    assert case.owed == D("8000.00") and case.items.get().account == account
    # A bad file opens nothing and lists the errors.
    upload = SimpleUploadedFile("items.xlsx", items_file([["NOPE", "1"]]))
    fund.unit_account(room="101", project_code="P0001", project_name="金御名都")
    Project.objects.filter(code="P0001").update(developer=factories.developer(seed=3, name="另一家"))
    response = client.post("/fund/arrears/cases/new/", {"project": "P0001", "opened_on": "2023-02-20", "items": upload})
    assert response.status_code == 200 and "import-errors" in response.content.decode()
    assert RecoveryCase.objects.count() == 1
    response = client.post("/fund/arrears/cases/new/", {"project": "NOPE", "opened_on": "2023-02-20"})
    assert response.status_code == 200 and RecoveryCase.objects.count() == 1


def test_add_action_evidence_with_file_and_download(client_for, case: RecoveryCase) -> None:
    client = client_for("station")
    response = client.post(
        f"/fund/arrears/cases/{case.pk}/actions/",
        {"kind": "joint", "date": "2023-09-21", "participants": "公安、税务", "note": "集中约谈"},
    )
    assert response.status_code == 302
    assert RecoveryCase.objects.get(pk=case.pk).stage == rules.INTERVIEWED
    upload = SimpleUploadedFile("receipts.pdf", b"%PDF-1.4 evidence")
    client.post(
        f"/fund/arrears/cases/{case.pk}/evidence/",
        {"collected_on": "2023-08-10", "description": "代收收据", "units": "", "file": upload},
    )
    evidence = Evidence.objects.get()
    assert evidence.households == 2 and evidence.amount == D("10000.00")
    attachment = Attachment.objects.get()
    assert attachment.object_id == evidence.pk and attachment.module == "fund"
    url = reverse("core:attachment", args=[attachment.pk])
    assert client.get(url).status_code == 200
    assert client_for("office").get(url).status_code == 403
    html = client.get(f"/fund/arrears/cases/{case.pk}/").content.decode()
    assert "receipts.pdf" in html and "集中约谈" in html
    # A unit of another case: refused with a message, nothing stored.
    client.post(
        f"/fund/arrears/cases/{case.pk}/evidence/",
        {"collected_on": "2023-08-10", "description": "x", "units": "P0001-1-1-101\nNOPE-1-1-1"},
    )
    assert Evidence.objects.count() == 1
    client.post(
        f"/fund/arrears/cases/{case.pk}/evidence/",
        {"collected_on": "2023-09-12", "description": "契税", "units": "P0001-1-1-201"},
    )
    assert Evidence.objects.get(description="契税").amount == D("4000.00")
    bad = SimpleUploadedFile("evil.exe", b"MZ")
    client.post(f"/fund/arrears/evidence/{evidence.pk}/files/", {"file": bad})
    assert Attachment.objects.count() == 1
    # New evidence with a file of the wrong type: the message names the file, and no evidence is kept.
    response = client.post(
        f"/fund/arrears/cases/{case.pk}/evidence/",
        {
            "collected_on": "2023-09-20",
            "description": "银行流水",
            "units": "",
            "file": SimpleUploadedFile("a.exe", b"MZ"),
        },
        follow=True,
    )
    assert "a.exe" in response.content.decode()
    assert not Evidence.objects.filter(description="银行流水").exists() and Attachment.objects.count() == 1


def test_a_recovery_is_confirmed_before_it_posts(client_for, case: RecoveryCase) -> None:
    client = client_for("station")
    bank = fund.bank()
    data = {"amount": "5000.00", "received_on": "2023-10-20", "bank": bank.pk, "payer": "开发企业", "bank_txn_id": "B1"}
    response = client.post(f"/fund/arrears/cases/{case.pk}/recoveries/", data)
    html = response.content.decode()
    assert response.status_code == 200 and 'id="split"' in html and "3,000.00" in html and "2,000.00" in html
    assert not Recovery.objects.exists()
    response = client.post(f"/fund/arrears/cases/{case.pk}/recoveries/", {**data, "confirm": "1"})
    assert response.status_code == 302
    recovery = Recovery.objects.get()
    assert recovery.amount == D("5000.00") and recovery.entry.kind == "recovery"
    response = client.post(f"/fund/arrears/cases/{case.pk}/recoveries/", {**data, "amount": "5000.01", "confirm": "1"})
    assert Recovery.objects.count() == 1
    # The same bank transaction submitted again (a double click on 确认): a message, no second entry, no 500.
    response = client.post(f"/fund/arrears/cases/{case.pk}/recoveries/", {**data, "amount": "1.00", "confirm": "1"})
    assert response.status_code == 302 and Recovery.objects.count() == 1
    assert "银行交易流水号 B1 已入账" in client.get(response["Location"]).content.decode()
    # Without a transaction id nothing is posted.
    response = client.post(
        f"/fund/arrears/cases/{case.pk}/recoveries/", {**data, "bank_txn_id": "", "amount": "1.00", "confirm": "1"}
    )
    assert response.status_code == 302 and Recovery.objects.count() == 1


def test_notice_prints_the_outstanding_amount_in_capitals(client_for, case: RecoveryCase) -> None:
    html = client_for("information").get(f"/fund/arrears/cases/{case.pk}/notice/").content.decode()
    assert "物业专项维修资金追缴告知书" in html and "壹万元整" in html and "10,000.00" in html


def test_targets_page_sets_a_target(client_for) -> None:
    client = client_for("finance")
    response = client.post("/fund/arrears/targets/", {"year": 2023, "amount": "95589600.00", "issued_by": "市追缴办"})
    assert response.status_code == 302
    assert RecoveryTarget.objects.get(year=2023).amount == D("95589600.00")
    assert "95,589,600.00" in client.get("/fund/arrears/targets/").content.decode()


def test_idle_cases_are_a_home_page_todo(client_for, case: RecoveryCase) -> None:
    from anju.fund.arrears.todos import arrears_todos, idle_cases

    # The case's last action was on 1 March 2023: idle long since.
    assert list(idle_cases(90)) == [case]
    assert not idle_cases(90, today=dt.date(2023, 4, 1)).exists()
    station = client_for("station")
    todo = arrears_todos(station.user)[0]  # type: ignore[attr-defined]
    assert todo.count == 1 and todo.url.endswith("?idle=90")
    assert "ZJ2023-0001" in station.get(todo.url).content.decode()
    assert arrears_todos(client_for("information").user) == []  # type: ignore[attr-defined]
    actions.record_recovery(
        None, case, amount=case.owed, received_on=dt.date(2023, 6, 1), bank=fund.bank(), bank_txn_id="T1"
    )
    assert not idle_cases(90).exists()


def test_case_list_names_the_kpi_it_shows(client_for, case: RecoveryCase) -> None:
    html = client_for("finance").get("/fund/arrears/cases/?kpi=interviewed&year=2023").content.decode()
    assert re.search(r'id="kpi-filter">约谈开发企业 2023<', html)


@pytest.mark.parametrize("year", ["0", "-1", "99999", "99999999999999999999", "x"])
def test_pages_clamp_bad_years(client_for, case: RecoveryCase, year: str) -> None:
    client = client_for("finance")
    assert client.get(f"/fund/arrears/?year={year}").status_code == 200
    assert client.get(f"/fund/arrears/cases/?kpi=recovered&year={year}").status_code == 200


def test_targets_page_is_translated_and_reads_the_recoveries_once(
    client_for, case: RecoveryCase, django_assert_num_queries
) -> None:
    client = client_for("finance")
    client.get("/fund/arrears/targets/")
    with CaptureQueriesContext(connection) as one_target:
        client.get("/fund/arrears/targets/")
    for year in (2020, 2021, 2022):
        actions.set_target(None, year=year, amount=D("1000.00"))
    actions.record_recovery(
        None, case, amount=D("250.00"), received_on=dt.date(2022, 5, 1), bank=fund.bank(), bank_txn_id="T1"
    )
    # Four targets cost what one did: the recoveries are summed per year in one query.
    with django_assert_num_queries(len(one_target.captured_queries)):
        html = client.get("/fund/arrears/targets/").content.decode()
    assert "Rate" not in html and "完成率 (%)" in html
    assert re.search(r'<td class="num">250.00</td><td class="num">25.00</td>', html)
    api = client.get("/api/fund/arrears/targets").json()
    assert [(t["year"], t["recovered"], t["rate"]) for t in api][:3] == [
        (2020, "0.00", "0.00"),
        (2021, "0.00", "0.00"),
        (2022, "250.00", "25.00"),
    ]


def test_case_page_reads_the_evidence_files_at_once(client_for, case: RecoveryCase, django_assert_num_queries) -> None:
    client = client_for("station")
    url = f"/fund/arrears/cases/{case.pk}/"
    for number in range(3):
        evidence = actions.add_evidence(None, case, collected_on=dt.date(2023, 8, 10), description=f"证据{number}")
        upload = SimpleUploadedFile(f"receipt{number}.pdf", b"%PDF-1.4 evidence")
        attachments.attach(evidence, upload, module="fund", kind="证据", actor=client.user)  # type: ignore[attr-defined]
        if number == 0:
            client.get(url)
            with CaptureQueriesContext(connection) as one:
                client.get(url)
    with django_assert_num_queries(len(one.captured_queries)):
        html = client.get(url).content.decode()
    assert all(f"receipt{n}.pdf" in html for n in range(3))


def test_the_board_shows_the_little_citys_figures(client_for) -> None:
    """The demo step on the crafted little city, then the board's figures as a person reads them."""
    demo.build_arrears(little_city())
    html = client_for("finance").get("/fund/arrears/?year=2023").content.decode()
    figures = dict(re.findall(r'<div data-kpi="([\w.]+)"><span class="muted">[^<]*</span><b>([^<]*)</b>', html))
    assert figures == {
        "fund.arrears.target": "9,558.96",
        "fund.arrears.recovered": "2,753.02",
        "fund.arrears.rate": "28.80",
        "fund.arrears.enterprises_interviewed": "5",
        "fund.arrears.evidence_projects": "2",
        "fund.arrears.evidence_households": "2",
        "fund.arrears.evidence_amount": "12,000.00",
        "fund.arrears.failed_auction_amount": "549.55",
        "fund.arrears.dispatch_meetings": "10",
        "fund.arrears.joint_interviewed": "1",
        "fund.arrears.transfers": "1",
        "fund.arrears.urban_interviewed": "1",
        "fund.arrears.failed_auctions": "怀化电器大市场抵押资产三次拍卖、现代农机物流中心抵押资产两次拍卖",
    }
