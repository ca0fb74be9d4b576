"""The rent figures kept per version of the bills, payments and allocations (anju.core.kept, issue 17): the
collection rate, the rent collected and the months' series that the rental and performance dashboards show,
and the 合计 rows of the unfiltered bill and payment lists, equal fresh sums after every kind of change — a
payment, a month billed, a bill, payment or allocation changed or removed by plain SQL — and a second view
sums nothing; the dashboard's queries do not grow with the records."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from anju.core import kept
from anju.core.kpis import all_kpis, as_json, get
from anju.core.tests.kept_checks import assert_reads_only_watched
from anju.rental import actions, queries, rules
from anju.rental.models import Kind, Payment, RentBill
from anju.rental.tests import factories

pytestmark = pytest.mark.django_db

YEAR = 2023
KEPT_KPIS = (
    "rental.collection_rate",
    "rental.rent_collected",
    "rental.rent_collected_homes",
    "rental.rent_collected_shops",
)


def _estate(homes: int) -> list:
    factories.rates()
    units = factories.estate(homes=homes, shops=1)
    leases = [factories.home_lease(unit, seq) for seq, unit in enumerate(units[:-1], start=1)]
    return [*leases, factories.shop_lease(units[-1])]


def _bill_and_pay(leases: list, months: int = 3) -> None:
    for month in range(1, months + 1):
        actions.bill_month(None, dt.date(YEAR, month, 1))
    for lease in leases[::2]:
        actions.receive_payment(None, lease, amount=lease.monthly_rent * 2, paid_on=dt.date(YEAR, 2, 15))


def _fresh() -> dict[str, object]:
    """The kept figures summed afresh, as the code before issue 17 did on every view."""
    return {
        "rental.collection_rate": as_json(
            get("rental.collection_rate"),
            rules.percent(queries.collected_for_bills(YEAR), queries.billed(YEAR)),
        ),
        "rental.rent_collected": as_json(
            get("rental.rent_collected"), queries._money_sum(queries.payments(YEAR), "amount")
        ),
        "rental.rent_collected_homes": as_json(
            get("rental.rent_collected"), queries._money_sum(queries.payments(YEAR, Kind.HOME), "amount")
        ),
        "rental.rent_collected_shops": as_json(
            get("rental.rent_collected"), queries._money_sum(queries.payments(YEAR, Kind.SHOP), "amount")
        ),
    }


def _money(value: Decimal) -> str:
    return f"{value:,.2f}"


def _foot(html: str) -> str:
    found = re.search(r"<tfoot>.*?</tfoot>", html, re.S)
    assert found is not None
    return found.group(0)


def _check(client: Client) -> None:
    """Every kept figure shown equals the figure computed afresh."""
    shown = {row["code"]: row["value"] for row in client.get(f"/api/rental/kpis?year={YEAR}").json()}
    assert {code: shown[code] for code in KEPT_KPIS} == _fresh()
    months = client.get(f"/api/rental/dashboard?year={YEAR}").json()["months"]
    assert [(m["billed"], m["paid"], m["received"]) for m in months] == [
        (f"{m['billed']:.2f}", f"{m['paid']:.2f}", f"{m['received']:.2f}") for m in queries._monthly_series(YEAR)
    ]
    home = client.get(f"/rental/?year={YEAR}").content.decode()
    assert str(_fresh()["rental.collection_rate"]) in home
    bills = RentBill.objects.all()
    foot = _foot(client.get("/rental/bills/").content.decode())
    for total in (queries._money_sum(bills, "amount"), queries._money_sum(bills, "paid")):
        assert _money(total) in foot
    foot = _foot(client.get("/rental/payments/").content.decode())
    assert _money(queries._money_sum(Payment.objects.all(), "amount")) in foot


def _summed(client: Client, url: str) -> list[str]:
    """The queries of a view that summed the bills, payments or allocations without a LIMIT."""
    with CaptureQueriesContext(connection) as run:
        assert client.get(url).status_code == 200
    rent = re.compile(r'(FROM|JOIN) "rental_(rentbill|payment|paymentallocation)"')
    return [q["sql"] for q in run.captured_queries if re.search(r"\bSUM\(", q["sql"]) and rent.search(q["sql"])]


def test_the_kept_rent_figures_follow_every_change_and_a_second_view_sums_nothing(
    client_for: Callable[..., Client],
) -> None:
    kept.forget()
    client = client_for("housing")
    leases = _estate(homes=3)
    _bill_and_pay(leases)
    _check(client)
    assert _summed(client, f"/api/rental/kpis?year={YEAR}") == []
    assert _summed(client, "/rental/bills/") == [] and _summed(client, "/rental/payments/") == []
    # A payment allocated to the bills; a month billed.
    actions.receive_payment(None, leases[1], amount=Decimal("30.00"), paid_on=dt.date(YEAR, 3, 3))
    _check(client)
    actions.bill_month(None, dt.date(YEAR, 4, 1))
    _check(client)
    # Money paid after the year's end: the year's rate does not count it.
    actions.receive_payment(None, leases[3], amount=Decimal("500.00"), paid_on=dt.date(YEAR + 1, 1, 5))
    _check(client)
    # By plain SQL, as an administrator repairing a record would: a bill, a payment's day, an allocation.
    bill = RentBill.objects.filter(month__year=YEAR).order_by("pk").first()
    assert bill is not None
    with connection.cursor() as cursor:
        cursor.execute("UPDATE rental_rentbill SET amount = amount + 7 WHERE id = %s", [bill.pk])
    _check(client)
    payment = Payment.objects.order_by("pk").first()
    assert payment is not None
    with connection.cursor() as cursor:
        cursor.execute("UPDATE rental_payment SET paid_on = %s WHERE id = %s", [dt.date(YEAR + 1, 2, 1), payment.pk])
    _check(client)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM rental_paymentallocation WHERE payment_id = %s", [payment.pk])
    _check(client)


def test_the_rental_and_performance_dashboards_share_one_computation_of_the_rate(
    client_for: Callable[..., Client],
) -> None:
    kept.forget()
    _bill_and_pay(_estate(homes=3))
    client = client_for("housing", "leadership")
    assert client.get(f"/rental/?year={YEAR}").status_code == 200
    allocations = re.compile(r'(FROM|JOIN) "rental_paymentallocation"')
    with CaptureQueriesContext(connection) as run:
        assert client.get(f"/performance/dashboard/?year={YEAR}").status_code == 200
    assert not [q for q in run.captured_queries if allocations.search(q["sql"])]


def _queries(client: Client, url: str) -> int:
    kept.forget()  # the figures computed, not read from the kept ones
    with CaptureQueriesContext(connection) as run:
        assert client.get(url).status_code == 200
    return len(run)


@pytest.mark.parametrize("url", [f"/rental/?year={YEAR}", f"/performance/dashboard/?year={YEAR}", "/rental/bills/"])
def test_the_dashboards_take_the_same_queries_for_few_and_many_records(
    client_for: Callable[..., Client], url: str
) -> None:
    client = client_for("housing", "leadership")
    leases = _estate(homes=2)
    _bill_and_pay(leases, months=2)
    few = _queries(client, url)
    units = factories.estate(homes=6, shops=0, code="GZ-U")
    leases += [factories.home_lease(unit, 100 + seq) for seq, unit in enumerate(units)]
    _bill_and_pay(leases, months=6)
    assert _queries(client, url) == few


def test_the_rent_tables_version_triggers_are_in_place() -> None:
    """A migration that rebuilds one of these tables (SQLite remakes a table to alter it) must create the
    triggers again: without them a changed bill would not show until the next payment."""
    leases = _estate(homes=1)
    actions.bill_month(None, dt.date(YEAR, 1, 1))
    actions.receive_payment(None, leases[0], amount=Decimal("10.00"), paid_on=dt.date(YEAR, 1, 5))
    for table in queries.RENT_TABLES:
        before = kept.versions(queries.RENT_TABLES)
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {table} SET id = id WHERE id = (SELECT MIN(id) FROM {table})")
        assert kept.versions(queries.RENT_TABLES) != before, table


def _all_fresh(year: int) -> dict[str, object]:
    return {k.code: as_json(k, k.compute(year)) for k in all_kpis("rental")}


def _dashboard(client: Client, year: int) -> dict[str, object]:
    return {f["kpi"].code: f["value"] for f in client.get(f"/rental/?year={year}").context["figures"]}


def test_the_rental_kpis_read_only_the_watched_tables_and_each_is_watched() -> None:
    leases = _estate(homes=2)
    _bill_and_pay(leases)
    factories.approved_exit(leases[0])
    assert_reads_only_watched([lambda: _all_fresh(YEAR), lambda: _all_fresh(YEAR + 1)], queries.TABLES)


def test_the_dashboard_shows_every_figure_of_now(client_for: Callable[..., Client]) -> None:
    """Every rental figure on the dashboard equals the figure computed afresh after each kind of change: an
    exit approved, a new unit let, a lease ended by plain SQL (the tables read are checked above)."""
    client = client_for("housing")
    leases = _estate(homes=3)
    _bill_and_pay(leases)
    assert _dashboard(client, YEAR) == _all_fresh(YEAR)
    factories.approved_exit(leases[0], on=dt.date(YEAR, 5, 1))
    assert _dashboard(client, YEAR) == _all_fresh(YEAR)
    factories.home_lease(factories.estate(homes=1, shops=0, code="GZ-V")[0], 50)
    assert _dashboard(client, YEAR) == _all_fresh(YEAR)
    with connection.cursor() as cursor:  # a lease ended by plain SQL, as an administrator repairing a record
        cursor.execute(
            "UPDATE rental_lease SET status = 'ended', ended_on = %s WHERE id = %s",
            [dt.date(YEAR, 6, 30), leases[1].pk],
        )
    assert _dashboard(client, YEAR) == _all_fresh(YEAR)
