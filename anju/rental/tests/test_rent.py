"""Billing, payments, arrears and the collection rate."""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from anju.core.models import AuditEvent
from anju.rental import actions, queries
from anju.rental.models import Payment, PaymentAllocation, RentBill
from anju.rental.tests import factories

pytestmark = pytest.mark.django_db

JAN, FEB, MAR = dt.date(2023, 1, 1), dt.date(2023, 2, 1), dt.date(2023, 3, 1)


@pytest.fixture
def leases() -> dict[str, object]:
    factories.rates()
    units = factories.estate(homes=3, shops=1)
    return {
        "home": factories.home_lease(units[0], 1),  # 50 m² × 2.00 × 0.8 = 80.00
        "dibao": factories.home_lease(units[1], 2, category="dibao"),  # 50.00
        "late": factories.home_lease(units[2], 3, start=dt.date(2023, 2, 10)),  # from March
        "shop": factories.shop_lease(units[3]),  # 50 m² × 30.00 = 1500.00
    }


def test_rent_is_fixed_at_signing_from_the_rate_by_category(leases: dict) -> None:
    assert leases["home"].monthly_rent == Decimal("80.00")
    assert leases["dibao"].monthly_rent == Decimal("50.00")
    assert leases["shop"].monthly_rent == Decimal("1500.00")
    assert leases["home"].deposit == Decimal("160.00")


def test_billing_is_idempotent_and_set_based(leases: dict) -> None:
    with CaptureQueriesContext(connection) as ctx:
        first = actions.bill_month(None, JAN)
    inserts = [q for q in ctx.captured_queries if "INSERT INTO" in q["sql"] and "rental_rentbill" in q["sql"]]
    assert len(inserts) == 1  # one INSERT … SELECT, whatever the number of leases
    assert first == {"created": 3, "existing": 0}  # the late lease starts in February
    assert actions.bill_month(None, JAN) == {"created": 0, "existing": 3}
    assert RentBill.objects.filter(month=JAN).count() == 3
    bill = RentBill.objects.get(lease=leases["home"], month=JAN)
    assert bill.amount == Decimal("80.00") and bill.due == dt.date(2023, 1, 31) and bill.paid == 0
    assert actions.bill_month(None, MAR)["created"] == 4
    assert AuditEvent.objects.filter(model="rental.RentBill").count() == 3


def test_each_bill_carries_its_leases_number_and_the_list_is_in_month_then_lease_number_order(
    leases: dict, client_for
) -> None:
    """A bill made by the month's billing carries its lease's number, and the bill list shows the latest month
    first, each month by lease number — the order joining the leases gives — read from the bills' own index."""
    for month in (JAN, FEB, MAR):
        actions.bill_month(None, month)
    bills = RentBill.objects.select_related("lease")
    assert bills.count() == 10 and all(b.lease_number == b.lease.number for b in bills)
    with pytest.raises(IntegrityError), transaction.atomic():  # a bill made without it would sort first
        RentBill.objects.create(lease=leases["home"], month=dt.date(2023, 4, 1), due=dt.date(2023, 4, 30),
                                kind="home", amount=Decimal("80.00"))  # fmt: skip
    joined = list(bills.order_by("-month", "lease__number", "pk").values_list("pk", flat=True))
    page = client_for("housing").get("/rental/bills/")
    assert [bill.pk for bill in page.context["page"].object_list] == joined
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off; SET LOCAL enable_sort = off")
            cursor.execute("EXPLAIN SELECT id FROM rental_rentbill ORDER BY month DESC, lease_number, id LIMIT 50")
            plan = "\n".join(row[0] for row in cursor.fetchall())
        assert "rental_bill_list_order" in plan


def test_an_ended_lease_is_billed_up_to_its_last_month(leases: dict) -> None:
    actions.end_lease(None, leases["shop"], on=dt.date(2023, 2, 14))
    assert actions.bill_month(None, FEB)["created"] == 3  # shop still owes February
    assert actions.bill_month(None, MAR)["created"] == 3  # not March; the late home starts
    assert not RentBill.objects.filter(lease=leases["shop"], month=MAR).exists()


