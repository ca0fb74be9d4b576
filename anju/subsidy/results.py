"""The bank's results of a payment file (发放结果), on the import kit: one line a payment by its reference
(用途/附言), paid (成功) or failed (失败) with the bank's transaction id and date. All lines or none: a line
matching no payment, a different amount or a result contradicting one recorded refuses the file; a line
already recorded the same way is skipped, so importing the same file twice changes nothing."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

from anju.core import imports
from anju.core.links import reverse
from anju.core.models import User
from anju.lib.tabular import Column, Kind, RowError
from anju.subsidy import payments
from anju.subsidy.models import Payment

HEADERS = ("用途/附言", "金额", "结果", "交易流水号", "交易日期", "失败原因")
COLUMNS = (
    Column(
        "用途/附言", Kind.CODE, required=True, max_length=40, terse=True, help="付款文件中的用途/附言（付款参考号）。"
    ),
    Column("金额", Kind.MONEY, required=True, terse=True),
    Column("结果", Kind.CHOICE, required=True, terse=True, choices={"成功": True, "失败": False}),
    Column("交易流水号", Kind.CODE, required=True, max_length=60, terse=True),
    Column("交易日期", Kind.DATE, required=True, terse=True),
    Column("失败原因", max_length=200, omissible=True, terse=True),
)


def _lines(parsed: imports.Parsed) -> list[payments.Result]:
    return [
        payments.Result(
            row=row.number,
            reference=row.values["用途/附言"],
            paid=row.values["结果"],
            amount=row.values["金额"] or Decimal(0),
            txn=row.values["交易流水号"],
            day=row.values["交易日期"],
            reason=row.values.get("失败原因") or "",
        )
        for row in parsed.rows
    ]


class ResultsImport(imports.ImportSpec):
    key = "subsidy.results"
    title = "购房补贴发放结果导入"
    module = "subsidy"
    tabs = ("subsidy/_tabs.html", "batches")
    columns = COLUMNS
    example = ("hh2023-01-00001", "15600.00", "成功", "B202311200001", "2023-11-20", "")
    command = "anju subsidy import-results FILE"
    notes = ("同一结果再次导入时跳过；与已登记结果矛盾、金额不符或找不到付款的行使整份文件不导入。",)

    def page_crumbs(self, target: imports.Options) -> list[imports.Crumb]:
        return [imports.Crumb(_("Home-purchase subsidies"), reverse("subsidy:home"))]

    def fetch(self, parsed: imports.Parsed, options: imports.Options) -> dict[str, Payment]:
        refs = sorted({row.values["用途/附言"] for row in parsed.rows if row.values["用途/附言"]})
        found: dict[str, Payment] = {}
        for chunk in imports.chunks(refs):
            found.update((p.reference, p) for p in Payment.objects.filter(reference__in=chunk))
        return found

    def check(self, parsed: imports.Parsed, fetched: dict[str, Payment], options: imports.Options) -> list[RowError]:
        if parsed.errors:
            return []
        return [RowError(*e) for e in payments.check_results(_lines(parsed), fetched)]

    def write(
        self, actor: User | None, parsed: imports.Parsed, fetched: Any, options: imports.Options
    ) -> payments.ResultsDone:
        return payments.record_results(actor, _lines(parsed))

    def summary(self, result: payments.ResultsDone) -> list[tuple[Any, Any]]:
        return [
            ("发放成功（笔）", result.paid),
            ("发放失败（笔）", result.failed),
            ("已登记而跳过（笔）", result.skipped),
        ]


RESULTS_IMPORT = ResultsImport()


def import_results(actor: User | None, filename: str, content: bytes) -> payments.ResultsDone:
    result: payments.ResultsDone = imports.run(RESULTS_IMPORT, actor, filename, content)
    return result
