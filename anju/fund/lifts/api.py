"""The lifts JSON API: lifts, policies (list, detail, sign, pay the premium), claims, the pilot's progress.

Permissions are those of the pages: fund `view` to read, `handle` to change."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Prefetch, Q, Sum
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Query, Router, Schema, Status

from anju.core.fields import MoneyField
from anju.core.permissions import actor, check
from anju.fund.lifts import actions, queries
from anju.fund.lifts.actions import ZERO
from anju.fund.lifts.models import Claim, Insurer, Lift, Policy
from anju.fund.models import Account

MODULE = "fund"
router = Router(tags=["lifts"])


def money(value: Decimal | None) -> str:
    return f"{(value or Decimal(0)):.2f}"


class Paging(Schema):
    limit: int = 100
    offset: int = 0


class LiftOut(Schema):
    registration_code: str
    project: str
    building: str
    entrance: str


class LiftPage(Schema):
    count: int
    items: list[LiftOut]


class PolicyPage(Schema):
    count: int
    items: list[PolicyOut]


class PolicyOut(Schema):
    id: int
    number: str
    insurer: str
    signed_on: dt.date
    start: dt.date
    end: dt.date
    premium: str
    cover: str
    status: str
    premium_paid: str
    lifts: list[str]


class PolicyIn(Schema):
    number: str
    insurer_uscc: str
    lifts: list[str]
    signed_on: dt.date
    start: dt.date
    end: dt.date
    premium: Decimal
    cover: Decimal


class PaymentIn(Schema):
    paid_on: dt.date
    bank_account_number: str = ""


class PaymentOut(Schema):
    policy: str
    paid_on: dt.date
    amount: str
    entry: int


class ClaimOut(Schema):
    id: int
    lift: str
    policy: str
    date: dt.date
    fault: str
    amount: str
    status: str


class ClaimIn(Schema):
    lift: str
    date: dt.date
    fault: str
    amount: Decimal


class ProgressOut(Schema):
    total: int
    dates: list[str]
    signed: list[int]
    targets: list[tuple[str, int]]


class Error(Schema):
    detail: str


def _lift_out(lift: Lift) -> LiftOut:
    return LiftOut(
        registration_code=lift.registration_code,
        project=lift.building.project.name,
        building=lift.building.number,
        entrance=lift.entrance,
    )


def _policy_out(policy: Policy, paid: Decimal | None = None, lifts: list[str] | None = None) -> PolicyOut:
    """A policy; `paid` and `lifts` when the caller has them already (the list annotates and prefetches)."""
    return PolicyOut(
        id=policy.pk,
        number=policy.number,
        insurer=str(policy.insurer),
        signed_on=policy.signed_on,
        start=policy.start,
        end=policy.end,
        premium=money(policy.premium),
        cover=money(policy.cover),
        status=policy.status,
        premium_paid=money(actions.premium_paid(policy) if paid is None else paid),
        lifts=sorted(policy.lifts.values_list("registration_code", flat=True)) if lifts is None else sorted(lifts),
    )


def _claim_out(claim: Claim) -> ClaimOut:
    return ClaimOut(
        id=claim.pk,
        lift=claim.lift.registration_code,
        policy=claim.policy.number,
        date=claim.date,
        fault=claim.fault,
        amount=money(claim.amount),
        status=claim.status,
    )


@router.get("/lifts", response=LiftPage, summary="Lifts (电梯) per building")
def list_lifts(
    request: HttpRequest,
    paging: Query[Paging],
    q: str = "",
    signed: int | None = Query(None, ge=queries.YEARS[0], le=queries.YEARS[1]),
) -> LiftPage:
    check(request.user, MODULE, "view")
    lifts = Lift.objects.select_related("building__project").order_by("registration_code")
    if q:
        lifts = lifts.filter(Q(registration_code__startswith=q) | Q(building__project__name__icontains=q))
    if signed is not None:
        lifts = lifts.filter(pk__in=queries.signed_lifts(signed).values("pk"))
    limit, offset = max(1, min(paging.limit, 500)), max(0, paging.offset)
    return LiftPage(count=lifts.count(), items=[_lift_out(lift) for lift in lifts[offset : offset + limit]])


@router.get("/policies", response=PolicyPage, summary="Lift insurance policies")
def list_policies(request: HttpRequest, paging: Query[Paging]) -> PolicyPage:
    check(request.user, MODULE, "view")
    policies = Policy.objects.select_related("insurer__enterprise").order_by("signed_on", "number")
    limit, offset = max(1, min(paging.limit, 500)), max(0, paging.offset)
    page = (
        policies.annotate(paid=Sum("payments__amount", output_field=MoneyField()))
        .prefetch_related(Prefetch("lifts", queryset=Lift.objects.only("pk", "registration_code")))
        .order_by("signed_on", "number")[offset : offset + limit]
    )
    return PolicyPage(
        count=policies.count(),
        items=[
            _policy_out(p, p.paid or ZERO, [lift.registration_code for lift in p.lifts.all()])  # type: ignore[attr-defined]
            for p in page
        ],
    )


@router.get("/policies/{pk}", response=PolicyOut, summary="A policy")
def policy_detail(request: HttpRequest, pk: int) -> PolicyOut:
    check(request.user, MODULE, "view")
    return _policy_out(get_object_or_404(Policy.objects.select_related("insurer__enterprise"), pk=pk))


@router.post("/policies", response={201: PolicyOut, 400: Error}, summary="Sign a policy over lifts")
def sign_policy(request: HttpRequest, payload: PolicyIn) -> object:
    check(request.user, MODULE, "handle")
    insurer = Insurer.objects.filter(enterprise__uscc=payload.insurer_uscc).first()
    if insurer is None:
        return Status(400, Error(detail=f"保险公司 {payload.insurer_uscc} 未登记"))
    lifts = list(Lift.objects.filter(registration_code__in=payload.lifts))
    missing = sorted(set(payload.lifts) - {lift.registration_code for lift in lifts})
    if missing:
        return Status(400, Error(detail=f"电梯未登记：{'、'.join(missing[:10])}"))
    try:
        policy = actions.sign_policy(
            actor(request),
            number=payload.number,
            insurer=insurer,
            lifts=lifts,
            signed_on=payload.signed_on,
            start=payload.start,
            end=payload.end,
            premium=payload.premium,
            cover=payload.cover,
        )
    except actions.LiftError as exc:
        return Status(400, Error(detail=str(exc)))
    return Status(201, _policy_out(policy))


@router.post(
    "/policies/{pk}/payments", response={201: PaymentOut, 400: Error}, summary="Pay a policy's premium (pooled account)"
)
def pay_premium(request: HttpRequest, pk: int, payload: PaymentIn) -> object:
    check(request.user, MODULE, "handle")
    policy = get_object_or_404(Policy, pk=pk)
    banks = Account.objects.filter(kind=Account.Kind.BANK, closed__isnull=True).order_by("pk")
    if payload.bank_account_number:
        banks = banks.filter(bank_account_number=payload.bank_account_number)
    found = list(banks[:2])
    if not found:
        return Status(400, Error(detail="没有这个维修资金专户"))
    if len(found) > 1:
        return Status(400, Error(detail="有多个维修资金专户，请填写付款专户账号（bank_account_number）"))
    bank = found[0]
    try:
        payment = actions.pay_premium(actor(request), policy, paid_on=payload.paid_on, bank=bank)
    except actions.LiftError as exc:
        return Status(400, Error(detail=str(exc)))
    return Status(
        201,
        PaymentOut(
            policy=policy.number, paid_on=payment.paid_on, amount=money(payment.amount), entry=payment.entry.seq
        ),
    )


@router.get("/claims", response=list[ClaimOut], summary="Claims on lift policies")
def list_claims(request: HttpRequest) -> list[ClaimOut]:
    check(request.user, MODULE, "view")
    return [_claim_out(c) for c in Claim.objects.select_related("lift", "policy").order_by("-date", "-pk")[:500]]


@router.post("/claims", response={201: ClaimOut, 400: Error}, summary="Report a claim for a lift repair")
def report_claim(request: HttpRequest, payload: ClaimIn) -> object:
    check(request.user, MODULE, "handle")
    lift = Lift.objects.filter(registration_code=payload.lift).first()
    if lift is None:
        return Status(400, Error(detail=f"电梯 {payload.lift} 未登记"))
    try:
        claim = actions.report_claim(
            actor(request), lift, date=payload.date, fault=payload.fault, amount=payload.amount
        )
    except actions.LiftError as exc:
        return Status(400, Error(detail=str(exc)))
    return Status(201, _claim_out(claim))


class SettleIn(Schema):
    paid_amount: Decimal | None = None


@router.post(
    "/claims/{pk}/settle", response={200: ClaimOut, 400: Error}, summary="Settle a claim: paid (amount) or rejected"
)
def settle_claim(request: HttpRequest, pk: int, payload: SettleIn) -> object:
    check(request.user, MODULE, "handle")
    claim = get_object_or_404(Claim.objects.select_related("lift", "policy"), pk=pk)
    try:
        actions.settle_claim(actor(request), claim, paid_amount=payload.paid_amount)
    except actions.LiftError as exc:
        return Status(400, Error(detail=str(exc)))
    return _claim_out(claim)


@router.get("/progress", response=ProgressOut, summary="Lifts signed over time against the pilot's targets")
def progress(request: HttpRequest) -> ProgressOut:
    check(request.user, MODULE, "view")
    data = queries.progress(timezone.localdate())
    return ProgressOut(total=data.total, dates=data.dates, signed=data.signed, targets=data.targets)