def test_the_command_prints_exactly_the_counts(leases: dict) -> None:
    out = io.StringIO()
    call_command("rental", "bill", "--month", "2023-01", stdout=out)
    assert json.loads(out.getvalue()) == {"month": "2023-01", "created": 3, "existing": 0}
    out = io.StringIO()
    call_command("rental", "bill", "--month", "2023-01", stdout=out)
    assert out.getvalue().strip() == '{"month": "2023-01", "created": 0, "existing": 3}'


def test_the_command_refuses_a_bad_month(leases: dict) -> None:
    out = io.StringIO()
    with pytest.raises(SystemExit):
        call_command("rental", "bill", "--month", "2023-1", stdout=out)
    assert "YYYY-MM" in json.loads(out.getvalue())["error"]


def test_a_payment_pays_the_oldest_bills_first_and_keeps_the_rest_as_credit(leases: dict) -> None:
    for month in (JAN, FEB, MAR):
        actions.bill_month(None, month)
    lease = leases["home"]
    payment, created = actions.receive_payment(None, lease, amount=Decimal("200.00"), paid_on=dt.date(2023, 3, 5))
    assert created
    paid = dict(RentBill.objects.filter(lease=lease).values_list("month", "paid"))
    assert paid == {JAN: Decimal("80.00"), FEB: Decimal("80.00"), MAR: Decimal("40.00")}
    assert sum(a.amount for a in PaymentAllocation.objects.filter(payment=payment)) == Decimal("200.00")
    actions.receive_payment(None, lease, amount=Decimal("100.00"), paid_on=dt.date(2023, 3, 20))
    balance = queries.lease_balance(lease)
    assert balance == {
        "billed": Decimal("240.00"),
        "paid": Decimal("300.00"),
        "owed": Decimal("0.00"),
        "credit": Decimal("60.00"),
    }
    assert sum(Payment.objects.filter(lease=lease).values_list("unallocated", flat=True)) == Decimal("60.00")


def test_a_bank_transaction_is_counted_once(leases: dict) -> None:
    actions.bill_month(None, JAN)
    lease = leases["shop"]
    kwargs = {"amount": Decimal("1500.00"), "paid_on": dt.date(2023, 1, 20), "channel": "bank", "bank_txn": "B1"}
    first, created = actions.receive_payment(None, lease, **kwargs)
    again, created_again = actions.receive_payment(None, lease, **kwargs)
    assert created and not created_again and first.pk == again.pk
    assert Payment.objects.count() == 1
    with pytest.raises(actions.RentalError, match="B1"):
        actions.receive_payment(None, lease, **{**kwargs, "amount": Decimal("1.00")})
    with pytest.raises(actions.RentalError):
        actions.receive_payment(None, lease, amount=Decimal("0.00"), paid_on=dt.date(2023, 1, 20))


def test_collection_rate_is_paid_against_the_periods_bills_over_billed(leases: dict) -> None:
    """Billed Jan: 80 + 50 + 1500; Feb: the same + nothing for the late lease (starts 10 Feb)."""
    actions.bill_month(None, JAN)
    actions.bill_month(None, FEB)
    billed = Decimal("3260.00")
    assert queries.billed(2023) == billed
    actions.receive_payment(None, leases["shop"], amount=Decimal("3000.00"), paid_on=dt.date(2023, 2, 10))
    actions.receive_payment(None, leases["home"], amount=Decimal("80.00"), paid_on=dt.date(2023, 2, 10))
    # 3080 of 3260 = 94.478… -> 94.48
    assert queries.collection_rate(2023) == Decimal("94.48")
    # Rent received for a later period is collected money but does not raise this period's rate.
    actions.bill_month(None, dt.date(2024, 1, 1))
    actions.receive_payment(None, leases["dibao"], amount=Decimal("150.00"), paid_on=dt.date(2023, 12, 30))
    assert queries.collection_rate(2023) == Decimal("97.55")  # the dibao lease's Jan+Feb (100) now paid: 3180/3260
    assert queries.collected(2023) == Decimal("3230.00")
    assert queries.collected(2023, "shop") == Decimal("3000.00")
    assert queries.collection_rate(2022) == Decimal("0.00")


