"""Exits through the workflow kit: 经办 → 审核 → 审批 with two different people (no money leaves), then the
notice; refusals, the to-dos and the history of the steps after approval."""

from __future__ import annotations

import datetime as dt

import pytest

from anju.core import workflow
from anju.core.todos import for_user
from anju.core.workflow import WorkflowError
from anju.rental import actions
from anju.rental.errors import RentalError
from anju.rental.models import Exit, Lease, RentalUnit
from anju.rental.tests import factories

pytestmark = pytest.mark.django_db
D = dt.date
S = Exit.Status


@pytest.fixture
def lease() -> Lease:
    factories.rates()
    units: list[RentalUnit] = factories.estate(homes=2, shops=0)
    return factories.home_lease(units[0], 1, start=D(2023, 1, 1))


def test_two_people_suffice_and_the_reviewer_may_approve(lease: Lease, make_user) -> None:
    clerk = make_user("clerk", "housing", "leadership")  # handles, reviews and approves
    checker = make_user("checker", "housing", "leadership")
    exit_ = actions.prepare_exit(clerk, lease, reason="sublet", note="入户核查发现转租", on=D(2023, 5, 4))
    assert (exit_.number, exit_.status, exit_.created_by) == ("QT2023-00001", S.DRAFT, clerk)
    exit_ = actions.take_exit_step(clerk, exit_, "submit")
    assert [s.name for s in workflow.available_steps(actions.EXIT_WORKFLOW, exit_, clerk)] == ["send_back", "withdraw"]
    exit_ = actions.take_exit_step(checker, exit_, "review")
    with pytest.raises(RentalError, match="审批人不能是该清退的经办人") as refused:
        actions.take_exit_step(clerk, exit_, "approve")
    assert refused.value.code == "workflow.same_person"  # type: ignore[attr-defined]
    exit_ = actions.take_exit_step(checker, exit_, "approve")  # distinct=2: the reviewer approves
    assert exit_.status == S.APPROVED and exit_.notice_on is None


def test_only_an_approved_exit_is_served(lease: Lease, make_user) -> None:
    exit_ = actions.prepare_exit(None, lease, reason="arrears")
    with pytest.raises(RentalError, match="只有“已批准”的清退"):
        actions.serve_exit(None, exit_, notice_on=D(2023, 5, 1), deadline=D(2023, 6, 1))
    for step in ("submit", "review", "approve"):
        exit_ = actions.take_exit_step(None, exit_, step)
    with pytest.raises(RentalError, match="腾退期限"):
        actions.serve_exit(None, exit_, notice_on=D(2023, 5, 1), deadline=D(2023, 4, 1))
    exit_ = actions.serve_exit(make_user("s", "station"), exit_, notice_on=D(2023, 5, 1), deadline=D(2023, 6, 1))
    assert (exit_.status, exit_.notice_on, exit_.deadline) == (S.NOTIFIED, D(2023, 5, 1), D(2023, 6, 1))
    actions.serve_exit_notice_again(None, exit_, on=D(2023, 6, 5))
    steps = [row.step for row in workflow.history(actions.EXIT_WORKFLOW, exit_)]
    assert steps == ["清退经办", "提交审核", "审核通过", "审批同意", "送达清退通知", "再次送达"]


def test_rejected_and_withdrawn_exits_end_and_free_the_lease(lease: Lease, make_user) -> None:
    exit_ = actions.prepare_exit(None, lease, reason="over_income")
    with pytest.raises(RentalError, match="进行中"):
        actions.prepare_exit(None, lease, reason="over_income")
    exit_ = actions.take_exit_step(None, exit_, "submit")
    exit_ = actions.take_exit_step(None, exit_, "review")
    with pytest.raises(WorkflowError, match="须填写理由"):
        actions.take_exit_step(make_user("l", "leadership"), exit_, "reject")
    exit_ = actions.take_exit_step(make_user("l2", "leadership"), exit_, "reject", note="收入已回落至标准以内")
    assert exit_.status == S.REJECTED
    again = actions.prepare_exit(None, lease, reason="vacant")
    again = actions.take_exit_step(make_user("h", "housing"), again, "withdraw", note="承租人已返回居住")
    assert again.status == S.WITHDRAWN
    assert actions.prepare_exit(None, lease, reason="vacant").number == "QT" + f"{dt.date.today():%Y}-00003"  # noqa: DTZ011


def test_each_role_sees_the_exits_waiting_for_it(lease: Lease, make_user) -> None:
    exit_ = actions.take_exit_step(None, actions.prepare_exit(None, lease, reason="arrears"), "submit")
    titles = lambda user: [str(t.title) for t in for_user(user)]  # noqa: E731
    assert "待审核的清退" in titles(make_user("h", "housing"))
    assert "待审核的清退" not in titles(make_user("s", "station"))
    actions.take_exit_step(None, exit_, "review")
    assert "待审批的清退" in titles(make_user("l", "leadership"))
