from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from anju.fund import kpis, ledger
from anju.fund.interest import actions as interest
from anju.fund.models import Account, JournalEntry
from anju.fund.tests import factories

pytestmark = pytest.mark.django_db
D = Decimal
Kind = JournalEntry.Kind


def receive(kind: str, account: Account, amount: str, day: dt.date) -> JournalEntry:
    value = D(amount)
    return ledger.post(
        kind=kind,
        value_date=day,
        legs=[ledger.debit(factories.bank(), value), ledger.credit(account, value)],
        actor=None,
    )


def test_codes_names_and_units_follow_the_catalogue() -> None:
    assert [(k.code, k.name, k.unit) for k in kpis.KPIS] == [
        ("fund.collected", "维修资金归集", "元"),
        ("fund.disbursed", "维修资金拨付使用", "元"),
        ("fund.collected_cumulative", "历年累计归集", "元"),
        ("fund.disbursed_cumulative", "累计使用拨付", "元"),
        ("fund.income_cumulative", "累计利息收益", "元"),
    ]


def test_an_empty_journal_gives_zero() -> None:
    assert kpis.values(2023) == {code: D("0.00") for code in kpis.BY_CODE}
    assert not kpis.records("fund.collected", 2023).exists()


def test_collections_count_every_deposit_kind_received_in_the_year() -> None:
    a = factories.unit_account(room="101")
    suspense = ledger.fund_account(Account.Kind.SUSPENSE)
    factories.deposit(a, "1000.00", dt.date(2022, 12, 31))
    factories.deposit(a, "100.00", dt.date(2023, 1, 1), first=False)
    receive(Kind.DEVELOPER_DEPOSIT, a, "20.00", dt.date(2023, 6, 1))
    receive(Kind.RECOVERY, a, "3.00", dt.date(2023, 7, 1))
    receive(Kind.SUSPENSE, suspense, "0.40", dt.date(2023, 12, 31))
    # Matching a suspense receipt to its unit moves no money into the bank: not collected twice.
    ledger.post(
        kind=Kind.MATCH,
        value_date=dt.date(2023, 12, 31),
        legs=[ledger.debit(suspense, D("0.40")), ledger.credit(a, D("0.40"))],
        actor=None,
    )
    factories.deposit(a, "5000.00", dt.date(2024, 1, 1), first=False)
    assert kpis.collected(2023) == D("123.40")
    assert kpis.collected(2022) == D("1000.00")
    assert kpis.collected(2024) == D("5000.00")


def test_cumulative_figures_run_to_31_january_of_the_next_year() -> None:
    a = factories.unit_account()
    factories.deposit(a, "1000.00", dt.date(2015, 5, 5))
    factories.deposit(a, "200.00", dt.date(2024, 1, 31), first=False)  # counts for 2023
    factories.deposit(a, "30.00", dt.date(2024, 2, 1), first=False)  # does not
    factories.spend(a, "70.00", dt.date(2024, 1, 31))
    factories.spend(a, "9.00", dt.date(2024, 2, 1))
    assert kpis.collected_cumulative(2023) == D("1200.00")
    assert kpis.collected_cumulative(2024) == D("1230.00")
    assert kpis.disbursed_cumulative(2023) == D("70.00")
    assert kpis.disbursed(2023) == D("0.00") and kpis.disbursed(2024) == D("79.00")
    assert [e.value_date for e in kpis.records("fund.collected_cumulative", 2023)] == [
        dt.date(2015, 5, 5),
        dt.date(2024, 1, 31),
    ]


