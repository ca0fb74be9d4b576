"""Prevention contracts and acceptances of the past (a center starts with 15 years of paper contracts),
on the import kit: one row a building whose prevention was accepted, all rows or none. Importing them is
how the first year's revisit plan exists.

Headers: 合同编号, 建设单位, 项目名称, 幢号, 建筑面积, 验收日期, 包治年限 (empty: 15). A 合同编号 + 幢号
already in Anju is skipped; the rows of one contract must agree on its 建设单位, 项目名称 and 包治年限,
and with the contract already in Anju under that number. `anju termite import-history FILE` prints the
result as JSON (the same as the page's summary)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import timezone

from anju.core import audit, imports
from anju.core.models import AuditEvent, User
from anju.lib.tabular import Column, Kind, RowError
from anju.termite import rules
from anju.termite.models import Contract, WarrantyBuilding

HEADERS = ("合同编号", "建设单位", "项目名称", "幢号", "建筑面积", "验收日期", "包治年限")
CONTRACT_FIELDS = ("建设单位", "项目名称", "包治年限")


def _positive(area: Decimal) -> Decimal:
    if area <= 0:
        raise ValueError("须大于0")
    if area >= 10**10:
        raise ValueError("过大")
    return area


def _years(years: int) -> int:
    if years <= 0 or years > 100:
        raise ValueError("须为1至100之间的整数")
    return years


def _past(day: dt.date) -> dt.date:
    if day > timezone.localdate():
        raise ValueError("晚于今天")
    return day


COLUMNS = (
    Column("合同编号", Kind.CODE, required=True, max_length=40, terse=True, help="白蚁预防合同的编号。"),
    Column("建设单位", required=True, max_length=120, terse=True, help="合同的建设单位（开发企业）。"),
    Column("项目名称", required=True, max_length=120, terse=True),
    Column("幢号", Kind.CODE, required=True, max_length=20, terse=True, help="同一合同中不能重复。"),
    Column(
        "建筑面积", Kind.DECIMAL, required=True, terse=True, check=_positive, help="该幢的预防面积，大于0，单位平方米。"
    ),
    Column("验收日期", Kind.DATE, required=True, terse=True, check=_past, help="预防工程验收日期，包治期自该日起算。"),
    Column(
        "包治年限",
        Kind.INT,
        terse=True,
        check=_years,
        help=(
            f"整数；不填时同一合同其他行填写的年限，都不填为{rules.DEFAULT_YEARS}年；低于国家规定的"
            f"{rules.NATIONAL_MINIMUM_YEARS}年时照录并提示。"
        ),
    ),
)


@dataclass
class HistoryResult:
    imported: int = 0
    skipped: int = 0
    buildings: list[dict[str, Any]] = field(default_factory=list)
    short: int = 0  # buildings whose warranty is shorter than the national minimum

    def as_dict(self) -> dict[str, Any]:
        return {"imported": self.imported, "skipped": self.skipped, "buildings": self.buildings}


@dataclass
class _Known:
    contracts: dict[str, Contract]
    pairs: set[tuple[str, str]]


def _contract_value(contract: Contract, header: str) -> Any:
    return {
        "建设单位": contract.developer_name,
        "项目名称": contract.project_name,
        "包治年限": contract.warranty_years,
    }[header]


class HistoryImport(imports.ImportSpec):
    key = "termite.history"
    title = "白蚁预防历史合同导入"
    module = "termite"
    columns = COLUMNS
    example = ("BY2009-001", "怀化宏达房地产开发有限公司", "鹤城花园", "1", "8650.50", "2009-10-01", 15)
    command = "anju termite import-history FILE"
    notes = ("已导入的“合同编号 + 幢号”再次导入时跳过。",)

    def fetch(self, parsed: imports.Parsed, options: imports.Options) -> _Known:
        numbers = sorted({row.values["合同编号"] for row in parsed.rows if row.values["合同编号"]})
        contracts: dict[str, Contract] = {}
        pairs: set[tuple[str, str]] = set()
        for chunk in imports.chunks(numbers):
            contracts.update((c.number, c) for c in Contract.objects.select_for_update().filter(number__in=chunk))
            pairs.update(
                WarrantyBuilding.objects.filter(contract__number__in=chunk).values_list(
                    "contract__number", "building_no"
                )
            )
        return _Known(contracts, pairs)

    def check(self, parsed: imports.Parsed, fetched: _Known, options: imports.Options) -> list[RowError]:
        errors: list[RowError] = []
        # Per contract and field, the first value given (its row) or the contract's own in Anju.
        given: dict[tuple[str, str], tuple[int, Any]] = {}
        seen: set[tuple[str, str]] = set()
        for row in parsed.rows:
            number, building = row.values["合同编号"], row.values["幢号"]
            if not number or not building:
                continue
            if (number, building) in seen:
                errors.append(RowError(row.number, "幢号", f"合同{number}的{building}幢在文件中重复"))
            seen.add((number, building))
            existing = fetched.contracts.get(number)
            for header in CONTRACT_FIELDS:
                value = row.values[header]
                if value is None:
                    continue
                if existing is not None:
                    was = _contract_value(existing, header)
                    if value != was:
                        errors.append(RowError(row.number, header, f"与系统中合同{number}的{header}“{was}”不一致"))
                    continue
                first = given.setdefault((number, header), (row.number, value))
                if value != first[1]:
                    errors.append(
                        RowError(row.number, header, f"与第{first[0]}行同一合同{number}的{header}“{first[1]}”不一致")
                    )
        return errors

    def write(
        self, actor: User | None, parsed: imports.Parsed, fetched: _Known, options: imports.Options
    ) -> HistoryResult:
        result = HistoryResult()
        new_contracts: dict[str, Contract] = {}
        rows = []
        for row in parsed.rows:
            number, building = row.values["合同编号"], row.values["幢号"]
            if (number, building) in fetched.pairs:
                result.skipped += 1
                continue
            if number not in fetched.contracts and number not in new_contracts:
                new_contracts[number] = Contract(
                    number=number,
                    developer_name=row.values["建设单位"],
                    project_name=row.values["项目名称"],
                    warranty_years=rules.DEFAULT_YEARS,
                    imported=True,
                    created_by=actor,
                )
            if row.values["包治年限"] is not None and number in new_contracts:
                new_contracts[number].warranty_years = row.values["包治年限"]
            rows.append(row)
        Contract.objects.bulk_create(new_contracts.values())
        contracts = {
            **fetched.contracts,
            **{c.number: c for c in Contract.objects.filter(number__in=list(new_contracts))},
        }
        buildings = []
        for row in rows:
            contract = contracts[row.values["合同编号"]]
            accepted = row.values["验收日期"]
            end = rules.nominal_end(accepted, contract.warranty_years)
            result.short += rules.short_warranty(contract.warranty_years)
            buildings.append(
                WarrantyBuilding(
                    contract=contract,
                    building_no=row.values["幢号"],
                    area=row.values["建筑面积"],
                    accepted_on=accepted,
                    nominal_end=end,
                    accepted_by=actor,
                )
            )
            result.buildings.append(
                {
                    "row": row.number,
                    "contract": contract.number,
                    "building": row.values["幢号"],
                    "warranty_end": end.isoformat(),
                }
            )
        WarrantyBuilding.objects.bulk_create(buildings, batch_size=1000)
        result.imported = len(buildings)
        audit.record(
            actor,
            AuditEvent.Action.IMPORT,
            model="termite.WarrantyBuilding",
            object_repr=options.get("filename", "")[:200],
            after={"imported": result.imported, "skipped": result.skipped, "contracts": len(new_contracts)},
            note=f"导入历史预防合同{len(new_contracts)}份、已验收房屋{result.imported}幢",
        )
        return result

    def summary(self, result: HistoryResult) -> list[tuple[Any, Any]]:
        pairs: list[tuple[Any, Any]] = [("导入房屋（幢）", result.imported), ("已有而跳过（幢）", result.skipped)]
        if result.short:
            pairs.append((f"包治年限低于{rules.NATIONAL_MINIMUM_YEARS}年（幢）", result.short))
        return pairs


HISTORY_IMPORT = HistoryImport()


def import_history(actor: User | None, filename: str, content: bytes, *, ip: str | None = None) -> HistoryResult:
    result: HistoryResult = imports.run(HISTORY_IMPORT, actor, filename, content, ip=ip)
    return result
