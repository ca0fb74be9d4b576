"""Reads of arrears recovery: the year's KPIs (KPIS.md fund.arrears.*), the records behind each, the board."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Exists, OuterRef, QuerySet, Sum
from django.db.models.functions import ExtractYear

from anju.core import kpis as registry
from anju.core.fields import MoneyField
from anju.fund.arrears import rules
from anju.fund.arrears.models import (
    ZERO,
    ArrearsItem,
    CaseAction,
    Evidence,
    Recovery,
    RecoveryCase,
    RecoveryTarget,
    SchedulingMeeting,
    Stage,
)
from anju.registry.models import Enterprise, Project


def _year(qs: QuerySet, field: str, year: int) -> QuerySet:
    return qs.filter(**{f"{field}__gte": dt.date(year, 1, 1), f"{field}__lte": dt.date(year, 12, 31)})


def _sum(qs: QuerySet, field: str = "amount") -> Decimal:
    total = qs.aggregate(total=Sum(field, output_field=MoneyField()))["total"]
    return total if total is not None else ZERO


# --- records ----------------------------------------------------------------------------------


def target_records(year: int) -> QuerySet[RecoveryTarget]:
    return RecoveryTarget.objects.filter(year=year)


def recovery_records(year: int) -> QuerySet[Recovery]:
    return _year(Recovery.objects.select_related("case__project", "entry"), "received_on", year)


def interview_records(year: int) -> QuerySet[CaseAction]:
    return _year(CaseAction.objects.filter(kind__in=rules.INTERVIEW_KINDS), "date", year)


def interviewed_enterprises(year: int) -> QuerySet[Enterprise]:
    return Enterprise.objects.filter(pk__in=interview_records(year).values("case__developer")).order_by("name")


def evidence_records(year: int) -> QuerySet[Evidence]:
    return _year(Evidence.objects.select_related("case__project"), "collected_on", year)


def evidence_projects(year: int) -> QuerySet[Project]:
    return Project.objects.filter(pk__in=evidence_records(year).values("case__project")).order_by("code")


def meeting_records(year: int) -> QuerySet[SchedulingMeeting]:
    return _year(SchedulingMeeting.objects.all(), "date", year).order_by("date", "pk")


def _after_transfer() -> Exists:
    """The action follows (or is on the day of) a transfer of its case to urban management."""
    return Exists(CaseAction.objects.filter(case=OuterRef("case"), kind=rules.TRANSFER, date__lte=OuterRef("date")))


def joint_records(year: int, *, urban: bool) -> QuerySet[CaseAction]:
    """The year's joint interviews: with urban management (after the case's transfer) or with the police and
    the tax bureau (every other joint interview)."""
    joint = _year(CaseAction.objects.filter(kind=rules.JOINT_INTERVIEW), "date", year)
    return joint.filter(_after_transfer()) if urban else joint.exclude(_after_transfer())


def joint_enterprises(year: int, *, urban: bool) -> QuerySet[Enterprise]:
    records = joint_records(year, urban=urban)
    return Enterprise.objects.filter(pk__in=records.values("case__developer")).order_by("name")


def transfer_records(year: int) -> QuerySet[CaseAction]:
    return _year(CaseAction.objects.filter(kind=rules.TRANSFER), "date", year).select_related("case__project")


def transferred_projects(year: int) -> QuerySet[Project]:
    return Project.objects.filter(pk__in=transfer_records(year).values("case__project")).order_by("code")


def failed_auction_records(year: int) -> QuerySet[CaseAction]:
    return _year(CaseAction.objects.filter(kind=rules.FAILED_AUCTION), "date", year).order_by("case", "date", "pk")


# --- KPIs -------------------------------------------------------------------------------------


def target(year: int) -> Decimal:
    """追缴任务: the year's recovery task set by the city."""
    return _sum(target_records(year))


def recovered(year: int) -> Decimal:
    """追缴现金入库: money recovered from developers in the year (posted to the unit ledgers)."""
    return _sum(recovery_records(year))


def rate(year: int) -> Decimal:
    """追缴任务完成率: recovered / target, in percent."""
    return registry.rate(recovered(year), target(year))


def enterprises_interviewed(year: int) -> int:
    """约谈开发企业: distinct developers interviewed in the year, joint interviews included."""
    return interviewed_enterprises(year).count()


def evidence_project_count(year: int) -> int:
    """收集证据项目: distinct projects with evidence collected in the year."""
    return evidence_projects(year).count()


