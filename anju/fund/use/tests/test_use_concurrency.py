"""Two payments against the same unit accounts at once, in two real transactions (PostgreSQL): the
second waits for the first's row locks, then sees the balances the first left; nothing overdraws."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.db import connection, connections, transaction
from django.utils import timezone

from anju.fund import ledger
from anju.fund.checks import check_ledger
from anju.fund.models import Account, JournalEntry, UseApplication
from anju.fund.tests import factories as fund
from anju.fund.tests import use_factories as uf
from anju.fund.use import actions as use

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]
D = Decimal
DAY = timezone.localdate()  # payments are dated from the approval (today) to today
HOLD = 0.6  # seconds the first transaction keeps its locks after paying


def approved(kind: str = "emergency", budget: str = "300.00") -> UseApplication:
    app = uf.application(kind=kind, items=[("电梯", budget)])
    for step in ("submit", "review", "approve"):
        app = use.take_step(None, app, step)
    return app


def run_both(first: Callable[[], object], second: Callable[[], object]) -> tuple[list[object], float]:
    """Run first in a transaction that holds its locks a while after it is done; start second once first
    has done its work. Returns both results (or exceptions) and how long second took."""
    results: list[object] = [None, None]
    done = threading.Event()
    waited = [0.0]

    def one() -> None:
        try:
            with transaction.atomic():
                results[0] = first()
                done.set()
                time.sleep(HOLD)
        except Exception as exc:  # the test inspects it
            results[0] = exc
            done.set()
        finally:
            connections.close_all()

    def two() -> None:
        done.wait(10)
        start = time.monotonic()
        try:
            with transaction.atomic():
                results[1] = second()
        except Exception as exc:  # the test inspects it
            results[1] = exc
        finally:
            waited[0] = time.monotonic() - start
            connections.close_all()

    threads = [threading.Thread(target=one), threading.Thread(target=two)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results, waited[0]


def balances(accounts: list[Account]) -> list[Decimal]:
    return [Account.objects.get(pk=a.pk).balance for a in accounts]


def test_two_use_payments_from_the_same_accounts_never_overdraw() -> None:
    accounts = uf.estate(["100.00", "100.00"], balances=["100.00", "100.00"])
    first, second = approved(), approved()
    results, waited = run_both(
        lambda: use.pay(None, first, kind="settlement", final_cost=D("300.00"), value_date=DAY),
        lambda: use.pay(None, second, kind="settlement", final_cost=D("300.00"), value_date=DAY),
    )
    one, two = results
    assert not isinstance(one, Exception) and not isinstance(two, Exception), results
    assert waited >= HOLD * 0.5  # the second waited for the first's locks
    assert (one.from_fund, one.self_funded) == (D("200.00"), D("100.00"))  # type: ignore[union-attr]
    # The second saw the emptied accounts: everything is the owners' own payment, nothing posted.
    assert (two.from_fund, two.self_funded, two.entry_id) == (D("0.00"), D("300.00"), None)  # type: ignore[union-attr]
    assert balances(accounts) == [D("0.00"), D("0.00")]
    assert JournalEntry.objects.filter(kind=JournalEntry.Kind.USE).count() == 1
    report = check_ledger()
    assert report.ok, report.violations


def test_two_fixed_postings_the_second_waits_and_is_refused() -> None:
    account = fund.unit_account(room="101", area="100.00")
    fund.deposit(account, "100.00", dt.date(2024, 1, 2))
    bank = fund.bank()

    def spend() -> JournalEntry:
        a = Account.objects.get(pk=account.pk)
        return ledger.post(
            kind=JournalEntry.Kind.USE,
            value_date=DAY,
            legs=[ledger.debit(a, D("80.00")), ledger.credit(bank, D("80.00"))],
            actor=None,
        )

    results, waited = run_both(spend, spend)
    assert isinstance(results[0], JournalEntry)
    assert isinstance(results[1], ledger.Overdraw), results[1]
    assert waited >= HOLD * 0.5
    assert balances([account]) == [D("20.00")]
    report = check_ledger()
    assert report.ok, report.violations