def test_arrears_ageing_by_days_past_the_due_date(leases: dict) -> None:
    for month in (JAN, FEB, MAR):
        actions.bill_month(None, month)
    actions.receive_payment(None, leases["shop"], amount=Decimal("4500.00"), paid_on=dt.date(2023, 3, 1))
    as_of = dt.date(2023, 5, 15)  # Jan due 31 Jan (104 days), Feb 28 Feb (76), Mar 31 Mar (45)
    ageing = queries.ageing(as_of)
    assert ageing == {
        "0-30": Decimal("0.00"),
        "31-90": Decimal("80.00") * 2 + Decimal("50.00") * 2 + Decimal("80.00"),  # Feb, Mar and the late Mar
        "91-180": Decimal("130.00"),
        ">180": Decimal("0.00"),
    }
    owing = {lease.number: lease.owed for lease in queries.arrears_by_lease(as_of)}
    assert owing == {
        leases["home"].number: Decimal("240.00"),
        leases["dibao"].number: Decimal("150.00"),
        leases["late"].number: Decimal("80.00"),
    }
    reminder = actions.issue_reminder(None, leases["home"], on=as_of)
    assert reminder.owed == Decimal("240.00") and reminder.deadline == dt.date(2023, 5, 30)
    with pytest.raises(actions.RentalError):
        actions.issue_reminder(None, leases["shop"], on=as_of)


def test_arrears_are_not_multiplied_by_the_reminders(leases: dict) -> None:
    """Two reminders on a lease owing two bills: the owed sum and the count stay those of the bills."""
    for month in (JAN, FEB):
        actions.bill_month(None, month)
    lease = leases["home"]
    actions.issue_reminder(None, lease, on=dt.date(2023, 3, 5))
    actions.issue_reminder(None, lease, on=dt.date(2023, 3, 20))
    row = queries.arrears_by_lease(dt.date(2023, 3, 25)).get(pk=lease.pk)
    assert row.owed == Decimal("160.00") and row.bills_owed == 2
    assert row.last_reminder == dt.date(2023, 3, 20)
    # A reminder issued after the day is not yet the last one on that day.
    assert queries.arrears_by_lease(dt.date(2023, 3, 10)).get(pk=lease.pk).last_reminder == dt.date(2023, 3, 5)


def test_prepaid_rent_pays_the_bills_billed_later(leases: dict) -> None:
    """Three months paid in advance, before any bill: each month's billing uses the credit."""
    lease = leases["home"]
    payment, _ = actions.receive_payment(None, lease, amount=Decimal("200.00"), paid_on=dt.date(2022, 12, 20))
    assert not PaymentAllocation.objects.filter(payment=payment).exists()
    assert Payment.objects.get(pk=payment.pk).unallocated == Decimal("200.00")
    for month in (JAN, FEB, MAR):
        actions.bill_month(None, month)
    paid = dict(RentBill.objects.filter(lease=lease).values_list("month", "paid"))
    assert paid == {JAN: Decimal("80.00"), FEB: Decimal("80.00"), MAR: Decimal("40.00")}
    assert sum(a.amount for a in PaymentAllocation.objects.filter(payment=payment)) == Decimal("200.00")
    as_of = dt.date(2023, 3, 10)  # January and February are due, and paid from the credit
    assert lease.pk not in {row.pk for row in queries.arrears_by_lease(as_of)}
    with pytest.raises(actions.RentalError):
        actions.issue_reminder(None, lease, on=as_of)
    assert queries.lease_balance(lease)["credit"] == Decimal("0.00")
    assert Payment.objects.get(pk=payment.pk).unallocated == Decimal("0.00")
    # Billing again allocates nothing twice.
    actions.bill_month(None, MAR)
    assert PaymentAllocation.objects.filter(payment=payment).count() == 3


