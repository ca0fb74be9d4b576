"""rental 0005 on a database from before exits were approved: existing exits keep their state and get
their history from the audit log; 住房保障服务部 gets the review of exits."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.apps import apps

from anju.core import audit
from anju.core.models import AuditEvent, Role
from anju.rental.models import Exit, ExitEvent
from anju.rental.tests import factories

pytestmark = pytest.mark.django_db
migration = importlib.import_module("anju.rental.migrations.0005_exit_workflow")
D = dt.date


def test_old_exits_keep_their_state_and_get_their_history(make_user) -> None:
    factories.rates()
    lease = factories.home_lease(factories.estate(homes=1, shops=0)[0], 1, start=D(2022, 1, 1))
    clerk = make_user("clerk", "housing")
    # As the rental actions wrote an exit before: served on creation, then audited changes.
    old = Exit.objects.create(
        number="QT2023-00001",
        lease=lease,
        household_id=lease.household_id,
        reason="arrears",
        notice_on=D(2023, 3, 1),
        deadline=D(2023, 4, 1),
        status="notified",
    )
    audit.record(clerk, AuditEvent.Action.CREATE, old, after=audit.snapshot(old))
    audit.record(
        clerk,
        AuditEvent.Action.UPDATE,
        old,
        before={"notices": 1},
        after={"notices": 2},
        note="2023-04-05 再次送达清退通知",
    )
    audit.record(
        clerk, AuditEvent.Action.UPDATE, old, before={"forced": False}, after={"forced": True}, note="申请法院强制执行"
    )
    Exit.objects.filter(pk=old.pk).update(status="completed", completed_on=D(2023, 6, 1))
    audit.record(
        clerk,
        AuditEvent.Action.UPDATE,
        old,
        before={"status": "notified"},
        after={"status": "completed"},
        note="清退完成",
    )
    ExitEvent.objects.all().delete()

    migration.exit_history(apps, None)

    assert list(old.events.order_by("at", "pk").values_list("step", "from_status", "to_status")) == [
        ("serve", "", "notified"),
        ("notice_again", "notified", "notified"),
        ("force", "notified", "notified"),
        ("complete", "notified", "completed"),
    ]
    assert Exit.objects.get(pk=old.pk).status == "completed"


def test_housing_gets_the_review_of_exits() -> None:
    housing = Role.objects.get(code="housing")
    housing.permissions = [p for p in housing.permissions if p != "rental:review"]
    housing.save()
    migration.grant_review(apps, None)
    migration.grant_review(apps, None)
    assert Role.objects.get(code="housing").permissions.count("rental:review") == 1
