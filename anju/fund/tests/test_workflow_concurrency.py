"""Two approvers approve the same reviewed refund at once, in two real transactions (PostgreSQL): the
second waits for the first's row lock, then finds it approved and is refused; one approval is recorded."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from anju.core.models import Role, User
from anju.core.workflow import WorkflowError
from anju.fund.models import RefundApplication
from anju.fund.refunds import actions as refunds
from anju.fund.tests import factories
from anju.fund.use.tests.test_use_concurrency import HOLD, run_both

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


def user(name: str, role: str) -> User:
    made = User.objects.create_user(username=name, password="Anju-test-pass-2023", full_name=name)
    made.roles.set(Role.objects.filter(code=role))
    return made


def test_a_second_concurrent_approval_waits_and_is_refused() -> None:
    account = factories.unit_account(room="801")
    factories.deposit(account, "1000.00", dt.date(2023, 3, 1))
    clerk = user("clerk", "station")
    application = refunds.create_refund(clerk, account, applicant="王五", reason="拆除")
    refunds.submit_refund(clerk, application)
    refunds.review_refund(user("checker", "finance"), application)
    first, second = user("leader1", "leadership"), user("leader2", "leadership")
    results, waited = run_both(
        lambda: refunds.approve_refund(first, application, note="同意"),
        lambda: refunds.approve_refund(second, application, note="同意"),
    )
    assert isinstance(results[0], RefundApplication), results
    assert isinstance(results[1], WorkflowError) and results[1].code == "workflow.wrong_state", results
    assert waited >= HOLD * 0.5  # the second waited for the first's lock
    approved = RefundApplication.objects.get(pk=application.pk)
    assert approved.status == RefundApplication.Status.APPROVED and approved.decided_by == first
    assert approved.events.filter(step="approve").count() == 1
