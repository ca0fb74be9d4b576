"""Revisits done on paper (回访复查记录), on the import kit: one row a revisit of a building under warranty,
all rows or none; a row finding termites opens a control request free of charge, as at the counter.

Headers: 合同编号, 幢号, 回访日期, 回访人员, 复查面积, 结论 (无蚁害 / 发现蚁害 / 无法入户), 备注 (选填)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from anju.core import imports
from anju.core.models import User
from anju.lib import dates
from anju.lib.tabular import Column, Kind, RowError
from anju.termite import actions, rules
from anju.termite.models import Revisit, WarrantyBuilding

FINDINGS = {
    "无蚁害": Revisit.Finding.CLEAR,
    "发现蚁害": Revisit.Finding.TERMITES,
    "无法入户": Revisit.Finding.NO_ACCESS,
}


def _positive(area: Decimal) -> Decimal:
    if area <= 0:
        raise ValueError("须大于0")
    return area


def _past(day: dt.date) -> dt.date:
    if day > timezone.localdate():
        raise ValueError("晚于今天")
    return day


COLUMNS = (
    Column("合同编号", Kind.CODE, required=True, max_length=40, terse=True),
    Column("幢号", Kind.CODE, required=True, max_length=20, terse=True, help="须为该合同中已验收的房屋。"),
    Column("回访日期", Kind.DATE, required=True, terse=True, check=_past, help="须在该幢的包治期内。"),
    Column("回访人员", required=True, max_length=60, terse=True),
    Column("复查面积", Kind.DECIMAL, required=True, terse=True, check=_positive, help="大于0，不超过该幢的预防面积。"),
    Column("结论", Kind.CHOICE, required=True, choices=FINDINGS, terse=True, help="发现蚁害的，自动登记一宗免费灭治。"),
    Column("备注", max_length=300, omissible=True),
)


class RevisitsImport(imports.ImportSpec):
    key = "termite.revisits"
    title = "白蚁回访复查记录导入"
    module = "termite"
    columns = COLUMNS
    example = ("BY2009-001", "1", "2023-04-12", "李明", "8650.50", "无蚁害", "")

    def fetch(self, parsed: imports.Parsed, options: imports.Options) -> dict[tuple[str, str], WarrantyBuilding]:
        numbers = sorted({row.values["合同编号"] for row in parsed.rows if row.values["合同编号"]})
        found: dict[tuple[str, str], WarrantyBuilding] = {}
        for chunk in imports.chunks(numbers):
            for building in WarrantyBuilding.objects.select_related("contract").filter(contract__number__in=chunk):
                found[(building.contract.number, building.building_no)] = building
        return found

    def check(
        self, parsed: imports.Parsed, fetched: dict[tuple[str, str], WarrantyBuilding], options: imports.Options
    ) -> list[RowError]:
        errors: list[RowError] = []
        calendar = dates.default_calendar()
        for row in parsed.rows:
            number, no, day, area = (row.values[k] for k in ("合同编号", "幢号", "回访日期", "复查面积"))
            if not number or not no:
                continue
            building = fetched.get((number, no))
            if building is None:
                errors.append(RowError(row.number, "幢号", f"合同{number}中没有{no}幢"))
                continue
            end, _final = actions.warranty_end(building, calendar)
            if day is not None and not rules.under_warranty(day, building.accepted_on, end):
                errors.append(RowError(row.number, "回访日期", f"{day:%Y-%m-%d}不在该幢的包治期内"))
            if area is not None and area > building.area:
                errors.append(RowError(row.number, "复查面积", f"超过该幢的预防面积{building.area}"))
        return errors

    def write(
        self,
        actor: User | None,
        parsed: imports.Parsed,
        fetched: dict[tuple[str, str], WarrantyBuilding],
        options: imports.Options,
    ) -> list[Revisit]:
        return actions.record_revisits(
            actor,
            [
                actions.RevisitRow(
                    building=fetched[(row.values["合同编号"], row.values["幢号"])],
                    date=row.values["回访日期"],
                    inspector=row.values["回访人员"],
                    area_checked=row.values["复查面积"],
                    finding=row.values["结论"],
                    note=row.get("备注", ""),
                )
                for row in parsed.rows
            ],
        )

    def summary(self, result: list[Revisit]) -> list[tuple[Any, Any]]:
        found = sum(1 for revisit in result if revisit.finding == Revisit.Finding.TERMITES)
        return [("登记回访（幢次）", len(result)), ("发现蚁害并登记灭治（宗）", found)]


REVISITS_IMPORT = RevisitsImport()
