"""The imports of budget lines and of the asset register (`anju.core.imports`): all or nothing, every bad
row named with its column and a Chinese reason."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.utils.translation import gettext_lazy as _

from anju.core import imports
from anju.core.links import reverse
from anju.core.models import User
from anju.lib.tabular import FILE_ROW, Column, ImportRejected, Kind, RowError
from anju.performance import actions
from anju.performance.models import Asset, BudgetLine

S = BudgetLine.Section
SECTION_NAMES: dict[str, str] = {
    "收入来源": S.INCOME,
    "人员经费": S.PERSONNEL,
    "公用经费": S.PUBLIC,
    "项目支出": S.PROJECT,
    "经济分类": S.ECONOMIC,
    "三公经费": S.THREE_PUBLIC,
    "公用经费明细": S.PUBLIC_DETAIL,
    "政府采购": S.PROCUREMENT,
    "预算调整": S.ADJUSTMENT,
}
SECTION_LABELS = {code: name for name, code in SECTION_NAMES.items()}
ASSET_KINDS = {"流动资产": Asset.Kind.CURRENT, "固定资产": Asset.Kind.FIXED}
# Amounts are stored as BIGINT fen; anything this large is a typo (a budget of 100万亿元), refused by row.
AMOUNT_LIMIT = Decimal("1e14")
ZERO = Decimal("0.00")


def _year(year: int) -> int:
    if not 2000 <= year <= 2100:
        raise ValueError("年度应在2000至2100之间")
    return year


def _section(label: str) -> str:
    if label not in SECTION_NAMES:
        raise ValueError(f"未知的类别“{label}”，应为：{'、'.join(SECTION_NAMES)}")
    return SECTION_NAMES[label]


def _asset_kind(label: str) -> str:
    if label not in ASSET_KINDS:
        raise ValueError("资产类别应为“流动资产”或“固定资产”")
    return ASSET_KINDS[label]


def _amount(amount: Decimal) -> Decimal:
    if amount < 0:
        raise ValueError("金额不能为负数")
    if amount >= AMOUNT_LIMIT:
        raise ValueError("金额过大（应小于100万亿元），请检查单位是否为元")
    return amount


def _money(name: str, help: str = "") -> Column:
    return Column(name, Kind.MONEY, check=_amount, help=help)


BUDGET_COLUMNS = (
    Column("年度", Kind.INT, required=True, check=_year),
    Column("类别", required=True, choices=SECTION_NAMES, check=_section),
    Column("项目", required=True, max_length=100, help="年度、类别、项目三列确定一行，已有的项目按文件更新。"),
    _money("年初预算数", "空白按0计。"),
    _money("全年预算数", "空白按0计。"),
    _money("执行数", "空白按0计。"),
    _money("上年决算数", "空白按0计。"),
    Column("备注", max_length=300),
)
BUDGET_HEADERS = [column.name for column in BUDGET_COLUMNS]
AMOUNTS = {"年初预算数": "initial", "全年预算数": "final", "执行数": "executed", "上年决算数": "prior_year"}

ASSET_COLUMNS = (
    Column("资产编码", required=True, max_length=40, help="不能与台账中已有的重复。"),
    Column("资产名称", required=True, max_length=100),
    Column("资产类别", required=True, choices=ASSET_KINDS, check=_asset_kind),
    Column("分类", max_length=60),
    Column("价值", Kind.MONEY, required=True, check=_amount),
    Column("使用部门", max_length=60),
    Column("保管人", max_length=60),
    Column("取得日期", Kind.DATE, required=True),
)
ASSET_HEADERS = [column.name for column in ASSET_COLUMNS]


def _save_all(save: Callable[[], None]) -> None:
    """Run the saving step; a record the database still refuses becomes a file error, never a 500."""
    try:
        with transaction.atomic():
            save()
    except (ValidationError, DatabaseError) as exc:
        message = "; ".join(exc.messages) if isinstance(exc, ValidationError) else "数据库拒绝了导入的数据"
        raise ImportRejected([RowError(FILE_ROW, "", f"导入失败，未导入任何数据：{message}")]) from exc


class _PerformanceImport(imports.ImportSpec):
    module = "performance"

    @property
    def crumbs(self) -> list[imports.Crumb]:  # type: ignore[override]
        return [imports.Crumb(_("Budget and performance"), reverse("performance:home"))]

    def audit(self, result: dict[str, int], options: imports.Options) -> imports.AuditEntry:
        note = ", ".join(f"{key} {value}" for key, value in result.items())
        return imports.AuditEntry(model=self.model, after=result, note=note)

    model = ""


class BudgetImport(_PerformanceImport):
    """预算导入: budget lines created or updated, keyed by 年度 + 类别 + 项目."""

    key = "performance.budget"
    title = "预算导入"
    model = "performance.BudgetLine"
    columns = BUDGET_COLUMNS
    notes = ("金额单位为元。",)
    example = (2023, "人员经费", "人员经费", 8685800, 7801520, 7801520, 0, "")
    template_url_name = "performance:budget_template"

    def fetch(self, parsed: imports.Parsed, options: imports.Options) -> dict[tuple[int, str, str], BudgetLine]:
        years = {row.values["年度"] for row in parsed.rows if row.values.get("年度")}
        return {(line.year, line.section, line.name): line for line in BudgetLine.objects.filter(year__in=years)}

    def check(self, parsed: imports.Parsed, fetched: Any, options: imports.Options) -> list[RowError]:
        errors: list[RowError] = []
        seen: dict[tuple[int, str, str], int] = {}
        for row in parsed.rows:
            key = (row.values["年度"], row.values["类别"], row.values["项目"])
            if None in key:
                continue
            if key in seen:
                errors.append(RowError(row.number, "项目", f"与第{seen[key]}行重复"))
            else:
                seen[key] = row.number
        return errors

    def write(
        self,
        actor: User | None,
        parsed: imports.Parsed,
        fetched: dict[tuple[int, str, str], BudgetLine],
        options: imports.Options,
    ) -> dict[str, int]:
        counts = {"created": 0, "updated": 0}

        def save() -> None:
            for order, row in enumerate(parsed.rows):
                values = row.values
                item: dict[str, Any] = {
                    "year": values["年度"],
                    "section": values["类别"],
                    "name": values["项目"],
                    "note": values["备注"] or "",
                    **{field: values[column] or ZERO for column, field in AMOUNTS.items()},
                }
                line = fetched.get((item["year"], item["section"], item["name"]))
                if line is None:
                    counts["created"] += 1
                    item["order"] = order
                else:
                    counts["updated"] += 1
                actions.save_budget_line(actor, line, **item)

        _save_all(save)
        return counts

    def summary(self, result: dict[str, int]) -> list[tuple[Any, Any]]:
        return [(_("New"), result["created"]), (_("Updated"), result["updated"])]


class AssetImport(_PerformanceImport):
    """资产导入: new assets on the register; a code already there is an error."""

    key = "performance.assets"
    title = "资产导入"
    model = "performance.Asset"
    columns = ASSET_COLUMNS
    notes = ("价值单位为元。",)
    example = ("GD-1001", "台式计算机", "固定资产", "通用设备", 5600, "办公室", "李明", "2023-05-06")
    template_url_name = "performance:asset_template"

    def fetch(self, parsed: imports.Parsed, options: imports.Options) -> set[str]:
        codes = {row.values["资产编码"] for row in parsed.rows if row.values.get("资产编码")}
        return set(Asset.objects.filter(code__in=codes).values_list("code", flat=True))

    def check(self, parsed: imports.Parsed, fetched: set[str], options: imports.Options) -> list[RowError]:
        errors: list[RowError] = []
        seen: dict[str, int] = {}
        for row in parsed.rows:
            code = row.values["资产编码"]
            if code is None:
                continue
            if code in fetched:
                errors.append(RowError(row.number, "资产编码", f"资产编码“{code}”已在台账中"))
            elif code in seen:
                errors.append(RowError(row.number, "资产编码", f"与第{seen[code]}行重复"))
            else:
                seen[code] = row.number
        return errors

    def write(
        self, actor: User | None, parsed: imports.Parsed, fetched: set[str], options: imports.Options
    ) -> dict[str, int]:
        def save() -> None:
            for row in parsed.rows:
                values = row.values
                actions.register_asset(
                    actor,
                    code=values["资产编码"],
                    name=values["资产名称"],
                    kind=values["资产类别"],
                    category=values["分类"] or "",
                    value=values["价值"],
                    department=values["使用部门"] or "",
                    custodian=values["保管人"] or "",
                    acquired_on=values["取得日期"],
                )

        _save_all(save)
        return {"created": len(parsed.rows)}

    def summary(self, result: dict[str, int]) -> list[tuple[Any, Any]]:
        return [(_("New"), result["created"])]


BUDGET_IMPORT = BudgetImport()
ASSET_IMPORT = AssetImport()


def import_budget(actor: User | None, filename: str, content: bytes, *, ip: str | None = None) -> dict[str, int]:
    """Create or update budget lines, keyed by 年度 + 类别 + 项目; returns {"created", "updated"}."""
    result: dict[str, int] = imports.run(BUDGET_IMPORT, actor, filename, content, ip=ip)
    return result


def import_assets(actor: User | None, filename: str, content: bytes, *, ip: str | None = None) -> dict[str, int]:
    """Register new assets; a code already on the register is an error. Returns {"created"}."""
    result: dict[str, int] = imports.run(ASSET_IMPORT, actor, filename, content, ip=ip)
    return result
