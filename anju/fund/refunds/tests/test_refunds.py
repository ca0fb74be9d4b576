"""Refund on demolition: the workflow, its refused steps, the closed account, the pages; the owner history."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from anju.core.models import AuditEvent
from anju.fund import checks, ledger
from anju.fund.models import Account, JournalEntry, RefundApplication
from anju.fund.refunds import actions as refunds
from anju.fund.tests import factories
from anju.registry.models import Ownership
from anju.registry.tests import factories as registry

pytestmark = pytest.mark.django_db
D = Decimal
Status = RefundApplication.Status


@pytest.fixture
def account() -> Account:
    account = factories.unit_account(room="501", owner=registry.person("王五", seq=21))
    factories.deposit(account, "8000.00", dt.date(2023, 3, 1))
    factories.spend(account, "500.00", dt.date(2023, 6, 1))
    account.refresh_from_db()
    return account


def approved(account: Account, make_user) -> RefundApplication:  # type: ignore[no-untyped-def]
    clerk, reviewer = make_user("clerk", "station"), make_user("reviewer", "finance")
    application = refunds.create_refund(clerk, account, applicant="王五", reason="房屋灭失（拆除）")
    refunds.submit_refund(clerk, application)
    refunds.review_refund(reviewer, application)
    return refunds.approve_refund(make_user("leader", "leadership"), application, note="同意退款")


def test_the_whole_workflow_refunds_the_balance_and_closes_the_account(account: Account, make_user) -> None:
    clerk, leader = make_user("clerk", "station"), make_user("leader", "leadership")
    application = refunds.create_refund(
        clerk,
        account,
        applicant="王五",
        reason="房屋灭失（拆除）",
        payee_bank="中国银行",
        payee_account_number="6217000000000001",
    )
    assert application.status == Status.DRAFT
    refunds.submit_refund(clerk, application)
    refunds.review_refund(make_user("reviewer", "finance"), application)
    refunds.approve_refund(leader, application, note="同意")
    application.refresh_from_db()
    assert application.status == Status.APPROVED and application.decided_by == leader
    assert application.decided_at is not None and application.decision_note == "同意"

    bank_before = factories.bank().balance
    paid = refunds.pay_refund(clerk, application, paid_on=dt.date(2024, 5, 10))
    account.refresh_from_db()
    assert paid.status == Status.PAID and paid.amount == D("7500.00")
    assert account.balance == D("0.00") and account.closed == dt.date(2024, 5, 10)
    assert factories.bank().balance == bank_before - D("7500.00")
    entries = JournalEntry.objects.filter(kind=JournalEntry.Kind.REFUND)
    assert entries.count() == 1 and paid.paid_entry == entries.get()
    lines = {line.account_id: line.amount for line in entries.get().lines.all()}
    assert lines == {account.pk: D("7500.00"), factories.bank().pk: D("-7500.00")}
    assert checks.check_ledger().ok

    notes = list(
        AuditEvent.objects.filter(model="fund.RefundApplication", object_id=str(application.pk))
        .order_by("at", "pk")
        .values_list("note", flat=True)
    )
    assert notes == ["新建退款申请", "提交审核", "审核通过", "审批同意：同意", "付款并销户"]
    steps = list(application.events.order_by("at", "pk").values_list("step", "from_status", "to_status", "actor_name"))
    assert steps == [
        ("create", "", "draft", "clerk"),
        ("submit", "draft", "submitted", "clerk"),
        ("review", "submitted", "reviewed", "reviewer"),
        ("approve", "reviewed", "approved", "leader"),
        ("pay", "approved", "paid", "clerk"),
    ]
    assert AuditEvent.objects.filter(
        model="fund.Account", object_id=str(account.pk), note__contains="退款销户"
    ).exists()


@pytest.mark.parametrize("step", ["pay_draft", "approve_draft", "submit_twice", "pay_submitted", "reject_approved"])
def test_steps_out_of_order_are_refused(account: Account, make_user, step: str) -> None:
    clerk, leader = make_user("clerk", "station"), make_user("leader", "leadership")
    application = refunds.create_refund(clerk, account, applicant="王五", reason="拆除")
    if step == "pay_draft":
        call = lambda: refunds.pay_refund(clerk, application, paid_on=dt.date(2024, 1, 1))  # noqa: E731
    elif step == "approve_draft":
        call = lambda: refunds.approve_refund(leader, application)  # noqa: E731
    elif step == "submit_twice":
        refunds.submit_refund(clerk, application)
        call = lambda: refunds.submit_refund(clerk, application)  # noqa: E731
    elif step == "pay_submitted":
        refunds.submit_refund(clerk, application)
        call = lambda: refunds.pay_refund(clerk, application, paid_on=dt.date(2024, 1, 1))  # noqa: E731
    else:
        refunds.submit_refund(clerk, application)
        refunds.review_refund(make_user("reviewer", "finance"), application)
        refunds.approve_refund(leader, application)
        call = lambda: refunds.reject_refund(leader, application, note="不同意")  # noqa: E731
    with pytest.raises(refunds.RefundError, match="只有"):
        call()
    assert not JournalEntry.objects.filter(kind=JournalEntry.Kind.REFUND).exists()
    account.refresh_from_db()
    assert account.closed is None


def test_rejection_needs_a_note_and_leaves_the_account_open(account: Account, make_user) -> None:
    clerk, leader = make_user("clerk", "station"), make_user("leader", "leadership")
    application = refunds.create_refund(clerk, account, applicant="王五", reason="拆除")
    refunds.submit_refund(clerk, application)
    refunds.review_refund(make_user("reviewer", "finance"), application)
    with pytest.raises(refunds.RefundError, match="理由"):
        refunds.reject_refund(leader, application, note=" ")
    refunds.reject_refund(leader, application, note="未提供灭失证明")
    application.refresh_from_db()
    assert application.status == Status.REJECTED and application.decided_by == leader
    # A rejected application is finished: a new one may be made.
    assert refunds.create_refund(clerk, account, applicant="王五", reason="补充材料后重新申请").status == Status.DRAFT


def test_one_open_application_per_account(account: Account) -> None:
    refunds.create_refund(None, account, applicant="王五", reason="拆除")
    with pytest.raises(refunds.RefundError, match="办理中"):
        refunds.create_refund(None, account, applicant="王五", reason="拆除")


def test_payment_date_cannot_precede_the_last_posting(account: Account, make_user) -> None:
    application = approved(account, make_user)
    with pytest.raises(refunds.RefundError, match="不能早于"):
        refunds.pay_refund(None, application, paid_on=dt.date(2023, 5, 31))
    with pytest.raises(refunds.RefundError, match="晚于今天"):
        refunds.pay_refund(None, application, paid_on=dt.date.today() + dt.timedelta(days=1))  # noqa: DTZ011


def test_a_closed_account_takes_no_more_postings(account: Account, make_user) -> None:
    application = approved(account, make_user)
    entry = refunds.pay_refund(None, application, paid_on=dt.date(2024, 5, 10)).paid_entry
    with pytest.raises(ledger.LedgerError, match="已销户"):
        factories.deposit(account, "100.00", dt.date(2024, 6, 1), first=False)
    with pytest.raises(refunds.RefundError, match="销户"):
        refunds.create_refund(None, account, applicant="王五", reason="再次申请")
    # A wrong refund can still be reversed.
    assert entry is not None
    ledger.reverse(entry, actor=None, value_date=dt.date(2024, 5, 11), memo="退款冲正")
    account.refresh_from_db()
    assert account.balance == D("7500.00")


def test_a_zero_balance_is_closed_without_an_entry(make_user) -> None:
    account = factories.unit_account(room="601")
    factories.bank()
    application = approved(account, make_user)
    paid = refunds.pay_refund(None, application, paid_on=dt.date(2024, 1, 2))
    account.refresh_from_db()
    assert paid.amount == D("0.00") and paid.paid_entry is None and account.closed == dt.date(2024, 1, 2)
    assert not JournalEntry.objects.filter(kind=JournalEntry.Kind.REFUND).exists()


# -- pages --------------------------------------------------------------------------------------------------------


def test_the_workflow_through_the_pages(client_for, account: Account) -> None:
    station, finance, leadership = client_for("station"), client_for("finance"), client_for("leadership")
    response = station.post(
        reverse("fund:refund_create"),
        {
            "unit": account.unit.code,
            "applicant": "王五",
            "reason": "房屋灭失（拆除）",
            "payee_bank": "",
            "payee_account_number": "",
        },
    )
    application = RefundApplication.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("fund:refund", args=[application.pk])
    url = reverse("fund:refund", args=[application.pk])

    assert station.post(url, {"step": "submit"}).status_code == 302
    assert station.post(url, {"step": "review"}).status_code == 403  # station may not review
    assert leadership.post(url, {"step": "approve"}).status_code == 302  # not yet reviewed: refused
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED
    assert finance.post(url, {"step": "review", "note": "材料齐全"}).status_code == 302
    assert station.post(url, {"step": "approve", "note": ""}).status_code == 403  # station may not approve
    assert leadership.post(url, {"step": "approve", "note": "同意"}).status_code == 302
    application.refresh_from_db()
    assert application.status == Status.APPROVED and application.decision_note == "同意"
    assert (
        leadership.post(url, {"action": "pay", "paid_on": "2024-05-10", "bank": factories.bank().pk}).status_code == 403
    )  # leadership may not pay
    response = station.post(url, {"action": "pay", "paid_on": "2024-05-10", "bank": factories.bank().pk})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Status.PAID and application.amount == D("7500.00")

    page = station.get(url).content.decode()
    assert "提交审核" in page and "审核通过" in page and "材料齐全" in page and "审批同意" in page
    assert "付款并销户" in page and "7,500.00" in page
    printed = station.get(reverse("fund:refund_print", args=[application.pk])).content.decode()
    assert "审核意见" in printed and "材料齐全" in printed and application.number in printed


def test_a_refused_step_shows_the_reason(client_for, account: Account) -> None:
    station = client_for("station")
    application = refunds.create_refund(None, account, applicant="王五", reason="拆除")
    response = station.post(
        reverse("fund:refund", args=[application.pk]),
        {"action": "pay", "paid_on": "2024-05-10", "bank": factories.bank().pk},
        follow=True,
    )
    assert "只有" in response.content.decode()
    application.refresh_from_db()
    assert application.status == Status.DRAFT


def test_create_form_names_an_unknown_unit(client_for, account: Account) -> None:
    response = client_for("finance").post(
        reverse("fund:refund_create"), {"unit": "NO-SUCH-UNIT", "applicant": "王五", "reason": "拆除"}
    )
    assert response.status_code == 200 and not RefundApplication.objects.exists()
    prefilled = client_for("station").get(reverse("fund:refund_create") + f"?unit={account.unit.code}")
    assert "王五" in prefilled.content.decode()


@pytest.mark.parametrize(("role", "status"), [("information", 403), ("office", 403), ("leadership", 403)])
def test_creating_needs_handle(client_for, account: Account, role: str, status: int) -> None:
    assert client_for(role).get(reverse("fund:refund_create")).status_code == status


def test_list_filters_paginates_and_exports(client_for, account: Account) -> None:
    other = factories.unit_account(room="502")
    refunds.create_refund(None, account, applicant="王五", reason="拆除")
    refunds.submit_refund(None, refunds.create_refund(None, other, applicant="赵六", reason="拆除"))
    information = client_for("information")
    page = information.get(reverse("fund:refunds") + "?status=submitted").content.decode()
    assert "赵六" in page and "王五" not in page
    page = information.get(reverse("fund:refunds") + "?q=P0001-1-1-501").content.decode()
    assert "王五" in page and "赵六" not in page
    assert information.get(reverse("fund:refunds") + "?export=xlsx").status_code == 403
    export = client_for("finance").get(reverse("fund:refunds") + "?export=xlsx")
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxmlformats")
    assert client_for("office").get(reverse("fund:refunds")).status_code == 403


def test_print_form_shows_the_amount_in_capitals(client_for, account: Account, make_user) -> None:
    application = approved(account, make_user)
    refunds.pay_refund(None, application, paid_on=dt.date(2024, 5, 10))
    page = client_for("information").get(reverse("fund:refund_print", args=[application.pk])).content.decode()
    assert "退款审批表" in page and "柒仟伍佰元整" in page and "7,500.00" in page
    owner = account.unit.current_ownership().person
    assert owner.id_number not in page  # masked for a role without see_id


# -- owner history (resale) ---------------------------------------------------------------------------------------


def test_history_lists_owners_with_the_balance_on_each_change_date(client_for) -> None:
    first, second = registry.person("张三", seq=31), registry.person("李四", seq=32)
    account = factories.unit_account(room="701", owner=first)  # owned from 2015-03-01
    factories.deposit(account, "6000.00", dt.date(2015, 3, 1))
    factories.spend(account, "1000.00", dt.date(2019, 4, 1))
    Ownership.objects.filter(unit=account.unit).update(end=dt.date(2020, 7, 1))
    Ownership.objects.create(unit=account.unit, person=second, start=dt.date(2020, 7, 1))
    factories.deposit(account, "200.00", dt.date(2021, 1, 5), first=False)

    history = refunds.owner_history(account)
    assert [(p.ownership.person.name, p.balance_at_start, p.balance_at_end) for p in history] == [
        ("张三", D("6000.00"), D("5000.00")),
        ("李四", D("5000.00"), None),
    ]
    client = client_for("information")
    page = client.get(reverse("fund:history", args=[account.unit.code])).content.decode()
    assert "张三" in page and "李四" in page and "2020-07-01" in page and "5,000.00" in page
    assert first.id_number not in page
    assert (
        first.id_number
        in client_for("leadership").get(reverse("fund:history", args=[account.unit.code])).content.decode()
    )
    assert client_for("office").get(reverse("fund:history", args=[account.unit.code])).status_code == 403


def test_the_lists_total_is_what_was_refunded_not_balances_asked_for(client_for, account: Account, make_user) -> None:
    # A rejected application and a new one for the same account ask for the same balance: not money out.
    clerk, reviewer = make_user("clerk2", "station"), make_user("reviewer2", "finance")
    first = refunds.create_refund(clerk, account, applicant="王五", reason="拆除")
    refunds.submit_refund(clerk, first)
    refunds.review_refund(reviewer, first)
    refunds.reject_refund(make_user("leader2", "leadership"), first, note="材料不全")
    refunds.create_refund(clerk, account, applicant="王五", reason="拆除")
    response = client_for("information").get(reverse("fund:refunds"))
    totals = [cell["html"] for cell in response.context["totals"] if cell.get("html")]
    assert totals and all("7,500.00" not in str(html) and "15,000.00" not in str(html) for html in totals)
