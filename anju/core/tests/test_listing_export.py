"""The list export read as values (issue 17): when every exported column names its `fields`, the file is
the one the columns' functions give over the records — same cells, types, masking and per-row figures —
without building a model object per row, in a number of queries that does not grow with the rows."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.db.models import Count, FilteredRelation, Q
from django.http import HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from anju.core.listing import Column, IdColumn, Link, ListPage, Search
from anju.core.models import User
from anju.registry.models import Person, Unit
from anju.registry.tests import factories as registry

pytestmark = pytest.mark.django_db


@pytest.fixture
def export(make_user: Callable[..., User]) -> Callable[..., HttpResponse]:
    """The list's .xlsx for a user of the role (housing sees ID numbers; information does not)."""
    users: dict[str, User] = {}

    def fetch(page: ListPage, query: str = "", role: str = "housing") -> HttpResponse:
        if role not in users:
            users[role] = make_user(f"exporter_{role}", role)
        request = RequestFactory().get(f"/list/?{query}&export=xlsx")
        request.user = users[role]
        return page.render(request)

    return fetch


def cells(response: HttpResponse) -> list[list[tuple[Any, str, str]]]:
    """Each cell's value, type and number format."""
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    return [[(cell.value, cell.data_type, cell.number_format) for cell in row] for row in sheet.iter_rows()]


def as_objects(page: ListPage) -> ListPage:
    """The same list with no column naming its fields: the export builds each row's object."""
    return dataclasses.replace(page, columns=[dataclasses.replace(c, fields=()) for c in page.columns])


def unit_page() -> ListPage:
    holder = FilteredRelation("ownerships", condition=Q(ownerships__end__isnull=True))
    uses = {value: str(label) for value, label in Unit.Use.choices}

    def owner(unit: Unit) -> Any:
        current = unit.ownerships.filter(end__isnull=True).select_related("person", "enterprise").first()
        return current.person if current and current.person else (current.enterprise if current else None)

    def either(person: Any, enterprise: Any) -> Any:
        return person if person is not None else (enterprise or "")

    return ListPage(
        module="registry",
        title="房屋",
        queryset=Unit.objects.annotate(holder=holder).select_related("project").order_by("code"),
        columns=[
            Column("编码", lambda u: Link(u.code, "/"), "code", fields=["code"]),
            Column("项目", lambda u: u.project.name, fields=["project__name"]),
            Column("面积", lambda u: u.area, "area", total=True, fields=["area"]),
            Column("用途", lambda u: u.get_use_display(), fields=["use"], from_fields=lambda use: uses.get(use, use)),
            Column("录入时间", lambda u: u.created, fields=["created"]),
            Column(
                "业主",
                lambda u: getattr(owner(u), "name", ""),
                fields=["holder__person__name", "holder__enterprise__name"],
                from_fields=either,
            ),
            IdColumn(
                "证件号码",
                lambda u: getattr(owner(u), "id_number", None) or getattr(owner(u), "uscc", ""),
                masks=lambda u: isinstance(owner(u), Person),
                fields=["holder__person__id_number", "holder__enterprise__uscc"],
                from_fields=either,
                masks_fields=lambda person, _enterprise: person is not None,
            ),
        ],
        search=Search(["code__icontains"], "编码"),
        filename="房屋测试",
    )


@pytest.fixture
def units() -> list[Unit]:
    zhang, li = registry.person("张三", seq=1), registry.person("李四", seq=2)
    developer = registry.enterprise()
    return [
        registry.unit(room="101", area="89.50", owner=zhang),
        registry.unit(room="102", area="120.25", owner=li),
        registry.unit(room="201", area="60.00", owner=developer),
        registry.unit(room="301", area="75.75"),
    ]


