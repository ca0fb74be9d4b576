"""Legacy projects' actions: stages in order (the required ones not skipped), dates not before the project's
registration, tasks with an owner and a deadline, meetings whose decisions become tasks, all audited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.utils import timezone

from anju.core.models import AuditEvent, User
from anju.legacy import actions, queries
from anju.legacy.errors import LegacyError
from anju.legacy.models import Task
from anju.legacy.tests import factories
from anju.worklog.models import WorkRecord, WorkRecordLink

pytestmark = pytest.mark.django_db
D = dt.date


def test_reaching_a_stage_moves_the_current_stage_and_is_audited() -> None:
    p = factories.project()
    actions.reach_milestone(None, p, stage="structure", reached_on=D(2021, 3, 1), evidence="主体验收记录")
    p.refresh_from_db()
    assert p.stage.code == "structure"
    m = p.milestones.get(stage__code="structure")
    assert (m.reached_on, m.evidence) == (D(2021, 3, 1), "主体验收记录")
    assert AuditEvent.objects.filter(
        model="legacy.Project", object_id=str(p.pk), note__contains="主体工程完工"
    ).exists()


def test_a_stage_change_that_skips_required_stages_is_refused_naming_them() -> None:
    p = factories.project()
    with pytest.raises(LegacyError) as error:
        actions.reach_milestone(None, p, stage="certification", reached_on=D(2022, 1, 1), evidence="受理回执")
    assert error.value.code == "legacy.skips_required"
    assert "主体工程完工、综合验收、交房、税费结算" in error.value.message
    p.refresh_from_db()
    assert p.stage.code == "resumed" and not p.milestones.filter(stage__code="certification").exists()
    # Optional stages may be skipped: finishing (10) is not required before acceptance (12) once the structure is done.
    actions.reach_milestone(None, p, stage="structure", reached_on=D(2021, 1, 1), evidence="主体验收")
    actions.reach_milestone(None, p, stage="acceptance", reached_on=D(2022, 1, 1), evidence="综合验收备案")


def test_dates_before_the_projects_registration_or_in_the_future_are_refused() -> None:
    p = factories.project(on=D(2020, 1, 10))
    with pytest.raises(LegacyError) as error:
        actions.reach_milestone(None, p, stage="structure", reached_on=D(2019, 12, 31), evidence="x")
    assert error.value.code == "legacy.before_registration" and error.value.field == "reached_on"
    assert "2020-01-10" in error.value.message
    with pytest.raises(LegacyError) as error:
        actions.plan_milestone(None, p, stage="structure", planned_on=D(2019, 6, 1))
    assert error.value.code == "legacy.before_registration" and error.value.field == "planned_on"
    with pytest.raises(LegacyError, match="不能晚于今天"):
        actions.reach_milestone(None, p, stage="structure", reached_on=timezone.localdate() + dt.timedelta(days=1),
                                evidence="x")  # fmt: skip
    with pytest.raises(LegacyError, match="佐证材料"):
        actions.reach_milestone(None, p, stage="structure", reached_on=D(2021, 1, 1), evidence=" ")


def test_a_replanned_milestone_keeps_its_first_plan_and_shows_overdue() -> None:
    p = factories.project()
    actions.plan_milestone(None, p, stage="structure", planned_on=D(2021, 6, 30))
    actions.plan_milestone(None, p, stage="structure", planned_on=D(2021, 9, 30))
    m = p.milestones.get(stage__code="structure")
    assert (m.first_planned_on, m.planned_on) == (D(2021, 6, 30), D(2021, 9, 30))
    assert list(queries.overdue_milestones(D(2021, 10, 1))) == [m]
    assert not queries.overdue_milestones(D(2021, 9, 30)).exists()


def test_a_task_without_owner_or_deadline_is_refused(make_user: Callable[..., User]) -> None:
    p = factories.project()
    owner = make_user("office1", "office")
    with pytest.raises(LegacyError) as error:
        actions.assign_task(None, p, agency="tax", title="税费结算", owner=None, due_on=D(2024, 1, 1))
    assert (error.value.code, error.value.field) == ("legacy.owner_required", "owner")
    with pytest.raises(LegacyError) as error:
        actions.assign_task(None, p, agency="tax", title="税费结算", owner=owner, due_on=None)
    assert (error.value.code, error.value.field) == ("legacy.due_required", "due_on")
    task = actions.assign_task(None, p, agency="tax", title="税费结算", owner=owner, due_on=D(2023, 3, 1),
                               assigned_on=D(2023, 1, 5))  # fmt: skip
    assert list(queries.overdue_tasks(D(2023, 3, 2))) == [task]
    actions.complete_task(None, task, done_on=D(2023, 3, 10), result="已结算")
    assert not queries.overdue_tasks(D(2023, 3, 11)).exists()
    assert list(queries.overdue_tasks(D(2023, 3, 5))) == [task]  # late at the time, whatever came after


def test_a_meetings_decisions_become_tasks_all_or_nothing(make_user: Callable[..., User]) -> None:
    p = factories.project()
    owner = make_user("office1", "office")
    good = actions.Decision(p, "tax", "完成税费结算", owner, D(2024, 3, 1))
    bad = actions.Decision(p, "land", "受理首次登记", None, D(2024, 3, 1))
    with pytest.raises(LegacyError) as error:
        actions.hold_meeting(None, category="joint", held_on=D(2023, 12, 20), title="联席会", decisions=[good, bad])
    assert error.value.message.startswith("第2项决定：") and error.value.field == "owner"
    assert not WorkRecord.objects.exists() and not Task.objects.exists()
    meeting = actions.hold_meeting(None, category="joint", held_on=D(2023, 12, 20), title="联席会", decisions=[good])
    assert meeting.line == "legacy" and WorkRecordLink.objects.filter(record=meeting, object_id=p.pk).exists()
    (task,) = Task.objects.all()
    assert (task.meeting, task.assigned_on) == (meeting, D(2023, 12, 20))


def test_certificates_issued_cannot_exceed_the_households() -> None:
    p = factories.project(households=100)
    with pytest.raises(LegacyError, match="0到涉及户数100"):
        actions.record_certificates(None, p, issued=101)
    actions.record_certificates(None, p, issued=40)
    assert queries.households_waiting(timezone.localdate().year) == 60


def test_a_withdrawn_project_stops_counting_from_its_day() -> None:
    p = factories.project(on=D(2020, 1, 10))
    with pytest.raises(LegacyError, match="撤销理由"):
        actions.withdraw_project(None, p, on=D(2023, 6, 1), reason=" ")
    actions.withdraw_project(None, p, on=D(2023, 6, 1), reason="重复登记")
    assert queries.standing(D(2023, 5, 31)).count() == 1 and not queries.standing(D(2023, 6, 1)).exists()
    assert queries.projects(2022).count() == 1 and not queries.projects(2023).exists()
    with pytest.raises(LegacyError, match="已撤销"):
        actions.withdraw_project(None, p, on=D(2023, 7, 1), reason="x")
