"""Rental test data built through the rental actions (and the registry's own factories)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from anju.registry import actions as registry_actions
from anju.registry.models import Building, Person, Project, Unit
from anju.registry.tests import factories as registry
from anju.rental import actions
from anju.rental.models import Category, Draw, Exit, Household, Kind, Lease, RentalUnit

RATE_DAY = dt.date(2019, 1, 1)


def rates() -> None:
    """Home rent 2.00/m² (低保 50% off, 低收入 20% off), shops 30.00/m²."""
    for category, reduction in ((Category.DIBAO, "50"), (Category.LOW_INCOME, "20"), (Category.MIGRANT, "0")):
        actions.set_rate(
            None,
            kind=Kind.HOME,
            category=category,
            per_m2=Decimal("2.00"),
            reduction_percent=Decimal(reduction),
            valid_from=RATE_DAY,
        )
    actions.set_rate(
        None,
        kind=Kind.SHOP,
        category=Category.COMMERCIAL,
        per_m2=Decimal("30.00"),
        reduction_percent=Decimal(0),
        valid_from=RATE_DAY,
    )


def estate(homes: int = 4, shops: int = 1, code: str = "GZ-T", area: str = "50.00") -> list[RentalUnit]:
    """A public-rental project with `homes` homes (101, 102, ...) and `shops` shops, under management."""
    (project,) = registry_actions.register_projects(
        None, [Project(code=code, name="城东公租房小区", kind=Project.Kind.PUBLIC_RENTAL)]
    )
    (building,) = registry_actions.register_buildings(None, [Building(project=project, number="1", floors=6)])
    rooms = [(f"S{index - homes + 1:02d}", True) if index >= homes else (f"{101 + index}", False)
             for index in range(homes + shops)]  # fmt: skip
    registry_actions.register_units(
        None,
        [
            registry_actions.NewUnit(
                Unit.make_code(code, "1", "1", room), project.pk, building.pk, "1", room, 1, Decimal(area),
                Unit.Use.SHOP if shop else Unit.Use.RESIDENTIAL,
            )
            for room, shop in rooms
        ],
    )  # fmt: skip
    actions.register_estate(None, project, RATE_DAY)
    return list(RentalUnit.objects.filter(unit__project=project).order_by("unit__code"))


def person(seq: int, name: str = "王芳") -> Person:
    return registry.person(name=name, seq=seq)


def waiting_household(seq: int, category: str = Category.LOW_INCOME, on: dt.date = dt.date(2023, 1, 5)) -> Household:
    household = actions.apply(
        None,
        applicant=person(seq, name=f"申请人{seq}"),
        category=category,
        monthly_income=Decimal("900.00"),
        owns_home=False,
        applied_on=on,
    )
    actions.record_checks(None, household, income=True, housing=True)
    return actions.decide_eligibility(None, household, eligible=True, on=on + dt.timedelta(days=10))


def home_lease(
    unit: RentalUnit,
    seq: int,
    start: dt.date = dt.date(2023, 1, 1),
    category: str = Category.LOW_INCOME,
) -> Lease:
    household = waiting_household(seq, category=category, on=start - dt.timedelta(days=60))
    return actions.sign_lease(
        None, rental_unit=unit, household=household, start=start, end=start.replace(year=start.year + 3)
    )


def shop_lease(unit: RentalUnit, start: dt.date = dt.date(2023, 1, 1), tenant: str = "怀化市王记便利店") -> Lease:
    return actions.sign_lease(
        None, rental_unit=unit, tenant_name=tenant, start=start, end=start.replace(year=start.year + 5)
    )


def lottery(
    announced_on: dt.date = dt.date(2023, 3, 1),
    draw_on: dt.date = dt.date(2023, 3, 15),
    external: str = "20230315-0001",
    units: list[str] | None = None,
) -> Draw:
    """A lottery announced and then held on its date with the outside value."""
    draw = actions.announce_draw(
        None, announced_on=announced_on, draw_on=draw_on, seed_source="福利彩票当日开奖号码", units=units
    )
    return actions.hold_draw(None, draw, held_on=draw_on, external_value=external)


def approved_exit(lease: Lease, reason: str = "arrears", on: dt.date | None = None) -> Exit:
    """An exit prepared, reviewed and approved from the command line (actor None: no separation applies)."""
    exit_ = actions.prepare_exit(None, lease, reason=reason, on=on)
    for step in ("submit", "review", "approve"):
        exit_ = actions.take_exit_step(None, exit_, step)
    return exit_


def served_exit(lease: Lease, *, reason: str = "arrears", notice_on: dt.date, deadline: dt.date) -> Exit:
    """An approved exit whose notice is served: what `serve_exit` made in one step before exits were approved."""
    return actions.serve_exit(None, approved_exit(lease, reason, notice_on), notice_on=notice_on, deadline=deadline)