@pytest.mark.parametrize("role", ["housing", "information"])
def test_values_give_the_file_the_objects_give(export, units, role: str) -> None:
    by_values, by_objects = export(unit_page(), role=role), export(as_objects(unit_page()), role=role)
    assert cells(by_values) == cells(by_objects)
    rows = cells(by_values)
    assert rows[1][2] == (89.5, "n", "#,##0.00") and rows[1][4][1:] == ("d", "yyyy-mm-dd hh:mm")
    assert rows[-1][0][0] == "合计" and rows[-1][2][0] == pytest.approx(345.5)
    zhang = units[0].ownerships.get().person
    ids = [row[6][0] for row in rows[1:-1]]
    assert (zhang.id_number in ids) == (role == "housing")  # masked without see_id
    assert ids[2] == units[2].ownerships.get().enterprise.uscc and ids[3] is None  # a credit code is public


def test_values_build_no_object_and_their_queries_do_not_grow_with_the_rows(export, units, monkeypatch) -> None:
    built: list[object] = []
    original = Unit.from_db.__func__  # type: ignore[attr-defined]

    def from_db(cls: type[Unit], *args: Any, **kwargs: Any) -> Unit:
        built.append(args)
        return original(cls, *args, **kwargs)  # type: ignore[no-any-return]

    export(unit_page())  # the user and their permissions, once
    counted = []
    for extra in (0, 6):
        for index in range(extra):
            registry.unit(room=f"{501 + index}")
        with monkeypatch.context() as patched, CaptureQueriesContext(connection) as captured:
            patched.setattr(Unit, "from_db", classmethod(from_db))
            assert export(unit_page(), "q=P0001").status_code == 200
        counted.append(len(captured.captured_queries))
    assert built == [] and counted[0] == counted[1]


def test_per_row_figures_are_read_with_the_values(export) -> None:
    owners = [registry.person(f"业主{i}", seq=i + 1) for i in range(4)]
    for i, owner in enumerate(owners):
        for room in range(i):
            registry.unit(building=str(i), room=str(101 + room), owner=owner)
    page = ListPage(
        module="registry",
        title="人员",
        queryset=Person.objects.order_by("name", "id"),
        per_row={"unit_count": Count("ownerships", filter=Q(ownerships__end__isnull=True))},
        columns=[
            Column("姓名", lambda p: p.name, "name", fields=["name"]),
            Column("名下房屋", lambda p: p.unit_count, "unit_count", total=True, fields=["unit_count"]),
        ],
        filename="人员测试",
    )
    assert cells(export(page)) == cells(export(as_objects(page)))
    assert [row[1][0] for row in cells(export(page))[1:]] == [0, 1, 2, 3, 6]


def test_a_column_of_several_fields_needs_from_fields(export, units) -> None:
    page = unit_page()
    broken = dataclasses.replace(page, columns=[Column("两个", lambda u: u.code, fields=["code", "room"])])
    with pytest.raises(ValueError, match="from_fields"):
        export(broken)


@pytest.fixture
def lists(units: list[Unit]) -> None:
    """The registry's units and persons and a few journal entries (deposits and a spending)."""
    from anju.fund.tests import factories as fund

    registry.person("王五", seq=3)  # owning nothing
    for room, amount in (("701", "7800.00"), ("702", "0.45")):
        account = fund.unit_account(room=room)
        fund.deposit(account, amount, dt.date(2023, 3, 1))
    fund.spend(account, "0.40", dt.date(2023, 6, 1))


@pytest.mark.parametrize("url", ["registry:units", "registry:persons", "fund:journal"])
@pytest.mark.parametrize("roles", [("office", "finance"), ("leadership",)])
def test_the_big_lists_give_the_same_file_read_as_values_as_read_as_objects(
    client_for, lists, monkeypatch, url: str, roles: tuple[str, ...]
) -> None:
    client = client_for(*roles)
    by_values = client.get(reverse(url) + "?export=xlsx")
    original = ListPage.__post_init__

    def objects(self: ListPage) -> None:
        original(self)
        self.columns = [dataclasses.replace(c, fields=()) for c in self.columns]

    monkeypatch.setattr(ListPage, "__post_init__", objects)
    by_objects = client.get(reverse(url) + "?export=xlsx")
    assert by_values.status_code == by_objects.status_code == 200
    assert len(cells(by_values)) > 2 and cells(by_values) == cells(by_objects)
