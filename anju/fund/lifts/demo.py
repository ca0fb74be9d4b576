"""The demo city's lifts and the lift insurance pilot (seed 五.(一).1.(3)).

Every building with lifts gets its lifts registered (20-digit registration codes). In December 2023 the
pilot signs 19 lifts of 恒大御景湾 and 8 of 金磊富裕城 (fund.lift_insurance.lifts_signed = 27), pays the
premiums from the pooled account, and sets the targets of 200 lifts by 31 March and 300 by 30 June 2024.

The generated registry gives a project whatever lifts its random buildings have; where a pilot project
has fewer than the seed signed, its high-rise buildings get more lifts (an audited registry correction
through `registry.actions.update_building`; only buildings already in the high-rise deposit class, so no
deposit standard changes). A small city whose pilot project has no high-rise building signs what it has."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Q
from stdnum.cn import uscc

from anju.core.demokit import Step, register
from anju.fund import ledger
from anju.fund.lifts import actions
from anju.fund.lifts.models import Lift
from anju.fund.models import Account
from anju.registry import actions as registry_actions
from anju.registry.models import Building, Unit

if TYPE_CHECKING:
    from anju.core.demokit import Context

PILOT = (("恒大御景湾", 19, dt.date(2023, 12, 20)), ("金磊富裕城", 8, dt.date(2023, 12, 27)))
TERM = (dt.date(2024, 1, 1), dt.date(2024, 12, 31))
PREMIUM_PER_LIFT = Decimal("3600.00")
COVER_PER_LIFT = Decimal("200000.00")
PAID_ON = dt.date(2023, 12, 29)
TARGETS = ((dt.date(2024, 3, 31), 200), (dt.date(2024, 6, 30), 300))
INSURERS = (
    ("中国人民财产保险股份有限公司怀化市分公司", "91431200MA4L0PKC1"),
    ("中国平安财产保险股份有限公司怀化中心支公司", "91431200MA4L0PAB2"),
)
MAKES = ("日立", "奥的斯", "三菱", "通力", "迅达", "康力", "广日")
REGION = "431202"


def build_lifts(ctx: Context) -> None:
    """The demo step: lifts of every building, the insurers, the December 2023 policies and premiums."""
    rng = ctx.rng
    for name, needed, _day in PILOT:
        _top_up(name, needed)
    rows: list[actions.NewLift] = []
    seq = 0
    buildings = Building.objects.filter(lift_count__gt=0).order_by("project__code", "number")
    # A building's lifts serve its entrances (单元) in turn.
    entrances: dict[int, list[str]] = defaultdict(list)
    pairs = Unit.objects.filter(building__lift_count__gt=0).values_list("building_id", "entrance").distinct()
    for building_id, entrance in pairs.order_by("building_id", "entrance"):
        entrances[building_id].append(entrance)
    for building_id, count in buildings.values_list("pk", "lift_count"):
        served = entrances.get(building_id) or [""]
        for number in range(count):
            seq += 1
            year = rng.randint(2008, 2022)
            code = f"3110{REGION}{year}{seq:06d}"
            entrance = served[number % len(served)]
            rows.append(
                actions.NewLift(building_id, code, entrance, rng.choice(MAKES), dt.date(year, rng.randint(1, 12), 1))
            )
    actions.register_lifts(None, rows, progress=lambda done: ctx.progress("lifts", done, len(rows)))
    insurers = []
    for name, body in INSURERS:
        enterprise = registry_actions.create_enterprise(
            None, name=name, uscc=body + uscc.calc_check_digit(body), legal_representative="", address="怀化市鹤城区"
        )
        insurers.append(actions.register_insurer(None, enterprise, product="电梯维修保险（统筹账户增值收益购买）"))
    bank: Account = ctx.data["fund_banks"][0]  # type: ignore[index]
    pooled = ledger.fund_account(Account.Kind.POOLED)
    signed = unpaid = 0
    for index, (name, needed, day) in enumerate(PILOT):
        lifts = list(Lift.objects.filter(building__project__name=name).order_by("registration_code")[:needed])
        if not lifts:
            continue
        policy = actions.sign_policy(
            None,
            number=f"DTBX{day:%Y%m%d}{index + 1:03d}",
            insurer=insurers[index % len(insurers)],
            lifts=lifts,
            signed_on=day,
            start=TERM[0],
            end=TERM[1],
            premium=PREMIUM_PER_LIFT * len(lifts),
            cover=COVER_PER_LIFT * len(lifts),
        )
        signed += len(lifts)
        pooled.refresh_from_db()
        if pooled.balance >= policy.premium:
            actions.pay_premium(None, policy, paid_on=PAID_ON, bank=bank)
        else:
            unpaid += 1  # a small city's pooled account cannot bear it yet
        if index == 0:
            actions.report_claim(
                None,
                lifts[0],
                date=dt.date(2024, 1, 18),
                fault="曳引钢丝绳磨损超标，更换钢丝绳",
                amount=Decimal("12800.00"),
            )
    for day, target in TARGETS:
        actions.set_pilot_target(None, date=day, lifts=target)
    note = f", {unpaid} premiums left unpaid (pooled account too small)" if unpaid else ""
    ctx.out.write(f"  lifts registered: {len(rows)}, signed in the pilot: {signed}{note}\n")


def _top_up(project_name: str, needed: int) -> None:
    """Give a pilot project's high-rise buildings the lifts the seed signed, when the registry has fewer."""
    buildings = list(
        Building.objects.filter(Q(lift_count__gt=0) | Q(floors__gt=7), project__name=project_name).order_by("number")
    )
    missing = needed - sum(b.lift_count for b in buildings)
    index = 0
    while missing > 0 and buildings:
        building = buildings[index % len(buildings)]
        building.lift_count += 1
        missing -= 1
        index += 1
    for building in buildings:
        original = Building.objects.values_list("lift_count", flat=True).get(pk=building.pk)
        if building.lift_count != original:
            registry_actions.update_building(
                None, building, floors=building.floors, structure=building.structure, lift_count=building.lift_count
            )


def register_steps() -> None:
    register(Step(50, "lift insurance", build_lifts))
