"""Public rental housing's KPIs (KPIS.md), computed from records; each links to the list behind it."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from anju.core import kpis as registry
from anju.core.links import reverse
from anju.rental import queries
from anju.rental.models import Inspection, Kind

INSPECTION, REINSPECTION = Inspection.Visit.INSPECTION, Inspection.Visit.REINSPECTION


def _url(name: str, query: str) -> Callable[[int], str]:
    def for_year(year: int) -> str:
        return reverse(name) + "?" + query.format(year=year)

    return for_year


def _count(records: Callable[[int], QuerySet[Any]]) -> Callable[[int], int]:
    return lambda year: records(year).count()


def homes(year: int) -> int:
    """公租房房源: homes (住房, not shops) of the public-rental estates under management."""
    return queries.homes_count()


def households(year: int) -> int:
    """现有住户: households with a home lease in force on 31 December of the year."""
    return queries.households_count(year)


def rent_collected(year: int) -> Decimal:
    """收取租金: rent received in the year, homes and shops (payments by their date)."""
    return queries.collected(year)


def rent_collected_homes(year: int) -> Decimal:
    """其中住房: rent received in the year for homes."""
    return queries.collected(year, Kind.HOME)


def rent_collected_shops(year: int) -> Decimal:
    """其中门面: rent received in the year for shops."""
    return queries.collected(year, Kind.SHOP)


def collection_rate(year: int) -> Decimal:
    """租金收取率: paid against the year's monthly bills / billed for the year's months, percent."""
    return queries.collection_rate(year)


def review_rate(year: int) -> Decimal:
    """年审完成率: reviews with an outcome / reviews opened for the year, percent."""
    return registry.rate(queries.reviews_done_count(year), queries.reviews_due_count(year))


def repair_cost(year: int) -> Decimal:
    """维修金额: cost of the repair work orders completed in the year."""
    return queries._money_sum(queries.repairs_done(year), "cost")


def registry_entries() -> list[registry.Kpi]:
    K = registry.Kpi
    return [
        K(
            "rental.homes",
            "公租房房源",
            "套",
            homes,
            lambda y: queries.homes(),
            _url("rental:units", "kind=home"),
            "三个公租房小区纳入管理的住房套数（不含门面）。",
        ),
        K(
            "rental.households",
            "现有住户",
            "户",
            households,
            lambda y: queries.leases_in_force(queries.year_end(y)),
            _url("rental:leases", "kind=home&in_force={year}-12-31"),
            "当年12月31日有执行中住房租赁合同的家庭户数。",
        ),
        K(
            "rental.allocations",
            "新分配入住",
            "户",
            _count(queries.new_allocations),
            queries.new_allocations,
            _url("rental:leases", "new_in={year}"),
            "当年首次签订住房租赁合同的家庭户数（续签不计）。",
        ),
        K(
            "rental.exits",
            "清退",
            "户",
            _count(queries.completed_exits),
            queries.completed_exits,
            _url("rental:exits", "status=completed&year={year}"),
            "当年办结（收回房屋）的清退户数。",
        ),
        K(
            "rental.forced_exits",
            "强制清退",
            "户",
            lambda y: queries.completed_exits(y, forced=True).count(),
            lambda y: queries.completed_exits(y, forced=True),
            _url("rental:exits", "status=completed&year={year}&forced=1"),
            "当年办结的清退中经法院强制执行的户数。",
        ),
        K(
            "rental.rent_collected",
            "收取租金",
            "元",
            rent_collected,
            queries.payments,
            _url("rental:payments", "year={year}"),
            "当年收到的租金（住房和门面，按缴款日期）。",
            month_field="paid_on",
            month_sum="amount",
            # The months' receipts of the rental dashboard's series, kept per version of the rent tables
            # (the same sums by payment date; the performance dashboard summed the year's 65k payments a view).
            by_month=lambda year: [row["received"] for row in queries.monthly_series(year)],
            month_url=lambda year, month: reverse("rental:payments") + f"?year={year}&month={month}",
        ),
        K(
            "rental.rent_collected_homes",
            "其中住房",
            "元",
            rent_collected_homes,
            lambda y: queries.payments(y, Kind.HOME),
            _url("rental:payments", "year={year}&kind=home"),
            "当年收到的住房租金。",
        ),
        K(
            "rental.rent_collected_shops",
            "其中门面",
            "元",
            rent_collected_shops,
            lambda y: queries.payments(y, Kind.SHOP),
            _url("rental:payments", "year={year}&kind=shop"),
            "当年收到的门面租金。",
        ),
        K(
            "rental.collection_rate",
            "租金收取率",
            "%",
            collection_rate,
            queries.bills,
            _url("rental:bills", "year={year}"),
            "当年各月账单已缴金额 ÷ 当年各月账单应收金额。",
        ),
        K(
            "rental.reviews",
            "完成年审",
            "户",
            queries.reviews_done_count,
            queries.reviews_done,
            _url("rental:reviews", "year={year}&done=1"),
            "当年已作出结论的租赁资格年审户数。",
        ),
        K(
            "rental.review_rate",
            "年审完成率",
            "%",
            review_rate,
            queries.reviews_due,
            _url("rental:reviews", "year={year}"),
            "已作出结论的年审户数 ÷ 当年开启年审的户数。",
        ),
        K(
            "rental.repairs",
            "日常维修",
            "次",
            _count(queries.repairs_done),
            queries.repairs_done,
            _url("rental:repairs", "status=done&year={year}"),
            "当年完工的维修工单数。",
        ),
        K(
            "rental.repair_cost",
            "维修金额",
            "元",
            repair_cost,
            queries.repairs_done,
            _url("rental:repairs", "status=done&year={year}"),
            "当年完工维修工单的维修金额合计。",
        ),
        K(
            "rental.inspections",
            "入户调查",
            "户",
            lambda y: queries.visited_households(y, INSPECTION),
            lambda y: queries.visits(y, INSPECTION),
            _url("rental:inspections", "visit=inspection&year={year}"),
            "当年入户调查的家庭户数（同一户多次只计一次）。",
        ),
        K(
            "rental.reinspections",
            "复查",
            "户",
            lambda y: queries.visited_households(y, REINSPECTION),
            lambda y: queries.visits(y, REINSPECTION),
            _url("rental:inspections", "visit=reinspection&year={year}"),
            "当年复查的家庭户数（同一户多次只计一次）。",
        ),
        K(
            "rental.filings",
            "房屋租赁备案",
            "宗",
            lambda y: queries.filings(y).count(),
            queries.filings,
            _url("rental:filings", "year={year}"),
            "当年办理的房屋租赁备案宗数。",
        ),
    ]
