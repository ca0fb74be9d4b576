"""Termite pages beyond the main flow: an application's documents, a revisit with its photos (together or
not at all), chemicals issued from a job's own page, the rules page, and the board's overdue list."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from anju.core import attachments
from anju.termite import actions
from anju.termite.models import ChemicalIssue, ChemicalLot, ControlRequest, Revisit, WarrantyRule
from anju.termite.tests import factories

pytestmark = pytest.mark.django_db
JPEG = b"\xff\xd8\xff\xe0" + b"0" * 64


def test_an_applications_documents_are_attached_by_those_who_handle(client_for: Callable[..., Client]) -> None:
    application = factories.application()
    page = reverse("termite:application", args=[application.pk])
    upload = reverse("termite:application_document", args=[application.pk])
    station = client_for("station")
    station.post(upload, {"kind": "施工许可证", "file": SimpleUploadedFile("许可证.pdf", b"%PDF-1.4 x")})
    assert [a.kind for a in attachments.for_record(application)] == ["施工许可证"]
    assert "许可证.pdf" in station.get(page).content.decode()
    refused = station.post(upload, {"kind": "施工许可证", "file": SimpleUploadedFile("x.exe", b"MZ")}, follow=True)
    assert "x.exe" in refused.content.decode() and attachments.for_record(application).count() == 1
    leader = client_for("leadership")
    assert leader.post(upload, {"kind": "其他", "file": SimpleUploadedFile("a.pdf", b"%PDF")}).status_code == 403


def test_a_revisit_keeps_its_photos_or_nothing_is_written(client_for: Callable[..., Client]) -> None:
    building = factories.accepted_building(
        on=dt.date(2021, 6, 15), accepted_on=dt.date(2021, 3, 5), received_on=dt.date(2021, 3, 1)
    )
    page = reverse("termite:building", args=[building.pk])
    station = client_for("station")
    visit = {"step": "revisit", "date": "2023-05-01", "inspector": "李明", "area_checked": "100", "finding": "clear"}
    bad = station.post(page, {**visit, "photos": [SimpleUploadedFile("p.exe", b"MZ")]}).content.decode()
    assert "p.exe" in bad and not Revisit.objects.exists()
    photos = [SimpleUploadedFile("东墙.jpg", JPEG), SimpleUploadedFile("地坪.jpg", JPEG)]
    assert station.post(page, {**visit, "photos": photos}).status_code == 302
    revisit = Revisit.objects.get()
    assert sorted(a.name for a in attachments.for_record(revisit)) == ["东墙.jpg", "地坪.jpg"]
    html = station.get(page).content.decode()
    assert "东墙.jpg" in html and "地坪.jpg" in html


def _lot() -> ChemicalLot:
    chemical = actions.add_chemical(
        None, name="联苯菊酯", registration_number="PD1", unit="L", unit_price=Decimal("80")
    )
    return actions.receive_lot(None, chemical, lot="L1", received_on=dt.date(2023, 1, 3), quantity=Decimal("10"))


def test_chemicals_are_issued_to_a_treatment_stage_or_a_control_request_from_its_page(
    client_for: Callable[..., Client],
) -> None:
    lot = _lot()
    building = factories.contract().buildings.get(building_no="1")
    job = actions.record_treatment(
        None, building, stage="foundation", date=dt.date(2023, 4, 1), crew="一队", area=Decimal("100")
    )
    station = client_for("station")
    page = reverse("termite:building", args=[building.pk])
    issue = {"step": "issue", "lot": lot.pk, "date": "2023-04-01", "quantity": "2", "treatment": job.pk}
    assert station.post(page, issue).status_code == 302
    assert ChemicalIssue.objects.get().treatment == job
    short = station.post(page, {**issue, "quantity": "9"}).content.decode()
    assert "库存不足" in short and ChemicalIssue.objects.count() == 1
    control = actions.open_control_request(
        None,
        received_on=dt.date(2023, 5, 1),
        requester_kind="resident",
        requester_name="王五",
        channel="phone",
        target="house",
        address="某处",
        area=Decimal("40"),
    )
    request_page = reverse("termite:request", args=[control.pk])
    station.post(request_page, {"step": "issue", "lot": lot.pk, "date": "2023-05-02", "quantity": "1.5"})
    assert ChemicalIssue.objects.get(control=control).cost == Decimal("120.00")
    assert "120.00" in station.get(request_page).content.decode()


def test_the_rules_page_records_dated_rules_and_warns_below_fifteen_years(client_for: Callable[..., Client]) -> None:
    station = client_for("station")
    page = reverse("termite:rules")
    rule = {"step": "warranty", "effective_from": "2024-01-01", "years": "10", "start_event": "delivery"}
    response = station.post(page, rule, follow=True)
    assert WarrantyRule.objects.get().years == 10
    assert "低于国家规定" in response.content.decode()
    station.post(page, {"step": "rate", "kind": "house_control", "structure": "", "amount": "5",
                        "minimum_quantity": "50", "effective_from": "2024-01-01"})  # fmt: skip
    assert "5.00" in station.get(page).content.decode().split('id="fee-rates"')[1]
    assert client_for("leadership").post(page, {"step": "warranty"}).status_code == 403


def test_the_board_lists_follow_ups_that_are_overdue(client_for: Callable[..., Client]) -> None:
    control = actions.open_control_request(
        None,
        received_on=dt.date(2023, 4, 1),
        requester_kind="resident",
        requester_name="王五",
        channel="phone",
        target="house",
        address="迎丰路8号",
        area=Decimal("40"),
    )
    actions.treat_control(None, control, on=dt.date(2023, 4, 3), area=Decimal("40"))
    station = client_for("station")
    board = station.get(reverse("termite:home")).content.decode().split('id="termite-overdue"')[1]
    assert control.number in board.split("</section>")[0]
    late = station.get(reverse("termite:requests") + "?follow_up=late").content.decode()
    assert control.number in late
    actions.close_control(None, ControlRequest.objects.get(), followed_up_on=dt.date(2023, 5, 10))
    assert control.number not in station.get(reverse("termite:requests") + "?follow_up=late").content.decode()
