"""The demo city's termite control, written through the line's actions and imports so that 2023 reproduces
the seed at its precision (DOMAIN.md §3): 152万㎡ accepted, 230万㎡ treated (accepted buildings),
3000㎡ of house control, 2.3万 trees, 708万㎡ revisited of about 722万㎡ due (98%).

- Paper records of 2005–2022 acceptances come in through the history import (how a center starts); the
  2023 plan is every one accepted from 2008 on, plus one accepted on 2007-12-31 whose last day
  (2022-12-31, a Saturday of the New Year holiday) moves into 2023 (民法典 第203条).
- Applications of 2022 are received, accepted and contracted in 2022, their buildings treated and
  accepted in 2023; applications of 2023 are received and accepted (some returned) in 2023.
- The 2023 revisits are recorded in rounds; those that found termites open free control requests, which
  with the residents' and the parks' requests are treated and closed.
Not scaled: the figures are the seed's."""

from __future__ import annotations

import datetime as dt
import io
import random
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

from anju.core import imports
from anju.core.demokit import Step, register
from anju.lib import dates
from anju.lib.money import apportion
from anju.termite import actions
from anju.termite.history_import import HEADERS, HISTORY_IMPORT
from anju.termite.models import Application, ControlRequest, FeeRate, Revisit, Stage, Structure, WarrantyBuilding

if TYPE_CHECKING:
    from anju.core.demokit import Context

D = Decimal
YEAR = 2023
DUE_AREA = D("7221500.00")  # 708万 ÷ 98% ≈ 722万: the plan of 2023
NOT_REVISITED = 20  # buildings of the plan not revisited in 2023, each NOT_REVISITED_AREA
NOT_REVISITED_AREA = D("7175.00")  # 20 × 7175 = 143,500: revisited 7,078,000 (98.01%)
ACCEPTED_AREA = D("1520000.00")  # 152万: applications accepted in 2023
TREATED_AREA = D("2300000.00")  # 230万: buildings accepted in 2023
HOUSE_CONTROL = D("3000.00")
TREES = 23000
DEVELOPERS = [
    "怀化宏达房地产开发有限公司",
    "湖南鹤城置业有限公司",
    "怀化舞水房地产有限公司",
    "怀化五溪投资开发有限公司",
]
PROJECTS = ["鹤城花园", "舞水湾", "迎丰苑", "五溪新城", "太平桥小区", "锦溪名苑", "河西新村", "湖天名居", "新天地"]
INSPECTORS = ["李明", "王强", "张伟", "刘洋"]
CREWS = ["白蚁防治一队", "白蚁防治二队"]


def _areas(rng: random.Random, total: Decimal, low: int, high: int) -> list[Decimal]:
    """Building areas between low and high m² (two decimals) summing exactly to total."""
    areas: list[Decimal] = []
    left = total
    while left > high * 2:
        area = D(rng.randint(low * 100, high * 100)) / 100
        areas.append(area)
        left -= area
    half = (left / 2).quantize(D("0.01"))
    return [*areas, half, left - half]


def _day(rng: random.Random, year: int, first: dt.date | None = None) -> dt.date:
    start = first or dt.date(year, 1, 2)
    end = dt.date(year, 12, 20)
    return start + dt.timedelta(days=rng.randint(0, max(0, (end - start).days)))


def _history(ctx: Context) -> None:
    """Acceptances of 2005–2022 from the paper records, through the history import."""
    rng = ctx.rng
    rows: list[list[object]] = []
    plan_areas = _areas(rng, DUE_AREA - NOT_REVISITED * NOT_REVISITED_AREA - D("6200.00"), 4000, 12000)
    plan_areas += [NOT_REVISITED_AREA] * NOT_REVISITED
    rng.shuffle(plan_areas)
    years = list(range(2008, 2023))
    for index, area in enumerate(plan_areas):
        year, seq = years[index % len(years)], index // (len(years) * 3) + 1  # three buildings a contract
        rows.append(_row(year, seq, str(index + 1), area, _day(rng, year)))
    # The New Year's edge: accepted 2007-12-31, nominal end 2022-12-31 (holiday), in the 2023 plan.
    rows.append(_row(2007, 99, "99", D("6200.00"), dt.date(2007, 12, 31)))
    for index in range(30):  # older, ended before 2023: not in the plan
        year = 2005 + index % 3
        rows.append(
            _row(
                year,
                index + 1,
                "1",
                D(rng.randint(300000, 900000)) / 100,
                dt.date(year, 1 + index % 11, 1 + index % 28),
            )
        )
    buffer = io.StringIO()
    buffer.write(",".join(HEADERS) + "\n")
    for row in rows:
        buffer.write(",".join(f"{v:%Y-%m-%d}" if isinstance(v, dt.date) else str(v) for v in row) + "\n")
    imports.run(HISTORY_IMPORT, None, "白蚁预防历史合同.csv", buffer.getvalue().encode())


