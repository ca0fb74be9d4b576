"""The workflow table and separation of duties without a database: a table's checks, every step from every
state, and (hypothesis) that no sequence of steps lets one person hold two duties where the rule forbids it."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from anju.lib.workflow import APPROVE, PREPARE, REVIEW, Flow, Step, approval_steps

OPEN = ("draft", "submitted", "reviewed")


def flow(distinct: int) -> Flow:
    return Flow(
        steps=(
            Step("submit", "提交审核", ("draft",), "submitted", "handle", duty=PREPARE, preparer_only=True),
            Step("review", "审核通过", ("submitted",), "reviewed", "review", duty=REVIEW),
            Step("approve", "审批同意", ("reviewed",), "approved", "approve", duty=APPROVE),
            Step("reject", "审批不同意", ("reviewed",), "rejected", "approve", duty=APPROVE, reason=True),
            Step(
                "send_back", "退回", ("submitted", "reviewed"), "draft", {"submitted": "review", "reviewed": "approve"}
            ),
            Step("withdraw", "撤回", OPEN, "withdrawn", "handle", reason=True, irreversible=True),
        ),
        distinct=distinct,
    )


@pytest.mark.parametrize(
    ("steps", "distinct", "message"),
    [
        ((Step("a", "A", ("x",), "y", "handle"),), 4, "distinct"),
        ((Step("a", "A", ("x",), "y", "handle"), Step("a", "B", ("y",), "z", "handle")), 3, "重名"),
        ((Step("a", "A", (), "y", "handle"),), 3, "起始状态"),
        ((Step("a", "A", ("x", "y"), "z", {"x": "review"}),), 3, "每个起始状态"),
        ((Step("a", "A", ("x",), "y", "handle", duty="audit"),), 3, "职责错误"),
        (
            (
                Step("a", "A", ("x",), "y", "review", duty=REVIEW),
                Step("b", "B", ("x",), "z", "review", duty=REVIEW),
            ),
            3,
            "同一状态",
        ),
    ],
)
def test_a_table_that_cannot_work_is_refused(steps: tuple[Step, ...], distinct: int, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Flow(steps=steps, distinct=distinct)


# Every step from every state: which steps start there, and the permission each needs from it.
EXPECTED = {
    "draft": [("submit", "handle"), ("withdraw", "handle")],
    "submitted": [("review", "review"), ("send_back", "review"), ("withdraw", "handle")],
    "reviewed": [("approve", "approve"), ("reject", "approve"), ("send_back", "approve"), ("withdraw", "handle")],
    "approved": [],
    "rejected": [],
    "withdrawn": [],
}


@pytest.mark.parametrize("state", sorted(EXPECTED))
def test_each_state_offers_its_steps_with_their_permission(state: str) -> None:
    table = flow(3)
    assert [(s.name, s.permission_from(state)) for s in table.steps_from(state)] == EXPECTED[state]
    assert table.states == frozenset(EXPECTED)
    assert (table.state_after(PREPARE), table.state_after(REVIEW), table.state_after(APPROVE)) == (
        "submitted",
        "reviewed",
        "approved",
    )


def test_forward_steps_have_no_reason() -> None:
    table = flow(3)
    assert [s.name for s in table.steps if s.forward] == ["submit", "review", "approve", "send_back"]
    assert table.step("reject") is not None and table.step("nope") is None


@pytest.mark.parametrize(
    ("distinct", "step", "user", "refused"),
    [
        (3, "review", 1, "same_person"),  # the preparer does not review
        (3, "review", 2, None),
        (3, "approve", 1, "same_person"),  # nor approve
        (3, "approve", 2, "same_person"),  # the reviewer does not approve where money leaves
        (3, "reject", 2, "same_person"),
        (3, "approve", 3, None),
        (2, "approve", 2, None),  # with two people the reviewer may approve
        (2, "approve", 1, "same_person"),
        (2, "reject", 1, "same_person"),
        (3, "submit", 2, "not_preparer"),  # only the creator submits
        (3, "submit", 1, None),
        (3, "send_back", 1, None),  # no duty: no separation
        (3, "withdraw", 2, None),
    ],
)
def test_separation_of_duties(distinct: int, step: str, user: int, refused: str | None) -> None:
    table = flow(distinct)
    chosen = table.step(step)
    assert chosen is not None
    refusal = table.refusal(chosen, user, preparer=1, reviewer=2, creator=1, noun="申请")
    assert (refusal.code if refusal else None) == refused


def test_without_a_creator_anyone_submits_and_the_messages_name_the_record() -> None:
    table = flow(2)
    submit, approve = table.step("submit"), table.step("approve")
    assert submit is not None and approve is not None
    assert table.refusal(submit, 7, preparer=None, reviewer=None, creator=None, noun="清退") is None
    refusal = table.refusal(approve, 7, preparer=7, reviewer=None, creator=None, noun="清退")
    assert refusal is not None and refusal.message == "审批人不能是该清退的经办人"


@given(
    distinct=st.sampled_from([2, 3]),
    creator=st.one_of(st.none(), st.integers(1, 3)),
    moves=st.lists(st.tuples(st.sampled_from([s.name for s in flow(3).steps]), st.integers(1, 3)), max_size=30),
)
def test_no_sequence_of_steps_lets_one_person_hold_two_forbidden_duties(
    distinct: int, creator: int | None, moves: list[tuple[str, int]]
) -> None:
    """Play steps by users 1–3 as `core.workflow.take_step` would (state, then separation): whenever the
    record reaches a decision, its preparer, reviewer and approver obey the rule."""
    table = flow(distinct)
    state, submitter, reviewer = "draft", None, None
    for name, user in moves:
        step = table.step(name)
        assert step is not None
        if state not in step.starts:
            continue
        preparer = creator or submitter
        if table.refusal(step, user, preparer=preparer, reviewer=reviewer, creator=creator, noun="申请"):
            continue
        if step.duty == PREPARE:
            submitter = user
            assert creator is None or user == creator
        elif step.duty == REVIEW:
            reviewer = user
            assert user != preparer
        elif step.duty == APPROVE:
            assert user != preparer
            if distinct == 3:
                assert user != reviewer
        state = step.to


def test_the_standard_approval_steps_are_one_table_for_every_line() -> None:
    full = Flow(steps=approval_steps(("draft", "submitted", "reviewed")), distinct=3)
    assert [s.name for s in full.steps] == ["submit", "review", "approve", "reject", "send_back", "withdraw"]
    assert full.step("reject").irreversible and full.step("reject").reason  # type: ignore[union-attr]
    assert full.step("approve").opinion and not full.step("approve").reason  # type: ignore[union-attr]
    assert full.step("send_back").permission_from("reviewed") == "approve"  # type: ignore[union-attr]
    assert full.state_after(PREPARE) == "submitted" and full.state_after(REVIEW) == "reviewed"
    plain = approval_steps(("draft",), opinions=False, reject=False)
    assert "reject" not in [s.name for s in plain] and not any(s.opinion for s in plain)
    assert plain[-1].name == "withdraw" and plain[-1].starts == ("draft",)
