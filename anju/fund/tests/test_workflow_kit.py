"""The workflow kit (`anju.core.workflow`) on a line where money leaves: refunds (three different people).
Every step from every state as every role, separation of duties, reasons, withdraw, send-back, the
preparer's submission, the history, the pages and the API."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from anju.core import workflow
from anju.core.models import AuditEvent, User
from anju.core.workflow import WorkflowError
from anju.fund.models import Account, RefundApplication
from anju.fund.refunds import actions as refunds
from anju.fund.tests import factories
from anju.fund.tests import use_factories as uf
from anju.fund.use import actions as use
from anju.lib.errors import DomainError
from anju.registry.tests import factories as registry

pytestmark = pytest.mark.django_db
Status = RefundApplication.Status
STEPS = ("submit", "review", "approve", "reject", "send_back", "withdraw")
ROLES = ("station", "finance", "leadership", "information")


@pytest.fixture
def account() -> Account:
    account = factories.unit_account(room="501", owner=registry.person("王五", seq=21))
    factories.deposit(account, "8000.00", dt.date(2023, 3, 1))
    factories.bank()
    return account


def in_state(account: Account, state: str) -> RefundApplication:
    """A refund brought to the state from the command line (no preparer, so no separation applies)."""
    application = refunds.create_refund(None, account, applicant="王五", reason="房屋灭失（拆除）")
    path = {
        "draft": [],
        "submitted": ["submit"],
        "reviewed": ["submit", "review"],
        "approved": ["submit", "review", "approve"],
        "rejected": ["submit", "review", "reject"],
        "withdrawn": ["withdraw"],
    }[state]
    for step in path:
        application = refunds.take_step(None, application, step, note="理由")
    return application


class Rollback(Exception):
    pass


def attempt(user: User, application: RefundApplication, step: str) -> str:
    """Take the step and undo it: "ok", or the refusal's reason code."""
    try:
        with transaction.atomic():
            refunds.take_step(user, application, step, note="理由")
            raise Rollback
    except Rollback:
        return "ok"
    except WorkflowError as exc:
        return exc.reason


# The permission each step needs from each state it starts from, and what each role holds (core.roles).
NEEDS = {
    ("submit", "draft"): "handle",
    ("review", "submitted"): "review",
    ("approve", "reviewed"): "approve",
    ("reject", "reviewed"): "approve",
    ("send_back", "submitted"): "review",
    ("send_back", "reviewed"): "approve",
    ("withdraw", "draft"): "handle",
    ("withdraw", "submitted"): "handle",
    ("withdraw", "reviewed"): "handle",
}
HOLDS = {"station": {"handle"}, "finance": {"handle", "review"}, "leadership": {"approve"}, "information": set()}


@pytest.mark.parametrize("state", ["draft", "submitted", "reviewed", "approved", "rejected", "withdrawn"])
def test_every_step_from_every_state_as_every_role(account: Account, make_user, state: str) -> None:
    application = in_state(account, state)
    for role in ROLES:
        user = make_user(f"u_{role}", role)
        offered = [s.name for s in workflow.available_steps(refunds.WORKFLOW, application, user)]
        for step in STEPS:
            needed = NEEDS.get((step, state))
            expected = "wrong_state" if needed is None else "ok" if needed in HOLDS[role] else "not_permitted"
            assert attempt(user, application, step) == expected, (state, role, step)
            assert (step in offered) == (expected == "ok"), (state, role, step)
        assert RefundApplication.objects.get(pk=application.pk).status == state


def test_three_different_people_even_when_one_holds_every_role(account: Account, make_user) -> None:
    everything = make_user("all", "station", "finance", "leadership")
    application = refunds.create_refund(everything, account, applicant="王五", reason="拆除")
    application = refunds.submit_refund(everything, application)
    assert attempt(everything, application, "review") == "same_person"
    assert [s.name for s in workflow.available_steps(refunds.WORKFLOW, application, everything)] == [
        "send_back",
        "withdraw",
    ]
    reviewer = make_user("reviewer", "finance", "leadership")
    refunds.review_refund(reviewer, application)
    for user in (everything, reviewer):
        assert attempt(user, application, "approve") == "same_person"
        assert attempt(user, application, "reject") == "same_person"
        assert workflow.separation_conflict(refunds.WORKFLOW, application, "approve", user) == (
            "审批人不能是该退款申请的经办人或审核人"
        )
    with pytest.raises(refunds.RefundError, match="经办人或审核人") as refused:
        refunds.approve_refund(reviewer, application)
    assert refused.value.code == "workflow.same_person" and isinstance(refused.value, DomainError)  # type: ignore[attr-defined]
    approver = make_user("approver", "leadership")
    assert refunds.approve_refund(approver, application, note="同意").status == Status.APPROVED
    # The command line is exempt, as it always was.
    other = refunds.create_refund(everything, factories.unit_account(room="502"), applicant="赵六", reason="拆除")
    refunds.submit_refund(everything, other)
    assert workflow.separation_conflict(refunds.WORKFLOW, other, "review", None) is None


