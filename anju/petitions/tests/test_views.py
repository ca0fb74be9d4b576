"""Petitions' pages as each role: the overview, the board, the lists with filters and export, registering a
case, a case's page with its steps, masked identities and the audited reveal, notices in Word and PDF,
campaigns and the rules page."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from anju.core.models import AuditEvent, CalendarYear, User
from anju.petitions import actions
from anju.petitions.models import Case, DeadlineRule
from anju.petitions.tests import factories as f

pytestmark = pytest.mark.django_db
D = dt.date


def test_the_overview_and_board(client_for: Callable[..., Client]) -> None:
    client = client_for("office")
    late = f.assigned(client.user, D(2024, 3, 1))  # type: ignore[attr-defined]
    page = client.get("/petitions/?year=2023")
    assert page.status_code == 200 and "网络舆情事项" in page.content.decode()
    board = client.get("/petitions/board/?state=overdue")
    assert board.status_code == 200 and late.number in board.content.decode()
    assert late.number not in client.get("/petitions/board/?state=on_time").content.decode()
    # A case received today is due in 15 days: next year's calendar (no holidays) may be needed.
    CalendarYear.objects.get_or_create(year=timezone.localdate().year + 1, defaults={"source": "test"})
    on_time = f.case(received=timezone.localdate(), phone="13900000003")
    overdue_list = client.get("/petitions/cases/?overdue=1").content.decode()
    assert late.number in overdue_list and on_time.number not in overdue_list
    assert client.get("/petitions/board/?state=on_time&export=xlsx").status_code == 200


def test_registering_a_case_from_the_page(client_for: Callable[..., Client]) -> None:
    client = client_for("office")
    answer = client.post(
        "/petitions/cases/new/",
        {
            "channel": f.channel("visit").pk, "reference": "", "received_at": "2024-03-01T09:30",
            "category": "rental", "subject": "公租房维修", "content": "屋顶漏水",
            "petitioners": "王建国 13907451234\n李四",
            "head_count": 1,
        },
    )  # fmt: skip
    case = Case.objects.get()
    assert answer.status_code == 302 and answer["Location"] == f"/petitions/cases/{case.pk}/"
    assert case.head_count == 2 and case.petitioners.count() == 2
    refused = client.post(
        "/petitions/cases/new/",
        {"channel": f.channel("visit").pk, "received_at": "2099-03-01T09:30", "category": "rental", "subject": "x",
         "content": "y", "head_count": 1},
    )  # fmt: skip
    assert refused.status_code == 200 and "晚于现在" in refused.content.decode()


def test_a_case_page_masks_identities_and_audits_the_reveal(client_for: Callable[..., Client]) -> None:
    case = f.case(name="王建国", phone="13907451234")
    finance = client_for("finance")
    assert finance.get(f"/petitions/cases/{case.pk}/").status_code == 403
    leader = client_for("leadership")
    page = leader.get(f"/petitions/cases/{case.pk}/").content.decode()
    assert "王**" in page and "139****1234" in page and "王建国" not in page
    shown = leader.get(f"/petitions/cases/{case.pk}/?identity=1").content.decode()
    assert "王建国" in shown and "13907451234" in shown
    assert AuditEvent.objects.filter(actor=leader.user, note__contains="信访人身份").count() == 1  # type: ignore[attr-defined]
    listing = leader.get("/petitions/cases/").content.decode()
    assert "王**" in listing and "王建国" not in listing


def test_the_handler_of_another_department_sees_and_works_only_their_case(
    client_for: Callable[..., Client], make_user: Callable[..., User]
) -> None:
    station = client_for("station")
    mine = f.assigned(station.user, D(2024, 3, 1), category="termite")  # type: ignore[attr-defined]
    other = f.case(phone="13900000000")
    assert station.get(f"/petitions/cases/{other.pk}/").status_code == 403
    assert "王建国" in station.get(f"/petitions/cases/{mine.pk}/?identity=1").content.decode()
    answer = station.post(f"/petitions/cases/{mine.pk}/", {"step": "reply", "on": "2024-03-05", "text": "已灭治"})
    assert answer.status_code == 302 and Case.objects.get(pk=mine.pk).status == "replied"
    assert station.get("/petitions/cases/").status_code == 403  # the lists are the petitions role's
    mine_page = station.get("/petitions/mine/").content.decode()
    assert mine.number in mine_page and other.number not in mine_page


def _post(client: Client, case: Case, **data: Any) -> str:
    answer = client.post(f"/petitions/cases/{case.pk}/", data)
    return answer.content.decode() if answer.status_code == 200 else ""


def test_the_steps_from_the_case_page(client_for: Callable[..., Client]) -> None:
    office, leader = client_for("office"), client_for("leadership")
    case = f.case(received=D(2024, 3, 1))
    _post(office, case, step="accept", on="2024-03-01", note="")
    _post(office, case, step="assign", handler=office.user.pk, on="2024-03-02", note="")  # type: ignore[attr-defined]
    assert "延期须由中心领导审批" not in _post(leader, case, step="extend", days=30, reason="复杂")
    assert _post(leader, case, step="extend", days=5, reason="再延").count("只能延期一次") == 1
    assert office.post(f"/petitions/cases/{case.pk}/", {"step": "extend", "days": 5, "reason": "x"}).status_code == 403
    _post(office, case, step="contact", at="2024-03-05T10:00", method="phone", contacted="王建国", summary="解释政策")
    _post(office, case, step="reply", on="2024-03-20", text="答复内容")
    assert "办结方式" in _post(office, case, step="close", on="2024-03-21", kind="", satisfaction="")
    _post(office, case, step="close", on="2024-03-21", kind="procedural", satisfaction="basically")
    case.refresh_from_db()
    assert (case.status, case.closure_kind, case.extension_days) == ("closed", "procedural", 30)
    page = office.get(f"/petitions/cases/{case.pk}/").content.decode()
    assert "延期30" in page or "延期" in page
    for kind in ("acceptance", "reply"):
        word = office.get(f"/petitions/cases/{case.pk}/{kind}.docx")
        assert word.status_code == 200 and word.content[:2] == b"PK"
    assert office.get(f"/petitions/cases/{case.pk}/rejection.docx").status_code == 404


def test_the_pdf_notice(client_for: Callable[..., Client]) -> None:
    office = client_for("office")
    case = actions.reject_case(None, f.case(), on=D(2024, 3, 2), reason="不属于本单位职责")
    answer = office.get(f"/petitions/cases/{case.pk}/rejection.pdf")
    assert answer.status_code == 200 and answer.content[:4] == b"%PDF"


def test_lists_filter_and_export(client_for: Callable[..., Client]) -> None:
    office = client_for("office")
    f.case("hotline12345", D(2023, 5, 4), reference="GD1")
    f.case("letter", D(2023, 5, 4), phone="13900000009")
    online = office.get("/petitions/cases/?kind=online&year=2023").content.decode()
    assert "GD1" in online and online.count("XF2023-") == 1
    export = office.get("/petitions/cases/?year=2023&export=xlsx")
    assert export.status_code == 200 and export.content[:2] == b"PK"


def test_campaigns_and_rules_pages(client_for: Callable[..., Client]) -> None:
    office, leader = client_for("office"), client_for("leadership")
    handler = office.user  # type: ignore[attr-defined]
    case = f.closed(handler, "procedural")
    answer = office.post(
        "/petitions/campaigns/",
        {
            "name": "百日攻坚",
            "starts_on": "2024-03-01",
            "ends_on": "2024-06-08",
            "target": "实体办结",
            "numbers": case.number,
        },
    )
    assert answer.status_code == 302
    assert "1" in office.get(answer["Location"]).content.decode()
    rule = {"channel": f.channel("letter").pk, "step": "complete", "amount": 30, "unit": "calendar",
            "start": "accepted", "effective_from": "2025-01-01", "source": "新规定"}  # fmt: skip
    assert office.post("/petitions/channels/", rule).status_code == 403
    assert leader.post("/petitions/channels/", rule).status_code == 302
    assert DeadlineRule.objects.filter(effective_from=D(2025, 1, 1), amount=30).exists()


def test_todos(client_for: Callable[..., Client]) -> None:
    from anju.petitions.todos import petition_todos

    office = client_for("office")
    f.case()
    f.assigned(office.user, D(2024, 3, 1), phone="13900000001")  # type: ignore[attr-defined]
    todos = petition_todos(office.user)  # type: ignore[attr-defined]
    # Mine (1), to accept or decline (1), overdue (both: the 2024 deadlines have passed).
    assert [(t.url.split("/petitions/")[1], t.count) for t in todos] == [
        ("mine/?status=assigned", 1),
        ("cases/?status=registered", 1),
        ("board/?state=overdue", 2),
    ]
    assert petition_todos(client_for("finance").user) == []  # type: ignore[attr-defined]


def test_every_kpi_links_to_its_records(client_for: Callable[..., Client]) -> None:
    from anju.core import kpis

    leader = client_for("leadership")
    f.closed(leader.user, "procedural", D(2023, 5, 4), code="inspection")  # type: ignore[attr-defined]
    for kpi in kpis.all_kpis("petitions"):
        assert kpi.records_url is not None and kpi.records is not None, kpi.code
        page = leader.get(kpi.records_url(2023))
        assert page.status_code == 200, kpi.code
        # The report's KPI page sends a reader on to the line's list of the records.
        assert leader.get(f"/performance/kpi/{kpi.code}/2023/")["Location"] == kpi.records_url(2023), kpi.code
    procedural = leader.get(kpis.get("petitions.referrals_procedural").records_url(2023))  # type: ignore[misc]
    assert "XF2023-00001" in procedural.content.decode()


def test_adverse_public_opinion_incidents(client_for: Callable[..., Client]) -> None:
    from anju.core import kpis

    office, leader = client_for("office"), client_for("leadership")
    incident = {
        "occurred_on": "2024-06-03",
        "title": "小区电梯事故视频传播",
        "platform": "抖音",
        "description": "视频称物业不作为",
    }
    assert leader.post("/petitions/", incident).status_code == 403
    refused = office.post("/petitions/", {**incident, "occurred_on": "2099-01-01"})
    assert refused.status_code == 200 and "晚于今天" in refused.content.decode()
    saved = office.post("/petitions/", {**incident, "response": "已约谈物业并公开回应"})
    assert saved.status_code == 302 and saved["Location"] == "/petitions/?year=2024"
    assert "小区电梯事故视频传播" in office.get("/petitions/?year=2024").content.decode()
    assert kpis.get("petitions.adverse_opinion").compute(2024) == 1
    assert kpis.get("petitions.adverse_opinion").compute(2023) == 0
