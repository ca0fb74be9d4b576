"""The rectification API: findings and the ledger's tasks for oversight view, progress by the task's owner."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from anju.oversight.tests import factories

pytestmark = pytest.mark.django_db


def test_findings_tasks_and_progress(client_for: Callable[..., Client]) -> None:
    owner, office, housing = client_for("finance"), client_for("office"), client_for("housing")
    task = factories.task(owner.user)  # type: ignore[attr-defined]
    findings = office.get("/api/oversight/findings", {"year": 2023}).json()
    assert findings["count"] == 1 and findings["items"][0]["area"] == "fund"
    tasks = office.get("/api/oversight/tasks", {"overdue": "true"}).json()
    assert [t["number"] for t in tasks["items"]] == [task.number]
    body = {"on": "2024-03-01", "text": "已建立台账"}
    assert client_for("leadership").post(f"/api/oversight/tasks/{task.pk}/progress", body,
                                         content_type="application/json").status_code == 403  # fmt: skip
    answer = owner.post(f"/api/oversight/tasks/{task.pk}/progress", body, content_type="application/json")
    assert answer.status_code == 201
    detail = housing.get(f"/api/oversight/tasks/{task.pk}").json()
    assert detail["status"] == "in_progress" and detail["progress"][0]["text"] == "已建立台账"
    assert detail["history"][-1]["step"] == "progress"
    late = owner.post(f"/api/oversight/tasks/{task.pk}/progress", {"on": "2023-01-01", "text": "x"},
                      content_type="application/json")  # fmt: skip
    assert late.status_code == 400 and late.json()["code"] == "oversight.before_assigned"
    assert client_for("admin").get("/api/oversight/tasks").status_code == 403
