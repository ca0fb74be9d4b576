"""The arrears board's figures kept per version of the tables they read (`anju.core.kpis.kept_values`): every
statement of the fund.arrears KPIs reads only the watched tables, a view after any change (an action, evidence,
a recovery, a target, a meeting, a project renamed) shows the figures computed afresh, and an unchanged view
reads none of the tables only the figures read."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from anju.core.tests.kept_checks import assert_reads_only_watched, tables_read
from anju.fund.arrears import actions, queries, rules
from anju.fund.arrears.models import RecoveryCase
from anju.fund.arrears.tests.test_kpis import year_of_recovery  # noqa: F401  (a fixture)
from anju.fund.tests import factories as fund
from anju.registry.models import Project

pytestmark = pytest.mark.django_db
D = Decimal


def fresh(year: int) -> dict[str, object]:
    return {k.code: k.compute(year) for k in queries.registry_entries()}


def shown(client: Client, year: int) -> dict[str, object]:
    figures = client.get("/fund/arrears/", {"year": year}).context["figures"]
    return {k.code: value for k, value, _url in figures}


@pytest.mark.usefixtures("year_of_recovery")
def test_the_kpis_read_only_the_watched_tables_and_each_is_watched() -> None:
    assert_reads_only_watched([lambda: fresh(2022), lambda: fresh(2023), lambda: fresh(2024)], queries.TABLES)


@pytest.mark.usefixtures("year_of_recovery")
def test_the_board_shows_the_figures_of_now_and_reads_nothing_more_unchanged(client_for) -> None:
    client = client_for("finance")
    assert shown(client, 2023) == fresh(2023)
    case = RecoveryCase.objects.get(project__name="金御名都")
    actions.add_action(None, case, kind=rules.INTERVIEW, date=dt.date(2023, 6, 1))
    assert shown(client, 2023) == fresh(2023)
    actions.add_evidence(None, case, collected_on=dt.date(2023, 10, 1), description="补充证据")
    assert shown(client, 2023) == fresh(2023)
    other = RecoveryCase.objects.get(project__name="怀化电器大市场")
    actions.record_recovery(
        None, other, amount=D("500.00"), received_on=dt.date(2023, 12, 1), bank=fund.bank(), bank_txn_id="ZJ-C"
    )
    assert shown(client, 2023) == fresh(2023) and fresh(2023)["fund.arrears.recovered"] == D("10500.00")
    actions.set_target(None, year=2023, amount=D("50000.00"))
    assert shown(client, 2023) == fresh(2023) and fresh(2023)["fund.arrears.target"] == D("50000.00")
    actions.record_meeting(None, date=dt.date(2023, 12, 2), title="追缴调度会")
    assert shown(client, 2023) == fresh(2023)
    Project.objects.filter(name="怀化电器大市场").update(name="怀化电器城")
    assert shown(client, 2023) == fresh(2023)
    assert fresh(2023)["fund.arrears.failed_auctions"] != []
    assert all("怀化电器城" in item for item in fresh(2023)["fund.arrears.failed_auctions"])  # type: ignore[union-attr]
    assert shown(client, 2024) == fresh(2024)
    with CaptureQueriesContext(connection) as captured:
        shown(client, 2023)
    only_the_figures = {"arrears_caseaction", "arrears_evidence", "arrears_evidence_items", "arrears_arrearsitem"}
    assert [q["sql"] for q in captured.captured_queries if tables_read(q["sql"]) & only_the_figures] == []
