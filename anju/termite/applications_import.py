"""Prevention applications received before Anju (预防申请登记簿), on the import kit: one row a building of an
application, all rows or none. The rows of one 原申请编号 are one application; with a 受理日期 it is
imported as accepted (its area counts in that year, its fee at the rates then in force), else as received.

Headers: 原申请编号, 建设单位, 项目名称, 施工许可证号 (选填), 收件日期, 幢号, 结构 (选填, 框架 when empty),
建筑面积, 层数 (选填), 基底面积 (选填), 受理日期 (选填). An 原申请编号 already imported is skipped whole; the
same building of a project in two applications of one year (in the file or in Anju) is refused, as at the
counter; an area over 基底面积 × 层数 is refused."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import timezone

from anju.core import audit, imports, numbering
from anju.core.models import AuditEvent, User
from anju.lib.tabular import Column, Kind, RowError
from anju.termite import rules
from anju.termite.actions.base import APPLICATIONS
from anju.termite.models import Application, ApplicationBuilding, FeeRate, Structure

STRUCTURES = {
    "框架": Structure.FRAME,
    "砖混": Structure.BRICK_CONCRETE,
    "砖木": Structure.BRICK_TIMBER,
    "其他": Structure.OTHER,
}
SHARED = ("建设单位", "项目名称", "施工许可证号", "收件日期", "受理日期")


def _positive(area: Decimal) -> Decimal:
    if area <= 0:
        raise ValueError("须大于0")
    if area >= 10**10:
        raise ValueError("过大")
    return area


def _floors(floors: int) -> int:
    if floors <= 0 or floors > 200:
        raise ValueError("须为1至200之间的整数")
    return floors


def _past(day: dt.date) -> dt.date:
    if day > timezone.localdate():
        raise ValueError("晚于今天")
    return day


COLUMNS = (
    Column(
        "原申请编号",
        Kind.CODE,
        required=True,
        max_length=40,
        terse=True,
        help="纸质申请的编号；同一编号的各行为同一申请。",
    ),
    Column("建设单位", required=True, max_length=120, terse=True),
    Column("项目名称", required=True, max_length=120, terse=True),
    Column("施工许可证号", max_length=60, omissible=True),
    Column("收件日期", Kind.DATE, required=True, terse=True, check=_past),
    Column("幢号", Kind.CODE, required=True, max_length=20, terse=True, help="同一申请中不能重复。"),
    Column("结构", Kind.CHOICE, choices=STRUCTURES, omissible=True, terse=True, help="不填为框架。"),
    Column(
        "建筑面积", Kind.DECIMAL, required=True, terse=True, check=_positive, help="该幢的预防面积，大于0，单位平方米。"
    ),
    Column("层数", Kind.INT, omissible=True, terse=True, check=_floors),
    Column(
        "基底面积",
        Kind.DECIMAL,
        omissible=True,
        terse=True,
        check=_positive,
        help="与层数同填时，建筑面积不得超过基底面积×层数。",
    ),
    Column("受理日期", Kind.DATE, omissible=True, terse=True, check=_past, help="已受理的填写；不早于收件日期。"),
)


@dataclass
class ApplicationsResult:
    imported: int = 0  # applications
    buildings: int = 0
    accepted: int = 0
    skipped: int = 0  # applications already imported
    numbers: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "imported": self.imported,
            "buildings": self.buildings,
            "accepted": self.accepted,
            "skipped": self.skipped,
            "applications": self.numbers,
        }


@dataclass
class _Known:
    references: set[str]
    taken: set[tuple[str, str, int]]  # (project, building, year) of applications not returned
    rates: list[FeeRate]


def _fee(rates: list[FeeRate], parts: list[tuple[str, Decimal]], on: dt.date) -> Decimal:
    """Σ area × the prevention rate in force on the day for the structure (else for every structure)."""
    total = Decimal(0)
    for structure, area in parts:
        live = [r for r in rates if r.effective_from <= on and r.structure in (structure, "")]
        live.sort(key=lambda r: (r.structure == structure, r.effective_from), reverse=True)
        if live:
            total += max(area, live[0].minimum_quantity) * live[0].amount
    return rules.fee(total, Decimal(1))


class ApplicationsImport(imports.ImportSpec):
    key = "termite.applications"
    title = "白蚁预防申请导入"
    module = "termite"
    columns = COLUMNS
    example = ("2022-015", "怀化宏达房地产开发有限公司", "鹤城花园", "431200202201010101", "2022-03-01", "1", "框架",
               "8650.50", "18", "480.60", "2022-03-04")  # fmt: skip
    notes = ("已导入的原申请编号再次导入时整份跳过。",)

    def fetch(self, parsed: imports.Parsed, options: imports.Options) -> _Known:
        references = sorted({row.values["原申请编号"] for row in parsed.rows if row.values["原申请编号"]})
        projects = sorted({row.values["项目名称"] for row in parsed.rows if row.values["项目名称"]})
        known: set[str] = set()
        taken: set[tuple[str, str, int]] = set()
        for chunk in imports.chunks(references):
            known.update(Application.objects.filter(reference__in=chunk).values_list("reference", flat=True))
        for chunk in imports.chunks(projects):
            rows = (
                ApplicationBuilding.objects.filter(application__project_name__in=chunk)
                .exclude(application__status=Application.Status.RETURNED)
                .values_list("application__project_name", "building_no", "application__received_on")
            )
            taken.update((project, building, received.year) for project, building, received in rows)
        return _Known(known, taken, list(FeeRate.objects.filter(kind=FeeRate.Kind.PREVENTION)))

    def check(self, parsed: imports.Parsed, fetched: _Known, options: imports.Options) -> list[RowError]:
        errors: list[RowError] = []
        first: dict[str, Any] = {}  # per reference, its first row
        seen: dict[tuple[str, str, int], tuple[int, str]] = {}
        for row in parsed.rows:
            v = row.values
            reference = v["原申请编号"]
            if not reference or reference in fetched.references:
                continue
            head = first.setdefault(reference, row)
            for header in SHARED:
                if v.get(header) != head.values.get(header):
                    errors.append(
                        RowError(row.number, header, f"与第{head.number}行同一申请{reference}的{header}不一致")
                    )
            received, accepted = v["收件日期"], v.get("受理日期")
            if received and accepted and accepted < received:
                errors.append(RowError(row.number, "受理日期", "早于收件日期"))
            area, floors, footprint = v["建筑面积"], v.get("层数"), v.get("基底面积")
            if area and floors and footprint and area > footprint * floors:
                errors.append(RowError(row.number, "建筑面积", f"超过基底面积{footprint}㎡×{floors}层"))
            if not (v["项目名称"] and v["幢号"] and received):
                continue
            key = (v["项目名称"], v["幢号"], received.year)
            if key in fetched.taken:
                errors.append(RowError(row.number, "幢号", f"{key[0]}{key[1]}幢在{key[2]}年已有预防申请"))
            elif key in seen and seen[key][1] != reference:
                errors.append(RowError(row.number, "幢号", f"与第{seen[key][0]}行是{key[2]}年同一幢房屋的申请"))
            elif key in seen:
                errors.append(RowError(row.number, "幢号", f"与第{seen[key][0]}行重复"))
            seen.setdefault(key, (row.number, reference))
        return errors

    def write(
        self, actor: User | None, parsed: imports.Parsed, fetched: _Known, options: imports.Options
    ) -> ApplicationsResult:
        result = ApplicationsResult()
        groups: dict[str, list[Any]] = defaultdict(list)
        for row in parsed.rows:
            groups[row.values["原申请编号"]].append(row.values)
        skipped = [ref for ref in groups if ref in fetched.references]
        result.skipped = len(skipped)
        for ref in skipped:
            del groups[ref]
        by_year: dict[int, list[str]] = defaultdict(list)
        for ref, rows in groups.items():
            by_year[rows[0]["收件日期"].year].append(ref)
        numbers = {
            ref: number
            for year, refs in sorted(by_year.items())
            for ref, number in zip(refs, numbering.next_numbers(APPLICATIONS, year, len(refs)), strict=True)
        }
        applications = []
        for ref, rows in groups.items():
            head = rows[0]
            parts = [(r.get("结构") or Structure.FRAME, r["建筑面积"]) for r in rows]
            accepted = head.get("受理日期")
            applications.append(
                Application(
                    number=numbers[ref],
                    reference=ref,
                    developer_name=head["建设单位"],
                    project_name=head["项目名称"],
                    permit_number=head.get("施工许可证号") or "",
                    received_on=head["收件日期"],
                    status=Application.Status.ACCEPTED if accepted else Application.Status.RECEIVED,
                    accepted_on=accepted,
                    area=sum((area for _s, area in parts), Decimal(0)),
                    fee=_fee(fetched.rates, parts, accepted) if accepted else Decimal(0),
                    created_by=actor,
                    handled_by=actor if accepted else None,
                )
            )
        Application.objects.bulk_create(applications, batch_size=1000)
        ids = dict(Application.objects.filter(reference__in=list(groups)).values_list("reference", "pk"))
        buildings = [
            ApplicationBuilding(
                application_id=ids[ref],
                building_no=r["幢号"],
                structure=r.get("结构") or Structure.FRAME,
                area=r["建筑面积"],
                floors=r.get("层数"),
                footprint=r.get("基底面积"),
            )
            for ref, rows in groups.items()
            for r in rows
        ]
        ApplicationBuilding.objects.bulk_create(buildings, batch_size=1000)
        result.imported, result.buildings = len(applications), len(buildings)
        result.accepted = sum(1 for a in applications if a.accepted_on)
        result.numbers = [a.number for a in applications]
        audit.record(
            actor,
            AuditEvent.Action.IMPORT,
            model="termite.Application",
            object_repr=options.get("filename", "")[:200],
            after={"imported": result.imported, "buildings": result.buildings, "skipped": result.skipped},
            note=f"导入白蚁预防申请{result.imported}份（{result.buildings}幢）",
        )
        return result

    def summary(self, result: ApplicationsResult) -> list[tuple[Any, Any]]:
        return [
            ("导入申请（份）", result.imported),
            ("其中已受理（份）", result.accepted),
            ("房屋（幢）", result.buildings),
            ("已导入而跳过（份）", result.skipped),
        ]


APPLICATIONS_IMPORT = ApplicationsImport()
