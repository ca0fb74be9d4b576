"""The list page kit: search and pinyin initials, each filter kind, sorting, page numbers and sizes, the
合计 row, the export (same rows as the page, its permission, the audit), ID masking and batch selection."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any
from urllib.parse import quote

import pytest
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.html import strip_tags
from openpyxl import load_workbook

from anju.core.listing import (
    BatchAction,
    ChoiceFilter,
    Column,
    DateRangeFilter,
    FlagFilter,
    HiddenFilter,
    IdColumn,
    Link,
    ListPage,
    Search,
    TextFilter,
    YearFilter,
    link_column,
    valid_int,
)
from anju.core.listing.page import page_numbers
from anju.core.models import AuditEvent, User
from anju.lib.ids import mask_id
from anju.registry.models import Person, Unit
from anju.registry.tests import factories as registry

pytestmark = pytest.mark.django_db
NAMES = ["张三", "张思", "李四", "王五", "赵六"]


@pytest.fixture
def persons() -> list[Person]:
    return [registry.person(name=name, seq=index + 1, phone=f"1380013800{index}") for index, name in enumerate(NAMES)]


def person_page(**overrides: Any) -> ListPage:
    settings: dict[str, Any] = {
        "module": "registry",
        "title": "人员",
        "queryset": Person.objects.order_by("name", "id"),
        "columns": [
            Column("姓名", lambda p: Link(p.name, f"/p/{p.pk}/"), "name"),
            IdColumn("证件号码", lambda p: p.id_number),
            Column("电话", lambda p: p.phone, "phone"),
            Column("出生日期", lambda p: p.birth_date, "birth_date"),
        ],
        "search": Search(["name__icontains"], "姓名", initials=["initials"]),
        "filters": [
            ChoiceFilter("id_type", "证件类型", Person.IdType.choices),
            YearFilter("birth_date__year", name="born"),
            DateRangeFilter("birth_date"),
            TextFilter("phone", "电话", "phone__endswith"),
            FlagFilter("zhang", "只看张姓", apply=lambda qs, _v: qs.filter(name__startswith="张")),
            HiddenFilter("min_pk", lambda qs, pk: qs.filter(pk__gte=pk), valid_int, tag=lambda pk: f"自 {pk} 起"),
        ],
        "filename": "人员测试",
    }
    settings.update(overrides)
    return ListPage(**settings)


@pytest.fixture
def get(make_user: Callable[..., User]) -> Callable[..., HttpResponse]:
    """Render a list page for a user holding the given role (housing: export and see_id; information:
    export only; finance: view only)."""
    users: dict[str, User] = {}

    def fetch(page: ListPage, query: str = "", role: str = "housing") -> HttpResponse:
        if role not in users:
            users[role] = make_user(f"lister_{role}", role)
        request = RequestFactory().get(f"/list/?{query}")
        request.user = users[role]
        return page.render(request)

    return fetch


def rows(response: HttpResponse) -> list[list[str]]:
    html = response.content.decode()
    body = re.search(r"<tbody>(.*?)</tbody>", html, re.S)
    assert body is not None
    return [
        [strip_tags(cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        for row in re.findall(r"<tr>(.*?)</tr>", body.group(1), re.S)
        if 'class="muted"' not in row
    ]


def names(response: HttpResponse) -> list[str]:
    return [row[0] for row in rows(response)]


def sheet(response: HttpResponse) -> list[list[Any]]:
    book = load_workbook(io.BytesIO(response.content))
    assert book.active is not None
    return [[cell.value for cell in row] for row in book.active.iter_rows()]


# --- search and filters ---------------------------------------------------------------------------


def test_search_matches_the_fields_and_pinyin_initials(get, persons) -> None:
    assert names(get(person_page(), "q=四")) == ["李四"]
    # "zs" are the initials of 张三 and 张思; initials match from the start only.
    assert names(get(person_page(), "q=zs")) == ["张三", "张思"]
    assert names(get(person_page(), "q=ZS")) == ["张三", "张思"]
    assert names(get(person_page(), "q=s")) == []
    # A search of digits never reaches the initials.
    assert names(get(person_page(), "q=1")) == []
    custom = person_page(search=Search(hint="手机尾号", apply=lambda qs, q: qs.filter(phone__endswith=q)))
    assert names(get(custom, "q=3")) == ["王五"]


def test_choice_filter_ignores_values_it_does_not_offer(get, persons) -> None:
    registry_passport = registry.person(name="外籍", seq=90)
    Person.objects.filter(pk=registry_passport.pk).update(id_type=Person.IdType.PASSPORT)
    assert names(get(person_page(), "id_type=passport")) == ["外籍"]
    assert len(names(get(person_page(), "id_type=nonsense"))) == 6
    html = get(person_page(), "id_type=passport").content.decode()
    assert '<option value="passport" selected>' in html and "证件类型：全部" in html


def test_year_and_date_range_filters(get, make_user) -> None:
    for seq, birth in enumerate((dt.date(1970, 1, 1), dt.date(1980, 5, 17), dt.date(1980, 12, 31)), start=1):
        Person.objects.create(name=f"人{seq}", id_number=registry.resident_id(birth=birth, seq=seq), birth_date=birth)
    page = person_page(
        filters=[YearFilter("birth_date__year", name="born", years=[1980, 1970]), DateRangeFilter("birth_date")]
    )
    assert names(get(page, "born=1980")) == ["人2", "人3"]
    assert len(names(get(page, "born=abc"))) == 3
    # Both ends are included; a date that is not one is ignored.
    assert names(get(page, "from=1980-05-17&to=1980-12-31")) == ["人2", "人3"]
    assert names(get(page, "to=1980-05-17")) == ["人1", "人2"]
    assert len(names(get(page, "from=1980-02-30"))) == 3
    html = get(page, "from=1980-05-17").content.decode()
    assert 'name="from" value="1980-05-17"' in html and '<option value="1980">' in html


def test_text_flag_and_hidden_filters(get, persons) -> None:
    assert names(get(person_page(), "phone=3")) == ["王五"]
    assert names(get(person_page(), "zhang=1")) == ["张三", "张思"]
    assert len(names(get(person_page(), "zhang=yes"))) == 5
    third = persons[2].pk
    response = get(person_page(), f"min_pk={third}&sort=-name")
    assert sorted(names(response)) == sorted(NAMES[2:])
    html = response.content.decode()
    # The hidden filter and the order survive the next search: the form carries them.
    assert f'<input type="hidden" name="min_pk" value="{third}">' in html
    assert '<input type="hidden" name="sort" value="-name">' in html
    assert f'id="min_pk-filter">自 {third} 起<' in html
    assert len(names(get(person_page(), "min_pk=x"))) == 5


def test_a_filter_may_not_take_a_name_of_the_page(persons) -> None:
    with pytest.raises(ValueError, match="sort"):
        person_page(filters=[TextFilter("sort", "排序", "name")])


# --- order and pages ------------------------------------------------------------------------------


def test_sort_accepts_declared_keys_only(get, persons) -> None:
    assert names(get(person_page(), "sort=-name")) == sorted(NAMES, reverse=True)
    assert names(get(person_page(), "sort=phone")) == NAMES
    assert names(get(person_page(), "sort=-phone")) == NAMES[::-1]
    # The ID number has no sort key; the list keeps its own order.
    assert names(get(person_page(), "sort=id_number")) == sorted(NAMES)
    assert names(get(person_page(), "sort=name;drop")) == sorted(NAMES)


def test_headers_link_to_the_other_direction_and_show_arrows(get, persons) -> None:
    html = get(person_page(), "sort=phone&page=1").content.decode()
    assert re.search(r'href="\?sort=-phone">电话 <span class="arrow">▲</span>', html)
    html = get(person_page(), "sort=-phone").content.decode()
    assert re.search(r'href="\?sort=phone">电话 <span class="arrow">▼</span>', html)
    # Unsorted, the list's own first order field shows its direction.
    html = get(person_page()).content.decode()
    assert re.search(r'href="\?sort=-name">姓名 <span class="arrow">▲</span>', html)
    assert "<th>证件号码</th>" in html


def test_equal_sort_values_never_repeat_a_row_across_pages(get) -> None:
    for seq in range(1, 46):
        Person.objects.create(name="同名", id_number=registry.resident_id(seq=seq), phone="13800138000")
    seen: list[str] = []
    for number in (1, 2, 3):
        seen += [row[1] for row in rows(get(person_page(), f"sort=phone&per=20&page={number}"))]
    assert len(seen) == len(set(seen)) == 45


def test_page_size_is_one_of_the_offered_sizes(get) -> None:
    for seq in range(1, 61):
        Person.objects.create(name=f"人{seq:02d}", id_number=registry.resident_id(seq=seq))
    assert len(rows(get(person_page(), "per=20"))) == 20
    assert len(rows(get(person_page(), "per=100"))) == 60
    assert len(rows(get(person_page(), "per=37"))) == 50
    assert len(rows(get(person_page(), "per=-1"))) == 50
    html = get(person_page(), "per=20&page=2").content.decode()
    assert "共 60 条记录" in html
    assert '<span class="current" aria-current="page">2</span>' in html
    assert 'href="?per=20&amp;page=3"' in html and 'href="?per=20&amp;page=1"' in html
    # Changing the size goes back to the first page.
    assert '<a href="?">50</a>' in html and '<span class="current">20</span>' in html


@pytest.mark.parametrize(
    ("number", "last", "expected"),
    [
        (1, 1, [1]),
        (1, 10, [1, 2, 3, None, 10]),
        (5, 10, [1, None, 3, 4, 5, 6, 7, None, 10]),
        (4, 10, [1, 2, 3, 4, 5, 6, None, 10]),
        (10, 10, [1, None, 8, 9, 10]),
    ],
)
def test_page_numbers_show_first_last_and_neighbours(number: int, last: int, expected: list[int | None]) -> None:
    page = Paginator(range(last * 10), 10).page(number)
    assert page_numbers(page) == expected


# --- the 合计 row ------------------------------------------------------------------------------------


def unit_page(**overrides: Any) -> ListPage:
    settings: dict[str, Any] = {
        "module": "registry",
        "title": "房屋",
        "queryset": Unit.objects.order_by("code"),
        "columns": [
            Column("房屋编码", lambda u: u.code, "code"),
            Column("建筑面积", lambda u: u.area, "area", total=True),
            Column("楼层", lambda u: u.floor, "floor"),
        ],
        "filters": [ChoiceFilter("building", "幢", [("1", "1"), ("2", "2")], field="building__number")],
        "filename": "房屋测试",
    }
    settings.update(overrides)
    return ListPage(**settings)


def totals(response: HttpResponse) -> list[str]:
    foot = re.search(r"<tfoot>(.*?)</tfoot>", response.content.decode(), re.S)
    assert foot is not None
    return [strip_tags(cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", foot.group(1), re.S)]


def test_totals_sum_the_whole_filtered_list_in_one_query(get) -> None:
    for index in range(30):
        registry.unit(building="1" if index < 25 else "2", room=f"{101 + index}", area="100.10")
    response = get(unit_page(), "building=1&per=20")
    assert len(rows(response)) == 20
    assert totals(response) == ["合计", "2,502.50", ""]
    assert totals(get(unit_page(), "building=2")) == ["合计", "500.50", ""]
    # The same page without a total column takes as many queries: the sums are one aggregate, which
    # counts the rows for the pager too (no COUNT of its own).
    plain = unit_page(columns=[Column("房屋编码", lambda u: u.code, "code")])
    counted = []
    for page in (plain, unit_page()):
        with CaptureQueriesContext(connection) as captured:
            response = get(page, "building=1&per=20")
        assert "共 25 条记录" in response.content.decode()
        counted.append(len(captured.captured_queries))
    assert counted[1] == counted[0]
    # A list over millions of rows may leave the row out.
    assert "<tfoot>" not in get(unit_page(totals=False)).content.decode()


def test_the_totals_count_the_rows_for_the_pager_within_its_cap(get, monkeypatch: pytest.MonkeyPatch) -> None:
    from django.db.models import Count

    from anju.core.listing import page as page_module

    for index in range(30):
        registry.unit(building="1", room=f"{101 + index}", area=f"{100 + index}.00")
    monkeypatch.setattr(page_module, "COUNT_CAP", 25)
    html = get(unit_page(), "per=20").content.decode()
    assert "超过 25 条记录" in html and "共 30 条记录" not in html
    assert 'href="?per=20&amp;page=2"' in html and "page=3" not in html
    assert totals(get(unit_page(), "per=20")) == ["合计", "3,435.00", ""]  # every row, past the cap
    far = get(unit_page(), f"per=20&page={10**9}")
    assert [row[0] for row in rows(far)] == [u.code for u in Unit.objects.order_by("code")[20:25]]
    monkeypatch.setattr(page_module, "COUNT_CAP", 30)
    assert "共 30 条记录" in get(unit_page(), "per=20").content.decode()
    # Sorted by a per-row aggregate, the list is grouped: the pager counts its rows itself, the same.
    page = unit_page(
        columns=[*unit_page().columns, Column("业主数", lambda u: u.owners, "owners")],
        per_row={"owners": Count("ownerships")},
    )
    for query in ("per=20", "per=20&sort=-owners"):
        html = get(page, query).content.decode()
        assert "共 30 条记录" in html, query
        assert totals(get(page, query))[:2] == ["合计", "3,435.00"], query


def test_no_totals_row_on_an_empty_list(get) -> None:
    assert "<tfoot>" not in get(unit_page()).content.decode()


def test_export_has_typed_cells_and_the_totals_row_of_the_filtered_list(get) -> None:
    for index in range(6):
        registry.unit(building="1" if index < 4 else "2", room=f"{101 + index}", area=f"{100 + index}.25")
    response = get(unit_page(sheet="房屋:面积/清单"), "building=1&export=xlsx")
    book = load_workbook(io.BytesIO(response.content))
    table = book.worksheets[0]
    assert table.title == "房屋面积清单" and table.freeze_panes == "A2"
    area = table["B2"]
    assert area.data_type == "n" and area.number_format == "#,##0.00"
    body = list(table.iter_rows(min_row=2, max_row=table.max_row - 1))
    assert len(body) == 4  # the filtered rows, then the 合计 row
    total = [cell for cell in table[table.max_row]]
    assert total[0].value == "合计" and total[2].value is None  # 楼层 declares no total
    assert total[1].value == pytest.approx(sum(row[1].value for row in body)) and total[1].value == 407
    assert total[1].number_format == "#,##0.00"
    assert table.column_dimensions["A"].width >= 10  # as wide as the codes
    # A list leaving its 合计 row out leaves it out of the file too.
    plain = load_workbook(io.BytesIO(get(unit_page(totals=False), "building=1&export=xlsx").content)).worksheets[0]
    assert plain.max_row == 5 and plain["A5"].value != "合计"


# --- export -------------------------------------------------------------------------------------------


def test_export_holds_the_rows_of_the_page_in_its_order(get, persons) -> None:
    query = "q=zs&sort=-phone"
    page = rows(get(person_page(), query))
    exported = sheet(get(person_page(), query + "&export=xlsx"))
    assert exported[0] == ["姓名", "证件号码", "电话", "出生日期"]
    assert [row[:3] for row in exported[1:]] == [row[:3] for row in page]
    assert [row[3].date().isoformat() for row in exported[1:]] == [row[3] for row in page]


def test_export_needs_the_export_permission_and_is_audited(get, persons) -> None:
    with pytest.raises(PermissionDenied):
        get(person_page(), "export=xlsx", role="finance")
    assert "export=xlsx" not in get(person_page(), role="finance").content.decode()
    assert 'href="?export=xlsx"' in get(person_page(), role="information").content.decode()
    response = get(person_page(), "q=zs&export=xlsx", role="information")
    # The file is named with the day (RFC 5987 filename* for the Chinese name, an ASCII fallback).
    day = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == (
        f"attachment; filename=\"export.xlsx\"; filename*=UTF-8''{quote(f'人员测试_{day}.xlsx')}"
    )
    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
    assert event.model == "人员测试" and event.note == "q=zs&export=xlsx"


def test_a_list_without_a_file_name_has_no_export(get, persons) -> None:
    page = person_page(filename=None)
    response = get(page, "export=xlsx")
    assert response["Content-Type"].startswith("text/html")
    assert 'href="?export=xlsx"' not in response.content.decode()


def test_export_columns_may_differ_from_the_page(get, persons) -> None:
    page = person_page(
        columns=[
            Column("姓名", lambda p: Link(p.name, "/"), "name", export_label="NAME", export_value=lambda p: p.pk),
            Column("页面", lambda p: "page only", export=False),
            Column("", lambda p: "file only", page=False, export_label="FILE"),
        ]
    )
    assert rows(get(page, "q=李"))[0] == ["李四", "page only"]
    assert sheet(get(page, "q=李&export=xlsx")) == [["NAME", "FILE"], [persons[2].pk, "file only"]]


def test_id_numbers_are_masked_on_the_page_and_in_the_export_without_see_id(get, persons) -> None:
    number = persons[0].id_number
    for role, shown in (("housing", number), ("information", mask_id(number))):
        assert rows(get(person_page(), "q=张三", role=role))[0][1] == shown
        assert sheet(get(person_page(), "q=张三&export=xlsx", role=role))[1][1] == shown
    # A row whose value is not a person's ID number (an enterprise's credit code) stays as it is.
    page = person_page(columns=[IdColumn("号码", lambda p: p.id_number, masks=lambda p: p.name != "张三")])
    assert rows(get(page, "q=张", role="information")) == [[number], [mask_id(persons[1].id_number)]]


# --- batch selection ------------------------------------------------------------------------------------


def test_batch_selection_markup_needs_the_actions_permission(get, persons) -> None:
    page = person_page(batch=[BatchAction("合并", "/merge/", perm="handle")])
    html = get(page, "q=zs").content.decode()
    assert '<form method="post" id="batch-form"' in html and 'name="csrfmiddlewaretoken"' in html
    assert '<button type="submit" formaction="/merge/">合并</button>' in html
    assert 'class="select-all"' in html
    boxes = re.findall(r'<input type="checkbox" name="ids" value="(\d+)" form="batch-form"', html)
    assert boxes == [str(persons[0].pk), str(persons[1].pk)]
    assert '<input type="hidden" name="next" value="/list/?q=zs">' in html
    # finance may only view the registry: no checkboxes, no form.
    html = get(page, "q=zs", role="finance").content.decode()
    assert "batch-form" not in html and "select-all" not in html


def test_cells_escape_text_and_format_numbers(get) -> None:
    Person.objects.create(name="<b>张</b>", id_number=registry.resident_id(seq=7), phone="13800138000")
    page = person_page(columns=[Column("姓名", lambda p: p.name), Column("金额", lambda p: Decimal("1234567.5"))])
    html = get(page).content.decode()
    assert "&lt;b&gt;张&lt;/b&gt;" in html and '<td class="num">1,234,567.50</td>' in html
    assert '<th class="num">金额</th>' in html


def test_a_row_of_a_template_cell_renders_its_other_cells_as_a_row_without_one(get) -> None:
    """Rows without a template cell are written as one string; rows with one cell by cell: same markup."""
    Person.objects.create(name="<b>张</b>", id_number=registry.resident_id(seq=7), phone="13800138000")
    plain = [
        Column("姓名", lambda p: p.name),
        Column("金额", lambda p: Decimal("1234567.5")),
        Column("空", lambda p: None),
    ]
    status = Column("状态", lambda p: "已报<i>", template="lifts/_claim_status.html")
    without = get(person_page(columns=plain)).content.decode()
    with_template = get(person_page(columns=[*plain, status])).content.decode()
    cells = '<td>&lt;b&gt;张&lt;/b&gt;</td><td class="num">1,234,567.50</td><td></td>'
    assert f"{cells}</tr>" in without
    assert f"{cells}<td>已报&lt;i&gt;\n</td></tr>" in with_template


def test_a_link_column_links_each_record_to_its_page_sorts_by_its_field_and_exports_the_text(get, persons) -> None:
    page = person_page(columns=[link_column("姓名", "name", "registry:person"), Column("电话", lambda p: p.phone)])
    html = get(page, "sort=-name").content.decode()
    ordered = sorted(persons, key=lambda p: p.name, reverse=True)
    assert [row[0] for row in rows(get(page, "sort=-name"))] == [p.name for p in ordered]
    assert f'href="/registry/persons/{ordered[0].pk}/"' in html
    assert [row[0] for row in sheet(get(page, "sort=-name&export=xlsx"))[1:]] == [p.name for p in ordered]
    by_code = link_column("编码", "id_number", "registry:unit", key="id_number")
    assert by_code.sort == "id_number" and by_code.value(persons[0]).text == persons[0].id_number


# --- bounded pages: capped count, clamped page, per-row aggregates of the shown rows only ----------------


def test_a_page_far_beyond_the_last_or_of_a_huge_size_clamps(get) -> None:
    for seq in range(1, 61):
        Person.objects.create(name=f"人{seq:02d}", id_number=registry.resident_id(seq=seq))
    last = get(person_page(), "page=2").content.decode()
    for query in (f"page={10**9}", f"page={'9' * 5000}", "page=-3", "page=1e9"):
        response = get(person_page(), query)
        assert response.status_code == 200
        shown = names(response)
        assert shown in (names(get(person_page(), "page=1")), [row[0] for row in rows_of(last)]), query
    assert names(get(person_page(), f"page={10**9}")) == [f"人{seq:02d}" for seq in range(51, 61)]
    assert len(rows(get(person_page(), f"per={10**6}"))) == 50


def rows_of(html: str) -> list[list[str]]:
    response = HttpResponse(html)
    return rows(response)


def test_the_count_stops_at_the_cap_and_pages_no_further(get, monkeypatch: pytest.MonkeyPatch) -> None:
    from anju.core.listing import page as page_module

    for seq in range(1, 31):
        Person.objects.create(name=f"人{seq:02d}", id_number=registry.resident_id(seq=seq))
    monkeypatch.setattr(page_module, "COUNT_CAP", 25)
    html = get(person_page(), "per=20").content.decode()
    assert "超过 25 条记录" in html and "共 30 条记录" not in html
    # Two pages of 20 reach the cap; page 3 (and page 10**9) clamps to the second, which stops at the cap.
    assert 'href="?per=20&amp;page=2"' in html and "page=3" not in html
    with CaptureQueriesContext(connection) as captured:
        far = get(person_page(), f"per=20&page={10**9}")
    assert names(far) == [f"人{seq:02d}" for seq in range(21, 26)]
    sql = [q["sql"] for q in captured.captured_queries]
    assert any("LIMIT 26" in s for s in sql), sql  # the count reads at most cap + 1 rows
    # Under the cap the count is exact.
    monkeypatch.setattr(page_module, "COUNT_CAP", 30)
    assert "共 30 条记录" in get(person_page(), "per=20").content.decode()


def owned_page(**overrides: Any) -> ListPage:
    from django.db.models import Count, Q

    return person_page(
        columns=[Column("姓名", lambda p: p.name, "name"), Column("名下房屋", lambda p: p.unit_count, "unit_count")],
        per_row={"unit_count": Count("ownerships", filter=Q(ownerships__end__isnull=True))},
        **overrides,
    )


def test_per_row_aggregates_are_computed_for_the_shown_rows_in_one_query(get) -> None:
    from django.db.models import Count, Q

    owners = [registry.person(name=f"业主{i:02d}", seq=i + 1) for i in range(8)]
    for i, owner in enumerate(owners):
        for room in range(i % 3):
            registry.unit(building=str(i + 1), room=str(101 + room), owner=owner)
    expected = {
        p.name: str(p.n) for p in Person.objects.annotate(n=Count("ownerships", filter=Q(ownerships__end__isnull=True)))
    }
    with CaptureQueriesContext(connection) as captured:
        response = get(owned_page(), "per=20")
    shown = rows(response)
    assert {name: count for name, count in shown} == expected
    grouped = [q["sql"] for q in captured.captured_queries if "COUNT(" in q["sql"] and "GROUP BY" in q["sql"]]
    assert len(grouped) == 1 and " IN (" in grouped[0]
    # Sorting by the aggregate orders the whole list by it (each row keeps its figure).
    by_count = rows(get(owned_page(), "sort=-unit_count&per=20"))
    assert [int(count) for _name, count in by_count] == sorted((int(c) for c in expected.values()), reverse=True)
    assert {name: count for name, count in by_count} == expected
    # The export carries the same figures.
    exported = sheet(get(owned_page(), "export=xlsx"))
    assert {row[0]: str(row[1]) for row in exported[1:]} == expected
