"""Termite records for tests, built through the line's actions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from anju.termite import actions
from anju.termite.models import Application, Contract, WarrantyBuilding


def application(
    project: str = "鹤城花园",
    received_on: dt.date = dt.date(2023, 3, 1),
    buildings: tuple[tuple[str, str], ...] = (("1", "8000.00"), ("2", "5000.50")),
) -> Application:
    return actions.register_application(
        None,
        developer_name="怀化宏达房地产开发有限公司",
        project_name=project,
        received_on=received_on,
        buildings=[actions.BuildingArea(no, Decimal(area)) for no, area in buildings],
    )


def contract(accepted_on: dt.date = dt.date(2023, 3, 5), **kwargs: object) -> Contract:
    app = actions.accept_application(None, application(**kwargs), on=accepted_on)  # type: ignore[arg-type]
    return actions.sign_contract(None, app, number=f"HT-{app.number}", signed_on=accepted_on + dt.timedelta(days=2))


def accepted_building(on: dt.date = dt.date(2023, 6, 15), **kwargs: object) -> WarrantyBuilding:
    building = contract(**kwargs).buildings.order_by("building_no").first()  # type: ignore[arg-type]
    assert building is not None
    return actions.accept_building(None, building, on=on)