def dispatch_meetings(year: int) -> int:
    """专题调度会: recovery scheduling meetings held in the year."""
    return meeting_records(year).count()


def joint_interviewed(year: int) -> int:
    """联合公安、税务约谈开发企业: distinct developers in the year's joint interviews that did not follow a
    transfer of their case to urban management."""
    return joint_enterprises(year, urban=False).count()


def urban_interviewed(year: int) -> int:
    """联合城管约谈开发企业: distinct developers interviewed jointly with urban management in the year (a joint
    interview on or after the case's transfer)."""
    return joint_enterprises(year, urban=True).count()


def transfers(year: int) -> int:
    """移交城管行政追缴项目: distinct projects whose evidence was transferred to urban management in the year."""
    return transferred_projects(year).count()


def failed_auctions(year: int) -> list[Decimal | int | str]:
    """流拍的抵押资产: per case with a failed auction in the year, its project and the number of auctions that
    failed in the year ("怀化电器大市场抵押资产三次拍卖"), in the order of the first failure."""
    counts: dict[int, int] = defaultdict(int)
    names: dict[int, str] = {}
    first: dict[int, dt.date] = {}
    for case_id, name, day in failed_auction_records(year).values_list("case_id", "case__project__name", "date"):
        counts[case_id] += 1
        names[case_id] = name
        first.setdefault(case_id, day)
    order = sorted(counts, key=lambda case_id: (first[case_id], names[case_id]))
    return [f"{names[c]}抵押资产{rules.chinese_count(counts[c])}次拍卖" for c in order]


def evidence_items(year: int) -> QuerySet[ArrearsItem]:
    """The units (arrears items) covered by the evidence collected in the year, each once."""
    return ArrearsItem.objects.filter(pk__in=evidence_records(year).values("items"))


def evidence_households(year: int) -> int:
    """涉及户数: distinct households (units owed) covered by the evidence collected in the year; a unit
    covered by several evidence records counts once."""
    return evidence_items(year).count()


def evidence_amount(year: int) -> Decimal:
    """涉及金额: what the distinct units covered by the year's evidence owe (each unit once)."""
    return _sum(evidence_items(year))


def failed_auction_amount(year: int) -> Decimal:
    """流拍涉及欠缴金额: per case with a failed auction in the year, the arrears its latest failed auction
    involved (repeated auctions of the same asset are counted once)."""
    latest: dict[int, Decimal] = {}
    for case_id, amount in failed_auction_records(year).values_list("case_id", "amount"):
        latest[case_id] = amount or ZERO
    return sum(latest.values(), ZERO)


def _url(kpi: str) -> Callable[[int], str]:
    def url(year: int) -> str:
        return f"/fund/arrears/cases/?kpi={kpi}&year={year}"

    return url


def _meetings_url(year: int) -> str:
    return f"/fund/arrears/?year={year}#meetings"


def _targets_url(year: int) -> str:
    return "/fund/arrears/targets/"


# How each figure is computed, as the KPI page and the report's notes show it (in Chinese).
DEFINITIONS: dict[str, str] = {
    "fund.arrears.target": "市里下达的当年追缴任务金额",
    "fund.arrears.recovered": "当年从开发企业追缴并记入分户账的资金",
    "fund.arrears.rate": "追缴现金入库 ÷ 追缴任务，以百分比计",
    "fund.arrears.enterprises_interviewed": "当年约谈的开发企业家数（含联合约谈，同一企业计一次）",
    "fund.arrears.evidence_projects": "当年收集证据的项目个数（同一项目计一次）",
    "fund.arrears.evidence_households": "当年收集的证据涉及的欠缴户数（同一房屋计一次）",
    "fund.arrears.evidence_amount": "当年收集的证据涉及房屋的欠缴金额（每套房屋计一次）",
    "fund.arrears.failed_auction_amount": "当年有流拍的案件，按最近一次流拍涉及的欠缴金额合计（同一资产计一次）",
    "fund.arrears.dispatch_meetings": "当年召开的追缴专题调度会次数",
    "fund.arrears.joint_interviewed": "当年联合公安、税务约谈的开发企业家数（不含移交城管后的约谈）",
    "fund.arrears.transfers": "当年证据移交城管行政追缴的项目个数",
    "fund.arrears.urban_interviewed": "当年联合城管约谈的开发企业家数（案件移交城管当日及以后的联合约谈）",
    "fund.arrears.failed_auctions": "当年有流拍的案件，列出其项目和当年流拍次数，按首次流拍的先后排列",
}


