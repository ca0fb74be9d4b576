"""Work records as the 办公室 keeps them: recording and correcting (audited, refused with a Chinese message), the
KPIs counted from them (DOMAIN.md §9), the list and a record's page as each role, confidential kinds hidden from
those who may not read them, and the import of records kept on paper (all or none)."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from anju.core import imports
from anju.core import kpis as registry
from anju.core.models import AuditEvent
from anju.lib.tabular import ImportRejected
from anju.worklog import actions
from anju.worklog.actions import Facts
from anju.worklog.errors import WorkRecordError
from anju.worklog.models import WorkRecord

pytestmark = pytest.mark.django_db
D = dt.date


def _record(kind: str, day: dt.date, line: str = "party", **facts: object) -> WorkRecord:
    return actions.record_activity(None, category=kind, line=line, held_on=day, title=f"{kind} {day}",
                                   facts=Facts(**facts))  # type: ignore[arg-type]  # fmt: skip


def test_the_kpis_count_the_records_of_the_year() -> None:
    for month in (1, 5, 12):
        _record("integrity_meeting", D(2023, month, 3))
    _record("integrity_meeting", D(2024, 1, 3))  # next year's
    _record("home_visit", D(2023, 4, 1), quantity=9)
    _record("home_visit", D(2023, 9, 1), quantity=7)
    _record("assessment", D(2023, 12, 28), line="poll", result="排名", rank=146, rank_of=170)
    _record("assessment", D(2023, 12, 28), line="safety", result="良好")
    assert registry.value("party.integrity_meetings", 2023) == 3
    assert registry.value("party.integrity_meetings", 2024) == 1
    assert registry.value("party.home_visits", 2023) == 16
    assert registry.value("assess.poll_rank", 2023) == 146 and registry.value("assess.poll_of", 2023) == 170
    assert registry.value("assess.safety", 2023) == ["良好"] and registry.value("assess.pingan", 2023) == []
    assert registry.value("safety.liability_accidents", 2023) == 0
    kpi = registry.get("party.home_visits")
    assert kpi.records is not None and kpi.records(2023).count() == 2
    with pytest.raises(LookupError):
        registry.value("assess.poll_rank", 2022)  # no record is not rank 0


def test_bad_figures_are_refused_and_nothing_is_written() -> None:
    with pytest.raises(WorkRecordError, match="人次数"):
        _record("home_visit", D(2023, 4, 1))
    with pytest.raises(WorkRecordError, match="排名146须在1到参评总数100之间"):
        _record("assessment", D(2023, 4, 1), line="poll", result="排名", rank=146, rank_of=100)
    with pytest.raises(WorkRecordError, match="不能晚于今天"):
        _record("party_meeting", timezone.localdate() + dt.timedelta(days=2))
    assert not WorkRecord.objects.exists()


def test_correcting_a_record_is_audited() -> None:
    record = _record("reminder_talk", D(2023, 4, 1), quantity=3)
    actions.correct_record(None, record, held_on=D(2023, 4, 2), title="提醒谈话（更正）", line="party",
                           attendees="", minutes="", facts=Facts(quantity=4))  # fmt: skip
    record.refresh_from_db()
    assert record.quantity == 4 and record.held_on == D(2023, 4, 2) and record.confidential
    event = AuditEvent.objects.filter(action=AuditEvent.Action.UPDATE, model="worklog.WorkRecord").get()
    assert event.before["quantity"] == 3 and event.after["quantity"] == 4


def test_pages_as_roles_and_confidential_records(client_for: Callable[..., Client]) -> None:
    talk = _record("home_visit", D(2023, 4, 1), quantity=2)
    meeting = _record("party_meeting", D(2023, 4, 8))
    office, finance, leader = client_for("office"), client_for("finance"), client_for("leadership")
    for client in (office, leader):
        body = client.get(reverse("worklog:list"), {"year": 2023}).content.decode()
        assert talk.title in body and meeting.title in body
        assert client.get(reverse("worklog:record", args=[talk.pk])).status_code == 200
    body = finance.get(reverse("worklog:list"), {"year": 2023}).content.decode()
    assert meeting.title in body and talk.title not in body
    assert finance.get(reverse("worklog:record", args=[talk.pk])).status_code == 404
    assert finance.get(reverse("worklog:record", args=[meeting.pk])).status_code == 200
    # A KPI's records: the list narrowed to the measure's kind.
    body = office.get(reverse("worklog:list"), {"kpi": "party.meetings", "year": 2023}).content.decode()
    assert meeting.title in body and talk.title not in body
    export = office.get(reverse("worklog:list"), {"export": "xlsx"})
    assert export.status_code == 200
    assert client_for("tax_agency").get(reverse("worklog:list")).status_code == 403
    assert leader.get(reverse("worklog:create")).status_code == 403  # leaders read; the departments record
    response = finance.post(reverse("worklog:create"), {
        "category": "party_meeting", "line": "party", "held_on": "2023-05-06", "title": "支部学习会议", "quantity": 0,
    })  # fmt: skip
    assert response.status_code == 302 and WorkRecord.objects.filter(title="支部学习会议").exists()
    # Recording a confidential kind needs the right to read it.
    response = finance.post(reverse("worklog:create"), {
        "category": "home_visit", "line": "party", "held_on": "2023-05-06", "title": "家访", "quantity": 2,
    })  # fmt: skip
    assert response.status_code == 403 and not WorkRecord.objects.filter(title="家访").exists()


def _xlsx(rows: list[list[object]]) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["类别", "业务或主题", "日期", "名称", "数量", "结果", "排名", "参评总数"])
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def test_import_all_or_nothing() -> None:
    spec = imports.get("worklog.records")
    good = _xlsx([["党风廉政建设会议", "党风廉政与党建", "2023-03-10", "廉政会议", None, None, None, None],
                  ["民意调查", "民意调查", "2023-12-29", "民意调查", None, None, None, None],
                  ["考核与测评结果", "民意调查", "2023-12-29", "民意调查", None, "排名", 146, 170]])  # fmt: skip
    with pytest.raises(ImportRejected) as rejected:
        imports.run(spec, None, "records.xlsx", good)
    assert any(e.row == 3 and e.column == "类别" for e in rejected.value.errors)
    assert not WorkRecord.objects.exists()
    good = _xlsx([["党风廉政建设会议", "党风廉政与党建", "2023-03-10", "廉政会议", None, None, None, None],
                  ["考核与测评结果", "民意调查", "2023-12-29", "民意调查", None, "排名", 146, 170]])  # fmt: skip
    created = imports.run(spec, None, "records.xlsx", good)
    assert len(created) == 2 and registry.value("assess.poll_rank", 2023) == 146
    assert registry.value("party.integrity_meetings", 2023) == 1
