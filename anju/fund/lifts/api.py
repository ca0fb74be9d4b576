"""The lifts JSON API: lifts, policies (list, detail, sign, pay the premium), claims, the pilot's progress.

Permissions are those of the pages: fund `view` to read, `handle` to change."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from django.db.models import Prefetch, Q, QuerySet, Sum
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from pydantic import WithJsonSchema

from anju.core.apikit import ErrorOut, Money, MoneyIn, Paging, page_schema, paginate
from anju.core.fields import MoneyField
from anju.core.permissions import actor, check
from anju.fund import queries as fund_queries
from anju.fund.lifts import actions, queries
from anju.fund.lifts.actions import ZERO
from anju.fund.lifts.errors import LiftError
from anju.fund.lifts.models import Claim, Insurer, Lift, Policy

MODULE = "fund"
router = Router(tags=["lifts"])


class LiftOut(Schema):
    registration_code: str
    project: str = Field(alias="building.project.name")
    building: str = Field(alias="building.number")
    entrance: str


class PolicyOut(Schema):
    id: int
    number: str
    insurer: str
    signed_on: dt.date
    start: dt.date
    end: dt.date
    premium: Money
    cover: Money
    status: str
    premium_paid: Money
    lifts: list[str]


LiftPage = page_schema(LiftOut)
PolicyPage = page_schema(PolicyOut)


class PolicyIn(Schema):
    number: str
    insurer_uscc: str
    lifts: list[str]
    signed_on: dt.date
    start: dt.date
    end: dt.date
    premium: MoneyIn
    cover: MoneyIn


class PremiumPaymentIn(Schema):
    paid_on: dt.date
    bank_account_number: str = ""


class PremiumPaymentOut(Schema):
    policy: str = Field(alias="policy.number")
    paid_on: dt.date
    amount: Money
    entry: int = Field(alias="entry.seq")


class ClaimOut(Schema):
    id: int
    lift: str = Field(alias="lift.registration_code")
    policy: str = Field(alias="policy.number")
    date: dt.date
    fault: str
    amount: Money
    status: str


class ClaimIn(Schema):
    lift: str
    date: dt.date
    fault: str
    amount: MoneyIn


class ProgressOut(Schema):
    total: int
    dates: list[str]
    signed: list[int]
    # Pairs [date, lifts], described as a two-item array (the tuple's default schema is not valid OpenAPI 3.1).
    targets: list[
        Annotated[
            tuple[str, int],
            WithJsonSchema({"type": "array", "items": {"type": ["string", "integer"]}, "minItems": 2, "maxItems": 2}),
        ]
    ]


def _policy_out(policy: Policy, paid: Decimal | None = None, lifts: list[str] | None = None) -> PolicyOut:
    """A policy; `paid` and `lifts` when the caller has them already (the list annotates and prefetches)."""
    return PolicyOut(
        id=policy.pk,
        number=policy.number,
        insurer=str(policy.insurer),
        signed_on=policy.signed_on,
        start=policy.start,
        end=policy.end,
        premium=policy.premium,
        cover=policy.cover,
        status=policy.status,
        premium_paid=actions.premium_paid(policy) if paid is None else paid,
        lifts=sorted(policy.lifts.values_list("registration_code", flat=True)) if lifts is None else sorted(lifts),
    )


@router.get("/lifts", response=LiftPage, summary="Lifts (电梯) per building")
def list_lifts(
    request: HttpRequest,
    paging: Query[Paging],
    q: str = "",
    signed: int | None = Query(None, ge=queries.YEARS[0], le=queries.YEARS[1]),
) -> dict[str, Any]:
    check(request.user, MODULE, "view")
    lifts = Lift.objects.select_related("building__project").order_by("registration_code")
    if q:
        lifts = lifts.filter(Q(registration_code__startswith=q) | Q(building__project__name__icontains=q))
    if signed is not None:
        lifts = lifts.filter(pk__in=queries.signed_lifts(signed).values("pk"))
    return paginate(lifts, paging)


@router.get("/policies", response=PolicyPage, summary="Lift insurance policies")
def list_policies(request: HttpRequest, paging: Query[Paging]) -> dict[str, Any]:
    check(request.user, MODULE, "view")
    policies = Policy.objects.select_related("insurer__enterprise").order_by("signed_on", "number")
    page = policies.annotate(paid=Sum("payments__amount", output_field=MoneyField())).prefetch_related(
        Prefetch("lifts", queryset=Lift.objects.only("pk", "registration_code"))
    )
    return paginate(
        page,
        paging,
        lambda p: _policy_out(p, p.paid or ZERO, [lift.registration_code for lift in p.lifts.all()]),
    )


@router.get("/policies/{pk}", response=PolicyOut, summary="A policy")
def policy_detail(request: HttpRequest, pk: int) -> PolicyOut:
    check(request.user, MODULE, "view")
    return _policy_out(get_object_or_404(Policy.objects.select_related("insurer__enterprise"), pk=pk))


@router.post("/policies", response={201: PolicyOut, 400: ErrorOut}, summary="Sign a policy over lifts")
def sign_policy(request: HttpRequest, payload: PolicyIn) -> object:
    check(request.user, MODULE, "handle")
    insurer = Insurer.objects.filter(enterprise__uscc=payload.insurer_uscc).first()
    if insurer is None:
        raise LiftError(f"保险公司 {payload.insurer_uscc} 未登记", code="insurer_unknown", field="insurer_uscc")
    lifts = list(Lift.objects.filter(registration_code__in=payload.lifts))
    missing = sorted(set(payload.lifts) - {lift.registration_code for lift in lifts})
    if missing:
        raise LiftError(f"电梯未登记：{'、'.join(missing[:10])}", code="lift_unknown", field="lifts")
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
    return Status(201, _policy_out(policy))


@router.post(
    "/policies/{pk}/payments",
    response={201: PremiumPaymentOut, 400: ErrorOut},
    summary="Pay a policy's premium (pooled account)",
)
def pay_premium(request: HttpRequest, pk: int, payload: PremiumPaymentIn) -> object:
    check(request.user, MODULE, "handle")
    policy = get_object_or_404(Policy, pk=pk)
    bank = fund_queries.special_account(payload.bank_account_number, purpose="付款")
    payment = actions.pay_premium(actor(request), policy, paid_on=payload.paid_on, bank=bank)
    return Status(201, PremiumPaymentOut.from_orm(payment))


@router.get("/claims", response=list[ClaimOut], summary="Claims on lift policies")
def list_claims(request: HttpRequest) -> QuerySet[Claim]:
    check(request.user, MODULE, "view")
    return Claim.objects.select_related("lift", "policy").order_by("-date", "-pk")[:500]


@router.post("/claims", response={201: ClaimOut, 400: ErrorOut}, summary="Report a claim for a lift repair")
def report_claim(request: HttpRequest, payload: ClaimIn) -> object:
    check(request.user, MODULE, "handle")
    lift = Lift.objects.filter(registration_code=payload.lift).first()
    if lift is None:
        raise LiftError(f"电梯 {payload.lift} 未登记", code="lift_unknown", field="lift")
    claim = actions.report_claim(actor(request), lift, date=payload.date, fault=payload.fault, amount=payload.amount)
    return Status(201, ClaimOut.from_orm(claim))


class SettleIn(Schema):
    paid_amount: MoneyIn | None = None


@router.post(
    "/claims/{pk}/settle", response={200: ClaimOut, 400: ErrorOut}, summary="Settle a claim: paid (amount) or rejected"
)
def settle_claim(request: HttpRequest, pk: int, payload: SettleIn) -> object:
    check(request.user, MODULE, "handle")
    claim = get_object_or_404(Claim.objects.select_related("lift", "policy"), pk=pk)
    actions.settle_claim(actor(request), claim, paid_amount=payload.paid_amount)
    return ClaimOut.from_orm(claim)


@router.get("/progress", response=ProgressOut, summary="Lifts signed over time against the pilot's targets")
def progress(request: HttpRequest) -> ProgressOut:
    check(request.user, MODULE, "view")
    data = queries.progress(timezone.localdate())
    return ProgressOut(total=data.total, dates=data.dates, signed=data.signed, targets=data.targets)
