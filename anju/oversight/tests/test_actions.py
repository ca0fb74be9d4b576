"""Rectification's actions: tasks need a unit, a person, a target and a deadline; the sign-off takes three
different people (the owner submits, the office checks, a leader signs off) and never the owner; a finding is
rectified when all its tasks are signed off; overdue and due-soon lists; meetings whose decisions become tasks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from anju.core.models import User
from anju.oversight import actions, queries
from anju.oversight.errors import OversightError
from anju.oversight.models import Finding, Task
from anju.oversight.tests import factories
from anju.worklog.models import WorkRecord

pytestmark = pytest.mark.django_db
D = dt.date
S = Task.Status


@pytest.fixture
def people(make_user: Callable[..., User]) -> dict[str, User]:
    return {
        "owner": make_user("owner", "finance"),
        "office": make_user("office1", "office"),
        "leader": make_user("leader1", "leadership"),
        "both": make_user("both", "office", "leadership"),
    }


def test_a_task_without_owner_or_deadline_is_refused_and_nothing_is_written(people: dict[str, User]) -> None:
    f = factories.finding()
    good = actions.NewTask(
        f, Task.Kind.DEADLINE, "人事财务部", people["owner"], "整改到位", D(2024, 6, 30), None, D(2024, 1, 10)
    )
    no_owner = actions.NewTask(
        f, Task.Kind.DEADLINE, "人事财务部", None, "整改到位", D(2024, 6, 30), None, D(2024, 1, 10)
    )
    with pytest.raises(OversightError) as error:
        actions.assign_tasks(None, [good, no_owner])
    assert (error.value.code, error.value.field) == ("oversight.owner_required", "owner")
    assert error.value.message.startswith("第2项任务：")
    no_deadline = actions.NewTask(
        f, Task.Kind.DEADLINE, "人事财务部", people["owner"], "整改到位", None, None, D(2024, 1, 10)
    )
    with pytest.raises(OversightError) as error:
        actions.assign_tasks(None, [no_deadline])
    assert (error.value.code, error.value.field) == ("oversight.deadline_required", "deadline")
    late_interim = actions.NewTask(
        f, Task.Kind.DEADLINE, "人事财务部", people["owner"], "整改到位", D(2024, 6, 30), D(2024, 7, 1), D(2024, 1, 10)
    )
    with pytest.raises(OversightError, match="阶段性进展时限"):
        actions.assign_tasks(None, [late_interim])
    assert not Task.objects.exists()


def test_the_sign_off_takes_three_people_and_never_the_owner(people: dict[str, User]) -> None:
    owner, office, leader = people["owner"], people["office"], people["leader"]
    t = factories.task(owner)
    with pytest.raises(OversightError) as error:
        actions.submit(owner, t, on=D(2024, 3, 1))  # not started: no progress yet
    assert error.value.code == "workflow.wrong_state"
    actions.record_progress(owner, t, on=D(2024, 3, 1), text="已修订制度", evidence="新制度文件")
    t.refresh_from_db()
    assert t.status == S.IN_PROGRESS
    with pytest.raises(OversightError) as error:
        actions.submit(office, t, on=D(2024, 3, 2))
    assert error.value.code == "workflow.not_preparer"
    actions.submit(owner, t, on=D(2024, 3, 2))
    with pytest.raises(OversightError):
        actions.check(owner, t, on=D(2024, 3, 3))  # the owner holds no review permission, and is the preparer
    actions.check(office, t, on=D(2024, 3, 3))
    with pytest.raises(OversightError) as error:
        actions.sign_off(office, t, on=D(2024, 3, 4))
    assert error.value.code in ("workflow.not_permitted", "workflow.same_person")
    t.refresh_from_db()
    assert t.status == S.CHECKED and t.signed_off_on is None
    actions.sign_off(leader, t, on=D(2024, 3, 5))
    t.refresh_from_db()
    assert (t.status, t.signed_off_on) == (S.SIGNED_OFF, D(2024, 3, 5))
    assert t.finding.rectified_on == D(2024, 3, 5)


def test_a_leader_who_owns_the_task_cannot_sign_it_off(people: dict[str, User]) -> None:
    both, office, leader = people["both"], people["office"], people["leader"]
    t = factories.task(both)
    actions.record_progress(both, t, on=D(2024, 3, 1), text="进展")
    actions.submit(both, t, on=D(2024, 3, 1))
    with pytest.raises(OversightError) as error:
        actions.check(both, t, on=D(2024, 3, 2))
    assert error.value.code == "workflow.same_person"
    actions.check(office, t, on=D(2024, 3, 2))
    with pytest.raises(OversightError) as error:
        actions.sign_off(both, t, on=D(2024, 3, 3))
    assert error.value.code == "workflow.same_person" and "经办人" in error.value.message
    actions.sign_off(leader, t, on=D(2024, 3, 3))


def test_a_finding_is_rectified_only_when_all_its_tasks_are_signed_off(people: dict[str, User]) -> None:
    f = factories.finding()
    first, second = factories.task(people["owner"], of=f), factories.task(people["owner"], of=f)
    for t in (first, second):
        actions.record_progress(people["owner"], t, on=D(2024, 3, 1), text="进展")
        actions.submit(people["owner"], t, on=D(2024, 3, 1))
        actions.check(people["office"], t, on=D(2024, 3, 2))
    actions.sign_off(people["leader"], first, on=D(2024, 3, 3))
    f.refresh_from_db()
    assert f.rectified_on is None
    actions.sign_off(people["leader"], second, on=D(2024, 4, 1))
    f.refresh_from_db()
    assert f.rectified_on == D(2024, 4, 1)


def test_send_back_needs_a_reason_and_returns_the_task(people: dict[str, User]) -> None:
    t = factories.task(people["owner"])
    actions.record_progress(people["owner"], t, on=D(2024, 3, 1), text="进展")
    actions.submit(people["owner"], t, on=D(2024, 3, 1))
    with pytest.raises(OversightError, match="理由"):
        actions.send_back(people["office"], t, note=" ")
    actions.send_back(people["office"], t, note="佐证材料不足")
    t.refresh_from_db()
    assert (t.status, t.submitted_on) == (S.IN_PROGRESS, None)


def test_overdue_and_due_soon_lists_and_the_interim_rate(people: dict[str, User]) -> None:
    late = factories.task(people["owner"], deadline=D(2024, 4, 1))
    soon = factories.task(people["owner"], deadline=D(2024, 4, 8))
    actions.record_progress(people["owner"], soon, on=D(2024, 3, 20), text="进展（晚于阶段性时限）")
    assert list(queries.overdue_tasks(D(2024, 4, 2))) == [late]
    assert list(queries.due_soon_tasks(D(2024, 4, 2))) == [soon]
    assert list(queries.with_interim(2024).order_by("pk")) == [late, soon]
    assert not queries.interim_met(2024).exists()
    actions.record_progress(people["owner"], late, on=D(2024, 3, 15), text="按时报送")
    assert list(queries.interim_met(2024)) == [late]


def test_a_deployment_meeting_counts_and_its_decisions_become_tasks(people: dict[str, User]) -> None:
    f = factories.finding()
    meeting = actions.hold_meeting(
        people["office"],
        held_on=D(2023, 11, 20),
        title="巡察整改工作部署会议",
        findings=[f],
        decisions=[actions.NewTask(f, Task.Kind.IMMEDIATE, "办公室", people["owner"], "立行立改", D(2023, 12, 31))],
    )
    assert meeting.category == WorkRecord.Category.RECTIFICATION
    assert list(queries.meetings(2023)) == [meeting]
    (task,) = Task.objects.all()
    assert (task.meeting, task.assigned_on) == (meeting, D(2023, 11, 20))


def test_findings_count_only_city_inspections_of_the_year(people: dict[str, User]) -> None:
    city = factories.inspection()
    factories.finding(of=city)
    factories.finding("公租房清退不及时", Finding.Area.RENTAL, of=city)
    factories.finding(of=factories.inspection(kind="provincial"))
    factories.finding(of=factories.inspection(feedback_on=D(2022, 11, 1)))
    assert queries.findings(2023).count() == 2
    assert queries.findings_fund(2023).count() == 1


def test_the_report_back_day_follows_the_period_of_the_kind_in_force() -> None:
    from anju.oversight.models import ReportPeriod

    city = factories.inspection(feedback_on=D(2023, 11, 16))
    assert city.report_due == D(2024, 1, 16)  # 2 months (the seeded rule)
    ReportPeriod.objects.create(kind="city_lookback", effective_from=D(2024, 1, 1), months=3, basis="新规定")
    assert factories.inspection(feedback_on=D(2023, 12, 31)).report_due == D(2024, 2, 29)
    assert factories.inspection(feedback_on=D(2024, 1, 31)).report_due == D(2024, 4, 30)
    assert factories.inspection(kind="audit").report_due is None  # 审计法: "按照规定时间", no period kept


def test_an_extension_is_asked_by_the_owner_and_decided_by_another_leader(people: dict[str, User]) -> None:
    from anju.oversight.models import Extension

    t = factories.task(people["both"], deadline=D(2024, 6, 30))
    with pytest.raises(OversightError, match="须晚于现时限"):
        actions.request_extension(people["both"], t, on=D(2024, 6, 1), new_deadline=D(2024, 6, 30), reason="x")
    ext = actions.request_extension(
        people["both"], t, on=D(2024, 6, 1), new_deadline=D(2024, 9, 30), reason="需修订制度"
    )
    with pytest.raises(OversightError, match="待审批"):
        actions.request_extension(people["both"], t, on=D(2024, 6, 2), new_deadline=D(2024, 10, 30), reason="再延")
    with pytest.raises(OversightError) as error:
        actions.decide_extension(people["both"], ext, approve=True, on=D(2024, 6, 3))
    assert error.value.code == "oversight.same_person"
    with pytest.raises(OversightError, match="只有中心领导"):
        actions.decide_extension(people["office"], ext, approve=True, on=D(2024, 6, 3))
    assert list(queries.overdue_tasks(D(2024, 7, 1))) == [t]
    actions.decide_extension(people["leader"], ext, approve=True, on=D(2024, 6, 3))
    t.refresh_from_db()
    assert t.deadline == D(2024, 9, 30) and not queries.overdue_tasks(D(2024, 7, 1)).exists()
    assert Extension.objects.get().old_deadline == D(2024, 6, 30)
    assert [e.step for e in t.events.all()][-2:] == ["extend", "extend"]
