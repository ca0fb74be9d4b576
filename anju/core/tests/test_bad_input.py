"""Odd input never makes a server error (issue 18, item 4): a NUL character in a search, a form field or a
JSON body is refused with 400 and a Chinese message on every page and in the API (PostgreSQL cannot
hold one); a year, an offset or an amount out of range is refused with 422."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_a_nul_in_a_search_or_a_form_is_refused_with_a_message(client_for: Callable[..., Client]) -> None:
    office = client_for("office")
    for url in (reverse("registry:persons"), reverse("registry:search"), reverse("termite:applications")):
        response = office.get(url, {"q": "张\x00三"})
        assert response.status_code == 400 and "空字符" in response.content.decode()
        assert office.get(url, {"q": "张三"}).status_code in (200, 403)
    public = Client()
    response = public.post(reverse("fund:owner_query"), {"id_number": "4312\x00", "name": "张三"})
    assert response.status_code == 400 and "空字符" in response.content.decode()


def test_the_api_refuses_a_nul_in_a_parameter_or_a_body_and_values_out_of_range(
    client_for: Callable[..., Client],
) -> None:
    leader = client_for("leadership")
    response = leader.get("/api/registry/persons", {"q": "\x00"})
    assert response.status_code == 400 and response.json()["code"] == "request.nul"
    body = json.dumps({"year": 2023, "on": "2023-01-01", "note": "a\u0000b"})
    posted = client_for("housing").post("/api/rental/reviews/open", body, content_type="application/json")
    assert posted.status_code == 400 and posted.json()["code"] == "request.nul"
    for query in ("year=0", "year=86400", "year=-471"):
        assert leader.get(f"/api/rental/kpis?{query}").status_code == 422
    assert leader.get("/api/termite/applications?offset=11830065708545716781056").status_code == 422
    assert leader.get("/api/termite/applications?offset=1000000000").status_code == 200