def test_collection_rate_counts_what_was_paid_by_the_years_end(leases: dict) -> None:
    actions.bill_month(None, dt.date(2023, 12, 1))
    billed = queries.billed(2023)
    assert billed == Decimal("1710.00")  # 80 + 50 + 80 + 1500
    actions.receive_payment(None, leases["shop"], amount=Decimal("1500.00"), paid_on=dt.date(2023, 12, 20))
    assert queries.collection_rate(2023) == Decimal("87.72")
    actions.receive_payment(None, leases["home"], amount=Decimal("80.00"), paid_on=dt.date(2024, 1, 5))
    assert RentBill.objects.get(lease=leases["home"]).paid == Decimal("80.00")  # paid, but in 2024
    assert queries.collection_rate(2023) == Decimal("87.72")
    assert queries.collected_for_bills(2023, "shop") == Decimal("1500.00")


def test_a_lease_past_its_term_is_billed_and_in_force_until_it_ends(leases: dict) -> None:
    unit = factories.estate(homes=1, shops=0, code="GZ-P")[0]
    lease = factories.home_lease(unit, 7, start=dt.date(2020, 1, 1))  # term to 1 Jan 2023
    assert lease.end == dt.date(2023, 1, 1)
    assert RentBill.objects.count() == 0
    actions.bill_month(None, FEB)
    assert RentBill.objects.filter(lease=lease, month=FEB).exists()
    assert queries.leases_in_force(FEB).filter(pk=lease.pk).exists()
    assert list(queries.past_term(FEB)) == [lease]
    actions.end_lease(None, lease, on=dt.date(2023, 2, 20))
    actions.bill_month(None, MAR)
    assert not RentBill.objects.filter(lease=lease, month=MAR).exists()
    assert not queries.leases_in_force(MAR).filter(pk=lease.pk).exists()
    assert not queries.past_term(MAR).exists()


def test_many_payments_are_recorded_set_based_each_to_its_bill(leases: dict) -> None:
    actions.bill_month(None, JAN)
    home = RentBill.objects.get(lease=leases["home"], month=JAN)
    shop = RentBill.objects.get(lease=leases["shop"], month=JAN)
    planned = [
        actions.BillPayment(home.pk, home.lease_id, "home", Decimal("30.00"), JAN + dt.timedelta(days=3), "counter"),
        actions.BillPayment(home.pk, home.lease_id, "home", Decimal("50.00"), JAN + dt.timedelta(days=9), "bank", "T1"),
        actions.BillPayment(
            shop.pk, shop.lease_id, "shop", Decimal("1000.00"), JAN + dt.timedelta(days=5), "bank", "T2"
        ),
    ]
    with CaptureQueriesContext(connection) as ctx:
        assert actions.record_bill_payments(None, planned) == 3
    assert len(ctx.captured_queries) < 15  # whatever the number of payments
    home.refresh_from_db()
    shop.refresh_from_db()
    assert home.paid == Decimal("80.00") and shop.paid == Decimal("1000.00")
    assert sorted(PaymentAllocation.objects.values_list("amount", flat=True)) == [30, 50, 1000]
    assert Payment.objects.get(bank_txn="T2").amount == Decimal("1000.00")
    assert queries.lease_balance(leases["shop"])["owed"] == Decimal("500.00")
    with pytest.raises(actions.RentalError) as refused:
        actions.record_bill_payments(
            None, [planned[0].__class__(home.pk, home.lease_id, "home", Decimal(0), JAN, "bank")]
        )
    assert refused.value.code == "rental.amount_not_positive"
    assert actions.issue_reminders(None, {shop.lease_id: Decimal("500.00")}, on=FEB, deadline=MAR) == 1
    assert leases["shop"].reminders.get().owed == Decimal("500.00")
