"""The demo step: on a crafted little city (every path of the plan, exact figures) and in the demo city."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db.models import Count, Sum

from anju.core.demokit import Context
from anju.fund import checks, kpis
from anju.fund.arrears import actions, demo, queries, rules
from anju.fund.arrears.models import ArrearsItem, CaseAction, Evidence, Recovery, RecoveryCase, RecoveryTarget
from anju.fund.deposits import actions as deposits
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
    # One unit of each (the city is too small for the scaled 1896.88: evidence covers whole units).
    assert figures["fund.arrears.evidence_households"] == 2 and figures["fund.arrears.evidence_amount"] == D("12000.00")
    assert Evidence.objects.filter(items__isnull=False).distinct().count() == 2
    assert "evidence covers 12000.00" in ctx.out.getvalue()  # type: ignore[attr-defined]
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
        items = list(evidence.items.all())
        assert {item.case_id for item in items} == {evidence.case_id}
        assert evidence.households == len(items) and evidence.amount == sum((i.amount for i in items), D(0))
    # No failed auction involves more than its developer owes across its cases.
    for action in CaseAction.objects.filter(kind=rules.FAILED_AUCTION).select_related("case"):
        assert action.amount <= actions.developer_outstanding(action.case.developer_id)
    assert not RecoveryCase.objects.filter(developer__unreachable=True, actions__kind=rules.INTERVIEW).exists()
    assert checks.check_ledger().ok
    # Lifts: every building's lifts registered; the pilot's policies signed in December 2023 and counted.
    assert Lift.objects.count() == Building.objects.aggregate(n=Sum("lift_count"))["n"]
    # The pilot signs what its two projects have, at most the seed's 19 and 8, all in December 2023.
    signed = lift_queries.lifts_signed(2023)
    per_project = dict(
        Lift.objects.filter(policies__signed_on__year=2023)
        .values_list("building__project__name")
        .annotate(n=Count("pk", distinct=True))
    )
    assert set(per_project) <= {"恒大御景湾", "金磊富裕城"} and signed == sum(per_project.values())
    assert per_project.get("恒大御景湾", 0) <= 19 and per_project.get("金磊富裕城", 0) <= 8
    assert signed == sum(policy.lifts.count() for policy in Policy.objects.all())
    assert set(Policy.objects.values_list("signed_on", flat=True)) <= {dt.date(2023, 12, 20), dt.date(2023, 12, 27)}
    for payment in PremiumPayment.objects.select_related("entry"):
        pooled_line = payment.entry.lines.get(account__kind=Account.Kind.POOLED)
        assert pooled_line.amount == payment.amount


def test_a_failed_auction_above_the_arrears_gets_the_developer_its_shops() -> None:
    """At scale 0.01 the auctions involve 54,955.00 but the two auctioned projects owe 36,000.00: each gets
    a block of shops whose deposits its developer kept, so no auction involves more than its developer owes."""
    ctx = little_city()
    ctx.scale = 0.01
    deposits.create_standard(
        None,
        building_type="multi_storey",
        use_class="non_residential",
        effective_from=dt.date(2008, 1, 1),
        rate=D("85"),
    )
    demo.build_arrears(ctx)
    assert queries.failed_auction_amount(2023) == D("54955.00")
    for name in demo.AUCTIONS:
        case = RecoveryCase.objects.get(project__name=name)
        shops = case.items.filter(unit__use="shop")
        assert shops.exists() and case.households == 3 + shops.count()
        latest = case.actions.filter(kind=rules.FAILED_AUCTION).order_by("date").last()
        assert latest is not None and latest.amount <= actions.developer_outstanding(case.developer_id)
    # The shops were sold before the auctions, to persons, and have (empty) ledgers.
    for item in ArrearsItem.objects.filter(unit__use="shop").select_related("unit", "account"):
        owner = item.unit.ownerships.get()
        assert owner.person_id is not None and owner.start < dt.date(2020, 1, 1)
        assert item.account.balance == 0 and item.account.first_deposit == 0
    assert checks.check_ledger().ok


def test_the_evidence_run_hits_the_amount_with_one_swap() -> None:
    units = [(fen, f"U{i:02d}", 0, i) for i, fen in enumerate([100, 200, 300, 400, 500, 650, 700])]
    chosen = demo._run_with_sum(units, 3, 1250)  # 200+300+500 ... by one swap from the nearest run below
    assert len(chosen) == 3 and sum(u[0] for u in chosen) == 1250 and len(set(chosen)) == 3
    assert sum(u[0] for u in demo._run_with_sum(units, 2, 10_000)) == 1350  # unreachable: the largest run
    assert demo._run_with_sum(units, 0, 5) == []
