"""Reads of use applications (维修资金使用): the vote tally, the split by floor area, what was paid,
the dates a payment is checked against, the list and its search."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from anju.fund import rules
from anju.fund.errors import UseError
from anju.fund.models import (
    JournalEntry,
    ScopeUnit,
    UseApplication,
)

ZERO = Decimal("0.00")
Status = UseApplication.Status
Vote = ScopeUnit.Vote
VOTE_HEADERS = ["房屋编码", "表决意见", "业主", "建筑面积"]
VOTE_LABELS = {
    "同意": Vote.AGREE,
    "反对": Vote.OPPOSE,
    "弃权": Vote.ABSTAIN,
    "未表决": Vote.NOT_VOTED,
    "": Vote.NOT_VOTED,
}
VOTE_TEXT: dict[str, str] = {str(value): label for label, value in VOTE_LABELS.items() if label}


def vote_rule() -> str:
    """The city's vote rule (setting FUND_VOTE_RULE): civil_code_2021 (default) or two_thirds_2007."""
    rule = str(getattr(settings, "FUND_VOTE_RULE", rules.CIVIL_CODE_2021) or rules.CIVIL_CODE_2021)
    if rule not in rules.VOTE_RULES:
        raise UseError(f"表决规则设置错误：{rule}", code="vote_rule_setting")
    return rule


def votes_recorded(application: UseApplication) -> bool:
    """Whether any scope unit carries a vote (agree, oppose or abstain)."""
    return application.scope_units.exclude(vote=Vote.NOT_VOTED).exists()


@dataclass(frozen=True)
class Tally:
    """Counts of a vote by area and headcount (one owner once, whatever units he holds)."""

    total_area: Decimal
    total_owners: int
    voted_area: Decimal
    voted_owners: int
    counts: Mapping[str, tuple[Decimal, int]]  # vote -> (area, owners)
    outcome: rules.VoteOutcome

    def as_json(self) -> dict[str, Any]:
        o = self.outcome
        return {
            "rule": o.rule,
            "matter": o.matter,
            "total_area": f"{self.total_area:.2f}",
            "total_owners": self.total_owners,
            "voted_area": f"{self.voted_area:.2f}",
            "voted_owners": self.voted_owners,
            **{f"{vote}_area": f"{area:.2f}" for vote, (area, _) in self.counts.items()},
            **{f"{vote}_owners": owners for vote, (_, owners) in self.counts.items()},
            "quorum_met": o.quorum_met,
            "passed": o.passed,
            "area_participation": str(o.area_participation),
            "owner_participation": str(o.owner_participation),
            "agree_area_ratio": str(o.agree_area_ratio),
            "agree_owner_ratio": str(o.agree_owner_ratio),
        }


def owner_choices(rows: Iterable[tuple[str, str, str]]) -> tuple[dict[str, str], list[str]]:
    """Each owner's choice from (owner key, unit code, vote) rows; an owner whose units carry different
    votes (not voted aside) is an inconsistency, returned as the unit codes concerned."""
    by_owner: dict[str, set[str]] = defaultdict(set)
    codes: dict[str, list[str]] = defaultdict(list)
    for key, code, vote in rows:
        codes[key].append(code)
        if vote != Vote.NOT_VOTED:
            by_owner[key].add(vote)
    choices: dict[str, str] = {}
    conflicts: list[str] = []
    for key in codes:
        votes = by_owner.get(key, set())
        if len(votes) > 1:
            conflicts.extend(codes[key])
        choices[key] = next(iter(votes)) if len(votes) == 1 else Vote.NOT_VOTED
    return choices, conflicts


