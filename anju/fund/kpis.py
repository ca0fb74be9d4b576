"""The fund's KPIs for the annual report (KPIS.md), computed from the journal and never stored.

Each figure is the money that moved through the bank special accounts (专户): collections are the
bank lines of deposit-like entries, uses the bank lines of use entries, income the bank lines of
interest entries. A reversal (冲正) counts under the kind of the entry it reverses, on its own value
date: a deposit reversed in the same period nets out, one reversed in a later period lowers that
period's figure, as a correcting entry does in the books. The cumulative figures run from the first
entry to 31 January of the following year, as the seed reports them ("截止2024年1月底" for 2023)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.db.models import Exists, OuterRef, Q, QuerySet, Sum

from anju.core import kpis as registry
from anju.core import memo
from anju.core.fields import MoneyField
from anju.core.links import reverse
from anju.fund import totals
from anju.fund.models import Account, JournalEntry, JournalLine, UseApplication
from anju.lib.bounded import Bounded

ZERO = Decimal("0.00")
Kind = JournalEntry.Kind

COLLECTION_KINDS = (Kind.DEPOSIT, Kind.DEVELOPER_DEPOSIT, Kind.SUSPENSE, Kind.RECOVERY)
USE_KINDS = (Kind.USE,)
INCOME_KINDS = (Kind.INTEREST,)


@dataclass(frozen=True)
class Period:
    """Value dates from first to last, inclusive; first None means since the first entry."""

    first: dt.date | None
    last: dt.date


def year_period(year: int) -> Period:
    return Period(dt.date(year, 1, 1), dt.date(year, 12, 31))


def cumulative_period(year: int) -> Period:
    """Everything up to and including 31 January of the following year."""
    return Period(None, dt.date(year + 1, 1, 31))


def _kind_filter(kinds: tuple[str, ...], prefix: str = "") -> Q:
    """Entries of the kinds, and reversals of entries of the kinds."""
    return Q(**{f"{prefix}kind__in": kinds}) | Q(
        **{f"{prefix}kind": Kind.REVERSAL, f"{prefix}reverses__kind__in": kinds}
    )


def _bank_ids() -> list[int]:
    """The bank special accounts' ids (a handful): the flows name them rather than join the ledgers by kind."""
    return memo.once(  # in a page's scope read once for all its flows (the leaders' dashboard: four)
        ("anju.fund.bank_ids",),
        lambda: list(Account.objects.filter(kind=Account.Kind.BANK).values_list("pk", flat=True)),
    )


def _of_kinds(kinds: tuple[str, ...], kind: str, reversed_kind: str | None) -> bool:
    """`_kind_filter` for one line's entry: of the kinds, or a reversal of an entry of the kinds."""
    return kind in kinds or (kind == Kind.REVERSAL and reversed_kind in kinds)


def _bank_lines(first_day: int | None, last_day: int) -> QuerySet[JournalLine]:
    """The bank accounts' lines in the days, summed by their entry's kind (and the reversed entry's kind).

    Not filtered by kind in the database: given the kinds, PostgreSQL may start from the few interest entries
    and walk each one's 250k unit lines for its one bank line (5 s on the demo city); without them, it reads
    the bank lines by the lines' (account, day) index and groups them (the kinds are picked in Python)."""
    lines = JournalLine.objects.filter(account_id__in=_bank_ids(), day__lte=last_day)
    if first_day is not None:
        lines = lines.filter(day__gte=first_day)
    return lines.order_by()


# The bank lines' totals of a period, kept in the process per version of the ledger (`anju.fund.totals.version`:
# the journal is append-only and its head moves with every posting; the accounts' version with any other change
# of an account, a bank account's among them): the leaders' dashboard read the same sums over the journal's bank
# lines each view (PostgreSQL 3 ms each, four a view).
_kept_totals: Bounded[Hashable, tuple[Any, list[tuple[Any, ...]]]] = Bounded(64)