def test_only_the_preparer_submits(account: Account, make_user) -> None:
    preparer, colleague = make_user("preparer", "station"), make_user("colleague", "station")
    application = refunds.create_refund(preparer, account, applicant="王五", reason="拆除")
    assert [s.name for s in workflow.available_steps(refunds.WORKFLOW, application, colleague)] == ["withdraw"]
    with pytest.raises(refunds.RefundError, match="经办人（新建人）可以提交") as refused:
        refunds.submit_refund(colleague, application)
    assert refused.value.code == "workflow.not_preparer"  # type: ignore[attr-defined]
    assert refunds.submit_refund(preparer, application).status == Status.SUBMITTED


@pytest.mark.parametrize(("state", "step"), [("submitted", "send_back"), ("reviewed", "reject"), ("draft", "withdraw")])
def test_send_back_reject_and_withdraw_need_a_reason(account: Account, state: str, step: str) -> None:
    application = in_state(account, state)
    for note in ("", "   "):
        with pytest.raises(WorkflowError) as refused:
            refunds.take_step(None, application, step, note=note)
        assert refused.value.code == "workflow.reason_required" and refused.value.field == "note"
    assert RefundApplication.objects.get(pk=application.pk).status == state


def test_send_back_returns_to_draft_and_the_preparer_submits_again(account: Account, make_user) -> None:
    preparer, reviewer, leader = make_user("p", "finance"), make_user("r", "finance"), make_user("l", "leadership")
    application = refunds.create_refund(preparer, account, applicant="王五", reason="拆除")
    refunds.submit_refund(preparer, application)
    refunds.review_refund(reviewer, application)
    application = refunds.take_step(leader, application, "send_back", note="缺灭失证明")
    assert application.status == Status.DRAFT
    refunds.submit_refund(preparer, application)
    assert attempt(preparer, application, "review") == "same_person"
    refunds.review_refund(reviewer, application)
    refunds.approve_refund(leader, application)
    rows = workflow.history(refunds.WORKFLOW, application)
    assert [(r.step, r.from_label, r.to_label, r.note) for r in rows][3] == ("退回", "已审核", "草稿", "缺灭失证明")
    audited = AuditEvent.objects.filter(model="fund.RefundApplication", note="退回：缺灭失证明")
    assert audited.get().actor == leader


def test_withdrawn_is_final(account: Account, make_user) -> None:
    application = in_state(account, "reviewed")
    application = refunds.take_step(make_user("s", "station"), application, "withdraw", note="业主撤回申请")
    assert application.status == Status.WITHDRAWN
    assert workflow.available_steps(refunds.WORKFLOW, application, make_user("f", "finance")) == []
    # Another application may then be made for the account.
    assert refunds.create_refund(None, account, applicant="王五", reason="拆除").status == Status.DRAFT


def test_the_role_is_checked_again_on_the_locked_row(account: Account, make_user) -> None:
    application = in_state(account, "submitted")
    seen = RefundApplication.objects.get(pk=application.pk)  # a reviewer's page: submitted, she may send back
    refunds.review_refund(make_user("r1", "finance"), application)  # meanwhile a colleague reviewed it
    with pytest.raises(WorkflowError, match="无权办理") as refused:
        refunds.take_step(make_user("r2", "finance"), seen, "send_back", note="缺材料")
    assert refused.value.code == "workflow.not_permitted"
    with pytest.raises(WorkflowError) as unknown:
        refunds.take_step(None, seen, "sign")
    assert unknown.value.code == "workflow.unknown_step"


def test_history_names_who_with_the_real_name(account: Account, make_user) -> None:
    clerk = make_user("clerk", "station")
    clerk.full_name = "李明"
    clerk.save(update_fields=["full_name"])
    application = refunds.create_refund(clerk, account, applicant="王五", reason="拆除")
    refunds.submit_refund(clerk, application)
    rows = workflow.history(refunds.WORKFLOW, application)
    assert [(r.who, r.step, r.to_label) for r in rows] == [
        ("李明", "新建退款申请", "草稿"),
        ("李明", "提交审核", "已提交"),
    ]
    event = application.events.last()
    assert event is not None and (event.actor, event.actor_name, event.actor_full_name) == (clerk, "clerk", "李明")
    bar = workflow.bar(refunds.WORKFLOW, Status.SUBMITTED)
    assert [(b.label, b.state) for b in bar][:3] == [("草稿", "done"), ("已提交", "current"), ("已审核", "todo")]
    assert workflow.bar(refunds.WORKFLOW, Status.WITHDRAWN)[-1].state == "current"