def _row(year: int, seq: int, building: str, area: Decimal, accepted: dt.date) -> list[object]:
    """A history row: the contract's developer and project follow from its number."""
    return [f"BY{year}-{seq:03d}", DEVELOPERS[seq % 4], PROJECTS[(year + seq) % 9], building, area, accepted, 15]


def _applications(ctx: Context, year: int, total: Decimal, *, returned: int = 0) -> list[Application]:
    rng = ctx.rng
    accepted = []
    areas = _areas(rng, total, 5000, 15000)
    index = number = 0
    while index < len(areas):
        take = areas[index : index + rng.randint(2, 4)]
        received = dt.date(year, 1 + number % 11, 1 + (number * 7) % 27)
        application = actions.register_application(
            None,
            developer_name=DEVELOPERS[number % 4],
            project_name=f"{PROJECTS[number % 9]}{year % 100}-{number // 9 + 1}期",
            permit_number=f"430000{year}{number:04d}",
            received_on=received,
            buildings=[
                actions.BuildingArea(f"{n + 1}", area, Structure.FRAME if n % 3 else Structure.BRICK_CONCRETE)
                for n, area in enumerate(take)
            ],
        )
        accepted.append(
            actions.accept_application(None, application, on=received + dt.timedelta(days=rng.randint(1, 9)))
        )
        index += len(take)
        number += 1
    for n in range(returned):
        application = actions.register_application(
            None,
            developer_name=DEVELOPERS[n % 4],
            project_name=f"退件示例{n + 1}",
            received_on=dt.date(year, 3 + n, 10),
            buildings=[actions.BuildingArea("1", D("3200.00"))],
        )
        actions.return_application(None, application, on=dt.date(year, 3 + n, 14), reason="施工许可证未附，资料不齐")
    return accepted


def _prevention_2023(ctx: Context) -> None:
    """Contracts of 2022, their buildings treated and accepted in 2023 (230万㎡)."""
    rng = ctx.rng
    for number, application in enumerate(_applications(ctx, YEAR - 1, TREATED_AREA), start=1):
        assert application.accepted_on is not None
        contract = actions.sign_contract(
            None,
            application,
            number=f"HT{YEAR - 1}-{number:03d}",
            signed_on=application.accepted_on + dt.timedelta(days=5),
        )
        for building in contract.buildings.all():
            started = _day(rng, YEAR, dt.date(YEAR, 1, 5))
            actions.record_treatment(
                None, building, stage=Stage.FOUNDATION, date=started, crew=CREWS[number % 2], area=building.area,
                chemicals="联苯菊酯 5% 悬浮剂",
            )  # fmt: skip
            actions.accept_building(
                None, building, on=min(started + dt.timedelta(days=rng.randint(20, 60)), dt.date(YEAR, 12, 28))
            )


def _revisits(ctx: Context) -> list[Revisit]:
    rng = ctx.rng
    from anju.termite import queries

    plan = list(queries.revisit_plan(YEAR).select_related("contract").order_by("pk"))
    calendar = dates.default_calendar()
    skipped = 0
    rows = []
    for building in plan:
        if building.area == NOT_REVISITED_AREA and skipped < NOT_REVISITED:
            skipped += 1
            continue
        end = actions.warranty_end(building, calendar)[0]
        assert end is not None
        last = min(end, dt.date(YEAR, 12, 20))
        first = min(dt.date(YEAR, 3, 1), last)
        day = first + dt.timedelta(days=rng.randint(0, (last - first).days))
        found = rng.random() < 0.02
        finding = (
            Revisit.Finding.TERMITES
            if found
            else (Revisit.Finding.NO_ACCESS if rng.random() < 0.01 else Revisit.Finding.CLEAR)
        )
        rows.append(
            actions.RevisitRow(
                building=building, date=day, inspector=rng.choice(INSPECTORS),
                area_checked=building.area, finding=finding,
            )
        )  # fmt: skip
    return actions.record_revisits(None, rows)


