"""The .xlsx/.csv imports of budget lines and of the asset register: all or nothing (anju.lib.tabular), every bad
row named with its column and a Chinese reason."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction

from anju.core import audit
from anju.core.models import AuditEvent, User
from anju.lib.tabular import FILE_ROW, ImportRejected, Row, RowError, parse_decimal, parse_int, read_table
from anju.lib.xlsx import workbook_bytes
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
BUDGET_HEADERS = ["年度", "类别", "项目", "年初预算数", "全年预算数", "执行数", "上年决算数", "备注"]
BUDGET_REQUIRED = ["年度", "类别", "项目"]
AMOUNTS = {"年初预算数": "initial", "全年预算数": "final", "执行数": "executed", "上年决算数": "prior_year"}

ASSET_HEADERS = ["资产编码", "资产名称", "资产类别", "分类", "价值", "使用部门", "保管人", "取得日期"]
ASSET_REQUIRED = ["资产编码", "资产名称", "资产类别", "价值", "取得日期"]
ASSET_KINDS = {"流动资产": Asset.Kind.CURRENT, "固定资产": Asset.Kind.FIXED}
# Amounts are stored as BIGINT fen; anything this large is a typo (a budget of 100万亿元), refused by row.
AMOUNT_LIMIT = Decimal("1e14")
# Text columns and their lengths in the records: longer text is refused, never cut.
BUDGET_LENGTHS = {"项目": 100, "备注": 300}
ASSET_LENGTHS = {"资产编码": 40, "资产名称": 100, "分类": 60, "使用部门": 60, "保管人": 60}


def _amount(row: Row, column: str, errors: list[RowError]) -> Decimal:
    value = row.cells.get(column)
    if value is None:
        return Decimal("0.00")
    try:
        amount = parse_decimal(value, 2)
    except ValueError as exc:
        errors.append(RowError(row.number, column, f"金额{exc}"))
        return Decimal("0.00")
    if amount < 0:
        errors.append(RowError(row.number, column, "金额不能为负数"))
    elif amount >= AMOUNT_LIMIT:
        errors.append(RowError(row.number, column, "金额过大（应小于100万亿元），请检查单位是否为元"))
        return Decimal("0.00")
    return amount


def _too_long(row: Row, lengths: dict[str, int], errors: list[RowError]) -> bool:
    """Every text column longer than its record's field is an error naming the row and the column."""
    found = False
    for column, limit in lengths.items():
        if len(row.text(column)) > limit:
            errors.append(
                RowError(row.number, column, f"“{column}”不能超过{limit}个字（现为{len(row.text(column))}个字）")
            )
            found = True
    return found


def _save_all(save: Any) -> None:
    """Run the saving step; a record the database still refuses becomes a file error, never a 500."""
    try:
        save()
    except (ValidationError, DatabaseError) as exc:
        message = "; ".join(exc.messages) if isinstance(exc, ValidationError) else "数据库拒绝了导入的数据"
        raise ImportRejected([RowError(FILE_ROW, "", f"导入失败，未导入任何数据：{message}")]) from exc


def _required(row: Row, columns: list[str], errors: list[RowError]) -> bool:
    missing = [c for c in columns if not row.text(c)]
    for column in missing:
        errors.append(RowError(row.number, column, f"“{column}”不能为空"))
    return not missing


def import_budget(actor: User | None, filename: str, content: bytes, *, ip: str | None = None) -> dict[str, int]:
    """Create or update budget lines, keyed by 年度 + 类别 + 项目; returns {"created", "updated"}."""
    rows = read_table(filename, content, BUDGET_HEADERS, max_rows=settings.IMPORT_MAX_ROWS, required=BUDGET_REQUIRED)
    errors: list[RowError] = []
    parsed: list[dict[str, Any]] = []
    seen: dict[tuple[int, str, str], int] = {}
    for row in rows:
        if not _required(row, BUDGET_REQUIRED, errors):
            continue
        try:
            year = parse_int(row.cells["年度"])
            if not 2000 <= year <= 2100:
                raise ValueError("年度应在2000至2100之间")
        except ValueError as exc:
            errors.append(RowError(row.number, "年度", str(exc)))
            continue
        section = SECTION_NAMES.get(row.text("类别"))
        if section is None:
            errors.append(
                RowError(row.number, "类别", f"未知的类别“{row.text('类别')}”，应为：{'、'.join(SECTION_NAMES)}")
            )
            continue
        name = row.text("项目")
        if _too_long(row, BUDGET_LENGTHS, errors):
            continue
        key = (year, section, name)
        if key in seen:
            errors.append(RowError(row.number, "项目", f"与第{seen[key]}行重复"))
            continue
        seen[key] = row.number
        values = {field: _amount(row, column, errors) for column, field in AMOUNTS.items()}
        parsed.append({"year": year, "section": section, "name": name, "note": row.text("备注"), **values})
    if errors:
        raise ImportRejected(errors)
    counts = {"created": 0, "updated": 0}
    _save_all(lambda: _save_budget(actor, filename, parsed, counts, ip))
    return counts


