"""The units owed of a recovery case from a table (房屋编码, 欠缴金额), on the import kit: all rows or none,
each bad row named."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from anju.core import imports
from anju.core.links import reverse
from anju.core.models import User
from anju.fund.arrears import actions
from anju.fund.arrears.models import ArrearsItem, RecoveryCase
from anju.fund.models import Account
from anju.lib.tabular import Column, Kind, RowError
from anju.registry.models import Unit


def _positive(amount: Decimal) -> Decimal:
    if amount <= 0:
        raise ValueError("应大于0")
    return amount


COLUMNS = (
    Column(
        actions.ITEM_HEADERS[0],
        required=True,
        terse=True,
        help="须属于本案件的项目、已有分户账，且不在其他追缴案件中；同一房屋只能出现一次。",
    ),
    Column(actions.ITEM_HEADERS[1], Kind.MONEY, required=True, terse=True, check=_positive, help="大于0，单位元。"),
)


@dataclass
class _Known:
    units: dict[str, Unit]
    with_ledger: set[str]
    taken: set[str]


class ItemsImport(imports.ImportSpec):
    key = "arrears.items"
    title = "追缴房屋导入"
    module = "fund"
    columns = COLUMNS
    example = ("P0001-1-1-101", "5000.00")

    def target(self, **url_kwargs: Any) -> imports.Options:
        return {"case": get_object_or_404(RecoveryCase.objects.select_related("project"), pk=url_kwargs["pk"])}

    def page_crumbs(self, target: imports.Options) -> list[imports.Crumb]:
        case: RecoveryCase = target["case"]
        return [
            imports.Crumb(_("Recovery cases"), reverse("arrears:cases")),
            imports.Crumb(case.number, reverse("arrears:case", args=[case.pk])),
        ]

    def fetch(self, parsed: imports.Parsed, options: imports.Options) -> _Known:
        codes = sorted({row.values["房屋编码"] for row in parsed.rows if row.values["房屋编码"]})
        units: dict[str, Unit] = {}
        with_ledger: set[str] = set()
        taken: set[str] = set()
        for chunk in imports.chunks(codes):
            units.update((u.code, u) for u in Unit.objects.filter(code__in=chunk))
            with_ledger.update(
                Account.objects.filter(kind=Account.Kind.UNIT, unit__code__in=chunk).values_list(
                    "unit__code", flat=True
                )
            )
            taken.update(ArrearsItem.objects.filter(unit__code__in=chunk).values_list("unit__code", flat=True))
        return _Known(units, with_ledger, taken)

    def check(self, parsed: imports.Parsed, fetched: _Known, options: imports.Options) -> list[RowError]:
        case: RecoveryCase = options["case"]
        errors: list[RowError] = []
        seen: set[str] = set()
        for row in parsed.rows:
            code = row.values["房屋编码"]
            if code is None:
                continue
            unit = fetched.units.get(code)
            if unit is None:
                errors.append(RowError(row.number, "房屋编码", f"房屋 {code} 不存在"))
            elif unit.project_id != case.project_id:
                errors.append(RowError(row.number, "房屋编码", f"{code} 不属于{case.project.name}"))
            elif code in fetched.taken:
                errors.append(RowError(row.number, "房屋编码", f"{code} 已在追缴案件中"))
            elif code in seen:
                errors.append(RowError(row.number, "房屋编码", f"{code} 在文件中重复"))
            elif code not in fetched.with_ledger:
                errors.append(RowError(row.number, "房屋编码", f"{code} 没有分户账"))
            seen.add(code)
        return errors

    def write(
        self, actor: User | None, parsed: imports.Parsed, fetched: _Known, options: imports.Options
    ) -> list[ArrearsItem]:
        items = [(fetched.units[row.values["房屋编码"]], row.values["欠缴金额"]) for row in parsed.rows]
        return actions.add_items(actor, options["case"], items)

    def done(self, result: list[ArrearsItem], options: imports.Options) -> imports.Done:
        url = reverse("arrears:case", args=[options["case"].pk])
        return imports.Done(url, gettext("%(count)d units added.") % {"count": len(result)})


ITEMS_IMPORT = ItemsImport()


def import_items(actor: User | None, case: RecoveryCase, filename: str, content: bytes) -> list[ArrearsItem]:
    """Add a case's units from a table (房屋编码, 欠缴金额): all rows or none."""
    items: list[ArrearsItem] = imports.run(ITEMS_IMPORT, actor, filename, content, case=case)
    return items