# Every table the fund.arrears KPIs read, each watched by its version triggers (arrears 0002, with the
# registry's projects and enterprises): the board keeps the year's figures per version of them
# (`anju.core.kpis.kept_values`).
TABLES = (
    "arrears_arrearsitem",
    "arrears_caseaction",
    "arrears_evidence",
    "arrears_evidence_items",
    "arrears_recovery",
    "arrears_recoverycase",
    "arrears_recoverytarget",
    "arrears_schedulingmeeting",
    "registry_enterprise",
    "registry_project",
)


def registry_entries() -> list[registry.Kpi]:
    """The fund.arrears.* KPIs for the project-wide registry."""
    rows = [
        ("fund.arrears.target", "追缴任务", registry.MONEY, target, target_records, _targets_url),
        ("fund.arrears.recovered", "追缴现金入库", registry.MONEY, recovered, recovery_records, _url("recovered")),
        ("fund.arrears.rate", "追缴任务完成率", registry.PERCENT, rate, recovery_records, _url("recovered")),
        (
            "fund.arrears.enterprises_interviewed",
            "约谈开发企业",
            "家",
            enterprises_interviewed,
            interviewed_enterprises,
            _url("interviewed"),
        ),
        (
            "fund.arrears.evidence_projects",
            "收集证据项目",
            "个",
            evidence_project_count,
            evidence_projects,
            _url("evidence"),
        ),
        ("fund.arrears.evidence_households", "涉及户数", "户", evidence_households, evidence_items, _url("evidence")),
        (
            "fund.arrears.evidence_amount",
            "涉及金额",
            registry.MONEY,
            evidence_amount,
            evidence_items,
            _url("evidence"),
        ),
        (
            "fund.arrears.failed_auction_amount",
            "流拍涉及欠缴金额",
            registry.MONEY,
            failed_auction_amount,
            failed_auction_records,
            _url("failed_auction"),
        ),
        ("fund.arrears.dispatch_meetings", "专题调度会", "次", dispatch_meetings, meeting_records, _meetings_url),
        (
            "fund.arrears.joint_interviewed",
            "联合公安、税务约谈开发企业",
            "家",
            joint_interviewed,
            lambda year: joint_enterprises(year, urban=False),
            _url("joint"),
        ),
        ("fund.arrears.transfers", "移交城管行政追缴项目", "个", transfers, transferred_projects, _url("transfer")),
        (
            "fund.arrears.urban_interviewed",
            "联合城管约谈开发企业",
            "家",
            urban_interviewed,
            lambda year: joint_enterprises(year, urban=True),
            _url("urban"),
        ),
    ]
    monthly = {  # the leaders' chart of money recovered, month by month, each month's cases
        "fund.arrears.recovered": {
            "month_field": "received_on",
            "month_sum": "amount",
            "month_url": lambda year, month: f"/fund/arrears/cases/?kpi=recovered&year={year}&month={month}",
        }
    }
    return [
        registry.Kpi(
            code=code,
            name=name,
            unit=unit,
            compute=compute,  # type: ignore[arg-type]
            records=records,  # type: ignore[arg-type]
            records_url=url,
            definition=DEFINITIONS[code],
            **monthly.get(code, {}),  # type: ignore[arg-type]
        )
        for code, name, unit, compute, records, url in rows
    ] + [
        registry.Kpi(
            code="fund.arrears.failed_auctions",
            name="流拍的抵押资产",
            unit="次",
            compute=failed_auctions,
            records=failed_auction_records,
            records_url=_url("failed_auction"),
            definition=DEFINITIONS["fund.arrears.failed_auctions"],
            is_list=True,
        )
    ]


def kpi_values(year: int) -> dict[str, registry.Value]:
    return {kpi.code: kpi.compute(year) for kpi in registry_entries()}


# The case list's `kpi` filter: which KPI's records each value shows.
KPI_FILTERS = {
    "recovered": "fund.arrears.recovered",
    "interviewed": "fund.arrears.enterprises_interviewed",
    "evidence": "fund.arrears.evidence_projects",
    "failed_auction": "fund.arrears.failed_auction_amount",
    "joint": "fund.arrears.joint_interviewed",
    "urban": "fund.arrears.urban_interviewed",
    "transfer": "fund.arrears.transfers",
}


def kpi_filter_name(kpi: str) -> str:
    """The Chinese name of the KPI behind a case-list filter value ("" for an unknown value)."""
    code = KPI_FILTERS.get(kpi)
    return next((entry.name for entry in registry_entries() if entry.code == code), "")


