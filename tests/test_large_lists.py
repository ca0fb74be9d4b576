"""The three lists of issue 17 (the fund journal, persons, projects) on bounded queries: as many queries for
60 rows as for 5, the per-row figures (an entry's special-account amount, a person's units, a project's
units and area) computed over the shown rows' ids only, or kept per version of their table (a project's
units), and equal to the same aggregate over the whole table, and a page number or size of any magnitude
clamped."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Count, Q, Sum
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import strip_tags

from anju.core.models import Role, User
from anju.fund.models import Account, JournalEntry
from anju.fund.tests import factories as fund
from anju.registry.models import Person, Project
from anju.registry.tests import factories as registry

pytestmark = pytest.mark.django_db
Build = Callable[[int, int], None]


def journal(start: int, count: int) -> None:
    for i in range(start, start + count):
        fund.deposit(
            fund.unit_account(building=str(i + 1)), f"{100 + i}.50", dt.date(2023, 1, 1) + dt.timedelta(days=i)
        )


def persons(start: int, count: int) -> None:
    for i in range(start, start + count):
        owner = registry.person(f"业主{i:03d}", seq=i + 1)
        for room in range(i % 3):
            registry.unit(building=str(i + 1), room=str(101 + room), owner=owner)


def projects(start: int, count: int) -> None:
    for i in range(start, start + count):
        for room in range(1 + i % 3):
            registry.unit(project_code=f"P{i:04d}", project_name=f"项目{i}", room=str(101 + room), area=f"{80 + i}.25")


def journal_figures() -> dict[str, str]:
    bank = Sum("lines__amount", filter=Q(lines__account__kind=Account.Kind.BANK))
    return {str(e.seq): f"{e.n:,.2f}" for e in JournalEntry.objects.annotate(n=bank)}


def person_figures() -> dict[str, str]:
    return {
        p.name: str(p.n) for p in Person.objects.annotate(n=Count("ownerships", filter=Q(ownerships__end__isnull=True)))
    }


def project_figures() -> dict[str, str]:
    annotated = Project.objects.annotate(n=Count("units", distinct=True), area=Sum("units__area"))
    return {p.code: f"{p.n}|{p.area:,.2f}" for p in annotated}


def journal_shown(cells: list[str]) -> tuple[str, str]:
    return cells[0], cells[5]


def person_shown(cells: list[str]) -> tuple[str, str]:
    return cells[0], cells[-1]


def project_shown(cells: list[str]) -> tuple[str, str]:
    return cells[0], f"{cells[-2]}|{cells[-1]}"


LISTS = [
    ("fund:journal", journal, journal_figures, journal_shown),
    ("registry:persons", persons, person_figures, person_shown),
    ("registry:projects", projects, project_figures, project_shown),
]


@pytest.fixture
def leader(client: Client) -> Client:
    user = User.objects.create_user(username="leader17", password="x-Anju-2023", full_name="领导")
    user.roles.set(Role.objects.filter(code="leadership"))
    client.force_login(user)
    return client


def _rows(html: str) -> list[list[str]]:
    body = re.search(r"<tbody>(.*?)</tbody>", html, re.S)
    assert body is not None
    return [
        [strip_tags(cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body.group(1), re.S)
        if "<td" in row and 'class="muted"' not in row
    ]


def _get(client: Client, url: str) -> tuple[list[str], str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return [q["sql"] for q in captured.captured_queries], response.content.decode()


@pytest.mark.parametrize(("name", "build", "figures", "shown"), LISTS, ids=[n for n, *_rest in LISTS])
def test_60_rows_take_the_queries_of_5_and_show_the_whole_table_figures(leader, name, build, figures, shown) -> None:
    url = reverse(name) + "?per=100"
    build(0, 5)
    leader.get(url)
    few, first = _get(leader, url)
    build(5, 55)
    leader.get(url)  # as before `few`: the figures kept per table version are computed again once
    many, second = _get(leader, url)
    assert len(_rows(second)) == 60 and len(_rows(first)) == 5
    assert len(many) == len(few), f"{url}: {len(few)} queries for 5 rows, {len(many)} for 60"
    # Every aggregate over related rows is restricted to the page's ids, or (a project's units) kept per version
    # of the units' table: nothing groups the whole table a view.
    grouped = [sql for sql in many if "GROUP BY" in sql]
    assert all(" IN (" in sql for sql in grouped), grouped
    assert grouped or name == "registry:projects"
    # ... and shows the figure the whole-table aggregate gives.
    assert dict(shown(cells) for cells in _rows(second)) == figures()


@pytest.mark.parametrize("name", [n for n, *_rest in LISTS])
def test_a_page_of_any_number_or_size_clamps(leader, name) -> None:
    dict((n, b) for n, b, *_rest in LISTS)[name](0, 3)
    for query in (f"page={10**9}", f"per={10**6}", f"page={10**9}&per={10**6}", "page=-1", "page=x"):
        response = leader.get(reverse(name) + "?" + query)
        assert response.status_code == 200, query
        assert len(_rows(response.content.decode())) == 3, query


def test_sorting_the_journal_by_number_keeps_the_amounts(leader) -> None:
    journal(0, 4)
    _sql, html = _get(leader, reverse("fund:journal") + "?sort=seq")
    rows = [journal_shown(cells) for cells in _rows(html)]
    assert [int(seq) for seq, _amount in rows] == sorted(int(seq) for seq, _amount in rows)
    assert dict(rows) == journal_figures()
    assert Decimal(rows[0][1].replace(",", "")) == Decimal("100.50")


@pytest.mark.parametrize(("path", "build", "key"), [("persons", persons, "name"), ("projects", projects, "code")])
def test_the_api_lists_take_the_queries_of_5_items_for_60(client_for, path, build, key) -> None:
    api = client_for("leadership")
    url = f"/api/registry/{path}?limit=100"
    build(0, 5)
    api.get(url)
    few, _first = _get(api, url)
    build(5, 55)
    api.get(url)  # as before `few`: the count and sums kept per table version are computed again once
    many, body = _get(api, url)
    assert len(many) == len(few)
    assert all(" IN (" in sql for sql in many if "GROUP BY" in sql)
    items = json.loads(body)["items"]
    assert len(items) == 60
    if path == "projects":
        assert {i["code"]: f"{i['unit_count']}|{Decimal(i['total_area']):,.2f}" for i in items} == project_figures()
