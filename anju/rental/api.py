"""The rental JSON API: the workflows of the pages with the same permissions (rental `view` to read,
`handle` to change). Money is a string with two decimals (yuan); ID numbers are masked without
`see_id`. A refused action answers 400 {"detail": ...} with the reason in Chinese."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any, Literal

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import File, Query, Router, Schema, Status, UploadedFile

from anju.core import kpis, workflow
from anju.core.permissions import actor, can, check
from anju.core.workflow import WorkflowEventOut
from anju.lib.ids import mask_id, normalize_resident_id, normalize_uscc
from anju.lib.tabular import ImportRejected
from anju.registry.models import Person
from anju.rental import actions, payments_import, queries, rules
from anju.rental.actions import EXIT_WORKFLOW, RentalError
from anju.rental.models import (
    Draw,
    Exit,
    Filing,
    Household,
    Inspection,
    Lease,
    RentalUnit,
    RentBill,
    Repair,
    Review,
)

MODULE = "rental"
router = Router(tags=["rental"])
Err = dict[str, Any]


def money(value: Decimal | None) -> str:
    return f"{(value or Decimal(0)):.2f}"


class Paging(Schema):
    limit: int = 100
    offset: int = 0


def _page(qs: QuerySet[Any], paging: Paging) -> tuple[int, QuerySet[Any]]:
    limit, offset = max(1, min(paging.limit, 500)), max(0, paging.offset)
    return qs.count(), qs[offset : offset + limit]


def _refusable(do: Callable[[], Any], out: Callable[[Any], Any]) -> Any:
    try:
        result = do()
    except RentalError as exc:
        return Status(400, {"detail": str(exc)})
    return out(result)


def _view(request: HttpRequest) -> None:
    check(request.user, MODULE, "view")


def _handle(request: HttpRequest) -> None:
    check(request.user, MODULE, "handle")


# --- figures ----------------------------------------------------------------------------------------


class KpiOut(Schema):
    code: str
    name: str
    unit: str
    value: int | str


@router.get("/kpis", response=list[KpiOut], summary="The rental KPIs of a year, computed from records")
def list_kpis(request: HttpRequest, year: int) -> list[KpiOut]:
    _view(request)
    return [
        KpiOut(code=k.code, name=k.name, unit=k.unit, value=kpis.as_json(k, k.compute(year)))
        for k in kpis.all_kpis(MODULE)
    ]


class DashboardOut(Schema):
    year: int
    occupancy: dict[str, int]
    months: list[dict[str, Any]]
    ageing: dict[str, str]
    reviews_due: int
    reviews_done: int
    inspected: int
    reinspected: int


@router.get("/dashboard", response=DashboardOut, summary="Occupancy, rent by month, arrears ageing, progress")
def dashboard(request: HttpRequest, year: int, as_of: dt.date | None = None) -> DashboardOut:
    _view(request)
    progress = queries.inspection_progress(year)
    return DashboardOut(
        year=year,
        occupancy=queries.occupancy(),
        months=[
            {
                "month": m["month"],
                "billed": money(m["billed"]),
                "paid": money(m["paid"]),
                "received": money(m["received"]),
            }
            for m in queries.monthly_series(year)
        ],
        ageing={k: money(v) for k, v in queries.ageing(as_of or timezone.localdate()).items()},
        reviews_due=queries.reviews_due(year).count(),
        reviews_done=queries.reviews_done(year).count(),
        inspected=progress["inspected"],
        reinspected=progress["reinspected"],
    )


# --- units ------------------------------------------------------------------------------------------


class UnitOut(Schema):
    code: str
    estate: str
    kind: str
    area: str
    state: str
    since: dt.date


class UnitPage(Schema):
    count: int
    items: list[UnitOut]


@router.get("/units", response=UnitPage, summary="Homes and shops of the estates with their state")
def list_units(request: HttpRequest, paging: Query[Paging], kind: str = "", state: str = "", q: str = "") -> UnitPage:
    _view(request)
    qs = RentalUnit.objects.select_related("unit__project").order_by("unit__code")
    if kind:
        qs = qs.filter(kind=kind)
    if state:
        qs = qs.filter(state=state)
    if q:
        qs = qs.filter(unit__code__istartswith=q)
    count, items = _page(qs, paging)
    return UnitPage(
        count=count,
        items=[
            UnitOut(
                code=r.unit.code,
                estate=r.unit.project.name,
                kind=r.kind,
                area=f"{r.unit.area:.2f}",
                state=r.state,
                since=r.state_since,
            )
            for r in items
        ],
    )


# --- households -------------------------------------------------------------------------------------


class HouseholdOut(Schema):
    number: str
    applicant: str
    id_number: str
    category: str
    members: int
    monthly_income: str
    owns_home: bool
    status: str
    applied_on: dt.date
    waiting_since: dt.date | None


class HouseholdPage(Schema):
    count: int
    items: list[HouseholdOut]


def _household_out(request: HttpRequest, h: Household) -> HouseholdOut:
    number = h.applicant.id_number
    return HouseholdOut(
        number=h.number,
        applicant=h.applicant.name,
        id_number=number if can(request.user, MODULE, "see_id") else mask_id(number),
        category=h.category,
        members=h.members_count,
        monthly_income=money(h.monthly_income),
        owns_home=h.owns_home,
        status=h.status,
        applied_on=h.applied_on,
        waiting_since=h.waiting_since,
    )


@router.get("/households", response=HouseholdPage, summary="Households; status=waiting is the waiting list in order")
def list_households(request: HttpRequest, paging: Query[Paging], status: str = "", q: str = "") -> HouseholdPage:
    _view(request)
    qs = Household.objects.select_related("applicant")
    if status:
        qs = qs.filter(status=status)
    if q:
        qs = qs.filter(Q(number__istartswith=q) | Q(applicant__name__icontains=q))
    qs = qs.order_by("waiting_since", "number") if status == "waiting" else qs.order_by("-applied_on", "-number")
    count, items = _page(qs, paging)
    return HouseholdPage(count=count, items=[_household_out(request, h) for h in items])


class MemberIn(Schema):
    id_number: str
    relation: str = "家庭成员"


class ApplicationIn(Schema):
    applicant_id_number: str
    category: str
    monthly_income: Decimal
    owns_home: bool = False
    applied_on: dt.date
    members: list[MemberIn] = []


def _person(number: str) -> Person:
    try:
        normalized = normalize_resident_id(number.strip().upper())
    except ValueError as exc:
        raise RentalError(str(exc)) from exc
    person = Person.objects.filter(id_type=Person.IdType.RESIDENT, id_number=normalized).first()
    if person is None:
        raise RentalError(f"人员库中没有证件号码为 {mask_id(normalized)} 的人员")
    return person


@router.post("/households", response={200: HouseholdOut, 400: Err}, summary="A new application (申请)")
def apply(request: HttpRequest, body: ApplicationIn) -> Any:
    _handle(request)
    return _refusable(
        lambda: actions.apply(
            actor(request),
            applicant=_person(body.applicant_id_number),
            category=body.category,
            monthly_income=body.monthly_income.quantize(rules.FEN),
            owns_home=body.owns_home,
            applied_on=body.applied_on,
            members=[(_person(m.id_number), m.relation) for m in body.members],
        ),
        lambda h: _household_out(request, h),
    )


class ChecksIn(Schema):
    income: bool
    housing: bool


@router.post("/households/{number}/checks", response={200: HouseholdOut, 400: Err}, summary="Income/housing checks")
def record_checks(request: HttpRequest, number: str, body: ChecksIn) -> Any:
    _handle(request)
    household = get_object_or_404(Household, number=number)
    return _refusable(
        lambda: actions.record_checks(actor(request), household, income=body.income, housing=body.housing),
        lambda h: _household_out(request, h),
    )


class DecisionIn(Schema):
    eligible: bool
    on: dt.date
    note: str = ""


@router.post("/households/{number}/decision", response={200: HouseholdOut, 400: Err}, summary="Eligibility decision")
def decide(request: HttpRequest, number: str, body: DecisionIn) -> Any:
    _handle(request)
    household = get_object_or_404(Household, number=number)
    return _refusable(
        lambda: actions.decide_eligibility(
            actor(request), household, eligible=body.eligible, on=body.on, note=body.note
        ),
        lambda h: _household_out(request, h),
    )


# --- lottery ----------------------------------------------------------------------------------------


class DrawOut(Schema):
    number: str
    status: str
    announced_on: dt.date | None
    draw_on: dt.date | None
    seed_source: str
    inputs_hash: str
    external_value: str
    held_on: dt.date | None
    seed: str
    households: list[str]
    units: list[str]
    result: list[dict[str, Any]]


def _draw_out(d: Draw) -> DrawOut:
    return DrawOut(
        number=d.number,
        status=d.status,
        announced_on=d.announced_on,
        draw_on=d.draw_on,
        seed_source=d.seed_source,
        inputs_hash=d.inputs_hash,
        external_value=d.external_value,
        held_on=d.held_on,
        seed=d.seed,
        households=d.households,
        units=d.units,
        result=d.result,
    )


class AnnounceIn(Schema):
    announced_on: dt.date
    draw_on: dt.date
    seed_source: str
    units: list[str] | None = None
    note: str = ""


class HoldIn(Schema):
    held_on: dt.date
    external_value: str


@router.get("/draws", response=list[DrawOut], summary="Lottery draws with their seed, inputs and result")
def list_draws(request: HttpRequest) -> list[DrawOut]:
    _view(request)
    return [_draw_out(d) for d in Draw.objects.all()[:100]]


@router.post(
    "/draws",
    response={200: DrawOut, 400: Err},
    summary="Announce a draw: every waiting household and the homes offered (all vacant unless listed) are frozen",
)
def announce_draw(request: HttpRequest, body: AnnounceIn) -> Any:
    _handle(request)
    return _refusable(
        lambda: actions.announce_draw(
            actor(request),
            announced_on=body.announced_on,
            draw_on=body.draw_on,
            seed_source=body.seed_source,
            units=body.units,
            note=body.note,
        ),
        _draw_out,
    )


@router.post(
    "/draws/{number}/hold",
    response={200: DrawOut, 400: Err},
    summary="Hold an announced draw with the outside value published on the draw date",
)
def hold_draw(request: HttpRequest, number: str, body: HoldIn) -> Any:
    _handle(request)
    draw = get_object_or_404(Draw, number=number)
    return _refusable(
        lambda: actions.hold_draw(actor(request), draw, held_on=body.held_on, external_value=body.external_value),
        _draw_out,
    )


@router.get("/draws/{number}", response=DrawOut, summary="One draw")
def get_draw(request: HttpRequest, number: str) -> DrawOut:
    _view(request)
    return _draw_out(get_object_or_404(Draw, number=number))


@router.post("/draws/{number}/verify", response=dict[str, Any], summary="Re-run the draw from its seed and compare")
def verify_draw(request: HttpRequest, number: str) -> dict[str, Any]:
    _view(request)
    draw = get_object_or_404(Draw, number=number)
    return {"draw": draw.number, "verified": actions.verify_draw(draw)}


# --- leases and rent --------------------------------------------------------------------------------


class LeaseOut(Schema):
    number: str
    kind: str
    unit: str
    household: str | None
    tenant: str
    category: str
    area: str
    monthly_rent: str
    deposit: str
    start: dt.date
    end: dt.date
    ended_on: dt.date | None
    status: str
    billed: str
    paid: str
    owed: str


def _lease_out(lease: Lease) -> LeaseOut:
    balance = queries.lease_balance(lease)
    return LeaseOut(
        number=lease.number,
        kind=lease.kind,
        unit=lease.rental_unit.unit.code,
        household=lease.household.number if lease.household else None,
        tenant=lease.tenant_name,
        category=lease.category,
        area=f"{lease.area:.2f}",
        monthly_rent=money(lease.monthly_rent),
        deposit=money(lease.deposit),
        start=lease.start,
        end=lease.end,
        ended_on=lease.ended_on,
        status=lease.status,
        billed=money(balance["billed"]),
        paid=money(balance["paid"]),
        owed=money(balance["owed"]),
    )


def _lease(number: str) -> Lease:
    return get_object_or_404(Lease.objects.select_related("rental_unit__unit", "household"), number=number)


class LeaseRow(Schema):
    number: str
    kind: str
    unit: str
    tenant: str
    monthly_rent: str
    start: dt.date
    end: dt.date
    status: str


class LeasePage(Schema):
    count: int
    items: list[LeaseRow]


@router.get("/leases", response=LeasePage, summary="Leases")
def list_leases(
    request: HttpRequest, paging: Query[Paging], kind: str = "", status: str = "", q: str = ""
) -> LeasePage:
    _view(request)
    qs = Lease.objects.select_related("rental_unit__unit").order_by("-start", "-pk")
    if kind:
        qs = qs.filter(kind=kind)
    if status:
        qs = qs.filter(status=status)
    if q:
        qs = qs.filter(Q(number__istartswith=q) | Q(tenant_name__icontains=q))
    count, items = _page(qs, paging)
    return LeasePage(
        count=count,
        items=[
            LeaseRow(
                number=lease.number,
                kind=lease.kind,
                unit=lease.rental_unit.unit.code,
                tenant=lease.tenant_name,
                monthly_rent=money(lease.monthly_rent),
                start=lease.start,
                end=lease.end,
                status=lease.status,
            )
            for lease in items
        ],
    )


class LeaseIn(Schema):
    unit: str
    household: str | None = None
    tenant_name: str = ""
    start: dt.date
    end: dt.date
    deposit: Decimal | None = None


@router.post("/leases", response={200: LeaseOut, 400: Err}, summary="Sign a lease at the rate in force")
def sign_lease(request: HttpRequest, body: LeaseIn) -> Any:
    _handle(request)
    ru = get_object_or_404(RentalUnit, unit__code=body.unit)
    household = get_object_or_404(Household, number=body.household) if body.household else None
    return _refusable(
        lambda: actions.sign_lease(
            actor(request),
            rental_unit=ru,
            household=household,
            tenant_name=body.tenant_name,
            start=body.start,
            end=body.end,
            deposit=body.deposit.quantize(rules.FEN) if body.deposit is not None else None,
        ),
        _lease_out,
    )


@router.get("/leases/{number}", response=LeaseOut, summary="A lease with what was billed, paid and is owed")
def get_lease(request: HttpRequest, number: str) -> LeaseOut:
    _view(request)
    return _lease_out(_lease(number))


class RenewIn(Schema):
    start: dt.date
    end: dt.date


@router.post("/leases/{number}/renew", response={200: LeaseOut, 400: Err}, summary="Renew (续租) at the rate then")
def renew_lease(request: HttpRequest, number: str, body: RenewIn) -> Any:
    _handle(request)
    lease = _lease(number)
    return _refusable(lambda: actions.renew_lease(actor(request), lease, start=body.start, end=body.end), _lease_out)


class EndIn(Schema):
    on: dt.date
    note: str = ""


@router.post("/leases/{number}/end", response={200: LeaseOut, 400: Err}, summary="End a lease; the unit is vacant")
def end_lease(request: HttpRequest, number: str, body: EndIn) -> Any:
    _handle(request)
    lease = _lease(number)
    return _refusable(lambda: actions.end_lease(actor(request), lease, on=body.on, note=body.note), _lease_out)


class BillIn(Schema):
    month: str


@router.post("/bills", response={200: dict[str, Any], 400: Err}, summary="Bill a month (idempotent)")
def bill_month(request: HttpRequest, body: BillIn) -> Any:
    _handle(request)
    try:
        month = rules.parse_month(body.month)
    except ValueError as exc:
        return Status(400, {"detail": str(exc)})
    return {"month": f"{month:%Y-%m}", **actions.bill_month(actor(request), month)}


class BillOut(Schema):
    lease: str
    kind: str
    month: str
    due: dt.date
    amount: str
    paid: str


@router.get("/bills", response=list[BillOut], summary="Bills of a month or of a lease")
def list_bills(request: HttpRequest, paging: Query[Paging], month: str = "", lease: str = "") -> Any:
    _view(request)
    qs = RentBill.objects.select_related("lease").order_by("month", "lease__number")
    if month:
        try:
            qs = qs.filter(month=rules.parse_month(month))
        except ValueError as exc:
            return Status(400, {"detail": str(exc)})
    if lease:
        qs = qs.filter(lease__number=lease)
    _count, items = _page(qs, paging)
    return [
        BillOut(
            lease=b.lease.number,
            kind=b.kind,
            month=f"{b.month:%Y-%m}",
            due=b.due,
            amount=money(b.amount),
            paid=money(b.paid),
        )
        for b in items
    ]


class PaymentIn(Schema):
    amount: Decimal
    paid_on: dt.date
    channel: str = "counter"
    bank_txn: str | None = None
    payer: str = ""


class PaymentOut(Schema):
    id: int
    lease: str
    amount: str
    paid_on: dt.date
    channel: str
    bank_txn: str | None
    created: bool


@router.post(
    "/leases/{number}/payments", response={200: PaymentOut, 400: Err}, summary="Receive rent (idempotent on bank_txn)"
)
def receive_payment(request: HttpRequest, number: str, body: PaymentIn) -> Any:
    _handle(request)
    lease = _lease(number)
    if body.channel not in ("counter", "bank"):
        return Status(400, {"detail": "缴款方式应为 counter 或 bank"})
    if body.amount != body.amount.quantize(rules.FEN):
        return Status(400, {"detail": "金额最多两位小数"})

    def out(result: Any) -> PaymentOut:
        payment, created = result
        return PaymentOut(
            id=payment.pk,
            lease=lease.number,
            amount=money(payment.amount),
            paid_on=payment.paid_on,
            channel=payment.channel,
            bank_txn=payment.bank_txn,
            created=created,
        )

    return _refusable(
        lambda: actions.receive_payment(
            actor(request),
            lease,
            amount=body.amount,
            paid_on=body.paid_on,
            channel=body.channel,
            bank_txn=body.bank_txn,
            payer=body.payer,
        ),
        out,
    )


@router.post(
    "/payments/import", response={200: dict[str, int], 400: Err}, summary="Import the bank's file, all or nothing"
)
def import_payments(request: HttpRequest, file: File[UploadedFile]) -> Any:
    _handle(request)
    try:
        return payments_import.import_payments(actor(request), file.name or "payments", file.read())
    except ImportRejected as exc:
        return Status(400, {"errors": [e.as_dict() for e in exc.errors]})


@router.get("/arrears", response=dict[str, Any], summary="Arrears by age and the leases that owe")
def arrears(request: HttpRequest, as_of: dt.date | None = None, limit: int = 100) -> dict[str, Any]:
    _view(request)
    day = as_of or timezone.localdate()
    leases: list[Any] = list(queries.arrears_by_lease(day)[: max(1, min(limit, 500))])
    return {
        "as_of": day.isoformat(),
        "ageing": {k: money(v) for k, v in queries.ageing(day).items()},
        "leases": [
            {
                "lease": lease.number,
                "tenant": lease.tenant_name,
                "owed": money(lease.owed),
                "oldest_due": lease.oldest_due.isoformat(),
                "age": rules.ageing_bucket((day - lease.oldest_due).days),
            }
            for lease in leases
        ],
    }


@router.post("/leases/{number}/reminders", response={200: dict[str, Any], 400: Err}, summary="Issue a rent reminder")
def issue_reminder(request: HttpRequest, number: str) -> Any:
    _handle(request)
    lease = _lease(number)
    return _refusable(
        lambda: actions.issue_reminder(actor(request), lease, on=timezone.localdate()),
        lambda r: {"id": r.pk, "owed": money(r.owed), "deadline": r.deadline.isoformat()},
    )


# --- reviews, inspections, exits --------------------------------------------------------------------


class ReviewOut(Schema):
    id: int
    household: str
    year: int
    outcome: str
    reviewed_on: dt.date | None


def _review_out(r: Review) -> ReviewOut:
    return ReviewOut(id=r.pk, household=r.household.number, year=r.year, outcome=r.outcome, reviewed_on=r.reviewed_on)


@router.get("/reviews", response=list[ReviewOut], summary="Annual reviews of a year")
def list_reviews(request: HttpRequest, paging: Query[Paging], year: int, outcome: str = "") -> list[ReviewOut]:
    _view(request)
    qs = Review.objects.filter(year=year).select_related("household").order_by("household__number")
    if outcome:
        qs = qs.filter(outcome=outcome)
    return [_review_out(r) for r in _page(qs, paging)[1]]


class YearIn(Schema):
    year: int
    on: dt.date | None = None  # the opening day; 1 January of the year by default


@router.post("/reviews/open", response=dict[str, int], summary="Open the year's review for every housed household")
def open_reviews(request: HttpRequest, body: YearIn) -> Any:
    _handle(request)
    on = body.on or dt.date(body.year, 1, 1)
    return _refusable(lambda: actions.open_reviews(actor(request), body.year, on), lambda n: {"opened": n})


class ReviewIn(Schema):
    outcome: str
    on: dt.date
    note: str = ""


@router.post("/reviews/{review_id}", response={200: ReviewOut, 400: Err}, summary="Record a review's outcome")
def record_review(request: HttpRequest, review_id: int, body: ReviewIn) -> Any:
    _handle(request)
    review = get_object_or_404(Review.objects.select_related("household"), pk=review_id)
    if body.outcome not in Review.Outcome.values:
        return Status(400, {"detail": "年审结论无效"})
    return _refusable(
        lambda: actions.record_review(actor(request), review, outcome=body.outcome, on=body.on, note=body.note),
        lambda r: _review_out(Review.objects.select_related("household").get(pk=r.pk)),
    )


class InspectionIn(Schema):
    lease: str
    visit: str
    on: dt.date
    finding: str
    inspector: str
    note: str = ""


class InspectionOut(Schema):
    id: int
    household: str
    lease: str
    visit: str
    visited_on: dt.date
    finding: str
    inspector: str


def _inspection_out(i: Inspection) -> InspectionOut:
    return InspectionOut(
        id=i.pk,
        household=i.household.number,
        lease=i.lease.number,
        visit=i.visit,
        visited_on=i.visited_on,
        finding=i.finding,
        inspector=i.inspector,
    )


@router.get("/inspections", response=list[InspectionOut], summary="Home visits of a year")
def list_inspections(request: HttpRequest, paging: Query[Paging], year: int, visit: str = "") -> list[InspectionOut]:
    _view(request)
    qs = Inspection.objects.filter(visited_on__year=year).select_related("household", "lease").order_by("-visited_on")
    if visit:
        qs = qs.filter(visit=visit)
    return [_inspection_out(i) for i in _page(qs, paging)[1]]


@router.post("/inspections", response={200: InspectionOut, 400: Err}, summary="Record a home visit")
def record_inspection(request: HttpRequest, body: InspectionIn) -> Any:
    _handle(request)
    lease = _lease(body.lease)
    if body.visit not in Inspection.Visit.values or body.finding not in Inspection.Finding.values:
        return Status(400, {"detail": "调查类型或调查结果无效"})
    return _refusable(
        lambda: actions.record_inspection(
            actor(request),
            lease,
            visit=body.visit,
            on=body.on,
            finding=body.finding,
            inspector=body.inspector,
            note=body.note,
        ),
        lambda i: _inspection_out(Inspection.objects.select_related("household", "lease").get(pk=i.pk)),
    )


class ExitPrepareIn(Schema):
    lease: str
    reason: str
    note: str = ""


class ExitIn(Schema):
    notice_on: dt.date
    deadline: dt.date


class ExitOut(Schema):
    number: str
    lease: str
    household: str
    reason: str
    prepared_on: dt.date | None
    notice_on: dt.date | None
    deadline: dt.date | None
    notices: int
    forced: bool
    status: str
    completed_on: dt.date | None


class ExitDetailOut(ExitOut):
    note: str
    events: list[WorkflowEventOut]


def _exit_out(e: Exit) -> ExitOut:
    """An exit read with its lease and household (select_related by the caller)."""
    return ExitOut(
        number=e.number,
        lease=e.lease.number,
        household=e.household.number,
        reason=e.reason,
        prepared_on=e.prepared_on,
        notice_on=e.notice_on,
        deadline=e.deadline,
        notices=e.notices,
        forced=e.forced,
        status=e.status,
        completed_on=e.completed_on,
    )


def _exit_written(e: Exit) -> ExitDetailOut:
    e = Exit.objects.select_related("lease", "household").get(pk=e.pk)
    return ExitDetailOut(**_exit_out(e).model_dump(), note=e.note, events=workflow.events_out(EXIT_WORKFLOW, e))


@router.get("/exits", response=list[ExitOut], summary="Exits (清退)")
def list_exits(request: HttpRequest, paging: Query[Paging], status: str = "") -> list[ExitOut]:
    _view(request)
    qs = Exit.objects.select_related("lease", "household").order_by("-notice_on", "-pk")
    if status:
        qs = qs.filter(status=status)
    return [_exit_out(e) for e in _page(qs, paging)[1]]


@router.get("/exits/{number}", response=ExitDetailOut, summary="An exit with its workflow history")
def exit_detail(request: HttpRequest, number: str) -> ExitDetailOut:
    _view(request)
    return _exit_written(get_object_or_404(Exit, number=number))


@router.post("/exits", response={200: ExitDetailOut, 400: Err}, summary="Prepare an exit (清退经办)")
def prepare_exit(request: HttpRequest, body: ExitPrepareIn) -> Any:
    _handle(request)
    lease = _lease(body.lease)
    return _refusable(
        lambda: actions.prepare_exit(actor(request), lease, reason=body.reason, note=body.note), _exit_written
    )


class ExitStepIn(Schema):
    step: Literal["submit", "review", "approve", "reject", "send_back", "withdraw"]
    note: str = ""


@router.post(
    "/exits/{number}/steps",
    response={200: ExitDetailOut, 400: Err},
    summary="Take an exit's approval step: submit, review, approve, reject, send_back, withdraw",
    description="Permissions: rental `handle` to submit and withdraw, `review` to review (审核), `approve` to "
    "approve or reject (审批); a send-back needs the permission of the step it undoes. The reviewer and the "
    "approver differ from the preparer; only the preparer submits. A reason is required to reject, send back "
    "or withdraw.",
)
def take_exit_step(request: HttpRequest, number: str, body: ExitStepIn) -> Any:
    exit_ = get_object_or_404(Exit, number=number)
    workflow.require_step(EXIT_WORKFLOW, request.user, exit_, body.step)
    return _refusable(lambda: actions.take_exit_step(actor(request), exit_, body.step, note=body.note), _exit_written)


@router.post(
    "/leases/{number}/exits",
    response={200: ExitDetailOut, 400: Err},
    summary="Serve the notice of the lease's approved exit",
    description="Since exits are approved (经办 → 审核 → 审批, `POST /exits` and `/exits/{number}/steps`), this "
    "serves the notice of the lease's approved exit with its date and the deadline to move out; it no longer "
    "creates the exit. 400 when the lease has no approved exit.",
)
def serve_exit(request: HttpRequest, number: str, body: ExitIn) -> Any:
    _handle(request)
    lease = _lease(number)
    exit_ = lease.exits.filter(status=Exit.Status.APPROVED).first()
    if exit_ is None:
        return Status(400, {"detail": "该合同没有已审批同意待送达的清退"})
    return _refusable(
        lambda: actions.serve_exit(actor(request), exit_, notice_on=body.notice_on, deadline=body.deadline),
        _exit_written,
    )


class OnIn(Schema):
    on: dt.date


class NoteIn(Schema):
    note: str = ""


@router.post("/exits/{number}/force", response={200: ExitDetailOut, 400: Err}, summary="Forced exit through the courts")
def force_exit(request: HttpRequest, number: str, body: NoteIn) -> Any:
    _handle(request)
    exit_ = get_object_or_404(Exit, number=number)
    return _refusable(lambda: actions.force_exit(actor(request), exit_, note=body.note), _exit_written)


@router.post("/exits/{number}/complete", response={200: ExitDetailOut, 400: Err}, summary="Home handed back")
def complete_exit(request: HttpRequest, number: str, body: OnIn) -> Any:
    _handle(request)
    exit_ = get_object_or_404(Exit, number=number)
    return _refusable(lambda: actions.complete_exit(actor(request), exit_, on=body.on), _exit_written)


# --- repairs and filings ----------------------------------------------------------------------------


class RepairOut(Schema):
    number: str
    unit: str
    reported_on: dt.date
    description: str
    vendor: str
    status: str
    completed_on: dt.date | None
    cost: str


def _repair_out(r: Repair) -> RepairOut:
    """A work order read with its unit (select_related by the caller)."""
    return RepairOut(
        number=r.number,
        unit=r.rental_unit.unit.code,
        reported_on=r.reported_on,
        description=r.description,
        vendor=r.vendor,
        status=r.status,
        completed_on=r.completed_on,
        cost=money(r.cost),
    )


class RepairIn(Schema):
    unit: str
    on: dt.date
    description: str


class VendorIn(Schema):
    vendor: str


class CompleteRepairIn(Schema):
    on: dt.date
    cost: Decimal


def _repair_written(r: Repair) -> RepairOut:
    return _repair_out(Repair.objects.select_related("rental_unit__unit").get(pk=r.pk))


@router.get("/repairs", response=list[RepairOut], summary="Repair work orders")
def list_repairs(request: HttpRequest, paging: Query[Paging], status: str = "") -> list[RepairOut]:
    _view(request)
    qs = Repair.objects.select_related("rental_unit__unit").order_by("-reported_on", "-pk")
    if status:
        qs = qs.filter(status=status)
    return [_repair_out(r) for r in _page(qs, paging)[1]]


@router.post("/repairs", response={200: RepairOut, 400: Err}, summary="Report a repair")
def report_repair(request: HttpRequest, body: RepairIn) -> Any:
    _handle(request)
    ru = get_object_or_404(RentalUnit, unit__code=body.unit)
    return _refusable(
        lambda: actions.report_repair(actor(request), ru, on=body.on, description=body.description), _repair_written
    )


@router.post("/repairs/{number}/assign", response={200: RepairOut, 400: Err}, summary="Assign to a vendor")
def assign_repair(request: HttpRequest, number: str, body: VendorIn) -> Any:
    _handle(request)
    repair = get_object_or_404(Repair, number=number)
    return _refusable(lambda: actions.assign_repair(actor(request), repair, vendor=body.vendor), _repair_written)


@router.post("/repairs/{number}/complete", response={200: RepairOut, 400: Err}, summary="Complete with the cost")
def complete_repair(request: HttpRequest, number: str, body: CompleteRepairIn) -> Any:
    _handle(request)
    repair = get_object_or_404(Repair, number=number)
    if body.cost != body.cost.quantize(rules.FEN):
        return Status(400, {"detail": "金额最多两位小数"})
    return _refusable(
        lambda: actions.complete_repair(actor(request), repair, on=body.on, cost=body.cost), _repair_written
    )


class FilingIn(Schema):
    filed_on: dt.date
    lessor: str
    lessor_id: str
    lessee: str
    lessee_id: str
    address: str
    area: Decimal
    start: dt.date
    end: dt.date
    monthly_rent: Decimal


class FilingOut(Schema):
    number: str
    filed_on: dt.date
    lessor: str
    lessor_id: str
    lessee: str
    lessee_id: str
    address: str
    area: str
    start: dt.date
    end: dt.date
    monthly_rent: str


def _filing_out(request: HttpRequest, f: Filing) -> FilingOut:
    see = can(request.user, MODULE, "see_id")
    return FilingOut(
        number=f.number,
        filed_on=f.filed_on,
        lessor=f.lessor,
        lessor_id=f.lessor_id if see else mask_id(f.lessor_id),
        lessee=f.lessee,
        lessee_id=f.lessee_id if see else mask_id(f.lessee_id),
        address=f.address,
        area=f"{f.area:.2f}",
        start=f.start,
        end=f.end,
        monthly_rent=money(f.monthly_rent),
    )


@router.get("/filings", response=list[FilingOut], summary="Rental filings (房屋租赁备案)")
def list_filings(request: HttpRequest, paging: Query[Paging], year: int | None = None) -> list[FilingOut]:
    _view(request)
    qs = Filing.objects.order_by("-filed_on", "-pk")
    if year:
        qs = qs.filter(filed_on__year=year)
    return [_filing_out(request, f) for f in _page(qs, paging)[1]]


def _id_number(number: str) -> str:
    text = number.strip().upper()
    try:
        return normalize_resident_id(text)
    except ValueError as exc:
        try:
            return normalize_uscc(text)
        except ValueError:
            raise RentalError(str(exc)) from exc


@router.post("/filings", response={200: FilingOut, 400: Err}, summary="Record a rental filing")
def file_rental(request: HttpRequest, body: FilingIn) -> Any:
    _handle(request)
    if body.area <= 0 or body.monthly_rent < 0:
        return Status(400, {"detail": "面积须大于0，租金不能为负"})
    return _refusable(
        lambda: actions.file_rental(
            actor(request),
            filed_on=body.filed_on,
            lessor=body.lessor.strip(),
            lessor_id=_id_number(body.lessor_id),
            lessee=body.lessee.strip(),
            lessee_id=_id_number(body.lessee_id),
            address=body.address.strip(),
            area=body.area.quantize(rules.FEN),
            start=body.start,
            end=body.end,
            monthly_rent=body.monthly_rent.quantize(rules.FEN),
        ),
        lambda f: _filing_out(request, f),
    )
