"""What every termite action shares: the numbering schemes and the checks of areas, dates and texts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from anju.core import numbering
from anju.registry.models import Building
from anju.termite.errors import TermiteError
from anju.termite.models import (
    Application,
    ControlRequest,
    Structure,
    WarrantyBuilding,
)

APPLICATIONS = numbering.Scheme(Application, "YF", 4)
REQUESTS = numbering.Scheme(ControlRequest, "MZ", 4)
CERTIFICATES = numbering.Scheme(WarrantyBuilding, "BZ", 5, field="certificate_number")


@dataclass(frozen=True)
class BuildingArea:
    """A building of an application: its number (幢号), structure and area, and the roll's building if any."""

    building_no: str
    area: Decimal
    structure: str = Structure.FRAME
    building: Building | None = None
    floors: int | None = None  # with the footprint, bounds the area (the roll's floors when not given)
    footprint: Decimal | None = None


MAX_AREA = Decimal("9999999999.99")  # the area fields' 12 digits


def positive_area(area: Decimal, field: str) -> Decimal:
    if area is None or area <= 0:
        raise TermiteError(f"{field}须大于0", code="area_not_positive", field="area")
    if area > MAX_AREA:
        raise TermiteError(f"{field}过大", code="area_too_large", field="area")
    if area != area.quantize(Decimal("0.01")):
        raise TermiteError(f"{field}最多2位小数", code="area_places", field="area")
    return area


def not_future(day: dt.date, field: str) -> None:
    if day > timezone.localdate():
        raise TermiteError(f"{field}（{day:%Y-%m-%d}）晚于今天", code="future_date")


def required_text(value: str, field: str, code: str) -> str:
    value = (value or "").strip()
    if not value:
        raise TermiteError(f"请填写{field}", code=code)
    return value
