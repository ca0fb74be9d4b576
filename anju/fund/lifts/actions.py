"""Every change to the lift insurance pilot: one verb-named, atomic, audited function each.

A premium is paid out of the pooled account (统筹账户, where the city keeps its share of the fund's
value-added income): one PREMIUM entry debits the pooled account and credits the bank special account,
as money leaves the fund for the insurer. The ledger refuses it when the pooled account cannot bear it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import NamedTuple

from django.db import IntegrityError, transaction
from django.db.models import Sum

from anju.core import audit, bulk
from anju.core.fields import MoneyField
from anju.core.models import AuditEvent, User
from anju.fund import ledger
from anju.fund.lifts import rules
from anju.fund.lifts.errors import LiftError
from anju.fund.lifts.models import Claim, Insurer, Lift, PilotTarget, Policy, PremiumPayment
from anju.fund.models import Account, JournalEntry
from anju.lib.money import positive_amount
from anju.registry.models import Building, Enterprise

ZERO = Decimal("0.00")


def _money(amount: Decimal, what: str) -> Decimal:
    return positive_amount(amount, what, LiftError)


@transaction.atomic
def register_lift(
    actor: User | None,
    building: Building,
    *,
    registration_code: str,
    entrance: str = "",
    make: str = "",
    installed_on: dt.date | None = None,
) -> Lift:
    code = registration_code.strip()
    error = rules.registration_code_error(code)
    if error:
        raise LiftError(error, code="bad_code", field="registration_code")
    if Lift.objects.filter(registration_code=code).exists():
        raise LiftError(f"电梯注册代码 {code} 已登记", code="code_taken", field="registration_code")
    lift = Lift.objects.create(
        building=building, registration_code=code, entrance=entrance, make=make, installed_on=installed_on
    )
    audit.record(actor, AuditEvent.Action.CREATE, lift, after=audit.snapshot(lift))
    return lift


class NewLift(NamedTuple):
    building_id: int
    registration_code: str
    entrance: str = ""
    make: str = ""
    installed_on: dt.date | None = None


@transaction.atomic
def register_lifts(
    actor: User | None, lifts: Sequence[NewLift], *, progress: Callable[[int], None] | None = None
) -> int:
    """Register many lifts at once (a city's register): every code checked as in `register_lift`, none
    twice, none already registered; written in bulk with one audit event. Returns the count."""
    seen: set[str] = set()
    for lift in lifts:
        error = rules.registration_code_error(lift.registration_code)
        if error:
            raise LiftError(error, code="bad_code")
        if lift.registration_code in seen:
            raise LiftError(f"电梯注册代码 {lift.registration_code} 重复", code="duplicate_code")
        seen.add(lift.registration_code)
    taken = bulk.ids_by_key(Lift, "registration_code", seen)
    if taken:
        raise LiftError(f"电梯注册代码 {min(taken)} 已登记", code="code_taken")
    count = bulk.insert_rows(
        Lift, ["building_id", "registration_code", "entrance", "make", "installed_on"], lifts, progress=progress
    )
    audit.record(
        actor, AuditEvent.Action.IMPORT, model=Lift._meta.label, object_repr="电梯登记", after={"lifts": count}
    )
    return count


@transaction.atomic
def register_insurer(actor: User | None, enterprise: Enterprise, *, product: str = "") -> Insurer:
    insurer, created = Insurer.objects.get_or_create(enterprise=enterprise, defaults={"product": product})
    if created:
        audit.record(actor, AuditEvent.Action.CREATE, insurer, after=audit.snapshot(insurer))
    return insurer


@transaction.atomic
def sign_policy(
    actor: User | None,
    *,
    number: str,
    insurer: Insurer,
    lifts: Sequence[Lift],
    signed_on: dt.date,
    start: dt.date,
    end: dt.date,
    premium: Decimal,
    cover: Decimal,
) -> Policy:
    """A policy over lifts; a lift cannot be under two policies with overlapping terms."""
    if not lifts:
        raise LiftError("保险合同至少包括一台电梯", code="no_lifts")
    if end < start:
        raise LiftError("保险期间的结束日期早于开始日期", code="end_before_start")
    if signed_on > start:
        raise LiftError("签约日期不能晚于保险期间开始日期", code="signed_after_start")
    _money(premium, "保费")
    _money(cover, "保险金额")
    if Policy.objects.filter(number=number).exists():
        raise LiftError(f"保险合同号 {number} 已存在", code="number_taken")
    # Lock the lifts: two policies signed at once over the same lift cannot both pass the overlap check.
    ids = sorted(lift.pk for lift in lifts)
    list(Lift.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk", flat=True))
    covered = [
        lift.registration_code
        for lift in Lift.objects.filter(pk__in=ids, policies__start__lte=end, policies__end__gte=start)
    ]
    if covered:
        raise LiftError(f"电梯已在保险期内：{'、'.join(sorted(set(covered))[:10])}", code="already_covered")
    try:
        with transaction.atomic():
            policy = Policy.objects.create(
                number=number,
                insurer=insurer,
                signed_on=signed_on,
                start=start,
                end=end,
                premium=premium,
                cover=cover,
                created_by=actor if actor and actor.pk else None,
            )
    except IntegrityError:  # the same number signed meanwhile
        raise LiftError(f"保险合同号 {number} 已存在", code="number_taken") from None
    policy.lifts.set(lifts)
    audit.record(
        actor,
        AuditEvent.Action.CREATE,
        policy,
        after={**audit.snapshot(policy), "lifts": [lift.registration_code for lift in lifts]},
    )
    return policy


def premium_paid(policy: Policy) -> Decimal:
    total = policy.payments.aggregate(total=Sum("amount", output_field=MoneyField()))["total"]
    return total if total is not None else ZERO


@transaction.atomic
def pay_premium(
    actor: User | None, policy: Policy, *, paid_on: dt.date, bank: Account, amount: Decimal | None = None
) -> PremiumPayment:
    """Pay (the rest of) a policy's premium from the pooled account: one PREMIUM entry."""
    policy = Policy.objects.select_for_update().get(pk=policy.pk)
    due = policy.premium - premium_paid(policy)
    amount = due if amount is None else amount
    _money(amount, "支付保费")
    if amount > due:
        raise LiftError(f"支付金额 {amount} 超过未付保费 {due}", code="over_due")
    if bank.kind != Account.Kind.BANK:
        raise LiftError("付款账户应为维修资金专户", code="not_bank_account")
    pooled = ledger.fund_account(Account.Kind.POOLED)
    try:
        entry = ledger.post(
            kind=JournalEntry.Kind.PREMIUM,
            value_date=paid_on,
            legs=[ledger.debit(pooled, amount), ledger.credit(bank, amount)],
            actor=actor,
            memo=f"电梯维修保险保费 {policy.number}（{policy.insurer}，{policy.lifts.count()}台）",
            document=f"lift_policy:{policy.pk}",
        )
    except ledger.Overdraw as exc:
        raise LiftError(f"统筹账户余额不足，无法支付保费：{exc}", code="pooled_insufficient") from None
    except ledger.LedgerError as exc:
        raise LiftError(f"保费无法入账：{exc}", code="not_posted") from None
    payment = PremiumPayment.objects.create(policy=policy, paid_on=paid_on, amount=amount, bank=bank, entry=entry)
    audit.record(actor, AuditEvent.Action.CREATE, payment, after={**audit.snapshot(payment), "entry": entry.seq})
    return payment


@transaction.atomic
def report_claim(actor: User | None, lift: Lift, *, date: dt.date, fault: str, amount: Decimal) -> Claim:
    """A claim for a lift repair, on the policy covering the lift on that date."""
    _money(amount, "报案金额")
    policy = lift.policies.filter(start__lte=date, end__gte=date).first()
    if policy is None:
        raise LiftError(f"电梯 {lift.registration_code} 在 {date} 没有有效的保险合同", code="no_policy")
    if not fault.strip():
        raise LiftError("请填写故障情况", code="fault_required")
    claim = Claim.objects.create(lift=lift, policy=policy, date=date, fault=fault.strip(), amount=amount)
    audit.record(actor, AuditEvent.Action.CREATE, claim, after=audit.snapshot(claim))
    return claim


@transaction.atomic
def settle_claim(actor: User | None, claim: Claim, *, paid_amount: Decimal | None) -> Claim:
    """The insurer's decision: paid (an amount up to what was claimed and up to the cover) or rejected (None).
    The claim row is locked, so two decisions at once cannot both pass the status check."""
    locked = Claim.objects.select_for_update().select_related("policy").get(pk=claim.pk)
    if locked.status != Claim.Status.REPORTED:
        raise LiftError("该理赔已处理", code="claim_settled")
    before = audit.snapshot(locked, ["status", "paid_amount"])
    if paid_amount is None:
        locked.status = Claim.Status.REJECTED
    else:
        _money(paid_amount, "赔付金额")
        cap = min(locked.amount, locked.policy.cover)
        if paid_amount > cap:
            raise LiftError(f"赔付金额 {paid_amount} 超过报案金额与保险金额中的较小者 {cap}", code="over_cap")
        locked.status, locked.paid_amount = Claim.Status.PAID, paid_amount
    locked.save(update_fields=["status", "paid_amount"])
    claim.status, claim.paid_amount = locked.status, locked.paid_amount
    audit.record_change(actor, locked, before)
    return claim


@transaction.atomic
def set_pilot_target(actor: User | None, *, date: dt.date, lifts: int) -> PilotTarget:
    if lifts <= 0:
        raise LiftError("目标台数应大于0", code="not_positive")
    target, _ = PilotTarget.objects.update_or_create(date=date, defaults={"lifts": lifts})
    audit.record(actor, AuditEvent.Action.UPDATE, target, after=audit.snapshot(target))
    return target
