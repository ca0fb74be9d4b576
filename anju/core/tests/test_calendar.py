"""The holiday calendar kept as data: the seeded rows, the stored calendar behind `anju.lib.dates`
(reloaded when the tables change), the administrator's page, the import and the to-do."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
import sys
from collections.abc import Callable, Iterator

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from anju.core import calendar
from anju.core.models import AuditEvent, CalendarDay, CalendarYear
from anju.core.roles import DEFAULT_ROLES
from anju.lib import dates
from anju.lib.dates import CalendarError, CalendarMissing
from anju.lib.tabular import ImportRejected
from anju.lib.xlsx import rows_bytes

pytestmark = pytest.mark.django_db
D = dt.date
HOLIDAY, WORKDAY = CalendarDay.Kind.HOLIDAY, CalendarDay.Kind.WORKDAY


def span(first: dt.date, last: dt.date) -> set[dt.date]:
    return {first + dt.timedelta(days=i) for i in range((last - first).days + 1)}


@pytest.fixture(autouse=True)
def fresh_cache() -> Iterator[None]:
    # Each test starts from the seeded tables; the cache must not carry a rolled-back test's rows.
    calendar._cache = None
    yield
    calendar._cache = None


# --- the data migration ----------------------------------------------------------------------------


def test_seeded_2024_matches_the_state_council_notice() -> None:
    rows = {d.date: d for d in CalendarDay.objects.filter(date__year=2024)}
    holidays = {day for day, row in rows.items() if row.kind == HOLIDAY}
    workdays = {day for day, row in rows.items() if row.kind == WORKDAY}
    assert holidays == (
        {D(2024, 1, 1), D(2024, 6, 10)}
        | span(D(2024, 2, 10), D(2024, 2, 17))
        | span(D(2024, 4, 4), D(2024, 4, 6))
        | span(D(2024, 5, 1), D(2024, 5, 5))
        | span(D(2024, 9, 15), D(2024, 9, 17))
        | span(D(2024, 10, 1), D(2024, 10, 7))
    )
    assert workdays == {
        D(2024, m, d) for m, d in [(2, 4), (2, 18), (4, 7), (4, 28), (5, 11), (9, 14), (9, 29), (10, 12)]
    }
    assert rows[D(2024, 2, 4)].name == rows[D(2024, 2, 18)].name == "春节"  # 调休 working Sundays
    assert {rows[d].name for d in span(D(2024, 10, 1), D(2024, 10, 7))} == {"国庆"}
    assert rows[D(2024, 4, 4)].name == "清明" and rows[D(2024, 6, 10)].name == "端午"
    assert rows[D(2024, 1, 1)].source.startswith("chinesecalendar ")


def test_seeded_2023_matches_the_state_council_notice() -> None:
    rows = {d.date: d for d in CalendarDay.objects.filter(date__year=2023)}
    holidays = {day for day, row in rows.items() if row.kind == HOLIDAY}
    workdays = {day for day, row in rows.items() if row.kind == WORKDAY}
    assert holidays == (
        span(D(2023, 1, 1), D(2023, 1, 2))
        | span(D(2023, 1, 21), D(2023, 1, 27))
        | {D(2023, 4, 5)}
        | span(D(2023, 4, 29), D(2023, 5, 3))
        | span(D(2023, 6, 22), D(2023, 6, 24))
        | span(D(2023, 9, 29), D(2023, 10, 6))
        | span(D(2023, 12, 30), D(2023, 12, 31))  # the weekend that opens 2024's 元旦
    )
    assert workdays == {D(2023, m, d) for m, d in [(1, 28), (1, 29), (4, 23), (5, 6), (6, 25), (10, 7), (10, 8)]}
    assert CalendarDay.objects.get(date=D(2022, 12, 31)).name == "元旦"
    # One holiday period joining two festivals carries both names, and so do its 调休 days.
    assert {rows[d].name for d in span(D(2023, 9, 29), D(2023, 10, 8))} == {"中秋国庆"}


def test_seeded_years_are_2004_to_2026_and_the_stored_calendar_counts_working_days() -> None:
    assert list(CalendarYear.objects.values_list("year", flat=True)) == list(range(2004, 2027))
    stored = calendar.stored_calendar()
    assert dates.count_working_days(D(2022, 12, 31), D(2023, 12, 31), stored) == 249
    assert dates.count_working_days(D(2023, 12, 31), D(2024, 12, 31), stored) == 251
    with pytest.raises(CalendarMissing, match="尚未录入2027年的节假日安排"):
        dates.is_working_day(D(2027, 1, 4))


def test_the_running_app_does_not_import_the_calendar_package() -> None:
    code = "import sys, django; django.setup(); import anju.urls, anju.api; print('chinese_calendar' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


# --- the stored calendar as the default --------------------------------------------------------------


@pytest.mark.parametrize(
    ("compute", "expected"),
    [
        (lambda: dates.roll_forward(dates.add_years(D(2009, 10, 1), 15)), D(2024, 10, 8)),
        (lambda: dates.roll_forward(dates.add_years(D(2009, 2, 16), 15)), D(2024, 2, 18)),
        (lambda: dates.add_working_days(D(2024, 9, 27), 5), D(2024, 10, 10)),
        (lambda: dates.add_working_days(D(2024, 4, 3), 5), D(2024, 4, 11)),
        (lambda: dates.add_working_days(D(2024, 4, 26), 5), D(2024, 5, 7)),
        (lambda: dates.add_days(D(2024, 3, 1), 60), D(2024, 4, 30)),
        (lambda: dates.add_days(D(2024, 8, 2), 60), D(2024, 10, 8)),
        (lambda: dates.add_days(D(2024, 2, 1), 15), D(2024, 2, 18)),
    ],
)
def test_domain_examples_on_the_stored_calendar(compute: Callable[[], dt.date], expected: dt.date) -> None:
    assert compute() == expected


def test_the_calendar_is_loaded_once_and_then_costs_one_stamp_query(django_assert_num_queries) -> None:
    with django_assert_num_queries(3):  # stamp, years, days
        first = calendar.stored_calendar()
    with django_assert_num_queries(1):
        assert calendar.stored_calendar() is first


def test_an_edit_counts_at_once_without_a_restart(make_user) -> None:
    admin = make_user("cal", "admin")
    assert dates.add_days(D(2024, 8, 2), 60) == D(2024, 10, 8)
    day = calendar.add_calendar_day(admin, date=D(2024, 10, 8), kind=HOLIDAY, name="测试", source="测试通知")
    assert dates.add_days(D(2024, 8, 2), 60) == D(2024, 10, 9)
    calendar.remove_calendar_day(admin, day)
    assert dates.add_days(D(2024, 8, 2), 60) == D(2024, 10, 8)
    calendar.reopen_calendar_year(admin, CalendarYear.objects.get(year=2024))
    with pytest.raises(CalendarMissing, match="2024年"):
        dates.add_days(D(2024, 8, 2), 60)
    calendar.mark_calendar_year_complete(admin, 2024, source="国办发明电〔2023〕7号")
    assert dates.add_days(D(2024, 8, 2), 60) == D(2024, 10, 8)


def test_a_change_made_by_another_process_is_seen_too() -> None:
    assert dates.add_working_days(D(2024, 9, 27), 5) == D(2024, 10, 10)
    # Another process's write: no action, no signal in this process, only the tables change.
    CalendarDay.objects.filter(date=D(2024, 9, 29)).delete()
    assert dates.add_working_days(D(2024, 9, 27), 5) == D(2024, 10, 11)
    CalendarDay.objects.create(date=D(2024, 10, 8), kind=HOLIDAY, name="测试", source="x")
    assert dates.add_working_days(D(2024, 9, 27), 5) == D(2024, 10, 12)


# --- actions -------------------------------------------------------------------------------------------


def test_actions_refuse_what_the_rules_forbid(make_user) -> None:
    admin = make_user("cal", "admin")
    with pytest.raises(CalendarError, match="调休上班日应为周六或周日") as raised:
        calendar.add_calendar_day(admin, date=D(2027, 1, 4), kind=WORKDAY, name="春节", source="x")
    assert raised.value.code == "calendar.workday_not_weekend"
    with pytest.raises(CalendarError, match="已有安排") as raised:
        calendar.add_calendar_day(admin, date=D(2024, 10, 1), kind=HOLIDAY, name="国庆", source="x")
    assert raised.value.code == "calendar.day_exists"
    with pytest.raises(CalendarError, match="2027年还没有录入任何放假日") as raised:
        calendar.mark_calendar_year_complete(admin, 2027, source="x")
    assert raised.value.code == "calendar.year_empty"
    assert not CalendarYear.objects.filter(year=2027).exists()
    assert not AuditEvent.objects.filter(model__startswith="core.Calendar").exists()


# --- the page ------------------------------------------------------------------------------------------


def role_grants(code: str, permission: str) -> bool:
    spec = next(r for r in DEFAULT_ROLES if r["code"] == code)
    perms = spec["permissions"]
    assert isinstance(perms, list)
    action = permission.split(":")[1]
    return permission in perms or f"*:{action}" in perms


PAGES = [
    ("/calendar/?year=2024", "calendar:view"),
    ("/calendar/import/", "calendar:handle"),
    ("/calendar/import/template.xlsx", "calendar:handle"),
]
POSTS = ["/calendar/days/add/", "/calendar/days/1/remove/", "/calendar/2024/complete/", "/calendar/2024/reopen/"]


@pytest.mark.parametrize("path", [p for p, _ in PAGES] + POSTS)
def test_anonymous_is_sent_to_login(client: Client, path: str) -> None:
    response = client.post(path) if path in POSTS else client.get(path)
    assert response.status_code == 302 and response.url.startswith("/login/")


@pytest.mark.parametrize("role", [r["code"] for r in DEFAULT_ROLES])
def test_each_role_reaches_exactly_what_it_is_granted(client_for, role: str) -> None:
    client = client_for(role)
    for path, permission in PAGES:
        assert client.get(path).status_code == (200 if role_grants(role, permission) else 403), (role, path)
    if role != "admin":
        day = CalendarDay.objects.get(date=D(2024, 10, 1))
        for path in [f"/calendar/days/{day.pk}/remove/", "/calendar/2024/reopen/"]:
            assert client.post(path).status_code == 403, (role, path)
        assert CalendarDay.objects.filter(pk=day.pk).exists() and CalendarYear.objects.filter(year=2024).exists()


def test_admin_sees_the_year_in_a_fixed_number_of_queries(client_for, django_assert_num_queries) -> None:
    admin = client_for("admin")
    admin.get("/calendar/?year=2024")
    # session, user, roles (for the permission set and the top bar), days, years, years with rows
    # (the session is saved at most once a minute, not on this request)
    with django_assert_num_queries(6):
        response = admin.get("/calendar/?year=2024")
    page = response.content.decode()
    assert "2024年节假日安排" in page and "已完整" in page
    assert '<dd id="working-days">251</dd>' in page
    assert page.count('class="tag tag-workday"') == 8 and page.count('class="tag tag-holiday"') == 28
    assert "2024-02-18</td><td>周日</td>" in page


def test_admin_adds_and_removes_a_day_and_each_change_is_audited(client_for) -> None:
    admin = client_for("admin")
    response = admin.post(
        reverse("core:calendar_day_add"),
        {"year": "2027", "date": "2027-01-01", "kind": HOLIDAY, "name": "元旦", "source": "国办发明电〔2026〕1号"},
    )
    assert response.status_code == 302 and response.url == "/calendar/?year=2027"
    day = CalendarDay.objects.get(date=D(2027, 1, 1))
    created = AuditEvent.objects.get(model="core.CalendarDay", action=AuditEvent.Action.CREATE)
    assert created.actor == admin.user and created.after == {
        "date": "2027-01-01",
        "kind": "holiday",
        "name": "元旦",
        "source": "国办发明电〔2026〕1号",
    }
    page = admin.get("/calendar/?year=2027").content.decode()
    assert "未完整" in page and "元旦" in page and 'id="working-days"' not in page
    admin.post(reverse("core:calendar_day_remove", args=[day.pk]))
    assert not CalendarDay.objects.filter(date=D(2027, 1, 1)).exists()
    removed = AuditEvent.objects.get(model="core.CalendarDay", action=AuditEvent.Action.DELETE)
    assert removed.before is not None and removed.before["name"] == "元旦"


def test_a_weekday_workday_is_refused_with_a_form_message(client_for) -> None:
    admin = client_for("admin")
    response = admin.post(
        reverse("core:calendar_day_add"),
        {"year": "2027", "date": "2027-01-04", "kind": WORKDAY, "name": "春节", "source": "x"},
    )
    assert response.status_code == 400
    assert "调休上班日应为周六或周日：2027-01-04是周一" in response.content.decode()
    assert not CalendarDay.objects.filter(date__year=2027).exists()


def test_admin_marks_a_year_complete_and_withdraws_the_mark(client_for) -> None:
    admin = client_for("admin")
    response = admin.post(reverse("core:calendar_year_complete", args=[2027]), {"source": "国办发明电〔2026〕1号"})
    assert response.status_code == 400 and "2027年还没有录入任何放假日" in response.content.decode()
    CalendarDay.objects.create(date=D(2027, 1, 1), kind=HOLIDAY, name="元旦", source="x")
    admin.post(reverse("core:calendar_year_complete", args=[2027]), {"source": "国办发明电〔2026〕1号"})
    assert CalendarYear.objects.get(year=2027).source == "国办发明电〔2026〕1号"
    assert dates.is_working_day(D(2027, 1, 4))
    admin.post(reverse("core:calendar_year_reopen", args=[2027]))
    assert not CalendarYear.objects.filter(year=2027).exists()
    actions = list(AuditEvent.objects.filter(model="core.CalendarYear").values_list("action", flat=True))
    assert sorted(actions) == ["create", "delete"]


# --- the import ----------------------------------------------------------------------------------------


def csv_file(text: str, name: str = "2027.csv") -> io.BytesIO:
    upload = io.BytesIO(text.encode("utf-8"))
    upload.name = name
    return upload


def xlsx_file(rows: list[list[object]]) -> io.BytesIO:
    upload = io.BytesIO(rows_bytes([["日期", "类型", "名称"], *rows]))
    upload.name = "2027.xlsx"
    return upload


def test_import_replaces_the_year_marks_it_complete_and_writes_one_audit_event(client_for) -> None:
    admin = client_for("admin")
    CalendarDay.objects.create(date=D(2027, 3, 1), kind=HOLIDAY, name="旧", source="x")
    upload = xlsx_file([[D(2027, 1, 1), "放假", "元旦"], ["2027-02-07", "调休上班", "春节"]])
    response = admin.post(
        reverse("core:calendar_import"),
        {"year": "2027", "source": "国办发明电〔2026〕1号", "file": upload, "complete": "on"},
    )
    assert response.status_code == 302 and response.url == "/calendar/?year=2027"
    rows = list(CalendarDay.objects.filter(date__year=2027).values_list("date", "kind", "name", "source"))
    assert rows == [
        (D(2027, 1, 1), HOLIDAY, "元旦", "国办发明电〔2026〕1号"),
        (D(2027, 2, 7), WORKDAY, "春节", "国办发明电〔2026〕1号"),
    ]
    assert CalendarYear.objects.get(year=2027).source == "国办发明电〔2026〕1号"
    event = AuditEvent.objects.get(action=AuditEvent.Action.IMPORT)
    assert event.model == "core.CalendarDay" and event.object_id == "2027" and event.note == "2027.xlsx"
    assert event.after == {
        "year": 2027,
        "source": "国办发明电〔2026〕1号",
        "holidays": 1,
        "workdays": 1,
        "replaced": 1,
        "complete": True,
    }
    assert dates.add_working_days(D(2027, 2, 5), 1) == D(2027, 2, 7)  # the imported 调休 Sunday counts


def test_a_bad_file_names_each_row_and_column_and_writes_nothing(client_for) -> None:
    admin = client_for("admin")
    before = list(CalendarDay.objects.values_list("date", "kind", "name"))
    text = (
        "日期,类型,名称\n"
        "2027-01-01,放假,元旦\n"
        "2027-13-01,放假,春节\n"
        "2026-12-31,放假,元旦\n"
        "2027-01-01,放假,元旦\n"
        "2027-01-04,调休上班,春节\n"
        "2027-02-06,休息,春节\n"
        "2027-02-08,放假,\n"
    )
    response = admin.post(
        reverse("core:calendar_import"),
        {"year": "2027", "source": "x", "file": csv_file(text), "complete": "on"},
    )
    assert response.status_code == 200
    errors = [(e.row, e.column, e.message) for e in response.context["errors"]]
    assert errors == [
        (3, "日期", "日期格式错误：2027-13-01（应如 2027-01-01）"),
        (4, "日期", "日期不在2027年内：2026-12-31"),
        (5, "日期", "日期与第2行重复：2027-01-01"),
        (6, "类型", "调休上班日应为周六或周日：2027-01-04是周一"),
        (7, "类型", "类型应为“放假”或“调休上班”，而不是“休息”"),
        (8, "名称", "名称不能为空"),
    ]
    page = response.content.decode()
    assert "未导入任何数据" in page and "日期与第2行重复" in page
    assert list(CalendarDay.objects.values_list("date", "kind", "name")) == before
    assert not CalendarYear.objects.filter(year=2027).exists()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.IMPORT).exists()


def test_a_file_without_holidays_is_refused() -> None:
    with pytest.raises(ImportRejected) as raised:
        calendar.import_calendar_year(
            None, 2027, "x.csv", "日期,类型,名称\n2027-02-07,调休上班,春节\n".encode(), source="x", complete=False
        )
    assert [(e.row, e.message) for e in raised.value.errors] == [(0, "文件中没有2027年的放假日")]


def test_the_import_template_has_the_headers(client_for) -> None:
    response = client_for("admin").get(reverse("core:calendar_import_template"))
    workbook = load_workbook(io.BytesIO(response.content))
    assert [c.value for c in workbook.worksheets[0][1]] == ["日期", "类型", "名称"]
    assert workbook.worksheets[1].title == "说明"


# --- the to-do -----------------------------------------------------------------------------------------


def test_next_year_is_a_todo_from_november_until_it_is_complete(make_user, monkeypatch) -> None:
    admin = make_user("cal", "admin")
    monkeypatch.setattr(calendar.timezone, "localdate", lambda: D(2026, 10, 31))
    assert calendar.calendar_todo(admin) == []
    monkeypatch.setattr(calendar.timezone, "localdate", lambda: D(2026, 11, 1))
    [todo] = calendar.calendar_todo(admin)
    assert todo.title == "录入2027年节假日安排" and todo.url == "/calendar/?year=2027"
    assert calendar.calendar_todo(make_user("off", "office")) == []
    CalendarDay.objects.create(date=D(2027, 1, 1), kind=HOLIDAY, name="元旦", source="x")
    calendar.mark_calendar_year_complete(admin, 2027, source="x")
    assert calendar.calendar_todo(admin) == []