def _save_budget(
    actor: User | None, filename: str, parsed: list[dict[str, Any]], counts: dict[str, int], ip: str | None
) -> None:
    created = updated = 0
    with transaction.atomic():
        existing = {
            (line.year, line.section, line.name): line
            for line in BudgetLine.objects.filter(year__in={item["year"] for item in parsed})
        }
        for order, item in enumerate(parsed):
            line = existing.get((item["year"], item["section"], item["name"]))
            if line is None:
                created += 1
                item["order"] = order
            else:
                updated += 1
            actions.save_budget_line(actor, line, **item)
        audit.record(
            actor,
            AuditEvent.Action.IMPORT,
            model="performance.BudgetLine",
            object_repr=filename,
            ip=ip,
            note=f"created {created}, updated {updated}",
        )
    counts.update(created=created, updated=updated)


def import_assets(actor: User | None, filename: str, content: bytes, *, ip: str | None = None) -> dict[str, int]:
    """Register new assets; a code already on the register is an error. Returns {"created"}."""
    rows = read_table(filename, content, ASSET_HEADERS, max_rows=settings.IMPORT_MAX_ROWS, required=ASSET_REQUIRED)
    errors: list[RowError] = []
    parsed: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    codes = {row.text("资产编码") for row in rows}
    existing = set(Asset.objects.filter(code__in=codes).values_list("code", flat=True))
    for row in rows:
        if not _required(row, ASSET_REQUIRED, errors):
            continue
        code = row.text("资产编码")
        if _too_long(row, ASSET_LENGTHS, errors):
            continue
        if code in existing:
            errors.append(RowError(row.number, "资产编码", f"资产编码“{code}”已在台账中"))
            continue
        if code in seen:
            errors.append(RowError(row.number, "资产编码", f"与第{seen[code]}行重复"))
            continue
        seen[code] = row.number
        kind = ASSET_KINDS.get(row.text("资产类别"))
        if kind is None:
            errors.append(RowError(row.number, "资产类别", "资产类别应为“流动资产”或“固定资产”"))
            continue
        value = _amount(row, "价值", errors)
        raw_date = row.cells.get("取得日期")
        try:
            acquired = (
                raw_date.date()
                if isinstance(raw_date, dt.datetime)
                else raw_date
                if isinstance(raw_date, dt.date)
                else dt.date.fromisoformat(row.text("取得日期"))
            )
        except ValueError:
            errors.append(RowError(row.number, "取得日期", "日期格式应为YYYY-MM-DD"))
            continue
        parsed.append(
            {
                "code": code,
                "name": row.text("资产名称"),
                "kind": kind,
                "category": row.text("分类"),
                "value": value,
                "department": row.text("使用部门"),
                "custodian": row.text("保管人"),
                "acquired_on": acquired,
            }
        )
    if errors:
        raise ImportRejected(errors)
    _save_all(lambda: _save_assets(actor, filename, parsed, ip))
    return {"created": len(parsed)}


def _save_assets(actor: User | None, filename: str, parsed: list[dict[str, Any]], ip: str | None) -> None:
    with transaction.atomic():
        for values in parsed:
            actions.register_asset(actor, **values)
        audit.record(
            actor,
            AuditEvent.Action.IMPORT,
            model="performance.Asset",
            object_repr=filename,
            ip=ip,
            note=f"created {len(parsed)}",
        )


def budget_template() -> bytes:
    return workbook_bytes(
        "预算",
        BUDGET_HEADERS,
        [[2023, "人员经费", "人员经费", 8685800, 7801520, 7801520, 0, ""]],
        notes=[
            "每行一个预算项目；年度、类别、项目三列确定一行，已有的项目按文件更新。",
            f"类别：{'、'.join(SECTION_NAMES)}。",
            "金额单位为元，最多两位小数，空白按0计。",
            "任何一行有错误则整个文件都不导入，并列出每个错误的行、列和原因。",
        ],
    )


def asset_template() -> bytes:
    return workbook_bytes(
        "资产",
        ASSET_HEADERS,
        [["GD-1001", "台式计算机", "固定资产", "通用设备", 5600, "办公室", "李明", "2023-05-06"]],
        notes=[
            "每行一项资产；资产编码不能与台账中已有的重复。",
            "资产类别为“流动资产”或“固定资产”；价值单位为元，最多两位小数；取得日期格式为YYYY-MM-DD。",
            "任何一行有错误则整个文件都不导入。",
        ],
    )
