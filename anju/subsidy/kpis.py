"""Home-purchase subsidies' KPIs (KPIS.md, DOMAIN.md §4), computed from records; each links to its list.
subsidy.reviewed is split by status for the report: paid + in review + rejected + returned + awaiting a
batch + withdrawn (each counted among the year's reviewed applications)."""

from __future__ import annotations

from collections.abc import Callable

from anju.core import kpis as registry
from anju.core.links import reverse
from anju.subsidy import queries
from anju.subsidy.models import Status


def _url(query: str, name: str = "subsidy:applications") -> Callable[[int], str]:
    def for_year(year: int) -> str:
        return reverse(name) + "?" + query.format(year=year)

    return for_year


def _count(records: Callable[[int], object]) -> Callable[[int], int]:
    return lambda year: records(year).count()  # type: ignore[attr-defined]


def _split(code: str, name: str, states: tuple[str, ...], query: str, text: str) -> registry.Kpi:
    return registry.Kpi(
        code,
        name,
        "套",
        lambda year: queries.reviewed_in_count(year, states),
        lambda year: queries.reviewed_in(year, states),
        _url(f"{query}&reviewed={{year}}"),
        text,
    )


def registry_entries() -> list[registry.Kpi]:
    K = registry.Kpi
    split = [
        (
            "subsidy.rejected",
            "不予补贴",
            queries.REJECTED,
            "status=rejected",
            "当年审查的申请中年末为不予通过（含复核中）的套数。",
        ),
        (
            "subsidy.returned",
            "退回补正",
            queries.RETURNED,
            "status=returned",
            "当年审查的申请中年末为退回补正或尚待重新审查的套数。",
        ),
        (
            "subsidy.awaiting_batch",
            "审查通过待纳入批次",
            queries.AWAITING,
            "status=approved",
            "当年审查的申请中年末资料审查已通过、尚未纳入发放批次的套数（含税务核验、财政审核、公示中和发放失败待重发）。",
        ),
        ("subsidy.withdrawn", "撤回", (Status.WITHDRAWN,), "status=withdrawn", "当年审查的申请中年末已撤回的套数。"),
    ]
    return [
        K(
            "subsidy.reviewed",
            "完成补贴申请资料审查",
            "套",
            _count(queries.reviewed),
            queries.reviewed,
            _url("reviewed={year}"),
            "首次资料审查决定（通过、不通过或补正）在当年作出的申请套数，每套计一次。",
        ),
        K(
            "subsidy.paid",
            "完成补贴发放",
            "户",
            queries.paid_count,
            queries.paid,
            _url("paid={year}"),
            "银行发放结果为成功且日期在当年的申请户数（一份申请为一户；追回另计，不冲减）。",
        ),
        K(
            "subsidy.paid_batches",
            "各批发放户数",
            "户",
            queries.paid_by_batch,
            None,
            lambda year: reverse("subsidy:batches"),
            "当年发放成功的户数，按批次（第一批、第二批…）列出。",
            is_list=True,
        ),
        K(
            "subsidy.in_review",
            "审核拨付中",
            "户",
            _count(queries.in_review),
            queries.in_review,
            _url("in_batch={year}"),
            "截至年末已纳入发放批次、尚无银行发放结果的申请户数。",
        ),
        K(
            "subsidy.amount_paid",
            "发放金额",
            registry.MONEY,
            queries.paid_amount,
            queries.paid,
            _url("paid={year}"),
            "当年发放成功的补贴金额之和。",
        ),
        *(_split(*entry) for entry in split),
        K(
            "subsidy.flagged",
            "疑似重复待核查",
            "件",
            _count(queries.flagged),
            queries.flagged,
            _url("flagged=1&applied={year}"),
            "当年申请中有疑似重复标记尚未核查清除的申请份数。",
        ),
    ]
