"""Rectification's pages as their roles: the overview with the overdue list, the ledger (整改台账) exported as
Excel, the Word decomposition table, a task's progress and sign-off steps, and an inspection's forms."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse
from docx import Document

from anju.core.models import User
from anju.oversight import actions
from anju.oversight.models import Finding, Task
from anju.oversight.tests import factories

pytestmark = pytest.mark.django_db
D = dt.date
S = Task.Status


def test_pages_answer_their_roles(client_for: Callable[..., Client], make_user: Callable[..., User]) -> None:
    t = factories.task(make_user("owner", "finance"), deadline=D(2024, 6, 30))
    urls = [reverse("oversight:home"), reverse("oversight:inspections"), reverse("oversight:findings"),
            reverse("oversight:ledger"), reverse("oversight:meetings"), t.get_absolute_url(),
            t.finding.get_absolute_url(), t.finding.inspection.get_absolute_url()]  # fmt: skip
    office, nobody = client_for("office"), client_for()
    for url in urls:
        assert office.get(url).status_code == 200, url
        assert nobody.get(url).status_code == 403, url
    home = office.get(reverse("oversight:home"), {"year": 2023}).content.decode()
    assert 'id="oversight-overdue"' in home and t.number in home  # past its deadline today
    assert 'data-kpi="oversight.findings"' in home


def test_the_ledger_exports_the_usual_columns(
    client_for: Callable[..., Client], make_user: Callable[..., User]
) -> None:
    t = factories.task(make_user("王芳", "finance"))
    actions.record_progress(t.owner, t, on=D(2024, 3, 1), text="已建立追缴台账")
    answer = client_for("office").get(reverse("oversight:ledger"), {"export": "xlsx"})
    assert answer.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(answer.content)).active
    rows = [[c for c in row] for row in sheet.iter_rows(values_only=True)]
    header = next(r for r in rows if r and "责任单位" in r)
    for column in (
        "问题描述",
        "整改目标（措施）",
        "责任单位",
        "责任人",
        "整改时限",
        "阶段性进展时限",
        "整改进展",
        "整改状态",
    ):
        assert column in header
    row = next(r for r in rows if r and t.number in r)
    assert row[header.index("整改进展")] == "已建立追缴台账" and row[header.index("责任人")] == "王芳"


def test_the_decomposition_table_is_a_word_file(
    client_for: Callable[..., Client], make_user: Callable[..., User]
) -> None:
    t = factories.task(make_user("owner", "finance"))
    inspection = t.finding.inspection
    actions.record_decomposition(None, inspection, number="怀住保字〔2024〕1号", issued_on=D(2024, 1, 10))
    answer = client_for("office").get(reverse("oversight:decomposition", args=[inspection.pk]))
    assert answer.status_code == 200
    document = Document(io.BytesIO(answer.content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "怀住保字〔2024〕1号" in text
    table = document.tables[0]
    assert [c.text for c in table.rows[0].cells][:3] == ["序号", "问题描述", "整改类型"]
    assert [c.text for c in table.rows[1].cells][-2:] == ["2024年06月30日", "2024年03月15日"]
    assert client_for("housing").get(reverse("oversight:decomposition", args=[inspection.pk])).status_code == 403


def test_progress_and_sign_off_through_the_task_page(client_for: Callable[..., Client]) -> None:
    owner, office, leader = client_for("finance"), client_for("office"), client_for("leadership")
    t = factories.task(owner.user)  # type: ignore[attr-defined]
    url = t.get_absolute_url()
    answer = owner.post(url, {"form": "progress", "progress-on": "2024-03-01", "progress-text": "已整改"})
    assert answer.status_code == 302
    owner.post(url, {"step": "submit"})
    # The owner sees no check or sign-off button, and a posted one is refused.
    assert 'data-step="check"' not in owner.get(url).content.decode()
    assert owner.post(url, {"step": "check"}).status_code == 403
    office.post(url, {"step": "check", "note": "材料齐全"})
    t.refresh_from_db()
    assert t.status == S.CHECKED
    assert 'data-step="sign_off"' in leader.get(url).content.decode()
    leader.post(url, {"step": "sign_off"})
    t.refresh_from_db()
    assert t.status == S.SIGNED_OFF and t.finding.rectified_on is not None


def test_an_inspection_page_adds_findings_and_meetings(client_for: Callable[..., Client]) -> None:
    office = client_for("office")
    inspection = factories.inspection()
    url = inspection.get_absolute_url()
    office.post(url, {"form": "finding", "finding-text": "维修资金使用审核不严", "finding-area": "fund",
                      "finding-origin": "feedback", "finding-severity": "general"})  # fmt: skip
    assert Finding.objects.filter(inspection=inspection, number=1).exists()
    office.post(url, {"form": "meeting", "meeting-held_on": "2023-11-20", "meeting-title": "巡察整改工作部署会议"})
    assert "巡察整改工作部署会议" in office.get(url).content.decode()
    answer = office.post(url, {"form": "decomposition", "decomposition-number": "怀住保字〔2024〕1号",
                               "decomposition-issued_on": "2023-01-01"})  # fmt: skip
    assert "任务分解通知日期不能早于反馈日期" in answer.content.decode()


def test_evidence_and_documents_are_attached(client_for: Callable[..., Client], make_user: Callable[..., User]) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from anju.core import attachments

    owner = client_for("finance")
    t = factories.task(owner.user)  # type: ignore[attr-defined]
    pdf = SimpleUploadedFile("制度.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    assert owner.post(reverse("oversight:task_attach", args=[t.pk]), {"file": pdf}).status_code == 302
    assert [a.kind for a in attachments.for_record(t)] == ["整改佐证材料"]
    assert "制度.pdf" in owner.get(t.get_absolute_url()).content.decode()
    notice = SimpleUploadedFile("通知.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    inspection = t.finding.inspection
    url = reverse("oversight:inspection_attach", args=[inspection.pk])
    assert client_for("leadership").post(url, {"file": notice, "kind": "整改任务分解通知"}).status_code == 403
    notice.seek(0)
    assert client_for("office").post(url, {"file": notice, "kind": "整改任务分解通知"}).status_code == 302
    assert [a.kind for a in attachments.for_record(inspection)] == ["整改任务分解通知"]


def test_a_finding_links_to_the_records_it_concerns(client_for: Callable[..., Client]) -> None:
    from anju.registry.tests import factories as registry

    office = client_for("office")
    f = factories.finding()
    project = registry.unit(project_code="P0042", project_name="金御名都").project
    url = f.get_absolute_url()
    answer = office.post(url, {"form": "link", "link-role": "concerns", "link-kind": "project", "link-text": "P9999"})
    assert "没有找到项目（小区）“P9999”" in answer.content.decode()
    office.post(url, {"form": "link", "link-role": "concerns", "link-kind": "project", "link-text": "P0042"})
    (link,) = f.links.all()
    assert (link.object_id, link.role) == (project.pk, "concerns") and "金御名都" in link.label
    assert "金御名都" in office.get(url).content.decode()


def test_an_extension_through_the_task_page(client_for: Callable[..., Client]) -> None:
    owner, leader = client_for("finance"), client_for("leadership")
    t = factories.task(owner.user, deadline=D(2024, 6, 30))  # type: ignore[attr-defined]
    url = t.get_absolute_url()
    owner.post(url, {"form": "extension", "extension-new_deadline": "2030-06-30", "extension-reason": "需修订制度"})
    ext = t.extensions.get()
    assert owner.post(url, {"form": "decide", "extension": ext.pk, "approve": "1"}).status_code == 403
    assert 'data-extension="approve"' in leader.get(url).content.decode()
    leader.post(url, {"form": "decide", "extension": ext.pk, "approve": "1"})
    t.refresh_from_db()
    assert t.deadline == D(2030, 6, 30)
