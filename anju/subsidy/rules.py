"""The rules of home-purchase subsidies (DOMAIN.md §4), pure: the entitlement from a program's amount rule
(a share of the deed tax, an amount per m² or a fixed sum, with a cap; rounded half up to the fen once)
with its formula in words, and duplicate detection over the keys of applications (one pass with indexes:
the file against itself and against what the database holds)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from anju.lib.workflow import APPROVE, REVIEW, Flow, Step

FEN = Decimal("0.01")
HUNDRED = Decimal(100)

DEED_TAX_SHARE, PER_AREA, FIXED = "deed_tax_share", "per_area", "fixed"
KINDS = (DEED_TAX_SHARE, PER_AREA, FIXED)

# The duplicate reasons, in the order they are listed (the import contract's codes).
SAME_UNIT, SAME_CONTRACT, SAME_VOUCHER = "same_unit", "same_contract", "same_tax_voucher"
SAME_BUYER, ALREADY_CLAIMED, SHARED_ACCOUNT = "same_buyer", "buyer_already_claimed", "shared_account"
REASONS = (SAME_UNIT, SAME_CONTRACT, SAME_VOUCHER, SAME_BUYER, ALREADY_CLAIMED, SHARED_ACCOUNT)
REASON_LABELS = {
    SAME_UNIT: "不动产单元号相同",
    SAME_CONTRACT: "合同备案号相同",
    SAME_VOUCHER: "契税完税凭证号相同",
    SAME_BUYER: "购房人另有在审申请",
    ALREADY_CLAIMED: "购房人已享受补贴",
    SHARED_ACCOUNT: "不同购房人使用同一收款账号",
}

# Where an application stands for duplicate detection: in review (pending), approved or paid (claimed), or
# out of the count (rejected, withdrawn, clawed back).
PENDING, CLAIMED, OUT = "pending", "claimed", "out"


@dataclass(frozen=True)
class AmountRule:
    """A rule version's amount: `rate` is the percentage of the deed tax (DEED_TAX_SHARE) or the yuan per m²
    (PER_AREA); `fixed` the sum (FIXED); `cap` the most one home gets (None: no cap)."""

    kind: str
    rate: Decimal = Decimal(0)
    fixed: Decimal = Decimal(0)
    cap: Decimal | None = None


def round_fen(value: Decimal) -> Decimal:
    return value.quantize(FEN, rounding=ROUND_HALF_UP)


def _raw(rule: AmountRule, deed_tax: Decimal, area: Decimal) -> Decimal:
    if rule.kind == DEED_TAX_SHARE:
        return deed_tax * rule.rate / HUNDRED
    if rule.kind == PER_AREA:
        return area * rule.rate
    if rule.kind == FIXED:
        return rule.fixed
    raise ValueError(f"未知的补贴计算方式：{rule.kind}")


def entitlement(rule: AmountRule, *, deed_tax: Decimal, area: Decimal) -> Decimal:
    """The subsidy of one home: the rule's amount rounded half up to the fen, then capped; never negative."""
    amount = max(round_fen(_raw(rule, deed_tax, area)), Decimal("0.00"))
    if rule.cap is not None and amount > rule.cap:
        return round_fen(rule.cap)
    return amount


def _yuan(value: Decimal) -> str:
    return f"{value:,.2f}"


def formula(rule: AmountRule, *, deed_tax: Decimal, area: Decimal) -> str:
    """How the entitlement was computed, in words (shown beside it)."""
    amount = entitlement(rule, deed_tax=deed_tax, area=area)
    raw = round_fen(_raw(rule, deed_tax, area))
    if rule.kind == DEED_TAX_SHARE:
        text = f"契税 {_yuan(deed_tax)} 元 × {rule.rate.normalize():f}% = {_yuan(raw)} 元"
    elif rule.kind == PER_AREA:
        text = f"建筑面积 {area:.2f} ㎡ × {_yuan(rule.rate)} 元/㎡ = {_yuan(raw)} 元"
    else:
        text = f"定额补贴 {_yuan(raw)} 元"
    if rule.cap is not None and raw > rule.cap:
        text += f"，超过上限按 {_yuan(rule.cap)} 元"
    return f"{text}；应发 {_yuan(amount)} 元"


# --- review ------------------------------------------------------------------------------------------------

