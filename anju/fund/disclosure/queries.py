"""The annual disclosure per project (年度公示, art. 30): the year's deposits, uses, value-added income
(interest), refunds and balances of the project's unit accounts, and each use with its cost, as a
.xlsx workbook and a PDF notice.

A reversal counts under the kind of the entry it reverses, so a deposit posted and reversed in the
year nets to nothing in the deposits."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

from anju.core import pdf
from anju.core.fields import MoneyField
from anju.fund.models import Account, JournalEntry, JournalLine
from anju.lib.money import capitals
from anju.lib.xlsx import safe_row
from anju.registry.models import Project

ZERO = Decimal("0.00")
Kind = JournalEntry.Kind
DEPOSIT_KINDS = (Kind.DEPOSIT, Kind.DEVELOPER_DEPOSIT, Kind.MATCH, Kind.RECOVERY)
MONEY_FORMAT = "#,##0.00"


@dataclass(frozen=True)
class UseItem:
    seq: int
    value_date: dt.date
    memo: str
    units: int  # unit accounts of the project sharing the cost
    cost: Decimal  # charged to the project's units; a reversal is negative


@dataclass
class Disclosure:
    project: Project
    year: int
    units: int
    opening: Decimal
    deposits: Decimal
    uses: Decimal
    interest: Decimal
    refunds: Decimal
    other: Decimal  # opening balances carried over from an earlier system and any other kind
    closing: Decimal
    use_items: list[UseItem]

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, 1, 1)

    @property
    def end(self) -> dt.date:
        return dt.date(self.year, 12, 31)

    @property
    def balanced(self) -> bool:
        """The figures add up: opening + deposits - uses + interest - refunds + other = closing."""
        return self.opening + self.deposits - self.uses + self.interest - self.refunds + self.other == self.closing

    def summary_rows(self) -> list[tuple[str, Decimal]]:
        rows = [
            ("期初余额", self.opening),
            ("本年交存", self.deposits),
            ("本年使用", self.uses),
            ("本年增值收益（利息）", self.interest),
            ("本年退款", self.refunds),
        ]
        if self.other:
            rows.append(("其他（期初结转等）", self.other))
        rows.append(("期末余额", self.closing))
        return rows


def _money(expression: str, **kwargs: object) -> Sum:
    return Sum(expression, output_field=MoneyField(), **kwargs)  # type: ignore[arg-type]


def _negated(amount: Decimal | None) -> Decimal:
    """Minus the amount; never -0.00, which would print as such."""
    return -amount if amount else ZERO


def project_disclosure(project: Project, year: int) -> Disclosure:
    """The year's figures for the project's unit accounts, from the journal lines (three queries)."""
    start, end = dt.date(year, 1, 1).toordinal(), dt.date(year, 12, 31).toordinal()
    lines = JournalLine.objects.filter(account__kind=Account.Kind.UNIT, account__project=project)
    balances = lines.aggregate(
        opening=_money("amount", filter=Q(day__lt=start)), closing=_money("amount", filter=Q(day__lte=end))
    )
    # Unit accounts are liabilities: money in is a negative (credit) amount.
    year_lines = lines.filter(day__gte=start, day__lte=end).annotate(
        effective_kind=Coalesce("entry__reverses__kind", "entry__kind")
    )
    by_kind: dict[str, Decimal] = {
        row["effective_kind"]: _negated(row["total"])
        for row in year_lines.order_by().values("effective_kind").annotate(total=_money("amount"))
    }
    deposits = sum((by_kind.pop(kind, ZERO) for kind in DEPOSIT_KINDS), ZERO)
    uses = _negated(by_kind.pop(Kind.USE, ZERO))
    interest = by_kind.pop(Kind.INTEREST, ZERO)
    refunds = _negated(by_kind.pop(Kind.REFUND, ZERO))
    other = sum(by_kind.values(), ZERO)
    use_items = [
        UseItem(r["entry__seq"], r["entry__value_date"], r["entry__memo"], r["units"], r["cost"])
        for r in year_lines.filter(effective_kind=Kind.USE)
        .order_by("entry__seq")
        .values("entry__seq", "entry__value_date", "entry__memo")
        .annotate(units=Count("account_id", distinct=True), cost=_money("amount"))
    ]
    return Disclosure(
        project=project,
        year=year,
        units=Account.objects.filter(kind=Account.Kind.UNIT, project=project).count(),
        opening=_negated(balances["opening"]),
        deposits=deposits,
        uses=uses,
        interest=interest,
        refunds=refunds,
        other=other,
        closing=_negated(balances["closing"]),
        use_items=use_items,
    )


def filename(disclosure: Disclosure, suffix: str) -> str:
    return f"维修资金公示-{disclosure.project.code}-{disclosure.year}.{suffix}"


def title(disclosure: Disclosure) -> str:
    return f"{disclosure.project.name}住宅专项维修资金{disclosure.year}年度收支情况公示"


def xlsx_bytes(disclosure: Disclosure) -> bytes:
    """One sheet: the heading, the summary figures and the list of uses, amounts as numbers."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "年度公示"
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    thin = Side(style="thin", color="999999")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    for column, width in zip("ABCDE", (16, 14, 44, 12, 18), strict=True):
        ws.column_dimensions[column].width = width

    ws.append(safe_row([title(disclosure)]))
    ws.merge_cells("A1:E1")
    ws["A1"].font = Font(bold=True, size=14)
    ws["A1"].alignment = Alignment(horizontal="center")
    ws.append(safe_row(["项目编码", disclosure.project.code, "公示期间", f"{disclosure.start} 至 {disclosure.end}"]))
    ws.append(safe_row(["房屋户数", disclosure.units, "金额单位", "元"]))
    ws.append([])

    ws.append(safe_row(["收支项目", "金额（元）"]))
    header = ws.max_row
    for row in disclosure.summary_rows():
        ws.append(safe_row(row))
        ws.cell(ws.max_row, 2).number_format = MONEY_FORMAT
    ws.append(safe_row(["期末余额大写", capitals(disclosure.closing)]))
    for r in range(header, ws.max_row + 1):
        for c in (1, 2):
            ws.cell(r, c).border = box
    for c in (1, 2):
        ws.cell(header, c).font, ws.cell(header, c).fill = bold, fill
    ws.append([])

    ws.append(safe_row(["维修资金使用明细"]))
    ws.cell(ws.max_row, 1).font = bold
    ws.append(safe_row(["凭证号", "日期", "摘要", "分摊户数", "费用（元）"]))
    header = ws.max_row
    for item in disclosure.use_items:
        ws.append(safe_row([item.seq, item.value_date, item.memo, item.units, item.cost]))
        ws.cell(ws.max_row, 2).number_format = "yyyy-mm-dd"
        ws.cell(ws.max_row, 5).number_format = MONEY_FORMAT
    if not disclosure.use_items:
        ws.append(safe_row(["本年度无使用"]))
    else:
        ws.append(safe_row(["合计", None, None, None, disclosure.uses]))
        ws.cell(ws.max_row, 5).number_format = MONEY_FORMAT
    for r in range(header, ws.max_row + 1):
        for c in range(1, 6):
            ws.cell(r, c).border = box
    for c in range(1, 6):
        ws.cell(header, c).font, ws.cell(header, c).fill = bold, fill
        ws.cell(header, c).alignment = Alignment(horizontal="center")
    ws.print_title_rows = f"{header}:{header}"
    ws.page_setup.orientation = "portrait"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def pdf_bytes(disclosure: Disclosure, *, issuer: str = "") -> bytes:
    """The disclosure as a printable A4 notice (WeasyPrint, the embedded Noto fonts of anju.core.pdf)."""
    html = render_to_string(
        "fund/disclosure_pdf.html",
        {
            "d": disclosure,
            "title": title(disclosure),
            "closing_capitals": capitals(disclosure.closing),
            "issuer": issuer,
            "issued": timezone.localdate(),
        },
    )
    return pdf.write_pdf(html)