def recovered_by_year() -> dict[int, Decimal]:
    """Money recovered per year, in one grouped query (the targets page and API)."""
    rows = (
        Recovery.objects.annotate(year=ExtractYear("received_on"))
        .values("year")
        .annotate(total=Sum("amount", output_field=MoneyField()))
        .values_list("year", "total")
    )
    return {int(year): total for year, total in rows}


def cases_for_kpi(kpi: str, year: int, month: int | None = None) -> QuerySet[RecoveryCase]:
    """The cases behind a KPI's figure (the list page's `kpi` filter); for money recovered, optionally of one
    month (a point of the leaders' chart)."""
    cases = RecoveryCase.objects.all()
    if kpi == "recovered":
        received = recovery_records(year)
        if month is not None:
            received = received.filter(received_on__month=month)
        return cases.filter(pk__in=received.values("case"))
    if kpi == "interviewed":
        return cases.filter(pk__in=interview_records(year).values("case"))
    if kpi == "evidence":
        return cases.filter(pk__in=evidence_records(year).values("case"))
    if kpi == "failed_auction":
        return cases.filter(pk__in=failed_auction_records(year).values("case"))
    if kpi in ("joint", "urban"):
        return cases.filter(pk__in=joint_records(year, urban=kpi == "urban").values("case"))
    if kpi == "transfer":
        return cases.filter(pk__in=transfer_records(year).values("case"))
    return cases


# --- the board (挂图作战) -----------------------------------------------------------------------


@dataclass
class BoardRow:
    case: RecoveryCase
    stage_index: int
    cells: list[str]  # per stage: "current", "reached", "done" (all of a recovered case) or ""


def stage_cells(stage: str, stages: list[str]) -> list[str]:
    """How the board colours a case's row: the stages it went through, the one it is at. A notice that was
    served and one that was not are alternatives: a case reaches only the one it had."""
    if stage == rules.RECOVERED:
        return ["current" if s == stage else "done" for s in stages]
    index = stages.index(stage)
    skipped = rules.NOTIFIED if stage == rules.UNSERVED else rules.UNSERVED
    return ["current" if i == index else "reached" if i < index and s != skipped else "" for i, s in enumerate(stages)]


@dataclass
class Board:
    year: int
    stages: list[tuple[str, str]]
    rows: list[BoardRow]
    by_stage: dict[str, dict[str, Decimal | int]]
    target: Decimal
    recovered: Decimal
    rate: Decimal
    owed: Decimal
    outstanding: Decimal
    # Cumulative recovered by month (1..12) against the target line, for the chart.
    months: list[str]
    cumulative: list[str]

    @property
    def columns(self) -> list[dict[str, object]]:
        """The stage totals in stage order, for the template."""
        return [{"stage": value, "label": label, **self.by_stage[value]} for value, label in self.stages]


def board(year: int) -> Board:
    """Projects × stages with amounts owed and recovered, and the year's progress against the target."""
    stages = [(value, str(label)) for value, label in Stage.choices]
    order = {value: index for index, (value, _) in enumerate(stages)}
    cases = list(RecoveryCase.objects.select_related("project", "developer").order_by("-owed", "number"))
    by_stage: dict[str, dict[str, Decimal | int]] = {
        value: {"cases": 0, "owed": ZERO, "recovered": ZERO} for value, _ in stages
    }
    for case in cases:
        cell = by_stage[case.stage]
        cell["cases"] = int(cell["cases"]) + 1
        cell["owed"] = Decimal(cell["owed"]) + case.owed
        cell["recovered"] = Decimal(cell["recovered"]) + case.recovered
    monthly: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for received_on, amount in recovery_records(year).values_list("received_on", "amount"):
        monthly[received_on.month] += amount
    running = ZERO
    cumulative = []
    for month in range(1, 13):
        running += monthly[month]
        cumulative.append(f"{running:.2f}")
    owed = sum((c.owed for c in cases), ZERO)
    done = sum((c.recovered for c in cases), ZERO)
    year_target = target(year)
    year_recovered = recovered(year)
    return Board(
        year=year,
        stages=stages,
        rows=[BoardRow(case, order[case.stage], stage_cells(case.stage, list(order))) for case in cases],
        by_stage=by_stage,
        target=year_target,
        recovered=year_recovered,
        rate=registry.rate(year_recovered, year_target),
        owed=owed,
        outstanding=owed - done,
        months=[f"{m}月" for m in range(1, 13)],
        cumulative=cumulative,
    )
