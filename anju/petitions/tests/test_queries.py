"""Petitions' KPIs, the API's list and a case's page take as many queries for many cases as for a few (no
query per row); a case's links resolve other lines' records through content types."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from anju.core import kpis
from anju.core.models import User
from anju.petitions import actions, links, queries
from anju.petitions.errors import PetitionError
from anju.petitions.models import Case
from anju.petitions.tests import factories as f
from anju.registry.tests import factories as registry

pytestmark = pytest.mark.django_db


def build(handler: User, start: int, count: int) -> None:
    for i in range(start, start + count):
        kind = "substantive" if i % 2 else "procedural"
        f.closed(handler, kind, dt.date(2023, 5, 4), phone=f"139{i:08d}", code="inspection" if i % 3 else "governor")


def count(work: Callable[[], object]) -> int:
    with CaptureQueriesContext(connection) as captured:
        work()
    return len(captured.captured_queries)


def test_kpis_and_the_api_list_do_not_query_per_case(
    make_user: Callable[..., User], client_for: Callable[..., Client]
) -> None:
    handler = make_user("lm", "office")
    leader = client_for("leadership")
    build(handler, 0, 3)
    compute = lambda: [k.compute(2023) for k in kpis.all_kpis("petitions")]  # noqa: E731
    listing = lambda: leader.get("/api/petitions/cases?limit=200")  # noqa: E731
    listing()
    few = (count(compute), count(listing))
    build(handler, 3, 12)
    assert (count(compute), count(listing)) == few
    assert leader.get("/api/petitions/cases?limit=200").json()["count"] == 15


def test_links_to_other_lines_records_through_content_types() -> None:
    unit = registry.unit()
    case = f.case()
    link = actions.link_record(None, case, links.find("unit", unit.code))
    assert link.label == str(unit)
    assert links.url(link.content_type, link.record) == f"/registry/units/{unit.code}/"
    assert list(queries.cases_about(unit)) == [case]
    with pytest.raises(PetitionError, match="已关联"):
        actions.link_record(None, Case.objects.get(pk=case.pk), unit)
