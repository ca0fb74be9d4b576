"""Workflows people can follow (issue 19 item 3), across the lines that use the workflow kit: each record's
page shows the step bar and a history saying who took each step in which role; steps that cannot be taken
back ask before they are sent; a send-back or refusal without a reason is refused by the server; and the
state a record waits in shows on the home page of whoever takes the next step."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from anju.core.models import User
from anju.core.workflow import Workflow, acting_role, history
from anju.fund.models import Account, RefundApplication
from anju.fund.refunds import actions as refunds
from anju.fund.tests import factories as fund
from anju.fund.use import actions as use
from anju.oversight import actions as oversight
from anju.oversight.tests import factories as oversight_factories
from anju.petitions.actions import base as petitions
from anju.petitions.tests import factories as petition_factories
from anju.registry.tests import factories as registry
from anju.rental import actions as rental
from anju.rental.models import Exit
from anju.rental.tests import factories as rental_factories
from anju.subsidy import actions as subsidy
from anju.subsidy.models import Application, Status
from anju.subsidy.tests import factories as subsidy_factories

pytestmark = pytest.mark.django_db
WORKFLOWS: dict[str, Workflow] = {
    "refund": refunds.WORKFLOW,
    "use": use.WORKFLOW,
    "exit": rental.EXIT_WORKFLOW,
    "subsidy": subsidy.WORKFLOW,
    "oversight": oversight.TASK_WORKFLOW,
    "petition": petitions.CASE_WORKFLOW,
}
# Steps that send a record back, refuse it or end it without its purpose (DOMAIN.md, issue 7): a reason.
REFUSING = re.compile(r"reject|send_back|withdraw|return|forward|appeal|cancel")


@pytest.fixture
def account() -> Account:
    account = fund.unit_account(room="501", owner=registry.person("王五", seq=21))
    fund.deposit(account, "8000.00", dt.date(2023, 3, 1))
    fund.bank()
    return account


@pytest.fixture
def exit_() -> Exit:
    rental_factories.rates()
    (home,) = rental_factories.estate(homes=1, shops=0)
    lease = rental_factories.home_lease(home, 1, start=dt.date(2023, 1, 1))
    return rental.prepare_exit(None, lease, reason="sublet", note="入户核查发现转租")


def _page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def _history_rows(page: str, history_id: str) -> list[list[str]]:
    table = page.split(f'id="{history_id}"')[1].split("</table>")[0]
    body = table.split("<tbody>")[1]
    rows = re.findall(r"<tr>(.*?)</tr>", body, re.S)
    cells = [re.findall(r"<td[^>]*>(.*?)</td>", row, re.S) for row in rows]
    return [[re.sub(r"<[^>]+>", "", cell).strip() for cell in row] for row in cells]


def _step_form(page: str, step: str) -> str:
    """The opening tag of the form that posts the step."""
    tags = re.findall(r"(<form [^>]*>)(?:(?!</form>).)*?data-step=\"(\w+)\"", page, re.S)
    assert step in [name for _, name in tags], (step, tags)
    return next(tag for tag, name in tags if name == step)


def test_every_refusing_step_of_every_line_needs_a_reason() -> None:
    refusing = [(line, s.name) for line, w in WORKFLOWS.items() for s in w.flow.steps if REFUSING.search(s.name)]
    assert len(refusing) >= 10  # the pattern finds the lines' refusals (not a test that cannot fail)
    assert [(line, name) for line, name in refusing if not WORKFLOWS[line].flow.step(name).reason] == []  # type: ignore[union-attr]


def test_the_refund_page_shows_the_bar_the_roles_and_asks_before_what_cannot_be_undone(
    client_for: Callable[..., Client], account: Account
) -> None:
    station, finance = client_for("station"), client_for("finance")
    leader = client_for("leadership")
    application = refunds.create_refund(station.user, account, applicant="王五", reason="房屋灭失")  # type: ignore[attr-defined]
    url = reverse("fund:refund", args=[application.pk])
    page = _page(station, url)
    assert 'class="workflow-bar"' in page
    assert "data-confirm" not in _step_form(page, "submit")  # submitting can be sent back
    withdraw = _step_form(page, "withdraw")
    assert 'data-confirm="确认“撤回”？办理后不能撤销。"' in withdraw
    station.post(url, {"step": "submit"})
    finance.post(url, {"step": "review", "note": "材料齐全"})
    approve = _step_form(_page(leader, url), "approve")
    assert 'data-confirm="确认“审批同意”？"' in approve  # an approval no step takes back
    assert "data-confirm" in _step_form(_page(leader, url), "reject")
    leader.post(url, {"step": "approve", "note": "同意"})
    assert RefundApplication.objects.get().status == RefundApplication.Status.APPROVED
    page = _page(station, url)
    header = page.split('id="refund-steps"')[1].split("</thead>")[0]
    columns = re.findall(r"<th>(.*?)</th>", header)
    assert columns[:4] == ["时间", "经办人", "角色", "操作"] and columns[-1] == "意见/理由"
    rows = _history_rows(page, "refund-steps")
    # who, role, action, reason per step: the role is the one granting the step (审核 is finance's, 审批 the leaders').
    assert [(r[1], r[2], r[3], r[6]) for r in rows] == [
        ("u_station", "市住房保障服务站", "新建退款申请", ""),
        ("u_station", "市住房保障服务站", "提交审核", ""),
        ("u_finance", "人事财务部", "审核通过", "材料齐全"),
        ("u_leadership", "中心领导", "审批同意", "同意"),
    ]
    pay = re.search(r'<form [^>]*id="refund-pay"[^>]*>', page)
    assert pay is not None and 'data-confirm="确认付款并销户？办理后不能撤销。"' in pay.group(0)


def test_the_role_is_the_one_granting_the_step_and_the_command_line_has_none(
    make_user: Callable[..., User], account: Account
) -> None:
    both = make_user("both", "finance", "station")  # two roles: the step's permission picks one
    assert acting_role(refunds.WORKFLOW, both, "review", "submitted") == "人事财务部"
    assert acting_role(refunds.WORKFLOW, both, "submit", "draft") == "人事财务部、市住房保障服务站"
    assert acting_role(refunds.WORKFLOW, None, "review", "submitted") == ""
    application = refunds.create_refund(None, account, applicant="王五", reason="拆除")
    refunds.take_step(None, application, "submit")
    refunds.take_step(both, application, "review", note="")
    assert list(application.events.values_list("actor_role", flat=True)) == ["", "", "人事财务部"]


def test_a_send_back_without_a_reason_is_refused_by_the_server(client_for: Callable[..., Client], exit_: Exit) -> None:
    rental.take_exit_step(None, exit_, "submit")
    housing = client_for("housing")
    url = reverse("rental:exit", args=[exit_.pk])
    page = _page(housing, url)
    assert 'class="workflow-bar"' in page and "data-confirm" not in _step_form(page, "send_back")
    response = housing.post(url, {"step": "send_back", "note": "  "}, follow=True)
    assert "退回须填写理由" in response.content.decode()
    assert Exit.objects.get().status == Exit.Status.SUBMITTED
    housing.post(url, {"step": "send_back", "note": "核查记录不全"})
    assert Exit.objects.get().status == Exit.Status.DRAFT
    rows = _history_rows(_page(housing, url), "exit-history")
    assert rows[-1][1:4] == ["u_housing", "住房保障服务部", "退回"] and rows[-1][-1] == "核查记录不全"


def test_an_irreversible_step_posted_without_its_confirmation_is_refused(
    client_for: Callable[..., Client], exit_: Exit
) -> None:
    housing = client_for("housing", username="exit_clerk")
    exit_.created_by = housing.user  # type: ignore[attr-defined]
    exit_.save(update_fields=["created_by"])
    url = reverse("rental:exit", args=[exit_.pk])
    form = _step_form(_page(housing, url), "withdraw")
    assert "data-confirm" in form
    housing.post(url, {"step": "withdraw", "note": "核实后不再清退", "confirm": ""})
    assert Exit.objects.get().status == Exit.Status.DRAFT
    housing.post(url, {"step": "withdraw", "note": "核实后不再清退", "confirm": "1"})
    assert Exit.objects.get().status == Exit.Status.WITHDRAWN


def test_each_workflow_page_shows_the_step_bar(
    client_for: Callable[..., Client], make_user: Callable[..., User], exit_: Exit
) -> None:
    owner = make_user("task_owner", "finance")
    task = oversight_factories.task(owner)
    case = petition_factories.case()
    app = subsidy_factories.application(subsidy_factories.program())
    leader = client_for("leadership", "office", "housing", "finance")
    for url in (
        reverse("oversight:task", args=[task.pk]),
        reverse("petitions:case", args=[case.pk]),
        reverse("subsidy:application", args=[app.pk]),
        reverse("rental:exit", args=[exit_.pk]),
    ):
        page = _page(leader, url)
        assert page.count('class="workflow-bar"') == 1, url
        assert "<th>角色</th>" in page, url


def _todos(client: Client) -> str:
    return _page(client, reverse("core:home"))


def test_the_waiting_state_shows_on_the_next_roles_home_page(
    client_for: Callable[..., Client], account: Account, exit_: Exit
) -> None:
    station = client_for("station")
    refund = refunds.create_refund(station.user, account, applicant="王五", reason="拆除")  # type: ignore[attr-defined]
    drafts = reverse("fund:refunds") + "?status=draft"
    assert drafts in _todos(station)  # the preparer's own draft, to submit
    assert drafts not in _todos(client_for("station", username="colleague"))  # not someone else's
    refunds.take_step(station.user, refund, "submit")  # type: ignore[attr-defined]
    finance, leader = client_for("finance"), client_for("leadership")
    assert reverse("fund:refunds") + "?status=submitted" in _todos(finance)
    assert reverse("fund:refunds") + "?status=submitted" not in _todos(leader)
    rental.take_exit_step(None, rental.take_exit_step(None, exit_, "submit"), "review")
    assert reverse("rental:exits") + "?status=reviewed" in _todos(leader)
    program = subsidy_factories.program()
    waiting = subsidy_factories.application(program)
    Application.objects.filter(pk=waiting.pk).update(status=Status.NOTICE)
    housing = client_for("housing")
    assert reverse("subsidy:applications") + "?status=notice" in _todos(housing)
    Application.objects.filter(pk=waiting.pk).update(status=Status.APPEAL)
    assert reverse("subsidy:applications") + "?status=appeal" in _todos(client_for("leadership", username="l2"))
    assert reverse("subsidy:applications") + "?status=appeal" not in _todos(housing)
    Application.objects.filter(pk=waiting.pk).update(status=Status.APPROVED)
    assert reverse("subsidy:applications") + "?status=approved" in _todos(housing)  # to put in a payment batch


def test_an_event_without_a_stored_role_shows_its_actors_role(make_user: Callable[..., User], account: Account) -> None:
    """Rows written before the role was stored, and the demo's set-based inserts, leave it empty."""
    checker = make_user("checker", "finance")
    application = refunds.create_refund(None, account, applicant="王五", reason="拆除")
    refunds.take_step(checker, refunds.take_step(None, application, "submit"), "review")
    application.events.update(actor_role="")
    rows = history(refunds.WORKFLOW, application)
    assert [(r.who, r.role, r.step) for r in rows][-1] == ("checker", "人事财务部", "审核通过")
    assert rows[0].role == ""  # the command line acts in no role


def test_a_rental_application_shows_its_step_bar(
    client_for: Callable[..., Client],
) -> None:
    rental_factories.rates()
    household = rental_factories.waiting_household(7)
    page = _page(client_for("housing"), reverse("rental:household", args=[household.pk]))
    bar = re.findall(r'<li class="(\w+)">', page.split('class="workflow-bar"')[1].split("</ol>")[0])
    assert bar == ["done", "current", "todo", "todo"]  # 申请 → 轮候 (here) → 配租 → 退出
