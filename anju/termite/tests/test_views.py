"""Termite control's pages as the service station uses them: an application received, accepted and
contracted, its building treated and accepted, the certificate printed (Word and PDF), a revisit, a
control request treated and closed; the lists and the board; who may see and do what."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from anju.core import organisation
from anju.termite.models import Application, ControlRequest, Revisit, WarrantyBuilding
from anju.termite.tests import factories

pytestmark = pytest.mark.django_db


def test_an_application_from_the_counter_to_the_certificate(client_for: Callable[..., Client]) -> None:
    organisation.set_organisation(None, name="岳阳市住房保障服务中心", city="岳阳市")
    station = client_for("station")
    response = station.post(
        reverse("termite:application_create"),
        {
            "developer_name": "宏达公司",
            "project_name": "鹤城花园",
            "received_on": "2023-03-01",
            "buildings": "1 8000.50 框架\n2 1200 砖混",
        },
    )
    application = Application.objects.get()
    assert response.status_code == 302 and application.area == 9200.50
    page = reverse("termite:application", args=[application.pk])
    station.post(page, {"step": "accept", "on": "2023-03-03"})
    station.post(page, {"step": "contract", "number": "HT-2023-001", "signed_on": "2023-03-05", "warranty_years": "15"})
    building = WarrantyBuilding.objects.get(building_no="1")
    detail = reverse("termite:building", args=[building.pk])
    station.post(
        detail, {"step": "treatment", "stage": "foundation", "date": "2023-04-01", "crew": "一队", "area": "8000.50"}
    )
    refused = station.post(detail, {"step": "accept", "on": "2023-03-01"}).content.decode()
    assert "验收日期早于合同签订日期" in refused
    station.post(detail, {"step": "accept", "on": "2023-06-15"})
    building.refresh_from_db()
    assert building.nominal_end == dt.date(2038, 6, 15)
    html = station.get(detail).content.decode()
    assert "2038-06-15" in html and "一队" in html
    docx = station.get(reverse("termite:certificate", args=[building.pk, "docx"]))
    text = "\n".join(p.text for p in Document(io.BytesIO(docx.content)).paragraphs)
    assert "岳阳市住房保障服务中心" in text and "白蚁预防保证书" in text
    cells = [c.text for t in Document(io.BytesIO(docx.content)).tables for row in t.rows for c in row.cells]
    assert "2038年06月15日" in cells and "8000.50 平方米" in cells
    pdf = station.get(reverse("termite:certificate", args=[building.pk, "pdf"]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_a_revisit_finding_termites_and_the_control_that_follows(client_for: Callable[..., Client]) -> None:
    building = factories.accepted_building(
        on=dt.date(2021, 6, 15), accepted_on=dt.date(2021, 3, 5), received_on=dt.date(2021, 3, 1)
    )
    station = client_for("station")
    station.post(
        reverse("termite:building", args=[building.pk]),
        {"step": "revisit", "date": "2023-05-01", "inspector": "李明", "area_checked": "8000", "finding": "termites"},
    )
    request = ControlRequest.objects.get()
    assert Revisit.objects.get().control_request == request and request.basis == "warranty"
    page = reverse("termite:request", args=[request.pk])
    station.post(page, {"step": "treat", "on": "2023-05-03", "area": "45.5", "chemicals": "氟虫腈"})
    station.post(page, {"step": "close", "followed_up_on": "2023-06-06"})
    request.refresh_from_db()
    assert request.status == "closed" and request.treated_area == 45.5
    board = station.get(reverse("termite:home") + "?year=2023").content.decode()
    figures = board.split('id="termite-figures"')[1].split("</section>")[0]
    assert re.search(r"房屋白蚁灭治施工面积.*?45\.50", figures, re.S)
    assert re.search(r"回访率.*?100\.00", figures, re.S)
    plan = station.get(reverse("termite:plan") + "?year=2023").content.decode()
    assert "2023-05-01" in plan
    created = station.post(
        reverse("termite:request_create"),
        {"received_on": "2023-07-01", "requester_kind": "parks", "requester_name": "园林中心", "channel": "counter",
         "target": "trees", "address": "迎丰公园", "trees": "300", "species": "樟树"},
    )  # fmt: skip
    assert created.status_code == 302 and ControlRequest.objects.filter(target="trees", basis="public").exists()


def test_lists_export_and_who_may_do_what(client_for: Callable[..., Client]) -> None:
    factories.contract()
    station, leader, finance = client_for("station"), client_for("leadership"), client_for("finance")
    for name in ("termite:home", "termite:applications", "termite:buildings", "termite:plan", "termite:requests"):
        assert station.get(reverse(name)).status_code == 200
        assert leader.get(reverse(name)).status_code == 200
        assert finance.get(reverse(name)).status_code == 403
    assert leader.get(reverse("termite:application_create")).status_code == 403
    application = Application.objects.get()
    assert (
        leader.post(
            reverse("termite:application", args=[application.pk]), {"step": "accept", "on": "2023-03-03"}
        ).status_code
        == 403
    )
    export = station.get(reverse("termite:applications") + "?export=xlsx")
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxmlformats")
    factories.application(project='=HYPERLINK("http://evil","点我")', received_on=dt.date(2023, 4, 1))
    sheet = load_workbook(io.BytesIO(station.get(reverse("termite:applications") + "?export=xlsx").content)).active
    cells = [c for row in sheet.iter_rows() for c in row if isinstance(c.value, str) and "HYPERLINK" in c.value]
    assert cells and all(c.data_type == "s" and c.value.startswith("'=") for c in cells)  # text, never a formula


def test_chemicals_received_and_issued_from_the_page_never_below_stock(client_for: Callable[..., Client]) -> None:
    station = client_for("station")
    page = reverse("termite:chemicals") + "?year=2023"
    station.post(
        page, {"step": "chemical", "name": "联苯菊酯", "registration_number": "PD1", "unit": "L", "unit_price": "80"}
    )
    from anju.termite.models import Chemical, ChemicalIssue, ChemicalLot

    chemical = Chemical.objects.get()
    station.post(
        page, {"step": "lot", "chemical": chemical.pk, "lot": "L1", "received_on": "2023-01-03", "quantity": "10"}
    )
    lot = ChemicalLot.objects.get()
    station.post(page, {"step": "issue", "lot": lot.pk, "date": "2023-02-01", "quantity": "4"})
    refused = station.post(
        page, {"step": "issue", "lot": lot.pk, "date": "2023-02-02", "quantity": "7"}
    ).content.decode()
    assert "库存不足" in refused and "缺1L" in refused and ChemicalIssue.objects.count() == 1
    html = station.get(page).content.decode()
    stock = html.split('id="stock"')[1].split("</section>")[0]
    assert "6.000" in stock and "320.00" in html.split('id="special-fund"')[1].split("</section>")[0]
    assert (
        client_for("leadership")
        .post(page, {"step": "issue", "lot": lot.pk, "date": "2023-02-02", "quantity": "1"})
        .status_code
        == 403
    )


def test_a_request_from_a_buildings_page_is_free_under_its_warranty(client_for: Callable[..., Client]) -> None:
    building = factories.accepted_building(
        on=dt.date(2021, 6, 15), accepted_on=dt.date(2021, 3, 5), received_on=dt.date(2021, 3, 1)
    )
    station = client_for("station")
    assert f"?warranty={building.pk}" in station.get(reverse("termite:building", args=[building.pk])).content.decode()
    form = station.get(reverse("termite:request_create") + f"?warranty={building.pk}").content.decode()
    assert "鹤城花园1幢" in form
    station.post(
        reverse("termite:request_create") + f"?warranty={building.pk}",
        {"received_on": "2023-07-01", "requester_kind": "resident", "requester_name": "王五", "channel": "phone",
         "target": "house", "address": "鹤城花园1幢302", "area": "30", "warranty": str(building.pk)},
    )  # fmt: skip
    request = ControlRequest.objects.get()
    assert request.warranty == building and request.basis == "warranty" and request.fee == 0
