"""The leaders' dashboard reads its budget totals in one query and each shared figure once (a page's memo
scope): the same figures as each total computed alone, and a query count that does not grow with the budget
lines or the years charted."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from anju.core import memo
from anju.core.models import Role, User
from anju.performance import queries
from anju.performance.models import BudgetLine
from anju.performance.views import dashboard_data

pytestmark = pytest.mark.usefixtures("demo_2023")

Section = BudgetLine.Section


@pytest.fixture
def leader(db: None) -> User:
    user = User.objects.create_user(username="dash_leader")
    user.roles.set(Role.objects.filter(code="leadership"))
    return User.objects.get(pk=user.pk)


def add_year(year: int, lines: int) -> None:
    BudgetLine.objects.bulk_create(
        BudgetLine(
            year=year,
            section=section,
            name=f"{section} {year} {i}",
            initial=D("100.10") * (i + 1),
            final=D("120.35") * (i + 1),
            executed=D("99.99") * (i + 2),
        )
        for section in (Section.PERSONNEL, Section.PUBLIC, Section.PROJECT, Section.THREE_PUBLIC)
        for i in range(lines)
    )


def test_the_dashboard_shows_the_figures_of_each_total_computed_alone(leader: User) -> None:
    add_year(2021, 3)
    add_year(2022, 2)
    fresh = dashboard_data(leader, 2023)  # outside a scope: every total its own query
    with memo.scope():
        kept = dashboard_data(leader, 2023)
    assert kept == fresh
    assert kept["execution"]["years"] == ["2021", "2022", "2023"]
    for i, year in enumerate((2021, 2022, 2023)):
        spending = BudgetLine.objects.filter(year=year, section__in=queries.SPENDING)
        assert kept["execution"]["final"][i] == float(sum(line.final for line in spending) / 10000)
        assert kept["execution"]["executed"][i] == float(sum(line.executed for line in spending) / 10000)
    project = BudgetLine.objects.filter(year=2023, section=Section.PROJECT)
    assert kept["spending"][2]["value"] == float(sum(line.executed for line in project) / 10000)


def test_read_totals_gives_each_total_as_computed_alone_and_zero_for_none(leader: User) -> None:
    add_year(2022, 2)
    wanted = [
        (2022, "final", queries.SPENDING),
        (2022, "executed", (Section.PROJECT,)),
        (2023, "initial", (Section.PERSONNEL, Section.PUBLIC)),
        (2019, "executed", queries.SPENDING),  # no lines: 0.00, as `total` alone
    ]
    alone = [queries.total(y, c, *s) for y, c, s in wanted]
    assert alone[3] == D("0.00")
    with memo.scope():
        queries.read_totals(wanted)
        with CaptureQueriesContext(connection) as captured:
            assert [queries.total(y, c, *s) for y, c, s in wanted] == alone
        assert len(captured) == 0


def test_a_total_outside_a_scope_reads_the_lines_as_they_are_now(leader: User) -> None:
    before = queries.executed(2023)
    queries.read_totals([(2023, "executed", queries.SPENDING)])  # no scope: keeps nothing
    line = BudgetLine.objects.filter(year=2023, section=Section.PROJECT).first()
    assert line is not None
    line.executed += D("1.23")
    line.save()
    assert queries.executed(2023) == before + D("1.23")


def test_the_dashboards_queries_do_not_grow_with_the_lines_or_the_years(leader: User) -> None:
    client = Client()
    client.force_login(leader)

    def count() -> int:
        client.get("/performance/dashboard/?year=2023")
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/performance/dashboard/?year=2023").status_code == 200
        return len(captured)

    few = count()
    add_year(2020, 1)
    add_year(2021, 30)
    add_year(2022, 30)
    assert count() == few