def _bank_totals(first_day: int | None, last_day: int, *, by_day: bool) -> list[tuple[Any, ...]]:
    """The bank lines of the days summed by (value day,) entry kind and reversed entry's kind: the rows every
    flow of the period is picked from (the kinds in Python), read once in a page's scope (`anju.core.memo`)
    for all its flows and kept per version of the ledger."""
    key = (first_day, last_day, by_day, tuple(_bank_ids()))  # the ids the rows are read for, however early read

    def read() -> list[tuple[Any, ...]]:
        by = ("day",) if by_day else ()
        rows = (
            _bank_lines(first_day, last_day)
            .values_list(*by, "entry__kind", "entry__reverses__kind")
            .annotate(total=Sum("amount", output_field=MoneyField()))
        )
        return list(rows)

    def kept() -> list[tuple[Any, ...]]:
        version = memo.once(("anju.fund.version",), totals.version)  # read before the rows, never after
        hit = _kept_totals.get(key)
        if hit is not None and hit[0] == version:
            return hit[1]
        rows = read()
        _kept_totals.put(key, (version, rows))
        return rows

    return memo.once(("anju.fund.bank_totals", key), kept)


def forget() -> None:
    """Drop the kept totals (tests that change the journal behind the ledger's head)."""
    _kept_totals.clear()


def bank_flow(kinds: tuple[str, ...], period: Period) -> Decimal:
    """Net debits (money in, +) to the bank special accounts from entries of the kinds in the period."""
    first = period.first.toordinal() if period.first is not None else None
    rows = _bank_totals(first, period.last.toordinal(), by_day=False)
    return sum((total for kind, was, total in rows if _of_kinds(kinds, kind, was)), ZERO)


def bank_flow_by_month(kinds: tuple[str, ...], year: int, sign: int = 1) -> list[Decimal | int]:
    """`bank_flow` for each month of the year, in one query grouped by value day (at most 366 × a few rows)."""
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    rows = _bank_totals(first.toordinal(), last.toordinal(), by_day=True)
    months: list[Decimal | int] = [ZERO] * 12
    for day, kind, was, total in rows:
        if _of_kinds(kinds, kind, was):
            month = dt.date.fromordinal(day).month
            months[month - 1] = months[month - 1] + sign * total
    return months


def entries(kinds: tuple[str, ...], period: Period) -> QuerySet[JournalEntry]:
    """The journal entries behind a bank flow: those with a bank line, in posting order."""
    bank_lines = JournalLine.objects.filter(entry=OuterRef("pk"), account_id__in=_bank_ids())
    qs = JournalEntry.objects.filter(_kind_filter(kinds), Exists(bank_lines), value_date__lte=period.last)
    if period.first is not None:
        qs = qs.filter(value_date__gte=period.first)
    return qs.order_by("seq")


def collected(year: int) -> Decimal:
    """维修资金归集: deposits (owners', developers', unmatched, recovered) received in the year."""
    return bank_flow(COLLECTION_KINDS, year_period(year))


def disbursed(year: int) -> Decimal:
    """维修资金拨付使用: paid out of the special accounts for repairs in the year."""
    return -bank_flow(USE_KINDS, year_period(year))


def collected_cumulative(year: int) -> Decimal:
    """历年累计归集 to 31 January of the following year."""
    return bank_flow(COLLECTION_KINDS, cumulative_period(year))


def disbursed_cumulative(year: int) -> Decimal:
    """累计使用拨付 to 31 January of the following year."""
    return -bank_flow(USE_KINDS, cumulative_period(year))


def income_cumulative(year: int) -> Decimal:
    """累计利息收益: interest received on the special accounts to 31 January of the following year."""
    return bank_flow(INCOME_KINDS, cumulative_period(year))


@dataclass(frozen=True)
class FundKpi:
    code: str
    name: str
    unit: str
    compute: Callable[[int], Decimal]
    kinds: tuple[str, ...]
    period: Callable[[int], Period]


