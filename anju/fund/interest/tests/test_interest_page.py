"""The interest allocation from the page: a preview computed as the allocation does (nothing posted), then
the allocation as a background job for the finance department only, refused for a year already done."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from anju.core.models import Job
from anju.fund import checks
from anju.fund.interest import actions as interest
from anju.fund.models import Account, JournalEntry
from anju.fund.tests import factories

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def accounts() -> list[Account]:
    early, late = factories.unit_account(room="101"), factories.unit_account(room="102")
    factories.deposit(early, "1000.00", dt.date(2023, 1, 1))  # 365 days
    factories.deposit(late, "1000.00", dt.date(2023, 7, 2))  # 183 days
    return [early, late]


def _form(bank: Account, **extra: str) -> dict[str, str]:
    return {"year": "2023", "amount": "1000.00", "pooled_percent": "10", "bank": str(bank.pk), **extra}


def test_the_preview_shows_each_units_credit_and_posts_nothing(
    accounts: list[Account], client_for: Callable[..., Client]
) -> None:
    client = client_for("finance")
    page = client.get(reverse("fund:interest"), {**_form(factories.bank()), "preview": "1"}).content.decode()
    preview = page.split('id="interest-preview"')[1]
    credits = re.findall(r"<td class=\"num\">(\d+)</td><td class=\"num\">([\d,.]+)</td>", preview)
    # 900 × 365/548 = 599.452…, 900 × 183/548 = 300.547…: as the allocation itself splits it.
    assert [part for _, part in credits] == ["599.45", "300.55"]
    assert [int(weight) for weight, _ in credits] == [100_000 * 365, 100_000 * 183]
    assert not JournalEntry.objects.filter(kind=JournalEntry.Kind.INTEREST).exists()
    assert "Confirm" in page or "确认" in page


def test_confirming_runs_the_allocation_as_a_job_that_shows_the_entry(
    accounts: list[Account], client_for: Callable[..., Client]
) -> None:
    client = client_for("finance")
    response = client.post(reverse("fund:interest"), _form(factories.bank()))
    job = Job.objects.get(kind="fund.allocate_interest")
    assert response.status_code == 302 and response["Location"] == reverse("core:job", args=[job.pk])
    assert job.status == Job.Status.DONE and (job.done, job.total) == (2, 2)
    assert Account.objects.get(pk=accounts[0].pk).balance == D("1599.45")
    assert Account.objects.get(kind=Account.Kind.POOLED).balance == D("100.00")
    entry = JournalEntry.objects.get(kind=JournalEntry.Kind.INTEREST)
    assert entry.posted_by == client.user and checks.check_ledger().ok  # type: ignore[attr-defined]
    assert [value for _, value in job.facts] == [2023, "1,000.00", "100.00", "900.00", 2, entry.seq]
    listing = client.get(reverse("fund:interest")).content.decode().split('id="interest-allocations"')[1]
    assert "2023-12-31" in listing and "1,000.00" in listing


def test_a_year_already_allocated_is_refused_in_the_preview_and_fails_its_job(
    accounts: list[Account], client_for: Callable[..., Client]
) -> None:
    interest.allocate_interest(2023, D("10.00"))
    client = client_for("finance")
    page = client.get(reverse("fund:interest"), {**_form(factories.bank()), "preview": "1"}).content.decode()
    assert "已分配" in page and 'id="interest-preview"' not in page
    client.post(reverse("fund:interest"), _form(factories.bank()))
    job = Job.objects.get(kind="fund.allocate_interest")
    assert job.status == Job.Status.FAILED and "已分配" in job.error
    assert JournalEntry.objects.filter(kind=JournalEntry.Kind.INTEREST).count() == 1


def test_only_the_finance_department_allocates(accounts: list[Account], client_for: Callable[..., Client]) -> None:
    housing = client_for("housing")  # sees the fund, does not post interest
    page = housing.get(reverse("fund:interest")).content.decode()
    assert 'name="amount"' not in page
    assert housing.post(reverse("fund:interest"), _form(factories.bank())).status_code == 403
    assert housing.get(reverse("fund:interest"), {**_form(factories.bank()), "preview": "1"}).status_code == 403
    assert not Job.objects.exists()


def test_the_preview_is_what_the_allocation_posts_unit_by_unit(client_for: Callable[..., Client]) -> None:
    """Seven units whose credits need the leftover fens: every figure of the preview is the posted one."""
    for i, (amount, day) in enumerate(
        [
            ("1000.00", "01-01"),
            ("333.33", "02-17"),
            ("777.77", "03-31"),
            ("10.01", "06-30"),
            ("5000.00", "09-09"),
            ("1.00", "12-31"),
            ("2500.50", "04-04"),
        ]
    ):
        factories.deposit(factories.unit_account(room=str(201 + i)), amount, dt.date.fromisoformat(f"2023-{day}"))
    bank = factories.bank()
    client = client_for("finance")
    form = {"year": "2023", "amount": "123.45", "pooled_percent": "", "bank": str(bank.pk)}
    page = client.get(reverse("fund:interest"), {**form, "preview": "1"}).content.decode()
    preview = page.split('id="interest-preview"')[1]
    shown = dict(re.findall(r">(\w[\w-]*)</a></td><td class=\"num\">\d+</td><td class=\"num\">([\d,.]+)</td>", preview))
    assert len(shown) == 7 and "0.00 + 123.45 = 123.45" in preview
    client.post(reverse("fund:interest"), form)
    entry = JournalEntry.objects.get(kind=JournalEntry.Kind.INTEREST)
    posted = entry.lines.filter(account__kind=Account.Kind.UNIT).values_list("account__unit__code", "amount")
    # A unit whose share rounds to nothing gets no line (the one that paid 1.00 on 31 December).
    assert {code: f"{-amount:,.2f}" for code, amount in posted} == {c: v for c, v in shown.items() if v != "0.00"}
    assert list(shown.values()).count("0.00") == 1


def _allocations_shown(client: Client) -> list[tuple[str, str, str]]:
    listing = client.get(reverse("fund:interest")).content.decode().split('id="interest-allocations"')[1]
    rows = re.findall(
        r"<tr><td>([\d-]+)</td><td>\d+</td><td class=\"num\">([\d,.]+)</td><td class=\"num\">(\d+)</td>", listing
    )
    return [tuple(row) for row in rows]


def test_the_allocations_made_show_each_years_interest_and_the_unit_ledgers_it_credited(
    client_for: Callable[..., Client], django_assert_max_num_queries: Callable[..., object]
) -> None:
    """Each year's figures as its own lines give them (a line a unit ledger credited; the pooled share's line
    and the special account's are not units), while a deposit posted on the allocation's day, on the same
    special account, belongs to neither; the page asks as many queries for two years as for one."""
    first, second, third = (factories.unit_account(room=room) for room in ("301", "302", "303"))
    factories.deposit(first, "1000.00", dt.date(2022, 3, 1))
    factories.deposit(second, "500.00", dt.date(2022, 6, 1))
    interest.allocate_interest(2022, D("100.00"), pooled_percent=D("10"))
    factories.deposit(third, "800.00", dt.date(2023, 12, 31))  # the day of the 2023 allocation
    client = client_for("finance")
    with django_assert_max_num_queries(40) as one_year:  # type: ignore[attr-defined]
        assert len(_allocations_shown(client)) == 1
    interest.allocate_interest(2023, D("37.21"))

    expected = []
    for entry in JournalEntry.objects.filter(kind=JournalEntry.Kind.INTEREST).order_by("-value_date"):
        bank = sum(entry.lines.filter(account__kind=Account.Kind.BANK).values_list("amount", flat=True))
        units = entry.lines.filter(account__kind=Account.Kind.UNIT).count()
        expected.append((entry.value_date.isoformat(), f"{bank:,.2f}", str(units)))
    assert expected == [("2023-12-31", "37.21", "3"), ("2022-12-31", "100.00", "2")]
    with django_assert_max_num_queries(len(one_year.captured_queries)):  # type: ignore[attr-defined]
        assert _allocations_shown(client) == expected


def test_an_allocations_lines_are_counted_once_and_a_new_one_alone(client_for: Callable[..., Client]) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from anju.fund import queries

    queries._LINE_COUNTS.clear()
    units = [factories.unit_account(room=room) for room in ("401", "402", "403")]
    for unit in units[:2]:
        factories.deposit(unit, "1000.00", dt.date(2022, 3, 1))
    interest.allocate_interest(2022, D("100.00"))
    client = client_for("finance")

    def counted() -> list[str]:
        with CaptureQueriesContext(connection) as captured:
            shown = _allocations_shown(client)
        assert [units for _day, _amount, units in shown] == [
            str(entry.lines.filter(account__kind=Account.Kind.UNIT).count())
            for entry in JournalEntry.objects.filter(kind=JournalEntry.Kind.INTEREST).order_by("-value_date")
        ]
        return [q["sql"] for q in captured.captured_queries if "COUNT(" in q["sql"] and "entry_id" in q["sql"]]

    assert len(counted()) == 1
    assert counted() == []  # the second view counts nothing
    factories.deposit(units[2], "1000.00", dt.date(2023, 3, 1))
    interest.allocate_interest(2023, D("50.00"))
    (new,) = counted()
    entry = JournalEntry.objects.filter(kind=JournalEntry.Kind.INTEREST).latest("value_date")
    assert f"({entry.pk})" in new.replace(" ", "")  # only the new allocation's lines
