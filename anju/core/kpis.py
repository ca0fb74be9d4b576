"""The KPI registry (KPIS.md): each module registers its KPIs here; the dashboard, the report page and
`anju report annual` read them from here, so a figure is computed in one place from records.

A KPI is a code, a Chinese name, a unit and two functions of the year: `compute` gives the value from
records, `records` gives the queryset of records behind it (the rows a figure links to). `records_url`
optionally gives the page that lists those records (a filtered list of the owning module).

A value is a number, or a list (`is_list`) for prose written from records: the households paid per batch
(``[490, 765]``), or the names of projects (``["新天地", "湖天名居"]``, text items such as "项目名（阶段）")."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Count, QuerySet, Sum
from django.db.models.constants import LOOKUP_SEP
from django.db.models.functions import ExtractMonth
from django.utils import timezone

from anju.core.fields import MoneyField

MONEY = "元"
AREA = "m²"
PERCENT = "%"
SCORE = "分"  # a performance score: a 2-decimal string like money and rates
# Units that are counts (JSON integers in figures.json); money, area and rates are 2-decimal strings.
COUNT_UNITS = frozenset(
    {
        "套",
        "户",
        "家",
        "个",
        "台",
        "件",
        "宗",
        "次",
        "人",
        "棵",
        "间",
        "份",
        "笔",
        "批",
        "天",
        "人次",
        "项",
        "条",
        "名",
        "堂",
        "起",
    }
)
# A list value's items: numbers in the KPI's unit, or text.
ListValue = list[Decimal | int | str]
Value = Decimal | int | ListValue


@dataclass(frozen=True)
class Kpi:
    code: str
    name: str
    unit: str
    compute: Callable[[int], Value]
    records: Callable[[int], QuerySet[Any]] | None = None
    records_url: Callable[[int], str] | None = None
    # How it is computed, in one sentence (shown beside the figure and in the report's notes).
    definition: str = ""
    # The value is a list (see the module's docstring).
    is_list: bool = False
    # The leaders' monthly charts: the figure month by month (12 values for the year's months) — by default
    # from `records` grouped by the month of `month_field`, summing `month_sum` (money) or counting — and the
    # page listing one month's records (`month_url(year, month)`; default the year's records).
    month_field: str = ""
    month_sum: str = ""
    by_month: Callable[[int], list[Decimal | int]] | None = None
    month_url: Callable[[int, int], str] | None = None

    @property
    def module(self) -> str:
        return self.code.split(".", 1)[0]

    @property
    def is_count(self) -> bool:
        return self.unit in COUNT_UNITS


_kpis: dict[str, Kpi] = {}


def register(*kpis: Kpi) -> None:
    for kpi in kpis:
        if kpi.unit not in COUNT_UNITS and kpi.unit not in (MONEY, AREA, PERCENT, SCORE):
            raise ValueError(f"{kpi.code}: unknown unit {kpi.unit!r}")
        _kpis[kpi.code] = kpi


def get(code: str) -> Kpi:
    """The KPI with the code (KeyError for an unknown one)."""
    return _kpis[code]


def all_kpis(module: str | None = None) -> list[Kpi]:
    """Registered KPIs in registration order, optionally of one module (the code's first part)."""
    return [kpi for kpi in _kpis.values() if module is None or kpi.module == module]


def value(code: str, year: int) -> Value:
    return get(code).compute(year)


def kept_values(kpis: Sequence[Kpi], year: int, tables: Iterable[str]) -> list[Value]:
    """`[kpi.compute(year) for kpi in kpis]`, kept per version of `tables` (`anju.core.kept`) and of the day
    (a year's figures run to its end or to today): a dashboard's figures computed once after any change of
    their records, not a dozen counts each view. `tables` must be every table the KPIs read, each watched by
    its version triggers (the module's test checks the KPIs' statements against it)."""
    from anju.core import kept

    key = ("anju.core.kpis", tuple(kpi.code for kpi in kpis), year, timezone.localdate())
    return kept.kept(key, tables, lambda: [kpi.compute(year) for kpi in kpis])


def kept_figures(kpis: Sequence[Kpi], year: int, tables: Iterable[str]) -> list[tuple[Kpi, Value, str]]:
    """A dashboard's (kpi, value, the page of its records) for the year, the values by `kept_values`."""
    values = kept_values(kpis, year, tables)
    return [(k, v, k.records_url(year) if k.records_url else "") for k, v in zip(kpis, values, strict=True)]


def as_json(kpi: Kpi, raw: Value) -> int | str | list[int | str]:
    """The figures.json form: counts are integers, money, areas and rates strings with 2 decimals; a list KPI
    is a list of those (its text items as they are)."""
    if isinstance(raw, list):
        if not kpi.is_list:
            raise ValueError(f"{kpi.code}: a list value for a KPI not declared is_list")
        return [item if isinstance(item, str) else _number_json(kpi, item) for item in raw]
    if kpi.is_list:
        raise ValueError(f"{kpi.code}: a list KPI must give a list")
    return _number_json(kpi, raw)


def _number_json(kpi: Kpi, raw: Decimal | int) -> int | str:
    if kpi.is_count:
        if isinstance(raw, Decimal) and raw != raw.to_integral_value():
            raise ValueError(f"{kpi.code}: a count must be whole, got {raw}")
        return int(raw)
    return str(Decimal(raw).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def rate(numerator: Decimal | int, denominator: Decimal | int) -> Decimal:
    """A percentage with two decimals, half up; 0.00 when the denominator is zero."""
    if not denominator:
        return Decimal("0.00")
    return (Decimal(numerator) * 100 / Decimal(denominator)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def monthly(kpi: Kpi, year: int) -> list[Decimal | int] | None:
    """The KPI month by month for the year (None when it has no monthly form): one grouped query."""
    if kpi.by_month is not None:
        return kpi.by_month(year)
    if not kpi.month_field or kpi.records is None:
        return None
    rows = kpi.records(year).filter(**{f"{kpi.month_field}__year": year}).order_by()
    measure = Sum(kpi.month_sum, output_field=MoneyField()) if kpi.month_sum else Count("pk", distinct=True)
    zero: Decimal | int = Decimal("0.00") if kpi.month_sum else 0
    if _by_day(rows.model, kpi.month_field, summed=bool(kpi.month_sum)):
        # Grouped by the date itself (an index range, no function a row; SQLite's month extraction is
        # a Python call a row) and the days added up by month: a sum is the sum of its days' sums, and a
        # record with its own date is counted on one day only.
        days = rows.values(kpi.month_field).annotate(v=measure).values_list(kpi.month_field, "v")
        by_month: dict[int, Decimal | int] = {}
        for day, value in days:
            by_month[day.month] = by_month.get(day.month, zero) + (value or zero)
        return [by_month.get(month, zero) for month in range(1, 13)]
    grouped = rows.annotate(m=ExtractMonth(kpi.month_field)).values("m").annotate(v=measure).values_list("m", "v")
    found = {int(month): value for month, value in grouped}
    return [found.get(month, zero) or zero for month in range(1, 13)]


def _by_day(model: Any, path: str, *, summed: bool) -> bool:
    """Whether `path` is a date (not a time) that a sum, or a count of the records holding it, may group by."""
    parts = path.split(LOOKUP_SEP)
    if len(parts) > 1 and not summed:
        return False
    field: Any = None
    for part in parts:
        try:
            field = model._meta.get_field(part)
        except FieldDoesNotExist:
            return False
        model = field.related_model
    return isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField)


def month_link(kpi: Kpi, year: int, month: int) -> str:
    """The page listing the records of one month of the figure (the year's when the line has no month filter)."""
    if kpi.month_url is not None:
        return kpi.month_url(year, month)
    return kpi.records_url(year) if kpi.records_url is not None else ""


def find(code: str) -> Kpi | None:
    """The KPI with the code, or None while its module has not registered it."""
    return _kpis.get(code)
