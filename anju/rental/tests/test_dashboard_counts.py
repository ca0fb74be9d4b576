"""The rental dashboard counts what several of its parts show (homes, the year's reviews, the households
visited) once a view (a page's memo scope): the same figures as counted afresh, a change shown on the next
view, and fewer queries than one count per part."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from anju.rental import queries
from anju.rental.models import Inspection, Review
from anju.rental.tests import factories

pytestmark = pytest.mark.django_db

YEAR = 2023


def _fresh() -> dict[str, object]:
    homes = queries.homes().count()
    inspected = queries.visits(YEAR, Inspection.Visit.INSPECTION).values("household").distinct().count()
    return {
        "due": Review.objects.filter(year=YEAR).count(),
        "done": Review.objects.filter(year=YEAR).exclude(outcome=Review.Outcome.DUE).count(),
        "homes": homes,
        "inspected": inspected,
    }


def _shown(client: Client) -> dict[str, object]:
    context = client.get(f"/rental/?year={YEAR}").context
    figures = {f["kpi"].code: f["value"] for f in context["figures"]}
    assert figures["rental.homes"] == context["inspection"]["homes"]
    assert figures["rental.reviews"] == context["reviews"]["done"]
    return {
        "due": context["reviews"]["due"],
        "done": context["reviews"]["done"],
        "homes": context["inspection"]["homes"],
        "inspected": context["inspection"]["inspected"],
    }


def test_the_counts_shown_are_the_fresh_counts_after_each_change(client_for: Callable[..., Client]) -> None:
    factories.rates()
    units = factories.estate(homes=4, shops=1)
    leases = [factories.home_lease(unit, seq) for seq, unit in enumerate(units[:3], start=1)]
    client = client_for("leadership")
    assert _shown(client) == _fresh()
    Review.objects.create(household=leases[0].household, year=YEAR)
    Review.objects.create(household=leases[1].household, year=YEAR, outcome=Review.Outcome.PASS)
    assert _shown(client) == _fresh() and _fresh()["done"] == 1
    Review.objects.filter(household=leases[0].household).update(outcome=Review.Outcome.MARKET)
    visit = {"visit": Inspection.Visit.INSPECTION, "finding": Inspection.Finding.LIVES_THERE, "inspector": "李"}
    Inspection.objects.create(household=leases[2].household, lease=leases[2], visited_on=dt.date(YEAR, 5, 1), **visit)
    shown = _shown(client)
    assert shown == _fresh() and shown["done"] == 2 and shown["inspected"] == 1
    factories.estate(homes=2, shops=0, code="GZ-U")
    assert _shown(client) == _fresh()


def test_each_shared_count_is_one_query_a_view(client_for: Callable[..., Client]) -> None:
    factories.rates()
    factories.estate(homes=3, shops=1)
    client = client_for("leadership")
    client.get(f"/rental/?year={YEAR}")
    with CaptureQueriesContext(connection) as captured:
        client.get(f"/rental/?year={YEAR}")
    sql = [q["sql"] for q in captured.captured_queries]
    assert len([s for s in sql if 'FROM "rental_review"' in s]) == 2  # due and done, once each
    assert len([s for s in sql if 'FROM "rental_inspection"' in s]) == 2  # inspected and reinspected
    homes = [s for s in sql if s.startswith('SELECT COUNT(*) AS "__count" FROM "rental_rentalunit"')]
    assert len(homes) == 1