def tally(application: UseApplication, rule: str | None = None) -> Tally:
    """The vote's counts and outcome under the city's rule. An owner's vote counts for all his units."""
    scope = list(application.scope_units.select_related("unit").values_list("owner_key", "unit__code", "vote", "area"))
    if not scope:
        raise UseError("分摊范围内没有房屋", code="empty_scope")
    choices, conflicts = owner_choices((k, c, v) for k, c, v, _ in scope)
    if conflicts:
        raise UseError(f"同一业主的房屋表决意见不一致：{'、'.join(conflicts[:10])}", code="owner_votes_differ")
    area_by_owner: dict[str, Decimal] = defaultdict(Decimal)
    for key, _, _, area in scope:
        area_by_owner[key] += area
    counts: dict[str, tuple[Decimal, int]] = {}
    for vote in Vote.values:
        owners = [k for k, choice in choices.items() if choice == vote]
        counts[vote] = (sum((area_by_owner[k] for k in owners), ZERO), len(owners))
    total_area = sum(area_by_owner.values(), ZERO)
    voted_area = total_area - counts[Vote.NOT_VOTED][0]
    voted_owners = len(choices) - counts[Vote.NOT_VOTED][1]
    outcome = rules.vote_outcome(
        rule or vote_rule(),
        rules.USE,
        total_area,
        len(choices),
        voted_area,
        voted_owners,
        counts[Vote.AGREE][0],
        counts[Vote.AGREE][1],
    )
    return Tally(total_area, len(choices), voted_area, voted_owners, counts, outcome)


def vote_sheet_rows(application: UseApplication) -> list[list[Any]]:
    """The vote template / export: one row per scope unit with its current vote."""
    return [
        [s.unit.code, VOTE_TEXT.get(s.vote, "未表决") if s.vote != Vote.NOT_VOTED else "", s.owner_name, s.area]
        for s in application.scope_units.select_related("unit").order_by("unit__code")
    ]


@dataclass(frozen=True)
class SplitRow:
    scope_unit: ScopeUnit
    share: Decimal  # of the budget
    balance: Decimal  # now
    from_fund: Decimal  # what the account can cover of what is still to pay (share − paid)
    shortfall: Decimal  # the rest of what is still to pay: the owner's own payment (自筹)

    @property
    def paid(self) -> Decimal:
        return self.scope_unit.paid_fund + self.scope_unit.paid_self

    @property
    def to_pay(self) -> Decimal:
        return self.from_fund + self.shortfall


def split(application: UseApplication) -> list[SplitRow]:
    """The budget split by floor area, each unit with its balance now and how what it still has to pay
    would be covered: from its account up to the balance, the rest by its owner. What it still has to pay
    is its share less what it paid in advances: the budget split on the running total as a settlement at
    the budget would split it (never negative, summing exactly to the budget less what was paid). The
    balance already lacks what the account paid, so the advances are not counted twice."""
    scope = list(application.scope_units.select_related("unit", "account").order_by("unit__code"))
    covered = {s.unit.code: s.paid_fund + s.paid_self for s in scope}
    paid = sum(covered.values(), ZERO)
    if paid == 0:
        to_pay = {s.unit.code: s.share for s in scope}
    elif paid < application.budget:
        to_pay = rules.settlement_split(application.budget, {s.unit.code: s.area for s in scope}, covered)
    else:
        to_pay = {}
    out = []
    for s in scope:
        due = to_pay.get(s.unit.code, ZERO)
        balance = s.account.balance
        from_fund = min(due, max(balance, ZERO))
        out.append(SplitRow(s, s.share, balance, from_fund, due - from_fund))
    return out


def paid_total(application: UseApplication) -> tuple[Decimal, Decimal]:
    """What was paid so far: (from the fund, by the owners themselves)."""
    fund = self = ZERO
    for payment in application.payments.all():
        fund += payment.from_fund
        self += payment.self_funded
    return fund, self


def approval_date(application: UseApplication) -> dt.date | None:
    """The day the leader approved the application (its latest approval)."""
    at = (
        application.events.filter(to_status=Status.APPROVED).order_by("-at", "-pk").values_list("at", flat=True).first()
    )
    return timezone.localdate(at) if at else None


def last_interest_date() -> dt.date | None:
    """The value date of the latest interest allocation (增值收益分配) still standing."""
    return (
        JournalEntry.objects.filter(kind=JournalEntry.Kind.INTEREST, reversed_by__isnull=True)
        .order_by("-value_date")
        .values_list("value_date", flat=True)
        .first()
    )


def applications() -> Any:
    return UseApplication.objects.select_related("project", "contractor")


def search(queryset: Any, q: str) -> Any:
    if not q:
        return queryset
    return queryset.filter(
        Q(number__icontains=q) | Q(title__icontains=q) | Q(project__name__icontains=q) | Q(applicant_name__icontains=q)
    )
