"""Petitions' KPIs (KPIS.md, DOMAIN.md §5), computed from records; each links to its list of cases."""

from __future__ import annotations

from collections.abc import Callable

from anju.core import kpis as registry
from anju.core.links import reverse
from anju.petitions import queries, rules

SUBSTANTIVE, PROCEDURAL = rules.Closure.SUBSTANTIVE, rules.Closure.PROCEDURAL


def _url(query: str) -> Callable[[int], str]:
    def for_year(year: int) -> str:
        return reverse("petitions:cases") + "?" + query.format(year=year)

    return for_year


def _count(records: Callable[[int], object]) -> Callable[[int], int]:
    return lambda year: records(year).count()  # type: ignore[attr-defined]


def registry_entries() -> list[registry.Kpi]:
    K = registry.Kpi
    online = "kind=online&year={year}"
    referral = "kind=referral&year={year}"
    return [
        K("petitions.online", "网络舆情事项", "件", _count(queries.online_cases), queries.online_cases, _url(online),
          "当年收到的省长信箱、市长热线（12345）、湘易办、红网、问政湖南等网络渠道事项件数。"),
        K("petitions.online_reply_rate", "回复率", registry.PERCENT,
          lambda y: registry.rate(queries.online_replied(y).count(), queries.online_cases(y).count()),
          queries.online_replied, _url(online + "&replied=1"), "已答复的网络舆情事项 ÷ 网络舆情事项 × 100。"),
        K("petitions.online_closure_rate", "办结率", registry.PERCENT,
          lambda y: registry.rate(queries.online_closed(y).count(), queries.online_cases(y).count()),
          queries.online_closed, _url(online + "&status=closed"), "已办结的网络舆情事项 ÷ 网络舆情事项 × 100。"),
        K("petitions.online_on_time_rate", "按时回复率", registry.PERCENT,
          lambda y: registry.rate(queries.online_replied_on_time(y).count(), queries.online_cases(y).count()),
          queries.online_replied_on_time, _url(online),
          "在答复期限（无答复期限时为办结期限）内答复的网络舆情事项 ÷ 网络舆情事项 × 100。"),
        K("petitions.adverse_opinion", "不良舆情", "件", _count(queries.incidents), queries.incidents,
          lambda y: reverse("petitions:home") + f"?year={y}#petitions-incidents", "当年发生的不良舆情事件数。"),
        K("petitions.referrals", "巡视组信访交办件", "件", _count(queries.referrals), queries.referrals,
          _url(referral), "当年收到的巡视组交办信访件件数。"),
        K("petitions.referrals_on_time", "按时办结", "件", _count(queries.referrals_on_time),
          queries.referrals_on_time, _url(referral + "&status=closed"),
          "在办结期限（含批准的延期）内办结的巡视组交办件。", month_field="closed_on",
          month_url=lambda y, m: _url(referral + "&status=closed&closed={year}")(y) + f"&closed_month={m}"),
        K("petitions.referrals_substantive", "实体办结", "件",
          lambda y: queries.referrals_closed_as(y, SUBSTANTIVE).count(),
          lambda y: queries.referrals_closed_as(y, SUBSTANTIVE), _url(referral + "&closure=substantive"),
          "当年巡视组交办件中，至12月31日为实体办结的件数。"),
        K("petitions.referrals_procedural", "程序性办结", "件",
          lambda y: queries.referrals_closed_as(y, PROCEDURAL).count(),
          lambda y: queries.referrals_closed_as(y, PROCEDURAL), _url(referral + "&closure=procedural"),
          "当年巡视组交办件中，至12月31日为程序性办结的件数（此后转为实体办结的仍计入当年）。"),
        K("petitions.referrals_substantive_rate", "实体办结占比", registry.PERCENT,
          lambda y: registry.rate(queries.referrals_closed_as(y, SUBSTANTIVE).count(), queries.referrals(y).count()),
          lambda y: queries.referrals_closed_as(y, SUBSTANTIVE), _url(referral + "&closure=substantive"),
          "实体办结件数 ÷ 巡视组交办件 × 100。"),
        K("petitions.referrals_procedural_rate", "程序性办结占比", registry.PERCENT,
          lambda y: registry.rate(queries.referrals_closed_as(y, PROCEDURAL).count(), queries.referrals(y).count()),
          lambda y: queries.referrals_closed_as(y, PROCEDURAL), _url(referral + "&closure=procedural"),
          "程序性办结件数 ÷ 巡视组交办件 × 100。"),
        K("petitions.referrals_commitments", "签订息访罢诉承诺书", "件", _count(queries.referral_commitments),
          queries.referral_commitments, _url(referral + "&commitment=1"), "当年签订的巡视组交办件息访罢诉承诺书份数。"),
        K("petitions.followup_open", "未实体性办结", "件", _count(queries.followup_open), queries.followup_open,
          _url(referral + "&closure=procedural"), "当年巡视组交办件中，程序性办结且至今未转为实体办结的件数。"),
        K("petitions.overdue", "超期件", "件", _count(queries.overdue), queries.overdue, _url("year={year}&overdue=1"),
          "当年收到的信访件中，有环节超过期限办理（或至年末仍超期未办）的件数。"),
        K("petitions.repeat", "重复信访", "件", _count(queries.repeats), queries.repeats, _url("year={year}&repeat=1"),
          "当年收到的信访件中，同一信访人12个月内就同一类事项再次信访的件数。"),
        K("petitions.repeat_rate", "重复信访率", registry.PERCENT,
          lambda y: registry.rate(queries.repeats(y).count(), queries.received(y).count()),
          queries.repeats, _url("year={year}&repeat=1"), "重复信访件数 ÷ 当年收到的信访件 × 100。"),
        K("petitions.satisfaction_rate", "满意率", registry.PERCENT, queries.satisfaction_rate, queries.closed_in,
          _url("closed={year}"), "当年办结的信访件中，（满意 + 基本满意）÷ 回访联系上的件数 × 100。"),
    ]  # fmt: skip