# 资料审查 by the center (handle; not the person who entered it) → 税务核验 by the tax bureau or an agency
# user (review) → 财政审核 by the finance bureau (approve; neither the preparer nor the document reviewer)
# → 公示 → approved by the center once the notice passed without a sustained objection. Send-back (补正),
# refusal and withdrawal need a reason; an appeal (复核) of a refusal is decided by someone who did not
# refuse it (checked by the action).
OPEN_STATES = ("documents", "returned", "tax", "finance", "notice")
FLOW = Flow(
    (
        Step("pass_documents", "资料审查通过", ("documents",), "tax", "handle", duty=REVIEW, opinion=True),
        Step(
            "return_documents",
            "退回补正",
            ("documents", "tax", "finance"),
            "returned",
            {"documents": "handle", "tax": "review", "finance": "approve"},
            reason=True,
        ),
        Step("resubmit", "补正后重新受理", ("returned",), "documents", "handle"),
        Step("verify_tax", "税务核验通过", ("tax",), "finance", "review", opinion=True),
        Step("finance_pass", "财政审核通过", ("finance",), "notice", "approve", duty=APPROVE, opinion=True),
        Step("approve", "公示无异议，审核通过", ("notice",), "approved", "handle"),
        Step(
            "reject",
            "不予通过",
            ("documents", "tax", "finance", "notice"),
            "rejected",
            {"documents": "handle", "tax": "review", "finance": "approve", "notice": "handle"},
            reason=True,
        ),
        Step("appeal", "申请复核", ("rejected",), "appeal", "handle", reason=True),
        Step("appeal_grant", "复核通过，重新审查", ("appeal",), "documents", "approve", reason=True),
        Step("appeal_deny", "复核维持不予通过", ("appeal",), "rejected", "approve", reason=True),
        Step("withdraw", "撤回申请", (*OPEN_STATES, "approved"), "withdrawn", "handle", reason=True, irreversible=True),
    ),
    distinct=3,
)
# The first review decision (通过 / 不通过 / 补正) of the documents: subsidy.reviewed counts it.
FIRST_DECISIONS = frozenset({"pass_documents", "return_documents", "reject"})


# --- duplicates ----------------------------------------------------------------------------------------------


def normalize_code(value: str) -> str:
    """A unit, contract or voucher number compared without spaces, dashes' widths or case."""
    return "".join((value or "").split()).replace("－", "-").upper()


def normalize_account(value: str) -> str:
    return "".join(ch for ch in (value or "") if ch.isalnum()).upper()


@dataclass(frozen=True)
class Keys:
    """What duplicate detection compares of one application: its reference (row or id), program, standing
    (PENDING, CLAIMED, OUT), home, contract, voucher, payee account and buyers' ID numbers."""

    ref: Hashable
    program: Hashable
    standing: str
    unit: str
    contract: str
    voucher: str
    account: str
    buyers: frozenset[str]


@dataclass(frozen=True)
class Hit:
    """`ref` duplicates `other` (an earlier new one or an existing one) for `reason`."""

    ref: Hashable
    other: Hashable
    reason: str


def duplicates(new: Sequence[Keys], existing: Iterable[Keys], *, one_claim: bool) -> list[Hit]:
    """Every hit of each new application against the existing ones and the new ones before it, in the new
    ones' order (one pass with an index per key, never a comparison of every pair). Home, contract, voucher
    and account compare across programs; buyers only within the program: another pending application is
    same_buyer, an approved or paid one buyer_already_claimed where the program allows one claim per
    household. An account is shared when the two applications have no buyer in common. OUT ones count
    for nothing."""
    by: dict[str, dict[str, list[Keys]]] = {name: defaultdict(list) for name in ("unit", "contract", "voucher")}
    accounts: dict[str, list[Keys]] = defaultdict(list)
    buyers: dict[tuple[Hashable, str], list[Keys]] = defaultdict(list)

    def add(keys: Keys) -> None:
        if keys.standing == OUT:
            return
        for name in by:
            if value := getattr(keys, name):
                by[name][value].append(keys)
        if keys.account:
            accounts[keys.account].append(keys)
        for buyer in keys.buyers:
            buyers[(keys.program, buyer)].append(keys)

    for keys in existing:
        add(keys)
    hits: list[Hit] = []
    for keys in new:
        found: dict[tuple[Hashable, str], None] = {}
        for name, reason in (("unit", SAME_UNIT), ("contract", SAME_CONTRACT), ("voucher", SAME_VOUCHER)):
            if value := getattr(keys, name):
                for other in by[name].get(value, ()):
                    found[(other.ref, reason)] = None
        for buyer in sorted(keys.buyers):
            for other in buyers.get((keys.program, buyer), ()):
                if other.standing == PENDING:
                    found[(other.ref, SAME_BUYER)] = None
                elif one_claim:
                    found[(other.ref, ALREADY_CLAIMED)] = None
        if keys.account:
            for other in accounts.get(keys.account, ()):
                if not keys.buyers & other.buyers:
                    found[(other.ref, SHARED_ACCOUNT)] = None
        hits += [Hit(keys.ref, other, reason) for other, reason in found if other != keys.ref]
        add(keys)
    return hits


def reasons_of(hits: Iterable[Hit]) -> dict[Hashable, list[str]]:
    """The reasons of each flagged reference, in REASONS' order."""
    found: dict[Hashable, set[str]] = defaultdict(set)
    for hit in hits:
        found[hit.ref].add(hit.reason)
    return {ref: [r for r in REASONS if r in reasons] for ref, reasons in found.items()}


NUMERALS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 25 → 二十五 (batch ordinals up to 99)."""
    if n < 1 or n > 99:
        return str(n)
    tens, ones = divmod(n, 10)
    text = ("" if tens == 1 else NUMERALS[tens]) + "十" if tens else ""
    return text + (NUMERALS[ones] if ones else "")


def batch_label(ordinal: int) -> str:
    """第一批, 第二批 …"""
    return f"第{chinese_number(ordinal)}批"
