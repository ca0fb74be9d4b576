"""The approval workflow as data (经办 → 审核 → 审批): its steps, the states each starts from and leads to,
the permission each needs, which need a reason, and separation of duties.

Framework-free, so a line's table of steps is plain data and its rules are checked without a database;
`anju.core.workflow` runs a `Flow` against a model (locks, history, audit)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import NamedTuple

# The three duties of separation of duties (职责分离): 经办 prepares, 审核 reviews, 审批 approves.
PREPARE, REVIEW, APPROVE = "prepare", "review", "approve"


@dataclass(frozen=True)
class Step:
    """One step: from any of `starts` to `to`, by a role holding `permission` (an action of the line's
    module, or one per start state where it differs: a send-back is the reviewer's from 已提交 and the
    approver's from 已审核).

    duty: which of the three duties taking the step performs (None: no separation applies);
    reason: a reason (退回、撤回、不同意的理由) is required;
    opinion: an optional opinion (审核意见、审批意见) may be given;
    irreversible: nothing brings the record back: pages ask for a confirmation and the step is refused
    without it;
    preparer_only: only the preparer may take it (提交: the person who submits is the one who prepared)."""

    name: str
    label: str
    starts: tuple[str, ...]
    to: str
    permission: str | Mapping[str, str]
    duty: str | None = None
    reason: bool = False
    opinion: bool = False
    irreversible: bool = False
    preparer_only: bool = False

    def permission_from(self, state: str) -> str:
        """The action the role needs to take the step from the state."""
        if isinstance(self.permission, str):
            return self.permission
        return self.permission[state]

    @property
    def asks(self) -> bool:
        """Its button asks before it is sent: an irreversible step, or an approval (审批), which no step
        of the line takes back."""
        return self.irreversible or self.duty == APPROVE

    @property
    def forward(self) -> bool:
        """A step that moves the record on (its button is the primary one), not a send-back or refusal."""
        return not self.reason


class Refusal(NamedTuple):
    """Why a user may not take a step: a stable code (``same_person``, ``not_preparer``) and the message."""

    code: str
    message: str


@dataclass(frozen=True)
class Flow:
    """A line's steps. distinct=3: preparer, reviewer and approver are three different people (where money
    leaves the center); distinct=2: the reviewer and the approver each differ from the preparer."""

    steps: tuple[Step, ...]
    distinct: int = 3

    def __post_init__(self) -> None:
        if self.distinct not in (2, 3):
            raise ValueError("distinct 须为 2 或 3")
        names = [s.name for s in self.steps]
        if len(set(names)) != len(names):
            raise ValueError(f"步骤重名：{names}")
        for step in self.steps:
            if not step.starts:
                raise ValueError(f"步骤 {step.name} 没有起始状态")
            if not isinstance(step.permission, str) and set(step.permission) != set(step.starts):
                raise ValueError(f"步骤 {step.name} 的权限须按每个起始状态给出")
            if step.duty not in (None, PREPARE, REVIEW, APPROVE):
                raise ValueError(f"步骤 {step.name} 的职责错误：{step.duty}")
        for duty in (PREPARE, REVIEW):
            if len({s.to for s in self.steps if s.duty == duty}) > 1:
                raise ValueError(f"{duty} 的步骤须进入同一状态（据此认定经办人、审核人）")

    def step(self, name: str) -> Step | None:
        return next((s for s in self.steps if s.name == name), None)

    def steps_from(self, state: str) -> list[Step]:
        """The steps that start from the state, in the table's order."""
        return [s for s in self.steps if state in s.starts]

    def state_after(self, duty: str) -> str | None:
        """The state a step of the duty leads to: whoever last moved the record there performed the duty."""
        return next((s.to for s in self.steps if s.duty == duty), None)

    @property
    def states(self) -> frozenset[str]:
        return frozenset(state for s in self.steps for state in (*s.starts, s.to))

    def refusal(
        self,
        step: Step,
        user: int,
        *,
        preparer: int | None,
        reviewer: int | None,
        creator: int | None,
        noun: str,
    ) -> Refusal | None:
        """Why the user (by id) may not take the step on a record: the creator is the user who made the draft
        (None: the command line), the preparer the one who prepared it (its creator, else who submitted it),
        the reviewer the one who last reviewed it. A user holding several roles takes only one duty."""
        if step.preparer_only and creator is not None and user != creator:
            return Refusal("not_preparer", f"只有该{noun}的经办人（新建人）可以提交")
        if step.duty == REVIEW and user == preparer:
            return Refusal("same_person", f"审核人不能是提交该{noun}的经办人")
        if step.duty == APPROVE:
            if self.distinct == 3 and user in (preparer, reviewer):
                return Refusal("same_person", f"审批人不能是该{noun}的经办人或审核人")
            if user == preparer:
                return Refusal("same_person", f"审批人不能是该{noun}的经办人")
        return None


def approval_steps(open_states: tuple[str, ...], *, opinions: bool = True, reject: bool = True) -> tuple[Step, ...]:
    """The standard 经办 → 审核 → 审批 steps: 提交 by the preparer (draft → submitted), 审核 (→ reviewed) and
    审批 (→ approved) with an optional opinion, 审批不同意 (→ rejected, a reason required), 退回 to the draft
    (a reason; the reviewer's from 已提交, the approver's from 已审核) and 撤回 from any of the open states
    (a reason). A line adds its own steps after these (拨付, 归档…)."""
    steps = [
        Step("submit", "提交审核", ("draft",), "submitted", "handle", duty=PREPARE, preparer_only=True),
        Step("review", "审核通过", ("submitted",), "reviewed", "review", duty=REVIEW, opinion=opinions),
        Step("approve", "审批同意", ("reviewed",), "approved", "approve", duty=APPROVE, opinion=opinions),
    ]
    if reject:
        refuse = Step("reject", "审批不同意", ("reviewed",), "rejected", "approve", duty=APPROVE, reason=True)
        steps.append(replace(refuse, irreversible=True))
    steps += [
        Step(
            "send_back",
            "退回",
            ("submitted", "reviewed"),
            "draft",
            {"submitted": "review", "reviewed": "approve"},
            reason=True,
        ),
        Step("withdraw", "撤回", open_states, "withdrawn", "handle", reason=True, irreversible=True),
    ]
    return tuple(steps)
