from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import transaction
from hypothesis import given, settings
from hypothesis import strategies as st

from anju.fund import checks, rules
from anju.fund.interest import actions as interest
from anju.fund.models import Account, JournalLine
from anju.fund.tests import factories

D = Decimal


def brute_force(movements: list[tuple[dt.date, Decimal]], year: int) -> Decimal:
    """Walk every day of the year and add the balance at the end of that day."""
    start, end = rules.year_bounds(year)
    total = D(0)
    day = start
    balance = sum((amount for when, amount in movements if when < start), D(0))
    while day <= end:
        balance += sum((amount for when, amount in movements if when == day), D(0))
        total += balance
        day += dt.timedelta(days=1)
    return total


@given(
    st.lists(
        st.tuples(st.dates(dt.date(2022, 6, 1), dt.date(2024, 3, 1)), st.integers(-50_000, 200_000)),
        max_size=12,
    ),
    st.sampled_from([2023, 2024]),
)
def test_daily_balance_sum_counts_the_day_in_and_not_the_day_out(raw: list[tuple[dt.date, int]], year: int) -> None:
    movements = [(day, D(cents) / 100) for day, cents in raw]
    start, end = rules.year_bounds(year)
    assert rules.daily_balance_sum(movements, start, end) == brute_force(movements, year)


def test_leap_year_has_366_days() -> None:
    assert rules.daily_balance_sum([(dt.date(2023, 5, 1), D("1"))], *rules.year_bounds(2024)) == 366
    assert rules.daily_balance_sum([(dt.date(2023, 12, 31), D("1"))], *rules.year_bounds(2023)) == 1
    assert (
        rules.daily_balance_sum(
            [(dt.date(2023, 1, 1), D("1")), (dt.date(2023, 1, 2), D("-1"))], *rules.year_bounds(2023)
        )
        == 1
    )


@pytest.mark.django_db
def test_sql_day_sums_match_the_rule() -> None:
    a = factories.unit_account(room="101")
    b = factories.unit_account(room="102")
    factories.deposit(a, "1000.00", dt.date(2022, 7, 1))
    factories.deposit(b, "500.00", dt.date(2023, 3, 15))
    factories.spend(a, "200.00", dt.date(2023, 10, 1))
    factories.deposit(b, "99.99", dt.date(2024, 1, 5), first=False)  # after the year: no weight
    sums = {account_id: fen_days for account_id, _code, fen_days in interest.unit_day_sums(2023)}
    start, end = rules.year_bounds(2023)
    for account in (a, b):
        movements = [
            (dt.date.fromordinal(line.day), -line.amount) for line in JournalLine.objects.filter(account=account)
        ]
        assert D(sums[account.pk]) / 100 == rules.daily_balance_sum(movements, start, end)


@pytest.mark.django_db
def test_allocation_credits_exactly_the_amount_with_ties_by_unit_code() -> None:
    accounts = [factories.unit_account(room=f"{i}01") for i in range(1, 4)]
    for account in accounts:
        factories.deposit(account, "1000.00", dt.date(2022, 1, 1))
    result = interest.allocate_interest(2023, D("100.00"))
    shares = {a.unit.code: Account.objects.get(pk=a.pk).balance - D("1000.00") for a in accounts}
    # 100.00 / 3: 33.33 each and the leftover fen to the first code.
    assert shares == {"P0001-1-1-101": D("33.34"), "P0001-1-1-201": D("33.33"), "P0001-1-1-301": D("33.33")}
    assert result.credited == D("100.00") and result.accounts == 3
    assert checks.check_ledger().ok


@pytest.mark.django_db
def test_pooled_share_first_then_units_in_proportion() -> None:
    early = factories.unit_account(room="101")
    late = factories.unit_account(room="102")
    factories.deposit(early, "1000.00", dt.date(2023, 1, 1))  # 365 days
    factories.deposit(late, "1000.00", dt.date(2023, 7, 2))  # 183 days
    out = io.StringIO()
    call_command(
        "fund", "allocate-interest", "--year", "2023", "--amount", "1000.00", "--pooled-share", "10", stdout=out
    )
    data = json.loads(out.getvalue())
    assert data == {"year": 2023, "amount": "1000.00", "accounts": 2, "pooled": "100.00", "credited": "900.00"}
    early_share = Account.objects.get(pk=early.pk).balance - D("1000.00")
    late_share = Account.objects.get(pk=late.pk).balance - D("1000.00")
    assert early_share + late_share == D("900.00")
    # 900 × 365/548 = 599.452…, 900 × 183/548 = 300.547…: the leftover fen goes to the larger remainder.
    assert early_share == D("599.45") and late_share == D("300.55")
    assert Account.objects.get(kind=Account.Kind.POOLED).balance == D("100.00")