# --- pages and API -----------------------------------------------------------------------------------------


def test_the_page_offers_each_person_their_steps_and_confirms_the_irreversible(
    client_for: Callable[..., Client], account: Account
) -> None:
    station = client_for("station")
    application = refunds.create_refund(station.user, account, applicant="王五", reason="拆除")  # type: ignore[attr-defined]
    url = reverse("fund:refund", args=[application.pk])
    page = station.get(url).content.decode()
    assert 'data-step="submit"' in page and 'data-step="withdraw"' in page and 'name="confirm"' in page
    other = client_for("station", username="other_clerk")
    assert 'data-step="submit"' not in other.get(url).content.decode()
    assert other.post(url, {"step": "submit"}, follow=True).status_code == 200
    assert RefundApplication.objects.get().status == Status.DRAFT
    # Withdrawing cannot be undone: without the confirmation nothing happens.
    response = station.post(url, {"step": "withdraw", "note": "不再申请"}, follow=True)
    assert "勾选确认" in response.content.decode() and RefundApplication.objects.get().status == Status.DRAFT
    station.post(url, {"step": "withdraw", "note": "不再申请", "confirm": "1"})
    assert RefundApplication.objects.get().status == Status.WITHDRAWN
    history = station.get(url).content.decode()
    assert "撤回" in history and "不再申请" in history and 'id="refund-steps"' in history


def test_the_flow_through_the_api(client_for: Callable[..., Client], account: Account) -> None:
    station, finance, leader = client_for("station"), client_for("finance"), client_for("leadership")

    def post(client: Client, path: str, body: dict[str, object]) -> tuple[int, dict[str, object]]:
        response = client.post(f"/api/fund{path}", body, content_type="application/json")
        return response.status_code, response.json()

    status, body = post(station, "/refunds", {"unit": account.unit.code, "applicant": "王五"})  # type: ignore[union-attr]
    assert status == 200 and body["status"] == "draft"
    steps = f"/refunds/{body['id']}/steps"
    assert post(station, steps, {"step": "review"})[0] == 403
    assert post(station, steps, {"step": "submit"})[1]["status"] == "submitted"
    status, refused = post(finance, steps, {"step": "send_back"})
    assert status == 400 and refused["code"] == "workflow.reason_required"
    assert post(finance, steps, {"step": "review", "note": "材料齐全"})[1]["status"] == "reviewed"
    status, refused = post(leader, steps, {"step": "review"})
    assert status == 403
    status, refused = post(station, f"/refunds/{body['id']}/pay", {"paid_on": "2024-05-10"})
    assert status == 400 and refused["code"] == "workflow.wrong_state"
    assert post(leader, steps, {"step": "approve", "note": "同意"})[1]["status"] == "approved"
    status, paid = post(station, f"/refunds/{body['id']}/pay", {"paid_on": "2024-05-10"})
    assert status == 200 and paid["status"] == "paid" and paid["amount"] == "8000.00"
    events = station.get(f"/api/fund/refunds/{body['id']}").json()["events"]
    assert [(e["step"], e["note"]) for e in events] == [
        ("create", ""),
        ("submit", ""),
        ("review", "材料齐全"),
        ("approve", "同意"),
        ("pay", ""),
    ]
    assert client_for("office").get(f"/api/fund/refunds/{body['id']}").status_code == 403


def test_use_applications_are_submitted_by_their_preparer(client_for: Callable[..., Client]) -> None:
    uf.estate()
    preparer = client_for("station", username="preparer")
    application = use.create_application(preparer.user, uf.data(uf.unit("P0001-1-1-101").project, kind="emergency"))  # type: ignore[attr-defined]
    url = reverse("fund:use_step", args=[application.pk])
    colleague = client_for("station", username="colleague")
    assert 'data-step="submit"' not in colleague.get(reverse("fund:use", args=[application.pk])).content.decode()
    response = colleague.post(url, {"step": "submit"}, follow=True)
    assert "经办人（新建人）可以提交" in response.content.decode()
    preparer.post(url, {"step": "submit"})
    application.refresh_from_db()
    assert application.status == use.Status.SUBMITTED
