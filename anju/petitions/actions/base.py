"""The petitions flow's table on the workflow kit, who may work a case, date checks shared by the actions, and
the channels' dated deadline rules."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence

from django.db import transaction
from django.utils import timezone

from anju.core import audit, workflow
from anju.core.models import AuditEvent, User
from anju.core.numbering import Scheme
from anju.core.workflow import Workflow
from anju.lib.workflow import Flow, Step
from anju.petitions import rules
from anju.petitions.errors import CaseStepError, PetitionError
from anju.petitions.models import (
    Case,
    CaseEvent,
    Channel,
    DeadlineRule,
)

A = AuditEvent.Action
S = Case.Status
MODULE = "petitions"
CASE_NUMBER = Scheme(Case, "XF", 5)
OPEN = (S.REGISTERED, S.ACCEPTED, S.ASSIGNED, S.REPLIED, S.REVIEWING)

# The flow's table (the workflow kit's Flow): the steps a page offers from each state. No separation of
# duties applies (no money leaves); the extension is a leader's approval outside the table.
CASE_FLOW = Flow(
    (
        Step("accept", "受理", (S.REGISTERED,), S.ACCEPTED, "handle"),
        Step("reject", "不予受理", (S.REGISTERED,), S.NOT_ACCEPTED, "handle", reason=True, irreversible=True),
        Step("assign", "交办", (S.REGISTERED, S.ACCEPTED, S.ASSIGNED), S.ASSIGNED, "handle"),
        Step("forward", "转送", (S.REGISTERED, S.ACCEPTED), S.FORWARDED, "handle", reason=True, irreversible=True),
        Step("reply", "答复", (S.ACCEPTED, S.ASSIGNED), S.REPLIED, "handle"),
        Step("close", "办结", (S.REPLIED,), S.CLOSED, "handle"),
        Step("review", "申请复查/复核", (S.CLOSED,), S.REVIEWING, "handle"),
        Step("decide", "复查/复核意见", (S.REVIEWING,), S.CLOSED, "handle"),
    ),
    distinct=2,
)
CASE_WORKFLOW = Workflow(
    module=MODULE,
    flow=CASE_FLOW,
    model=Case,
    event_model=CaseEvent,
    event_record="case",
    noun="信访件",
    error=CaseStepError,
    path=(S.REGISTERED, S.ACCEPTED, S.ASSIGNED, S.REPLIED, S.CLOSED),
    labels={
        "register": "登记",
        "contact": "联系信访人",
        "extend": "延期",
        "commitment": "息访罢诉承诺书",
        "convert": "转为实体办结",
        "satisfaction": "回访",
        "link": "关联记录",
    },
)


def _user(actor: User | None) -> User | None:
    return actor if actor is not None and actor.pk else None


def may_handle(actor: User | None, case: Case) -> bool:
    """The petitions role's handle permission, or the case's own handler (the command line may)."""
    return actor is None or actor.can(MODULE, "handle") or (case.handler_id is not None and case.handler_id == actor.pk)


def _check_handler(actor: User | None, case: Case) -> None:
    if not may_handle(actor, case):
        raise PetitionError("只有信访工作人员或本件的承办人可以办理此步骤", code="not_permitted")


def _lock(case: Case, *states: str) -> Case:
    return workflow.lock(CASE_WORKFLOW, case, *states)


def _today() -> dt.date:
    return timezone.localdate()


def _not_future(day: dt.date, label: str, field_name: str) -> None:
    if day > _today():
        raise PetitionError(f"{label}不能晚于今天", code="future_date", field=field_name)


def _not_before(day: dt.date, earlier: dt.date | None, label: str, earlier_label: str, field_name: str) -> None:
    if earlier is not None and day < earlier:
        raise PetitionError(
            f"{label}不能早于{earlier_label}（{earlier:%Y-%m-%d}）", code="date_order", field=field_name
        )


# --- channels and their rules -------------------------------------------------------------------------


def channel_rules(channel_ids: Iterable[int]) -> dict[int, list[DeadlineRule]]:
    """Every rule of the channels, by channel id, in one query."""
    found: dict[int, list[DeadlineRule]] = defaultdict(list)
    for rule in DeadlineRule.objects.filter(channel_id__in=list(channel_ids)):
        found[rule.channel_id].append(rule)
    return found


def rule_for(rules_of_channel: Sequence[DeadlineRule], step: str, on: dt.date) -> DeadlineRule | None:
    chosen = rules.rule_in_force([r.as_rule() for r in rules_of_channel], step, on)
    if chosen is None:
        return None
    return next(r for r in rules_of_channel if r.step == step and r.effective_from == chosen.effective_from)


@transaction.atomic
def set_rule(
    actor: User | None,
    channel: Channel,
    *,
    step: str,
    amount: int,
    unit: str,
    start: str,
    effective_from: dt.date,
    source: str = "",
) -> DeadlineRule:
    """A new rule for the channel's step from a day on; the rule in force before it ends the day before.
    Deadlines already given keep the rule they started under."""
    if (
        step not in DeadlineRule.Step.values
        or unit not in DeadlineRule.Unit.values
        or start not in DeadlineRule.Start.values
    ):
        raise PetitionError("期限规则的环节、单位或起算点无效", code="bad_rule", field="step")
    if amount <= 0:
        raise PetitionError("期限须为正整数", code="bad_amount", field="amount")
    existing = list(DeadlineRule.objects.select_for_update().filter(channel=channel, step=step))
    if any(r.effective_from >= effective_from for r in existing):
        raise PetitionError(
            "新规则的生效日期须晚于该环节现有规则的生效日期（已生效的期限不能改动）",
            code="rule_date",
            field="effective_from",
        )
    previous = max(existing, key=lambda r: r.effective_from, default=None)
    if previous is not None and previous.effective_to is None:
        before = audit.snapshot(previous, ["effective_to"])
        previous.effective_to = effective_from - dt.timedelta(days=1)
        previous.save(update_fields=["effective_to"])
        audit.record_change(actor, previous, before, note="新规则生效，原规则截止")
    rule = DeadlineRule.objects.create(
        channel=channel, step=step, amount=amount, unit=unit, start=start, effective_from=effective_from,
        source=source.strip()[:200], created_by=_user(actor),
    )  # fmt: skip
    audit.record(actor, A.CREATE, rule, after=audit.snapshot(rule))
    return rule
