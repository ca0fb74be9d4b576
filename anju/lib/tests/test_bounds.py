"""A business date from 1990 to a year ahead, an amount under 10 亿元 (issue 18, item 8), and the rental
line refusing a bill month or a receipt outside them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from anju.lib import bounds

TODAY = dt.date(2026, 12, 6)


@pytest.mark.parametrize(
    ("day", "future", "refused"),
    [
        (dt.date(1900, 1, 1), True, True),
        (dt.date(1989, 12, 31), True, True),
        (dt.date(1990, 1, 1), True, False),
        (dt.date(2027, 12, 7), True, False),
        (dt.date(2027, 12, 8), True, True),
        (dt.date(2031, 1, 1), True, True),
        (dt.date(2026, 12, 6), False, False),
        (dt.date(2026, 12, 7), False, True),
    ],
)
def test_a_business_date_is_from_1990_to_a_year_ahead(day: dt.date, future: bool, refused: bool) -> None:
    problem = bounds.date_problem(day, "日期", TODAY, future=future)
    assert (problem is not None) == refused and (problem is None or "日期" in problem)


@pytest.mark.parametrize(
    ("amount", "refused"),
    [(Decimal("999999999.99"), False), (Decimal("1000000000"), True), (Decimal("8.5e60"), True),
     (Decimal("NaN"), True), (Decimal("-1000000000"), True)],
)  # fmt: skip
def test_an_amount_is_under_ten_yi(amount: Decimal, refused: bool) -> None:
    assert (bounds.amount_problem(amount, "金额") is not None) == refused


@pytest.mark.django_db
def test_rental_refuses_a_bill_month_or_a_receipt_out_of_range() -> None:
    from anju.rental import actions
    from anju.rental.errors import RentalError

    with pytest.raises(RentalError) as bill:
        actions.bill_month(None, dt.date(2031, 1, 1))
    assert bill.value.reason == "month_out_of_range" and "2031" in bill.value.message

    from anju.rental.tests import factories

    factories.rates()
    (unit,) = factories.estate(homes=1, shops=0)
    lease = factories.home_lease(unit, 1, start=dt.date(2022, 6, 1))
    for paid_on, amount, reason in (
        (dt.date(1900, 1, 1), Decimal("480.00"), "date_out_of_range"),
        (dt.date(2023, 3, 1), Decimal("8.5e60"), "amount_out_of_range"),
    ):
        with pytest.raises(RentalError) as receipt:
            actions.receive_payment(None, lease, amount=amount, paid_on=paid_on)
        assert receipt.value.reason == reason
    payment, created = actions.receive_payment(None, lease, amount=Decimal("480.00"), paid_on=dt.date(2023, 3, 1))
    assert created and payment.amount == Decimal("480.00")
