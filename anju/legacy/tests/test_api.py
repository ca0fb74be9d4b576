"""The legacy projects API: lists and detail for legacy view, a stage reached for handle, refusals as JSON."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client

from anju.legacy.tests import factories

pytestmark = pytest.mark.django_db


def test_projects_list_detail_and_a_stage_reached(client_for: Callable[..., Client]) -> None:
    office = client_for("office")
    p = factories.project("西南名都")
    listing = office.get("/api/legacy/projects", {"q": "西南"}).json()
    assert listing["count"] == 1 and listing["items"][0]["stage"] == "resumed"
    answer = office.post(f"/api/legacy/projects/{p.pk}/milestones",
                         {"stage": "certification", "reached_on": "2022-01-01", "evidence": "回执"},
                         content_type="application/json")  # fmt: skip
    assert answer.status_code == 400 and answer.json()["code"] == "legacy.skips_required"
    answer = office.post(f"/api/legacy/projects/{p.pk}/milestones",
                         {"stage": "structure", "reached_on": "2021-01-01", "evidence": "主体验收"},
                         content_type="application/json")  # fmt: skip
    assert answer.status_code == 201 and answer.json()["reached_on"] == "2021-01-01"
    detail = office.get(f"/api/legacy/projects/{p.pk}").json()
    assert detail["stage"] == "structure" and [m["stage"] for m in detail["milestones"]] == ["resumed", "structure"]
    assert detail["households_waiting"] == 300


def test_roles(client_for: Callable[..., Client]) -> None:
    p = factories.project(on=dt.date(2020, 1, 1))
    assert client_for("finance").get("/api/legacy/projects").status_code == 403
    leader = client_for("leadership")
    assert leader.get(f"/api/legacy/projects/{p.pk}").status_code == 200
    answer = leader.post(f"/api/legacy/projects/{p.pk}/milestones",
                         {"stage": "structure", "reached_on": "2021-01-01", "evidence": "x"},
                         content_type="application/json")  # fmt: skip
    assert answer.status_code == 403