@pytest.mark.django_db
def test_second_allocation_for_a_year_is_refused() -> None:
    account = factories.unit_account()
    factories.deposit(account, "1000.00", dt.date(2022, 1, 1))
    interest.allocate_interest(2023, D("10.00"))
    out = io.StringIO()
    with pytest.raises(SystemExit) as exc:
        call_command("fund", "allocate-interest", "--year", "2023", "--amount", "10.00", stdout=out)
    assert exc.value.code == 1 and "已分配" in out.getvalue()
    assert Account.objects.get(pk=account.pk).balance == D("1010.00")


@pytest.mark.django_db
@settings(max_examples=15, deadline=None)
@given(
    st.lists(st.integers(1, 10_000_000), min_size=1, max_size=8),
    st.integers(1, 100_000_000),
)
def test_parts_always_sum_to_the_amount(deposits: list[int], amount_fen: int) -> None:
    with transaction.atomic():
        accounts = [factories.unit_account(room=f"{i + 1}01") for i in range(len(deposits))]
        for account, cents in zip(accounts, deposits, strict=True):
            factories.deposit(account, str(D(cents) / 100), dt.date(2023, 1 + len(str(cents)) % 12, 1))
        before = sum(Account.objects.get(pk=a.pk).balance for a in accounts)
        result = interest.allocate_interest(2023, D(amount_fen) / 100)
        after = sum(Account.objects.get(pk=a.pk).balance for a in accounts)
        assert after - before == result.credited == D(amount_fen) / 100
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_credit_interest_posts_the_split_of_given_day_sums_once() -> None:
    """The demo city's path: the 积数 given, not queried; the split and the refusal are allocate_interest's."""
    a, b = factories.unit_account("101"), factories.unit_account("102")
    weights = {a.unit.code: (a.pk, 3), b.unit.code: (b.pk, 1)}  # type: ignore[union-attr]
    result = interest.credit_interest(None, 2023, D("1.01"), weights=weights, bank=factories.bank())
    assert result.credits == [(a.pk, D("0.76")), (b.pk, D("0.25"))]
    assert (result.accounts, result.credited, result.pooled) == (2, D("1.01"), D("0.00"))
    assert [line.amount for line in result.entry.lines.order_by("pk")] == [D("1.01"), D("-0.76"), D("-0.25")]
    with pytest.raises(interest.InterestError) as refused:
        interest.allocate_interest(2023, D("5.00"))
    assert refused.value.code == "fund.interest.already_allocated"


@pytest.mark.django_db
def test_credit_interest_splits_in_sql_as_the_python_rules_do() -> None:
    """The given 积数 are split by the allocation's SQL (ties by unit code, the pooled share first, zero
    parts and non-positive 积数 left out): the same parts as `rules.split_interest`, posted in account order."""
    accounts = [factories.unit_account(code) for code in ("103", "101", "102", "104", "105")]
    weights = {a.unit.code: (a.pk, w) for a, w in zip(accounts, (1, 1, 1, 0, 7), strict=True)}  # type: ignore[union-attr]
    pooled, parts = rules.split_interest(D("1.01"), D("10"), {code: D(w) for code, (_, w) in weights.items()})
    result = interest.credit_interest(
        None, 2023, D("1.01"), weights=weights, bank=factories.bank(), pooled_percent=D("10")
    )
    expected = sorted((weights[code][0], part) for code, part in parts.items() if part)
    assert result.credits == expected and result.pooled == pooled == D("0.10")
    assert (result.accounts, result.credited) == (len(expected), D("0.91"))
    assert checks.check_ledger().ok
