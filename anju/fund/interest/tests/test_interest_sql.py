"""The set-based allocation (the split to the fen in SQL) posts exactly what the Python split posts:
the same part for every unit, the same lines in the same order under the same MAC, on both databases."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from anju.fund import chain, checks, rules
from anju.fund.interest import actions as interest
from anju.fund.models import Account, JournalEntry, JournalLine
from anju.fund.tests import factories

D = Decimal
# Entrances whose order differs between code points and a language's collation ("B" < "a" < "甲" by
# code point, "a" < "B" in en_US), so ties by unit code are broken the way Python breaks them.
ENTRANCES = ["a", "B", "甲", "1", "b", "A"]


def city(deposits: list[tuple[str, dt.date]]) -> list[Account]:
    accounts = []
    for i, (amount, day) in enumerate(deposits):
        account = factories.unit_account(room=f"{i // len(ENTRANCES) + 1}01", entrance=ENTRANCES[i % len(ENTRANCES)])
        factories.deposit(account, amount, day)
        accounts.append(account)
    return accounts


def python_split(year: int, amount: Decimal, pooled_percent: Decimal | None) -> tuple[Decimal, dict[int, Decimal]]:
    """What the allocation posted before it was set-based: `rules.split_interest` over the 积数 by code."""
    sums = interest.unit_day_sums(year)
    pooled, parts = rules.split_interest(amount, pooled_percent, {code: D(w) for _, code, w in sums})
    by_code = {code: account_id for account_id, code, _ in sums}
    return pooled, {by_code[code]: part for code, part in parts.items() if part}


def posted(entry: JournalEntry) -> list[tuple[int, Decimal]]:
    return list(JournalLine.objects.filter(entry=entry).order_by("pk").values_list("account_id", "amount"))


# Ties everywhere (equal deposits on equal days), units whose part rounds to nothing, one large ledger.
DEPOSITS = [
    *[("1000.00", dt.date(2022, 5, 1))] * 9,
    *[("0.01", dt.date(2023, 12, 30))] * 3,
    ("333.33", dt.date(2023, 7, 2)),
    ("987654.32", dt.date(2021, 1, 1)),
    ("1000.00", dt.date(2023, 3, 3)),
]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("amount", "pooled_percent"),
    [("100.00", None), ("1.01", None), ("12345.67", D("12.5")), ("0.07", None), ("50.00", D("100"))],
)
def test_the_set_based_split_posts_the_python_split_unit_by_unit(amount: str, pooled_percent: Decimal | None) -> None:
    accounts = city(DEPOSITS)
    before = {a.pk: Account.objects.get(pk=a.pk).balance for a in accounts}
    pooled, expected = python_split(2023, D(amount), pooled_percent)
    result = interest.allocate_interest(2023, D(amount), pooled_percent=pooled_percent)
    bank = factories.bank()
    head = [(bank.pk, D(amount))]
    if pooled:
        head.append((Account.objects.get(kind=Account.Kind.POOLED).pk, -pooled))
    lines = head + [(account_id, -part) for account_id, part in sorted(expected.items())]
    assert posted(result.entry) == lines
    assert {a.pk: Account.objects.get(pk=a.pk).balance - before[a.pk] for a in accounts} == {
        a.pk: expected.get(a.pk, D("0.00")) for a in accounts
    }
    assert (result.pooled, result.credited, result.accounts) == (pooled, D(amount) - pooled, len(expected))
    assert sum(expected.values(), D(0)) + pooled == D(amount)
    day = dt.date(2023, 12, 31).toordinal()
    assert result.entry.lines_sha256 == chain.lines_sha256([(a, int(m * 100)) for a, m in lines], day)
    report = checks.check_ledger()
    assert report.ok, report.as_dict()


@pytest.mark.django_db
def test_an_amount_too_large_for_64_bits_is_split_in_python_with_the_same_result() -> None:
    city(DEPOSITS[:4])
    amount = D("98765432109876.54")  # × the 积数 of 1000.00 for a year passes 2⁶³
    _pooled, expected = python_split(2023, amount, None)
    result = interest.allocate_interest(2023, amount)
    assert posted(result.entry)[1:] == [(account_id, -part) for account_id, part in sorted(expected.items())]
    assert result.credited == amount and checks.check_ledger().ok


@pytest.mark.django_db
def test_the_allocation_issues_as_many_queries_for_many_units_as_for_few() -> None:
    def queries(n: int, year: int) -> int:
        for i in range(n):
            account = factories.unit_account(room=f"{i + 1}01", project_code=f"Q{year}")
            factories.deposit(account, "100.00", dt.date(year - 1, 6, 1))
        with CaptureQueriesContext(connection) as captured:
            interest.allocate_interest(year, D("10.00"))
        return len(captured)

    assert queries(2, 2022) == queries(9, 2023)


@pytest.mark.django_db
def test_no_positive_balance_is_refused_as_before() -> None:
    factories.bank()
    with pytest.raises(interest.InterestError) as refused:
        interest.allocate_interest(2023, D("10.00"))
    assert refused.value.code == "fund.interest.invalid_amount"
    assert not JournalEntry.objects.filter(kind=JournalEntry.Kind.INTEREST).exists()


@pytest.mark.django_db
def test_post_staged_refuses_staged_lines_that_do_not_balance_and_posts_nothing() -> None:
    from anju.fund import ledger
    from anju.fund.errors import LedgerError

    a, b = city([("10.00", dt.date(2023, 1, 1))] * 2)
    bank = factories.bank()
    entries = JournalEntry.objects.count()
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS staged_test")
        cursor.execute("CREATE TEMPORARY TABLE staged_test (account_id bigint, amount bigint)")
        cursor.execute("INSERT INTO staged_test VALUES (%s, -100), (%s, -50)", [a.pk, b.pk])
    day, staged = dt.date(2023, 12, 31), "staged_test"
    with pytest.raises(LedgerError) as refused:
        ledger.post_staged(kind="interest", value_date=day, lines=[(bank.pk, D("1.49"))], staged=staged, actor=None)
    assert refused.value.code == "fund.ledger.unbalanced"
    entry, count = ledger.post_staged(
        kind="interest", value_date=day, lines=[(bank.pk, D("1.50"))], staged=staged, actor=None
    )
    assert count == 2 and JournalEntry.objects.count() == entries + 1
    assert posted(entry) == [(bank.pk, D("1.50")), (a.pk, D("-1.00")), (b.pk, D("-0.50"))]
    assert Account.objects.get(pk=a.pk).balance == D("11.00") and checks.check_ledger().ok
