"""Legacy projects' pages as their roles: the board, the lists (with export), a project's page (its forms, and
the petitions linked to it through the kit's related records) and a meeting with decisions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from anju.core import related
from anju.legacy import actions
from anju.legacy.models import Task
from anju.legacy.tests import factories

pytestmark = pytest.mark.django_db
D = dt.date


def test_the_office_sees_the_board_lists_and_a_project(client_for: Callable[..., Client]) -> None:
    office = client_for("office")
    p = factories.project("西南名都")
    actions.plan_milestone(None, p, stage="certification", planned_on=D(2024, 6, 30))
    board = office.get(reverse("legacy:board"))
    assert board.status_code == 200
    body = board.content.decode()
    assert 'data-project="西南名都"' in body and "进入办证程序 2024-06-30" in body and "逾期" in body
    listing = office.get(reverse("legacy:projects"), {"q": "西南"})
    assert listing.status_code == 200 and "西南名都" in listing.content.decode()
    export = office.get(reverse("legacy:projects"), {"export": "xlsx"})
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxmlformats")
    page = office.get(p.get_absolute_url())
    assert page.status_code == 200 and "复工续建" in page.content.decode()
    assert office.get(reverse("legacy:tasks")).status_code == 200


def test_roles_without_legacy_are_refused(client_for: Callable[..., Client]) -> None:
    p = factories.project()
    finance = client_for("finance")
    for url in (reverse("legacy:board"), reverse("legacy:projects"), p.get_absolute_url(), reverse("legacy:tasks")):
        assert finance.get(url).status_code == 403
    leader = client_for("leadership")
    assert leader.get(p.get_absolute_url()).status_code == 200
    assert leader.post(p.get_absolute_url(), {"step": "reach"}).status_code == 403  # leaders view, the office handles


def test_a_posted_stage_that_skips_required_stages_shows_the_refusal(client_for: Callable[..., Client]) -> None:
    office = client_for("office")
    p = factories.project()
    skip = {"step": "reach", "reach-stage": "certification", "reach-reached_on": "2022-01-01", "reach-evidence": "回执"}
    answer = office.post(p.get_absolute_url(), skip)
    assert answer.status_code == 200 and "不能跳过必经阶段" in answer.content.decode()
    step = {"step": "reach", "reach-stage": "structure", "reach-reached_on": "2021-01-01", "reach-evidence": "主体验收"}
    answer = office.post(p.get_absolute_url(), step)
    assert answer.status_code == 302
    p.refresh_from_db()
    assert p.stage.code == "structure"


def test_a_meeting_with_decisions_makes_tasks(client_for: Callable[..., Client]) -> None:
    office = client_for("office")
    p = factories.project()
    data = {"category": "joint", "held_on": "2023-12-20", "title": "联席会", "project": p.pk,
            "d0-agency": "tax", "d0-title": "税费结算", "d0-owner": office.user.pk, "d0-due_on": "2024-03-31"}  # type: ignore[attr-defined]  # fmt: skip
    assert office.post(reverse("legacy:meeting_create"), data).status_code == 302
    (task,) = Task.objects.all()
    assert task.meeting is not None and task.meeting.title == "联席会"
    data["d1-title"] = "无责任人的决定"
    answer = office.post(reverse("legacy:meeting_create"), {**data, "title": "第二次联席会"})
    assert "第2项决定" in answer.content.decode() and Task.objects.count() == 1


def test_a_project_page_lists_the_records_related_to_it(client_for: Callable[..., Client]) -> None:
    p = factories.project()
    related.register("zz_test", lambda record: [related.Related("信访件", "XF2023-00001 未办证", "/x/", D(2023, 5, 1))]
                     if record.pk == p.pk else [])  # fmt: skip
    try:
        body = client_for("office").get(p.get_absolute_url()).content.decode()
    finally:
        related._providers.pop("zz_test")
    assert "XF2023-00001 未办证" in body


def test_a_project_page_lists_the_petitions_linked_to_it(client_for: Callable[..., Client]) -> None:
    from anju.petitions import actions as petitions
    from anju.petitions.tests import factories as petitions_factories

    p = factories.project("怀化报业中心")
    case = petitions_factories.case(subject="小区多年未办理不动产权证")
    petitions.link_record(None, case, p)
    petitions_factories.case(subject="与本项目无关")
    body = client_for("office").get(p.get_absolute_url()).content.decode()
    assert f"{case.number} 小区多年未办理不动产权证" in body and "与本项目无关" not in body