def test_uses_and_interest_are_money_out_and_income() -> None:
    a = factories.unit_account(room="101")
    b = factories.unit_account(room="102")
    factories.deposit(a, "1000.00", dt.date(2022, 1, 1))
    factories.deposit(b, "1000.00", dt.date(2022, 1, 1))
    interest.allocate_interest(2022, D("30.00"))
    factories.spend(a, "400.00", dt.date(2023, 3, 1))
    factories.spend(b, "0.01", dt.date(2023, 12, 31))
    interest.allocate_interest(2023, D("25.50"), pooled_percent=D("10"))
    assert kpis.disbursed(2023) == D("400.01")
    assert kpis.disbursed_cumulative(2023) == D("400.01")
    # The pooled share is income too: the whole amount came into the bank.
    assert kpis.income_cumulative(2023) == D("55.50")
    assert kpis.income_cumulative(2022) == D("30.00")
    # Interest and uses are not collections.
    assert kpis.collected(2023) == D("0.00") and kpis.collected_cumulative(2023) == D("2000.00")
    assert list(kpis.records("fund.income_cumulative", 2023).values_list("kind", flat=True)) == ["interest"] * 2
    assert kpis.records("fund.disbursed", 2023).count() == 2


def test_a_reversal_counts_under_the_kind_it_reverses_on_its_own_date() -> None:
    a = factories.unit_account()
    kept = factories.deposit(a, "800.00", dt.date(2023, 3, 1))
    wrong = factories.deposit(a, "500.00", dt.date(2023, 3, 2), first=False)
    ledger.reverse(wrong, actor=None, value_date=dt.date(2023, 3, 5), memo="错账冲正")
    late = factories.deposit(a, "60.00", dt.date(2023, 12, 20), first=False)
    ledger.reverse(late, actor=None, value_date=dt.date(2024, 1, 10), memo="")
    use = factories.spend(a, "100.00", dt.date(2023, 6, 1))
    ledger.reverse(use, actor=None, value_date=dt.date(2023, 6, 2), memo="")
    # Same-year reversal nets out; the one in January 2024 lowers 2024 and the cumulative figure.
    assert kpis.collected(2023) == D("860.00")
    assert kpis.collected(2024) == D("-60.00")
    assert kpis.collected_cumulative(2023) == D("800.00")
    # The reversed use nets out of the uses and, like any reversal of a non-deposit, stays out of collections.
    assert kpis.disbursed(2023) == D("0.00")
    records = list(kpis.records("fund.collected", 2023))
    assert kept in records and wrong in records and late in records and len(records) == 4
    assert kpis.records("fund.collected", 2024).get().reverses == late


def test_unknown_code_is_a_key_error() -> None:
    with pytest.raises(KeyError):
        kpis.records("fund.nothing", 2023)


def test_the_bank_flows_are_read_once_a_page_and_kept_until_the_ledger_moves() -> None:
    """The bank lines' sums of a period are read once in a page's scope for all its flows (collections and
    uses pick their kinds from the same rows) and kept per version of the ledger: equal to a fresh sum after
    each posting, a reversal and interest, and not read again while nothing is posted."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from anju.core import memo

    def journal_reads(run: object) -> int:
        with CaptureQueriesContext(connection) as captured:
            run()  # type: ignore[operator]
        return sum('"fund_journalline"' in q["sql"] for q in captured.captured_queries)

    def fresh() -> tuple[object, ...]:
        kpis.forget()
        return (kpis.collected(2023), kpis.disbursed(2023), kpis.MONTHLY["fund.collected"](2023))

    def kept() -> tuple[object, ...]:
        return (kpis.collected(2023), kpis.disbursed(2023), kpis.MONTHLY["fund.collected"](2023))

    a = factories.unit_account(room="101")
    factories.deposit(a, "1000.00", dt.date(2023, 2, 1))
    assert kept() == fresh()
    for change in (
        lambda: factories.deposit(a, "20.00", dt.date(2023, 3, 1), first=False),
        lambda: factories.spend(a, "70.00", dt.date(2023, 4, 1)),
        lambda: ledger.reverse(JournalEntry.objects.order_by("-seq").first(), actor=None,
                               value_date=dt.date(2023, 4, 2), memo=""),
        lambda: interest.allocate_interest(2023, D("5.00")),
    ):  # fmt: skip
        kept()
        change()
        assert kept() == fresh()
    assert kept()[0] == D("1020.00") and kept()[1] == D("0.00")
    assert journal_reads(kept) == 0  # nothing posted since: the kept rows
    kpis.forget()
    with memo.scope():
        assert journal_reads(kept) == 2  # the year's rows and its rows by day, once each for both flows
