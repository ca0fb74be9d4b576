"""The leaders' monthly charts (issue 19 item 9): each line's figure month by month adds up to the year's
figure, every point links to a list narrowed to that month's records, and a role sees only its lines."""

from __future__ import annotations

import io
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.test import Client

from anju.core import kpis as registry
from anju.performance import queries
from anju.performance.views import dashboard_data

pytestmark = pytest.mark.django_db


def test_month_by_month_adds_up_and_links_to_the_months_records(client_for: Callable[..., Client]) -> None:
    call_command("demo", scale=0.002, stdout=io.StringIO())
    leader = client_for("leadership")
    series = {t["code"]: t for t in queries.trends(2023, lambda module: True)}
    assert set(series) == set(queries.TRENDS)
    for code, trend in series.items():
        kpi = registry.get(code)
        months = registry.monthly(kpi, 2023)
        assert months is not None and len(months) == 12 and len(trend["urls"]) == 12
        year = kpi.compute(2023)
        assert isinstance(year, Decimal | int)
        if code != "petitions.referrals_on_time":  # referrals of the year may close the next year
            assert sum(months) == year, code
        else:
            assert sum(months) <= year
    # A month's point opens its records: the fund's journal between the month's first and last day, the
    # rent payments of the month.
    collected = series["fund.collected"]
    busiest = max(range(12), key=lambda i: collected["values"][i])
    url = collected["urls"][busiest]
    assert f"from=2023-{busiest + 1:02d}-01" in url
    page = leader.get(url)
    assert page.status_code == 200
    rent = series["rental.rent_collected"]
    month = max(range(12), key=lambda i: rent["values"][i]) + 1
    page = leader.get(rent["urls"][month - 1]).content.decode()
    assert f"{month}月" in page
    all_months = leader.get("/rental/payments/?year=2023").content.decode()
    assert page.count("<tr") < all_months.count("<tr")
    recovered = series["fund.arrears.recovered"]
    month = max(range(12), key=lambda i: recovered["values"][i]) + 1
    assert leader.get(recovered["urls"][month - 1]).status_code == 200
    # The dashboard draws them; finance sees no rental or petitions series.
    body = leader.get("/performance/dashboard/?year=2023").content.decode()
    assert 'id="trends"' in body and "trend-4" in body
    finance = client_for("finance")
    codes = {t["code"] for t in dashboard_data(finance.user, 2023)["trends"]}  # type: ignore[attr-defined]
    assert "fund.collected" in codes and "rental.rent_collected" not in codes
