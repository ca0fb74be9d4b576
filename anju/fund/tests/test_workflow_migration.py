"""fund 0006 on a database from before the workflow kit: refunds get their history from the audit log and
stay in their state (a submitted one now waits for 审核); use-application events get their step."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.apps import apps

from anju.core import audit
from anju.core.models import AuditEvent, User
from anju.fund.models import ApplicationEvent, RefundApplication, RefundEvent
from anju.fund.refunds import actions as refunds
from anju.fund.tests import factories
from anju.fund.tests import use_factories as uf

pytestmark = pytest.mark.django_db
migration = importlib.import_module("anju.fund.migrations.0006_workflow")


def test_an_old_submitted_refund_gets_its_history_and_waits_for_review(make_user) -> None:
    clerk, leader = make_user("clerk", "station"), make_user("leader", "leadership")
    account = factories.unit_account(room="901")
    factories.deposit(account, "500.00", dt.date(2023, 3, 1))
    # As the refunds module wrote them before: the record and its audit entries, no history rows.
    old = RefundApplication.objects.create(account=account, applicant="王五", reason="拆除", created_by=clerk)
    audit.record(clerk, AuditEvent.Action.CREATE, old, after={"status": "draft"}, note="新建退款申请")
    audit.record(clerk, AuditEvent.Action.UPDATE, old, before={"status": "draft"}, after={"status": "submitted"})
    decided = RefundApplication.objects.create(
        account=factories.unit_account(room="902"), applicant="赵六", reason="拆除"
    )
    audit.record(None, AuditEvent.Action.CREATE, decided, after={"status": "draft"})
    audit.record(None, AuditEvent.Action.UPDATE, decided, before={"status": "draft"}, after={"status": "submitted"})
    audit.record(
        leader,
        AuditEvent.Action.UPDATE,
        decided,
        before={"status": "submitted"},
        after={"status": "rejected", "decision_note": "材料不全"},
    )
    RefundApplication.objects.filter(pk=old.pk).update(status="submitted")
    RefundEvent.objects.all().delete()

    migration.refund_history(apps, None)

    assert list(old.events.order_by("at", "pk").values_list("step", "from_status", "to_status", "actor_name")) == [
        ("create", "", "draft", "clerk"),
        ("submit", "draft", "submitted", "clerk"),
    ]
    assert list(decided.events.order_by("at", "pk").values_list("step", "note"))[-1] == ("reject", "材料不全")
    # Still submitted: 审核 comes next, by someone other than the clerk who prepared it.
    assert RefundApplication.objects.get(pk=old.pk).status == "submitted"
    clerk.roles.add(*make_user("checker", "finance").roles.all())
    with pytest.raises(refunds.RefundError, match="审核人不能是提交该退款申请的经办人"):
        refunds.review_refund(User.objects.get(pk=clerk.pk), old)
    refunds.review_refund(User.objects.get(username="checker"), old)
    assert RefundApplication.objects.get(pk=old.pk).status == "reviewed"


def test_old_use_events_get_their_step_and_keep_only_the_reason() -> None:
    uf.estate()
    application = uf.application(kind="emergency")
    ApplicationEvent.objects.all().delete()
    rows = [
        ("", "draft", "新建"),
        ("submitted", "draft", "退回：报价单缺盖章"),
        ("approved", "paying", "拨付预付款 300.00（其中业主自筹 10.00）"),
        ("paid", "closed", "归档"),
    ]
    for before, after, note in rows:
        ApplicationEvent.objects.create(
            application=application, actor_name="cli", from_status=before, to_status=after, note=note
        )
    ApplicationEvent.objects.update(step="")

    migration.use_event_steps(apps, None)

    assert list(application.events.order_by("pk").values_list("step", "note")) == [
        ("create", ""),
        ("send_back", "报价单缺盖章"),
        ("advance", "300.00（其中业主自筹 10.00）"),
        ("close", ""),
    ]
