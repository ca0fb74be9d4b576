"""The demo step: on a crafted little city (every path of the plan, exact figures) and in the demo city."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db.models import Sum

from anju.demo.builder import Context
from anju.fund import checks, deposits, kpis
from anju.fund.arrears import demo, queries, rules
from anju.fund.arrears.models import ArrearsItem, CaseAction, Evidence, Recovery, RecoveryCase, RecoveryTarget
from anju.fund.lifts import queries as lift_queries
from anju.fund.lifts.models import Lift, Policy, PremiumPayment
from anju.fund.models import Account, JournalEntry
from anju.fund.tests import factories as fund
from anju.registry.models import Building, Enterprise, Project
from anju.registry.tests import factories as registry

pytestmark = pytest.mark.django_db
D = Decimal


def little_city() -> Context:
    """Named projects and two others, each with units sold in 2015 and no deposit (the developer kept it)."""
    deposits.create_standard(
        None, building_type="multi_storey", use_class="residential", effective_from=dt.date(2008, 1, 1), rate=D("60")
    )
    names = ["金御名都", "怀化电器大市场", "现代农机物流中心", "北国之春", "锦溪花园", "迎丰小区"]
    seq = 0
    for index, name in enumerate(names, start=1):
        code = f"P{index:04d}"
        for room in ("101", "201", "301"):
            seq += 1
            owner = registry.person(name=f"业主{seq}", seq=seq)
            registry.unit(project_code=code, project_name=name, room=room, area="100.00", owner=owner)
        Project.objects.filter(code=code).update(developer=registry.enterprise(name=f"{name}开发公司", seed=index))
    Enterprise.objects.filter(name="北国之春开发公司").update(unreachable=True)
    fund.unit_account(room="401", project_code="P0006", project_name="迎丰小区")  # unsold: not arrears
    from anju.fund import accounts

    accounts.ensure_unit_accounts()
    return Context(scale=0.0001, out=io.StringIO(), data={"fund_banks": [fund.bank()]})


def test_the_plan_reproduces_the_scaled_figures_and_posts_the_recoveries() -> None:
    ctx = little_city()
    demo.build_arrears(ctx)
    figures = queries.kpi_values(2023)
    assert figures["fund.arrears.target"] == D("9558.96")
    # 6000 (one 100 m² unit at 60/m²) per unit: the largest other project pays in full, the next in part.
    assert figures["fund.arrears.recovered"] == D("2753.02")
    assert figures["fund.arrears.rate"] == D("28.80")
    assert figures["fund.arrears.failed_auction_amount"] == D("549.55")
    assert figures["fund.arrears.evidence_projects"] == 2  # the suit and the transferred project
    assert figures["fund.arrears.evidence_households"] == 2 and figures["fund.arrears.evidence_amount"] == D("1896.88")
    assert figures["fund.arrears.enterprises_interviewed"] == 5  # all reachable developers
    assert RecoveryTarget.objects.get().amount == D("9558.96")
    # Every unit without a deposit is in a case; the unsold one is not.
    assert ArrearsItem.objects.count() == 18
    assert not ArrearsItem.objects.filter(unit__code="P0006-1-1-401").exists()
    stages = dict(RecoveryCase.objects.values_list("project__name", "stage"))
    assert stages["金御名都"] == rules.ENFORCEMENT
    assert stages["怀化电器大市场"] == stages["现代农机物流中心"] == rules.AUCTION
    assert stages["北国之春"] == rules.UNSERVED
    assert CaseAction.objects.filter(kind=rules.FAILED_AUCTION).count() == 5
    # The recovery entries: bank debit, unit credits, each item's recovered share, cleared ledgers ordinary.
    entries = JournalEntry.objects.filter(kind=JournalEntry.Kind.RECOVERY)
    assert entries.count() == Recovery.objects.count() == 1
    assert kpis.collected(2023) == D("2753.02")
    for item in ArrearsItem.objects.select_related("account"):
        assert item.account.balance == item.recovered
        assert item.status == rules.item_status(item.amount, item.recovered)
        assert item.account.first_deposit == (item.amount if item.status == rules.ITEM_RECOVERED else 0)
    for case in RecoveryCase.objects.all():
        assert case.recovered == sum((i.recovered for i in case.items.all()), D(0))
        assert case.stage == rules.case_stage(
            list(case.actions.order_by("date", "pk").values_list("kind", flat=True)), case.owed, case.recovered
        )
    assert checks.check_ledger().ok
    assert demo.planned_recovery_fen(1.0) == 2_753_020_000


def test_the_demo_city_tells_the_story_and_keeps_the_ledger_sound() -> None:
    out = io.StringIO()
    call_command("demo", scale=0.002, stdout=out)
    assert "arrears recovery" in out.getvalue() and "lift insurance" in out.getvalue()
    figures = queries.kpi_values(2023)
    assert figures["fund.arrears.target"] == D("95589600.00") * D("0.002")
    assert figures["fund.arrears.rate"] == kpis.registry.rate(
        figures["fund.arrears.recovered"], figures["fund.arrears.target"]
    )
    # The small city has its named cases; its recoveries are what its arrears allow, never beyond the plan.
    names = set(RecoveryCase.objects.values_list("project__name", flat=True))
    assert set(demo.UNREACHABLE) <= names
    assert figures["fund.arrears.recovered"] <= D(demo.planned_recovery_fen(0.002)) / 100
    auctioned = names & set(demo.AUCTIONS)
    assert figures["fund.arrears.failed_auction_amount"] == (D("5495500.00") * D("0.002") if auctioned else 0)
    for evidence in Evidence.objects.select_related("case"):
        assert evidence.households <= evidence.case.households and evidence.amount <= evidence.case.owed
    assert not RecoveryCase.objects.filter(developer__unreachable=True, actions__kind=rules.INTERVIEW).exists()
    assert checks.check_ledger().ok
    # Lifts: every building's lifts registered; the pilot's policies signed in December 2023 and counted.
    assert Lift.objects.count() == Building.objects.aggregate(n=Sum("lift_count"))["n"]
    signed = lift_queries.lifts_signed(2023)
    assert signed == Lift.objects.filter(policies__isnull=False).distinct().count() > 0
    assert set(Policy.objects.values_list("signed_on__month", flat=True)) == {12}
    for payment in PremiumPayment.objects.select_related("entry"):
        pooled_line = payment.entry.lines.get(account__kind=Account.Kind.POOLED)
        assert pooled_line.amount == payment.amount
