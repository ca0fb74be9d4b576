"""The oversight home's figures kept per version of the tables they read (`anju.core.kpis.kept_values`):
every statement of the module's KPIs reads only the watched tables, a view after any change of a finding, a
task, its progress or a meeting shows the figures computed afresh, and an unchanged view counts nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from anju.core import kpis
from anju.core.models import User
from anju.core.tests.kept_checks import assert_reads_only_watched
from anju.oversight import actions, queries
from anju.oversight.tests import factories

pytestmark = pytest.mark.django_db
D = dt.date
MODULE = "oversight"


def fresh(year: int) -> dict[str, object]:
    return {k.code: k.compute(year) for k in kpis.all_kpis(MODULE)}


def shown(client: Client, year: int) -> dict[str, object]:
    figures = client.get(reverse("oversight:home"), {"year": year}).context["figures"]
    return {k.code: value for k, value, _url in figures}


def test_the_kpis_read_only_the_watched_tables_and_each_is_watched(make_user: Callable[..., User]) -> None:
    task = factories.task(
        make_user("owner", "finance"), deadline=D(2023, 12, 20), assigned_on=D(2023, 11, 20), interim=D(2023, 12, 5)
    )
    actions.record_progress(task.owner, task, on=D(2023, 12, 1), text="已部署")
    actions.hold_meeting(None, held_on=D(2023, 11, 25), title="整改部署会", findings=[task.finding])
    assert_reads_only_watched([lambda: fresh(2023), lambda: fresh(2024)], queries.TABLES)


def test_the_home_shows_the_figures_of_now_and_counts_nothing_unchanged(
    client_for: Callable[..., Client], make_user: Callable[..., User]
) -> None:
    client = client_for("office")
    owner = make_user("owner", "finance")
    task = factories.task(owner, deadline=D(2023, 12, 20), assigned_on=D(2023, 11, 20), interim=D(2023, 12, 5))
    assert shown(client, 2023) == fresh(2023)
    assert fresh(2023)["oversight.findings"] == 1
    factories.finding("物业服务不规范", of=task.finding.inspection)
    assert shown(client, 2023) == fresh(2023) and fresh(2023)["oversight.findings"] == 2
    actions.record_progress(owner, task, on=D(2023, 12, 1), text="已部署")
    assert shown(client, 2023) == fresh(2023)
    actions.hold_meeting(None, held_on=D(2023, 11, 25), title="整改部署会", findings=[task.finding])
    assert shown(client, 2023) == fresh(2023) and fresh(2023)["oversight.meetings"] == 1
    for step in ("submit", "check", "sign_off"):
        getattr(actions, step)(owner if step == "submit" else None, task, on=D(2023, 12, 10))
    assert shown(client, 2023) == fresh(2023) and fresh(2023)["oversight.rectified"] == 1
    assert shown(client, 2024) == fresh(2024)
    with CaptureQueriesContext(connection) as captured:
        shown(client, 2023)
    counted = [q["sql"] for q in captured.captured_queries if "COUNT(" in q["sql"] and "oversight_finding" in q["sql"]]
    assert counted == []
