"""The entitlement and duplicate rules (pure), with hypothesis."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from anju.subsidy import rules

D = Decimal
money = st.decimals(min_value=D("0"), max_value=D("999999.99"), places=2)
rate = st.decimals(min_value=D("0"), max_value=D("100"), places=4)
area = st.decimals(min_value=D("0.01"), max_value=D("9999.99"), places=2)
caps = st.none() | money


@given(st.sampled_from(rules.KINDS), rate, money, caps, money, area)
def test_an_entitlement_is_whole_fen_never_negative_and_never_above_the_cap(kind, r, fixed, cap, tax, a) -> None:
    rule = rules.AmountRule(kind, r, fixed, cap)
    amount = rules.entitlement(rule, deed_tax=tax, area=a)
    assert amount == amount.quantize(D("0.01")) and amount >= 0
    if cap is not None:
        assert amount <= cap
    assert rules.formula(rule, deed_tax=tax, area=a).endswith(f"应发 {amount:,.2f} 元")


@given(rate, money, money, caps)
def test_a_share_of_more_deed_tax_is_never_less(r, tax, more, cap) -> None:
    rule = rules.AmountRule(rules.DEED_TAX_SHARE, r, cap=cap)
    assert rules.entitlement(rule, deed_tax=tax + more, area=D(1)) >= rules.entitlement(rule, deed_tax=tax, area=D(1))


def test_rounding_is_half_up_to_the_fen_once() -> None:
    half = rules.AmountRule(rules.DEED_TAX_SHARE, D("50"))
    assert rules.entitlement(half, deed_tax=D("0.05"), area=D(1)) == D("0.03")  # 0.025 → 0.03
    per_m2 = rules.AmountRule(rules.PER_AREA, D("100.005"))
    assert rules.entitlement(per_m2, deed_tax=D(0), area=D("1.00")) == D("100.01")
    capped = rules.AmountRule(rules.DEED_TAX_SHARE, D("50"), cap=D("20000.00"))
    assert rules.entitlement(capped, deed_tax=D("50000.00"), area=D(1)) == D("20000.00")
    assert "超过上限按 20,000.00 元" in rules.formula(capped, deed_tax=D("50000.00"), area=D(1))
    assert rules.entitlement(rules.AmountRule(rules.FIXED, fixed=D("8000.00")), deed_tax=D(0), area=D(1)) == D(
        "8000.00"
    )


def keys(ref: int, *, unit: str = "", contract: str = "", voucher: str = "", account: str = "", buyers=(),
         standing: str = rules.PENDING, program: int = 1) -> rules.Keys:  # fmt: skip
    return rules.Keys(ref, program, standing, unit, contract, voucher, account, frozenset(buyers))


def test_each_key_and_the_buyers_standing_give_their_reason() -> None:
    existing = [
        keys(1, unit="U1", buyers={"A"}, account="X"),
        keys(2, contract="C2", buyers={"B"}, standing=rules.CLAIMED),
        keys(3, voucher="V3", buyers={"C"}, standing=rules.OUT),
        keys(4, buyers={"D"}, program=2),
    ]
    new = [
        keys(10, unit="U1", buyers={"Z"}, account="X"),
        keys(11, contract="C2", buyers={"B"}),
        keys(12, voucher="V3", buyers={"D"}),
    ]
    found = rules.reasons_of(rules.duplicates(new, existing, one_claim=True))
    assert found == {10: ["same_unit", "shared_account"], 11: ["same_contract", "buyer_already_claimed"]}
    # Without the one-claim rule an approved application of the buyer is no duplicate.
    found = rules.reasons_of(rules.duplicates(new[1:2], existing, one_claim=False))
    assert found == {11: ["same_contract"]}


def test_an_account_shared_by_co_buyers_is_no_duplicate_and_the_file_is_checked_against_itself() -> None:
    new = [
        keys(1, account="X", buyers={"A", "B"}),
        keys(2, account="X", buyers={"B"}, unit="U"),
        keys(3, unit="U", buyers={"C"}),
    ]
    hits = rules.duplicates(new, [], one_claim=True)
    assert rules.reasons_of(hits) == {2: ["same_buyer"], 3: ["same_unit"]}
    assert {(h.ref, h.other) for h in hits} == {(2, 1), (3, 2)}


ref_keys = st.builds(
    lambda unit, contract, buyers, account: (unit, contract, frozenset(buyers), account),
    st.sampled_from(["", "U1", "U2"]),
    st.sampled_from(["", "C1", "C2"]),
    st.sets(st.sampled_from("ABC"), min_size=1, max_size=2),
    st.sampled_from(["", "X", "Y"]),
)


@given(st.lists(ref_keys, min_size=1, max_size=12))
def test_a_pair_is_found_whichever_comes_first(rows) -> None:
    """Every duplicate pair is found once, from the later one, whether checked in one pass or one at a time."""
    new = [keys(i, unit=u, contract=c, buyers=b, account=a) for i, (u, c, b, a) in enumerate(rows)]
    together = {(h.ref, h.other, h.reason) for h in rules.duplicates(new, [], one_claim=True)}
    one_by_one = set()
    for i, row in enumerate(new):
        one_by_one |= {(h.ref, h.other, h.reason) for h in rules.duplicates([row], new[:i], one_claim=True)}
    assert together == one_by_one
    for ref, other, reason in together:
        assert other < ref
        a, b = new[ref], new[other]
        expected = {
            rules.SAME_UNIT: a.unit and a.unit == b.unit,
            rules.SAME_CONTRACT: a.contract and a.contract == b.contract,
            rules.SAME_BUYER: bool(a.buyers & b.buyers),
            rules.SHARED_ACCOUNT: a.account and a.account == b.account and not a.buyers & b.buyers,
        }
        assert expected[reason]


def test_batch_labels() -> None:
    assert [rules.batch_label(n) for n in (1, 2, 3, 10, 11, 21)] == [
        "第一批",
        "第二批",
        "第三批",
        "第十批",
        "第十一批",
        "第二十一批",
    ]
