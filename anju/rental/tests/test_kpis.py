"""The rental KPIs: computed from records on a small fixture, and in the seed's band on the demo city."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal

import pytest

from anju.core import kpis
from anju.rental import actions
from anju.rental.models import InspectionPlan
from anju.rental.tests import factories

pytestmark = pytest.mark.django_db
D = dt.date
CODES = [
    "rental.homes",
    "rental.households",
    "rental.allocations",
    "rental.exits",
    "rental.forced_exits",
    "rental.rent_collected",
    "rental.rent_collected_homes",
    "rental.rent_collected_shops",
    "rental.collection_rate",
    "rental.reviews",
    "rental.review_rate",
    "rental.repairs",
    "rental.repair_cost",
    "rental.inspections",
    "rental.reinspections",
    "rental.filings",
]


def test_every_catalogue_code_is_registered() -> None:
    assert [k.code for k in kpis.all_kpis("rental")] == CODES
    for kpi in kpis.all_kpis("rental"):
        assert kpi.records is not None and kpi.records_url is not None and kpi.definition


@pytest.fixture
def year_2023() -> None:
    """Three homes and a shop: one household housed since 2022, one allocated in 2023, one exited (forced)."""
    factories.rates()
    units = factories.estate(homes=3, shops=1)
    old = factories.home_lease(units[0], 1, start=D(2022, 6, 1))
    leaving = factories.home_lease(units[1], 2, start=D(2022, 1, 1))
    new = factories.home_lease(units[2], 3, start=D(2023, 5, 1))
    shop = factories.shop_lease(units[3], start=D(2022, 1, 1))
    exit_ = factories.served_exit(leaving, reason="arrears", notice_on=D(2023, 1, 5), deadline=D(2023, 2, 5))
    actions.force_exit(None, exit_)
    actions.complete_exit(None, exit_, on=D(2023, 3, 20))
    for month in range(1, 13):
        actions.bill_month(None, D(2023, month, 1))
    # Billed: old 12 × 80, leaving Jan–Mar 3 × 80, new May–Dec 8 × 80, shop 12 × 1500 = 19840.00
    actions.receive_payment(None, old, amount=Decimal("960.00"), paid_on=D(2023, 12, 20))
    actions.receive_payment(None, new, amount=Decimal("480.00"), paid_on=D(2023, 12, 20))
    actions.receive_payment(None, shop, amount=Decimal("18000.00"), paid_on=D(2023, 12, 20))
    actions.open_reviews(None, 2023, D(2023, 6, 1))  # old and new in force; leaving left in March
    review = old.household.reviews.get()
    actions.record_review(None, review, outcome="pass", on=D(2023, 6, 1))
    InspectionPlan.objects.create(year=2023, inspection_percent=30, reinspection_percent=30)
    actions.record_inspection(None, old, visit="inspection", on=D(2023, 4, 1), finding="lives", inspector="刘洋")
    actions.record_inspection(None, old, visit="inspection", on=D(2023, 8, 1), finding="lives", inspector="刘洋")
    actions.record_inspection(None, old, visit="reinspection", on=D(2023, 9, 1), finding="lives", inspector="赵强")
    actions.record_inspection(None, new, visit="inspection", on=D(2023, 9, 1), finding="vacant", inspector="赵强")
    repair = actions.report_repair(None, units[0], on=D(2023, 3, 1), description="漏水")
    actions.assign_repair(None, repair, vendor="安顺维修")
    actions.complete_repair(None, repair, on=D(2023, 3, 2), cost=Decimal("350.50"))
    actions.report_repair(None, units[1], on=D(2023, 12, 30), description="门锁")  # open: not counted
    from anju.registry.tests.factories import resident_id

    actions.file_rental(
        None,
        filed_on=D(2023, 7, 1),
        lessor="张三",
        lessor_id=resident_id(seq=8),
        lessee="李四",
        lessee_id=resident_id(seq=9),
        address="迎丰中路1号",
        area=Decimal("60.00"),
        start=D(2023, 7, 1),
        end=D(2024, 6, 30),
        monthly_rent=Decimal("900.00"),
    )


EXPECTED = {
    "rental.homes": 3,
    "rental.households": 2,
    "rental.allocations": 1,
    "rental.exits": 1,
    "rental.forced_exits": 1,
    "rental.rent_collected": "19440.00",
    "rental.rent_collected_homes": "1440.00",
    "rental.rent_collected_shops": "18000.00",
    "rental.collection_rate": "97.98",  # 19440 / 19840
    "rental.reviews": 1,
    "rental.review_rate": "50.00",
    "rental.repairs": 1,
    "rental.repair_cost": "350.50",
    "rental.inspections": 2,  # households, each counted once
    "rental.reinspections": 1,
    "rental.filings": 1,
}


def test_kpis_are_computed_from_the_records(year_2023: None) -> None:
    values = {k.code: kpis.as_json(k, k.compute(2023)) for k in kpis.all_kpis("rental")}
    assert values == EXPECTED
    assert kpis.value("rental.allocations", 2022) == 2  # the two home leases first signed in 2022
    assert kpis.value("rental.rent_collected", 2022) == Decimal("0.00")


COUNTED_BY_RECORDS = {
    "rental.homes": 3,
    "rental.households": 2,
    "rental.allocations": 1,
    "rental.exits": 1,
    "rental.forced_exits": 1,
    "rental.rent_collected": 3,
    "rental.reviews": 1,
    "rental.review_rate": 2,
    "rental.repairs": 1,
    "rental.inspections": 3,
    "rental.reinspections": 1,
    "rental.filings": 1,
    "rental.collection_rate": 12 + 3 + 8 + 12,
}


@pytest.mark.parametrize(("code", "count"), COUNTED_BY_RECORDS.items())
def test_each_figure_links_to_a_list_of_its_records(year_2023: None, client_for, code: str, count: int) -> None:
    kpi = kpis.get(code)
    assert kpi.records is not None and kpi.records_url is not None
    assert kpi.records(2023).count() == count
    response = client_for("housing").get(kpi.records_url(2023))
    assert response.status_code == 200
    shown = re.search(r"(\d+) 条记录|(\d+) records?", response.content.decode())
    assert shown is not None and int(shown.group(1) or shown.group(2)) == count


def test_the_demo_city_reproduces_the_seed_at_its_precision() -> None:
    """KPIS.md: 858.69万 means 8,586,850.00 ≤ x < 8,586,950.00; 99.53 means 99.525 ≤ x < 99.535."""
    from anju.core.demokit import Context
    from anju.rental.demo import build_rental

    build_rental(Context(scale=1.0, out=io.StringIO()))
    values = {k.code: k.compute(2023) for k in kpis.all_kpis("rental")}
    bands = {
        "rental.rent_collected": ("8586850.00", "8586950.00"),
        "rental.rent_collected_homes": ("5844150.00", "5844250.00"),
        "rental.rent_collected_shops": ("2742650.00", "2742750.00"),
        "rental.collection_rate": ("99.525", "99.535"),
        "rental.review_rate": ("97.05", "97.15"),
        "rental.repair_cost": ("1122550.00", "1122650.00"),
    }
    for code, (low, high) in bands.items():
        assert Decimal(low) <= values[code] < Decimal(high), code
    counts = {
        "rental.homes": 5478,
        "rental.households": 5361,
        "rental.allocations": 264,
        "rental.exits": 212,
        "rental.forced_exits": 36,
        "rental.reviews": 5016,
        "rental.inspections": 1660,
        "rental.reinspections": 540,
        "rental.filings": 146,
    }
    assert {code: values[code] for code in counts} == counts
    assert 280 <= values["rental.repairs"] < 290  # 280余
    # The lotteries the allocations came from re-run to the same order.
    from anju.rental.models import Draw, Lease

    draws = list(Draw.objects.all())
    assert all(actions.verify_draw(d) for d in draws)
    assert all(d.announced_on is not None and d.announced_on < d.draw_on for d in draws)
    assert Lease.objects.filter(kind="home", start__year=2023, draw__isnull=False).count() == 264
    # Every entrant was on the waiting list on the announcement day, and nobody won twice.
    from anju.rental.models import Household, Reminder, RentBill

    since = dict(Household.objects.values_list("number", "waiting_since"))
    assert all(since[n] is not None and since[n] <= d.announced_on for d in draws for n in d.households)
    winners = [p["household"] for d in draws for p in d.result if p["unit"]]
    assert len(winners) == len(set(winners)) == 264
    # The review population is open_reviews' on some opening day: the home leases in force that day.
    from anju.rental import queries
    from anju.rental.models import Review

    reviewed = set(Review.objects.filter(year=2023).values_list("household_id", flat=True))
    days = [dt.date(2023, 1, 2) + dt.timedelta(days=n) for n in range(180)]
    assert any(set(queries.leases_in_force(day).values_list("household_id", flat=True)) == reviewed for day in days)
    exited = dict(Lease.objects.filter(ended_on__isnull=False).values_list("household_id", "ended_on"))
    for household_id, on in Review.objects.filter(year=2023, reviewed_on__isnull=False).values_list(
        "household_id", "reviewed_on"
    ):
        assert household_id not in exited or on <= exited[household_id]
    # A reminder is for bills due before it, and says how much they were.
    for reminder in Reminder.objects.all()[:200]:
        owed = sum(
            (b.amount - b.paid for b in RentBill.objects.filter(lease=reminder.lease_id, due__lt=reminder.issued_on)),
            Decimal(0),
        )
        assert reminder.owed == owed > 0


def test_the_monthly_series_grouped_by_day_is_the_one_grouped_by_month(year_2023: None) -> None:
    """kpis.monthly groups a date field by the day and adds the days up (issue 17: SQLite extracts the
    month with a Python call a row): the same series as grouping by the month in SQL."""
    from django.db.models import Sum
    from django.db.models.functions import ExtractMonth

    from anju.core import kpis as core_kpis
    from anju.core.fields import MoneyField
    from anju.rental.models import Lease, Payment

    lease = Lease.objects.order_by("pk").first()
    assert lease is not None
    for day, amount in ((D(2023, 2, 3), "10.01"), (D(2023, 2, 28), "20.02"), (D(2023, 7, 1), "0.03")):
        actions.receive_payment(None, lease, amount=Decimal(amount), paid_on=day)
    kpi = core_kpis.find("rental.rent_collected")
    assert kpi is not None and kpi.records is not None
    grouped = dict(
        kpi.records(2023)
        .filter(paid_on__year=2023)
        .order_by()
        .annotate(m=ExtractMonth("paid_on"))
        .values("m")
        .annotate(v=Sum("amount", output_field=MoneyField()))
        .values_list("m", "v")
    )
    assert core_kpis.monthly(kpi, 2023) == [grouped.get(m, Decimal("0.00")) for m in range(1, 13)]
    assert Payment.objects.filter(paid_on__month=2).count() >= 2
