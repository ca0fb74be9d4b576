"""The termite API: the lists and details as the pages show them, the plan's figures, and a control
request created by the hotline's integration (free under warranty), with the pages' permissions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client

from anju.termite import actions
from anju.termite.models import Revisit
from anju.termite.tests import factories

pytestmark = pytest.mark.django_db
D = dt.date


def test_lists_details_and_the_plan(client_for: Callable[..., Client]) -> None:
    building = factories.accepted_building(on=D(2021, 6, 15), accepted_on=D(2021, 3, 5), received_on=D(2021, 3, 1))
    actions.record_revisit(
        None, building, date=D(2023, 4, 1), inspector="李明", area_checked=building.area, finding=Revisit.Finding.CLEAR
    )
    station = client_for("station")
    applications = station.get("/api/termite/applications").json()
    assert applications["count"] == 1 and applications["items"][0]["area"] == "13000.50"
    detail = station.get(f"/api/termite/applications/{applications['items'][0]['id']}").json()
    assert [b["building_no"] for b in detail["buildings"]] == ["1", "2"]
    buildings = station.get("/api/termite/buildings?on=2023-12-31").json()
    # 2036-06-15 is a Sunday, but 2036's holiday calendar is not published yet: the nominal day stands.
    item = buildings["items"][0]
    assert buildings["count"] == 1 and (item["warranty_end"], item["warranty_end_final"]) == ("2036-06-15", False)
    assert station.get("/api/termite/plan/2023").json() == {
        "year": 2023, "buildings": 1, "area": "8000.00", "revisited_area": "8000.00", "rate": "100.00"
    }  # fmt: skip
    assert station.get("/api/termite/revisits?year=2023").json()["count"] == 1
    contracts = station.get("/api/termite/contracts").json()
    assert contracts["items"][0]["buildings"][0]["nominal_end"] == "2036-06-15"


def test_the_hotline_creates_a_request_with_the_handle_permission(client_for: Callable[..., Client]) -> None:
    building = factories.accepted_building(on=D(2021, 6, 15), accepted_on=D(2021, 3, 5), received_on=D(2021, 3, 1))
    body = {
        "received_on": "2023-05-06", "requester_kind": "resident", "requester_name": "王五", "channel": "phone",
        "target": "house", "address": "鹤城花园1栋302", "area": "35.5", "warranty": building.pk,
    }  # fmt: skip
    leader = client_for("leadership")
    assert leader.post("/api/termite/requests", body, content_type="application/json").status_code == 403
    station = client_for("station")
    created = station.post("/api/termite/requests", body, content_type="application/json")
    assert created.status_code == 201 and created.json()["basis"] == "warranty" and created.json()["fee"] == "0.00"
    bad = station.post("/api/termite/requests", {**body, "area": "0"}, content_type="application/json")
    assert bad.status_code == 400 and bad.json()["code"] == "termite.area_not_positive"
    assert client_for("finance").get("/api/termite/requests").status_code == 403


def test_buildings_and_contracts_read_in_a_fixed_number_of_queries(client_for: Callable[..., Client]) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    station = client_for("station")

    def count(path: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert station.get(path).status_code == 200
        return len(captured.captured_queries)

    factories.accepted_building(on=D(2021, 6, 15), accepted_on=D(2021, 3, 5), received_on=D(2021, 3, 1))
    station.get("/api/termite/buildings")
    few = (
        count("/api/termite/buildings"),
        count("/api/termite/contracts"),
        count("/api/termite/buildings?on=2023-12-31"),
    )
    for n in range(4):
        factories.accepted_building(
            on=D(2021, 6, 15), accepted_on=D(2021, 3, 5), received_on=D(2021, 3, 1), project=f"项目{n}"
        )
    many = (
        count("/api/termite/buildings"),
        count("/api/termite/contracts"),
        count("/api/termite/buildings?on=2023-12-31"),
    )
    assert many == few
    assert station.get("/api/termite/buildings?on=2023-12-31").json()["count"] == 5


def test_the_boards_months_count_each_buildings_first_revisit_once() -> None:
    from anju.termite import queries

    first = factories.accepted_building(on=D(2021, 6, 15), accepted_on=D(2021, 3, 5), received_on=D(2021, 3, 1))
    second = factories.accepted_building(
        on=D(2021, 6, 15), accepted_on=D(2021, 3, 5), received_on=D(2021, 3, 1), project="舞水湾"
    )
    for building, day in ((first, D(2023, 3, 9)), (first, D(2023, 8, 1)), (second, D(2023, 8, 2))):
        actions.record_revisit(None, building, date=day, inspector="李明", area_checked=building.area, finding="clear")
    progress = queries.plan_progress(2023)
    march, august = progress.months[2], progress.months[7]
    assert (march["buildings"], august["buildings"]) == (1, 1)
    assert august["cumulative"] == first.area + second.area == progress.due["area"]
    assert progress.not_visited == {"n": 0, "area": 0}