def _control(ctx: Context, revisits: Sequence[Revisit]) -> None:
    """The year's control jobs: the revisits' findings and residents' requests (3000㎡ of houses), the
    parks' and schools' trees (2.3万)."""
    rng = ctx.rng
    house = [r.control_request for r in revisits if r.control_request is not None]
    for n in range(40 - len(house)):
        received = _day(rng, YEAR, dt.date(YEAR, 3, 1))
        house.append(
            actions.open_control_request(
                None, received_on=received, requester_kind=ControlRequest.Requester.RESIDENT,
                requester_name=f"居民{n + 1}", phone=f"1397450{n:04d}", channel=ControlRequest.Channel.PHONE,
                target=ControlRequest.Target.HOUSE, address=f"鹤城区{rng.choice(PROJECTS)}{n % 12 + 1}栋",
                area=D(rng.randint(40, 120)),
            )
        )  # fmt: skip
    weights = {n: D(rng.randint(40, 120)) for n in range(len(house))}
    areas = apportion(HOUSE_CONTROL, weights)
    for n, request in enumerate(house):
        treated = min(request.received_on + dt.timedelta(days=rng.randint(1, 10)), dt.date(YEAR, 12, 30))
        actions.treat_control(None, request, on=treated, area=areas[n], chemicals="氟虫腈 粉剂")
    trees_left = TREES
    for n in range(24):
        count = trees_left if n == 23 else rng.randint(850, 990)
        trees_left -= count
        kind = ControlRequest.Requester.PARKS if n % 3 else ControlRequest.Requester.SCHOOL
        received = _day(rng, YEAR, dt.date(YEAR, 4, 1))
        name = "市园林绿化中心" if n % 3 else "鹤城区第一中学"
        request = actions.open_control_request(
            None, received_on=received, requester_kind=kind, requester_name=name,
            channel=ControlRequest.Channel.COUNTER, target=ControlRequest.Target.TREES, address=f"迎丰公园{n + 1}区",
            trees=count, species=rng.choice(["樟树", "桂花树", "杨树"]),
        )  # fmt: skip
        actions.treat_control(
            None, request, on=min(received + dt.timedelta(days=5), dt.date(YEAR, 12, 30)), trees=count
        )
    for request in ControlRequest.objects.filter(
        status=ControlRequest.Status.TREATED, follow_up_due__lt=dt.date(YEAR, 12, 31)
    ):
        actions.close_control(None, request, followed_up_on=request.follow_up_due or dt.date(YEAR, 12, 31))


def _special_fund(ctx: Context) -> None:
    """The procurement contracts' chemicals and labour: 2023's issues and work cost 90.60万 of the 162万
    special fund (chemicals 45.40万, labour 45.20万 for 230万㎡ of treatment, 3000㎡ of control, 2.3万 trees)."""
    rng = ctx.rng
    start = dt.date(YEAR, 1, 3)
    labour = {"prevention": D("0.18"), "house_control": D("5.00"), "tree_control": D("1.00")}
    for kind, price in labour.items():
        actions.set_labour_price(None, kind=kind, price=price, effective_from=start, contract_number="HHCG-2023-017")
    bifenthrin = actions.add_chemical(
        None, name="联苯菊酯 5% 悬浮剂", registration_number="PD20183045", unit="L", unit_price=D("80.00"),
        active_ingredient="联苯菊酯",
    )  # fmt: skip
    fipronil = actions.add_chemical(
        None, name="氟虫腈 0.5% 粉剂", registration_number="PD20171122", unit="kg", unit_price=D("120.00"),
        active_ingredient="氟虫腈",
    )  # fmt: skip
    plan = [
        (bifenthrin, "L2301", start, "3000", 15, "167"),
        (bifenthrin, "L2307", dt.date(YEAR, 7, 3), "2000", 10, "167"),
    ]
    plan.append((fipronil, "F2301", start, "1200", 25, "40"))
    lots = [
        (actions.receive_lot(None, c, lot=n, received_on=d, quantity=D(q), contract_number="HHCG-2023-009"), t, D(each))
        for c, n, d, q, t, each in plan
    ]
    for lot, times, quantity in lots:
        for n in range(times):
            day = max(lot.received_on, dt.date(YEAR, 1 + n * 11 // times, rng.randint(4, 27)))
            actions.issue_chemical(None, lot, date=day, quantity=quantity, purpose="预防施工及灭治领用")


def build_termite(ctx: Context) -> None:
    for kind in FeeRate.Kind.values:  # the special fund pays: no charge to applicants (DOMAIN.md §3)
        actions.set_fee_rate(
            None, kind=kind, amount=D("0.00"), effective_from=dt.date(2005, 1, 1), source="市财政专项资金支付"
        )
    ctx.out.write("  termite: paper records\n")
    _history(ctx)
    ctx.out.write("  termite: 2022 contracts, 2023 treatment and acceptance\n")
    _prevention_2023(ctx)
    _applications(ctx, YEAR, ACCEPTED_AREA, returned=3)
    ctx.out.write("  termite: 2023 revisits and control\n")
    _control(ctx, _revisits(ctx))
    _special_fund(ctx)
    ctx.out.write(f"  termite: {WarrantyBuilding.objects.count()} buildings under prevention\n")


def register_steps() -> None:
    register(Step(65, "termite control", build_termite))