KPIS: tuple[FundKpi, ...] = (
    FundKpi("fund.collected", "维修资金归集", "元", collected, COLLECTION_KINDS, year_period),
    FundKpi("fund.disbursed", "维修资金拨付使用", "元", disbursed, USE_KINDS, year_period),
    FundKpi(
        "fund.collected_cumulative", "历年累计归集", "元", collected_cumulative, COLLECTION_KINDS, cumulative_period
    ),
    FundKpi("fund.disbursed_cumulative", "累计使用拨付", "元", disbursed_cumulative, USE_KINDS, cumulative_period),
    FundKpi("fund.income_cumulative", "累计利息收益", "元", income_cumulative, INCOME_KINDS, cumulative_period),
)
BY_CODE: dict[str, FundKpi] = {kpi.code: kpi for kpi in KPIS}
# How each figure is computed, as the KPI page and the report's notes show it (in Chinese).
DEFINITIONS: dict[str, str] = {
    "fund.collected": "当年专户收到的维修资金：业主交存、开发企业交存、待查款项和追缴入库之和",
    "fund.disbursed": "当年从专户拨付用于维修的资金",
    "fund.collected_cumulative": "截至次年1月31日历年累计归集的维修资金",
    "fund.disbursed_cumulative": "截至次年1月31日历年累计拨付使用的维修资金",
    "fund.income_cumulative": "截至次年1月31日专户累计收到的利息收益",
}


def records(code: str, year: int) -> QuerySet[JournalEntry]:
    """The journal entries a KPI's figure for the year is summed from (KeyError for an unknown code)."""
    kpi = BY_CODE[code]
    return entries(kpi.kinds, kpi.period(year))


def values(year: int) -> dict[str, Decimal]:
    """Every fund KPI for the year, by code."""
    return {kpi.code: kpi.compute(year) for kpi in KPIS}


def _records_of(code: str) -> Callable[[int], QuerySet[JournalEntry]]:
    def for_year(year: int) -> QuerySet[JournalEntry]:
        return records(code, year)

    return for_year


def _records_url_of(code: str) -> Callable[[int], str]:
    def for_year(year: int) -> str:
        # The journal page lists exactly `records(code, year)`; a use entry links to its application.
        return f"{reverse('fund:journal')}?{urlencode({'kpi': code, 'year': year})}"

    return for_year


def _month_url_of(code: str) -> Callable[[int, int], str]:
    def for_month(year: int, month: int) -> str:
        first = dt.date(year, month, 1)
        last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
        query = {"kpi": code, "year": year, "from": first.isoformat(), "to": last.isoformat()}
        return f"{reverse('fund:journal')}?{urlencode(query)}"

    return for_month


MONTHLY: dict[str, Callable[[int], list[Decimal | int]]] = {
    "fund.collected": lambda year: bank_flow_by_month(COLLECTION_KINDS, year),
    "fund.disbursed": lambda year: bank_flow_by_month(USE_KINDS, year, sign=-1),
}


def use_applications(year: int) -> QuerySet[UseApplication]:
    """The use applications whose payments make up the year's fund.disbursed (via their USE entries)."""
    entries = records("fund.disbursed", year)
    return UseApplication.objects.filter(payments__entry__in=entries).distinct()


def registry_entries() -> list[registry.Kpi]:
    """The fund's KPIs for the project-wide registry (anju.core.kpis)."""
    return [
        registry.Kpi(
            code=kpi.code,
            name=kpi.name,
            unit=kpi.unit,
            compute=kpi.compute,
            records=_records_of(kpi.code),
            records_url=_records_url_of(kpi.code),
            definition=DEFINITIONS[kpi.code],
            by_month=MONTHLY.get(kpi.code),
            month_url=_month_url_of(kpi.code) if kpi.code in MONTHLY else None,
        )
        for kpi in KPIS
    ]
