"""The rental JSON API: the workflows of the pages with the same permissions (rental `view` to read,
`handle` to change). Money is a string with two decimals (yuan); ID numbers are masked without
`see_id`. A refused action answers 400 {"detail": ...} with the reason in Chinese."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import File, Query, Router, Schema, UploadedFile

from anju.core import kpis, workflow
from anju.core.apikit import Area, ErrorOut, Money, Paging, money_text, page_schema, paginate
from anju.core.ids import MaskedId
from anju.core.permissions import actor, check
from anju.core.workflow import WorkflowEventOut
from anju.lib.ids import mask_id, normalize_resident_id, normalize_uscc
from anju.registry.models import Person
from anju.rental import actions, payments_import, queries, rules
from anju.rental.actions import EXIT_WORKFLOW
from anju.rental.errors import RentalError
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
IdNumber = Annotated[str, MaskedId(MODULE)]


def _window(qs: QuerySet[Any], paging: Paging) -> QuerySet[Any]:
    """The page of a list answered as a plain JSON array (no count)."""
    start, stop = paging.bounds()
    return qs[start:stop]


def _view(request: HttpRequest) -> None:
    check(request.user, MODULE, "view")


def _handle(request: HttpRequest) -> None:
    check(request.user, MODULE, "handle")


# --- figures ----------------------------------------------------------------------------------------


class RentalKpiOut(Schema):
    code: str
    name: str
    unit: str
    value: int | str | list[int | str]


@router.get("/kpis", response=list[RentalKpiOut], summary="The rental KPIs of a year, computed from records")
def list_kpis(request: HttpRequest, year: int) -> list[RentalKpiOut]:
    _view(request)
    return [
        RentalKpiOut(code=k.code, name=k.name, unit=k.unit, value=kpis.as_json(k, k.compute(year)))
        for k in kpis.all_kpis(MODULE)
    ]


class RentalDashboardOut(Schema):
    year: int
    occupancy: dict[str, int]
    months: list[dict[str, Any]]
    ageing: dict[str, str]
    reviews_due: int
    reviews_done: int
    inspected: int
    reinspected: int


@router.get("/dashboard", response=RentalDashboardOut, summary="Occupancy, rent by month, arrears ageing, progress")
def dashboard(request: HttpRequest, year: int, as_of: dt.date | None = None) -> RentalDashboardOut:
    _view(request)
    progress = queries.inspection_progress(year)
    return RentalDashboardOut(
        year=year,
        occupancy=queries.occupancy(),
        months=[
            {
                "month": m["month"],
                "billed": money_text(m["billed"]),
                "paid": money_text(m["paid"]),
                "received": money_text(m["received"]),
            }
            for m in queries.monthly_series(year)
        ],
        ageing={k: money_text(v) for k, v in queries.ageing(as_of or timezone.localdate()).items()},
        reviews_due=queries.reviews_due(year).count(),
        reviews_done=queries.reviews_done(year).count(),
        inspected=progress["inspected"],
        reinspected=progress["reinspected"],
    )


# --- units ------------------------------------------------------------------------------------------


class RentalUnitOut(Schema):
    code: str
    estate: str
    kind: str
    area: Area
    state: str
    since: dt.date


RentalUnitPage = page_schema(RentalUnitOut)


def _unit_out(r: RentalUnit) -> RentalUnitOut:
    return RentalUnitOut(
        code=r.unit.code, estate=r.unit.project.name, kind=r.kind, area=r.unit.area, state=r.state, since=r.state_since
    )


@router.get("/units", response=RentalUnitPage, summary="Homes and shops of the estates with their state")
def list_units(
    request: HttpRequest, paging: Query[Paging], kind: str = "", state: str = "", q: str = ""
) -> dict[str, Any]:
    _view(request)
    qs = RentalUnit.objects.select_related("unit__project").order_by("unit__code")
    if kind:
        qs = qs.filter(kind=kind)
    if state:
        qs = qs.filter(state=state)
    if q:
        qs = qs.filter(unit__code__istartswith=q)
    return paginate(qs, paging, _unit_out)


# --- households -------------------------------------------------------------------------------------


class HouseholdOut(Schema):
    number: str
    applicant: str
    id_number: IdNumber
    category: str
    members: int
    monthly_income: Money
    owns_home: bool
    status: str
    applied_on: dt.date
    waiting_since: dt.date | None


HouseholdPage = page_schema(HouseholdOut)


def _household_out(h: Household) -> HouseholdOut:
    return HouseholdOut(
        number=h.number,
        applicant=h.applicant.name,
        id_number=h.applicant.id_number,
        category=h.category,
        members=h.members_count,
        monthly_income=h.monthly_income,
        owns_home=h.owns_home,
        status=h.status,
        applied_on=h.applied_on,
        waiting_since=h.waiting_since,
    )


@router.get("/households", response=HouseholdPage, summary="Households; status=waiting is the waiting list in order")
def list_households(request: HttpRequest, paging: Query[Paging], status: str = "", q: str = "") -> dict[str, Any]:
    _view(request)
    qs = Household.objects.select_related("applicant")
    if status:
        qs = qs.filter(status=status)
    if q:
        qs = qs.filter(Q(number__istartswith=q) | Q(applicant__name__icontains=q))
    qs = qs.order_by("waiting_since", "number") if status == "waiting" else qs.order_by("-applied_on", "-number")
    return paginate(qs, paging, _household_out)


class HouseholdMemberIn(Schema):
    id_number: str
    relation: str = "家庭成员"


class HouseholdApplicationIn(Schema):
    applicant_id_number: str
    category: str
    monthly_income: Decimal
    owns_home: bool = False
    applied_on: dt.date
    members: list[HouseholdMemberIn] = []


def _person(number: str) -> Person:
    try:
        normalized = normalize_resident_id(number.strip().upper())
    except ValueError as exc:
        raise RentalError(str(exc)) from exc
    person = Person.objects.filter(id_type=Person.IdType.RESIDENT, id_number=normalized).first()
    if person is None:
        raise RentalError(f"人员库中没有证件号码为 {mask_id(normalized)} 的人员")
    return person


@router.post("/households", response={200: HouseholdOut, 400: ErrorOut}, summary="A new application (申请)")
def apply(request: HttpRequest, body: HouseholdApplicationIn) -> Any:
    _handle(request)
    h = actions.apply(
        actor(request),
        applicant=_person(body.applicant_id_number),
        category=body.category,
        monthly_income=body.monthly_income.quantize(rules.FEN),
        owns_home=body.owns_home,
        applied_on=body.applied_on,
        members=[(_person(m.id_number), m.relation) for m in body.members],
    )
    return _household_out(h)


class HouseholdChecksIn(Schema):
    income: bool
    housing: bool


@router.post(
    "/households/{number}/checks", response={200: HouseholdOut, 400: ErrorOut}, summary="Income/housing checks"
)
def record_checks(request: HttpRequest, number: str, body: HouseholdChecksIn) -> Any:
    _handle(request)
    household = get_object_or_404(Household, number=number)
    h = actions.record_checks(actor(request), household, income=body.income, housing=body.housing)
    return _household_out(h)


class HouseholdDecisionIn(Schema):
    eligible: bool
    on: dt.date
    note: str = ""


@router.post(
    "/households/{number}/decision", response={200: HouseholdOut, 400: ErrorOut}, summary="Eligibility decision"
)
def decide(request: HttpRequest, number: str, body: HouseholdDecisionIn) -> Any:
    _handle(request)
    household = get_object_or_404(Household, number=number)
    h = actions.decide_eligibility(actor(request), household, eligible=body.eligible, on=body.on, note=body.note)
    return _household_out(h)


# --- lottery ----------------------------------------------------------------------------------------


class RentalDrawOut(Schema):
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


def _draw_out(d: Draw) -> RentalDrawOut:
    return RentalDrawOut(
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


class DrawAnnounceIn(Schema):
    announced_on: dt.date
    draw_on: dt.date
    seed_source: str
    units: list[str] | None = None
    note: str = ""


class DrawHoldIn(Schema):
    held_on: dt.date
    external_value: str


@router.get("/draws", response=list[RentalDrawOut], summary="Lottery draws with their seed, inputs and result")
def list_draws(request: HttpRequest) -> list[RentalDrawOut]:
    _view(request)
    return [_draw_out(d) for d in Draw.objects.all()[:100]]


@router.post(
    "/draws",
    response={200: RentalDrawOut, 400: ErrorOut},
    summary="Announce a draw: every waiting household and the homes offered (all vacant unless listed) are frozen",
)
def announce_draw(request: HttpRequest, body: DrawAnnounceIn) -> Any:
    _handle(request)
    return _draw_out(
        actions.announce_draw(
            actor(request),
            announced_on=body.announced_on,
            draw_on=body.draw_on,
            seed_source=body.seed_source,
            units=body.units,
            note=body.note,
        )
    )


@router.post(
    "/draws/{number}/hold",
    response={200: RentalDrawOut, 400: ErrorOut},
    summary="Hold an announced draw with the outside value published on the draw date",
)
def hold_draw(request: HttpRequest, number: str, body: DrawHoldIn) -> Any:
    _handle(request)
    draw = get_object_or_404(Draw, number=number)
    return _draw_out(actions.hold_draw(actor(request), draw, held_on=body.held_on, external_value=body.external_value))


@router.get("/draws/{number}", response=RentalDrawOut, summary="One draw")
def get_draw(request: HttpRequest, number: str) -> RentalDrawOut:
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
    area: Area
    monthly_rent: Money
    deposit: Money
    start: dt.date
    end: dt.date
    ended_on: dt.date | None
    status: str
    billed: Money
    paid: Money
    owed: Money


def _lease_out(lease: Lease) -> LeaseOut:
    balance = queries.lease_balance(lease)
    return LeaseOut(
        number=lease.number,
        kind=lease.kind,
        unit=lease.rental_unit.unit.code,
        household=lease.household.number if lease.household else None,
        tenant=lease.tenant_name,
        category=lease.category,
        area=lease.area,
        monthly_rent=lease.monthly_rent,
        deposit=lease.deposit,
        start=lease.start,
        end=lease.end,
        ended_on=lease.ended_on,
        status=lease.status,
        billed=balance["billed"],
        paid=balance["paid"],
        owed=balance["owed"],
    )


def _lease(number: str) -> Lease:
    return get_object_or_404(Lease.objects.select_related("rental_unit__unit", "household"), number=number)


class LeaseRow(Schema):
    number: str
    kind: str
    unit: str
    tenant: str
    monthly_rent: Money
    start: dt.date
    end: dt.date
    status: str


LeasePage = page_schema(LeaseRow)


def _lease_row(lease: Lease) -> LeaseRow:
    return LeaseRow(
        number=lease.number,
        kind=lease.kind,
        unit=lease.rental_unit.unit.code,
        tenant=lease.tenant_name,
        monthly_rent=lease.monthly_rent,
        start=lease.start,
        end=lease.end,
        status=lease.status,
    )


@router.get("/leases", response=LeasePage, summary="Leases")
def list_leases(
    request: HttpRequest, paging: Query[Paging], kind: str = "", status: str = "", q: str = ""
) -> dict[str, Any]:
    _view(request)
    qs = Lease.objects.select_related("rental_unit__unit").order_by("-start", "-pk")
    if kind:
        qs = qs.filter(kind=kind)
    if status:
        qs = qs.filter(status=status)
    if q:
        qs = qs.filter(Q(number__istartswith=q) | Q(tenant_name__icontains=q))
    return paginate(qs, paging, _lease_row)


class LeaseIn(Schema):
    unit: str
    household: str | None = None
    tenant_name: str = ""
    start: dt.date
    end: dt.date
    deposit: Decimal | None = None


@router.post("/leases", response={200: LeaseOut, 400: ErrorOut}, summary="Sign a lease at the rate in force")
def sign_lease(request: HttpRequest, body: LeaseIn) -> Any:
    _handle(request)
    ru = get_object_or_404(RentalUnit, unit__code=body.unit)
    household = get_object_or_404(Household, number=body.household) if body.household else None
    return _lease_out(
        actions.sign_lease(
            actor(request),
            rental_unit=ru,
            household=household,
            tenant_name=body.tenant_name,
            start=body.start,
            end=body.end,
            deposit=body.deposit.quantize(rules.FEN) if body.deposit is not None else None,
        )
    )


@router.get("/leases/{number}", response=LeaseOut, summary="A lease with what was billed, paid and is owed")
def get_lease(request: HttpRequest, number: str) -> LeaseOut:
    _view(request)
    return _lease_out(_lease(number))


class LeaseRenewIn(Schema):
    start: dt.date
    end: dt.date


@router.post("/leases/{number}/renew", response={200: LeaseOut, 400: ErrorOut}, summary="Renew (续租) at the rate then")
def renew_lease(request: HttpRequest, number: str, body: LeaseRenewIn) -> Any:
    _handle(request)
    lease = _lease(number)
    return _lease_out(actions.renew_lease(actor(request), lease, start=body.start, end=body.end))


class LeaseEndIn(Schema):
    on: dt.date
    note: str = ""


@router.post("/leases/{number}/end", response={200: LeaseOut, 400: ErrorOut}, summary="End a lease; the unit is vacant")
def end_lease(request: HttpRequest, number: str, body: LeaseEndIn) -> Any:
    _handle(request)
    lease = _lease(number)
    return _lease_out(actions.end_lease(actor(request), lease, on=body.on, note=body.note))


class RentBillIn(Schema):
    month: str


@router.post("/bills", response={200: dict[str, Any], 400: ErrorOut}, summary="Bill a month (idempotent)")
def bill_month(request: HttpRequest, body: RentBillIn) -> Any:
    _handle(request)
    month = rules.parse_month(body.month)
    return {"month": f"{month:%Y-%m}", **actions.bill_month(actor(request), month)}


class RentBillOut(Schema):
    lease: str
    kind: str
    month: str
    due: dt.date
    amount: Money
    paid: Money


@router.get("/bills", response=list[RentBillOut], summary="Bills of a month or of a lease")
def list_bills(request: HttpRequest, paging: Query[Paging], month: str = "", lease: str = "") -> Any:
    _view(request)
    qs = RentBill.objects.select_related("lease").order_by("month", "lease__number")
    if month:
        qs = qs.filter(month=rules.parse_month(month))
    if lease:
        qs = qs.filter(lease__number=lease)
    return [
        RentBillOut(
            lease=b.lease.number,
            kind=b.kind,
            month=f"{b.month:%Y-%m}",
            due=b.due,
            amount=b.amount,
            paid=b.paid,
        )
        for b in _window(qs, paging)
    ]


class RentPaymentIn(Schema):
    amount: Decimal
    paid_on: dt.date
    channel: str = "counter"
    bank_txn: str | None = None
    payer: str = ""


class RentPaymentOut(Schema):
    id: int
    lease: str
    amount: Money
    paid_on: dt.date
    channel: str
    bank_txn: str | None
    created: bool


@router.post(
    "/leases/{number}/payments",
    response={200: RentPaymentOut, 400: ErrorOut},
    summary="Receive rent (idempotent on bank_txn)",
)
def receive_payment(request: HttpRequest, number: str, body: RentPaymentIn) -> Any:
    _handle(request)
    lease = _lease(number)
    if body.channel not in ("counter", "bank"):
        raise RentalError("缴款方式应为 counter 或 bank", code="bad_channel", field="channel")
    if body.amount != body.amount.quantize(rules.FEN):
        raise RentalError("金额最多两位小数", code="bad_amount", field="amount")

    def out(result: Any) -> RentPaymentOut:
        payment, created = result
        return RentPaymentOut(
            id=payment.pk,
            lease=lease.number,
            amount=payment.amount,
            paid_on=payment.paid_on,
            channel=payment.channel,
            bank_txn=payment.bank_txn,
            created=created,
        )

    return out(
        actions.receive_payment(
            actor(request),
            lease,
            amount=body.amount,
            paid_on=body.paid_on,
            channel=body.channel,
            bank_txn=body.bank_txn,
            payer=body.payer,
        )
    )


@router.post(
    "/payments/import", response={200: dict[str, int], 400: ErrorOut}, summary="Import the bank's file, all or nothing"
)
def import_payments(request: HttpRequest, file: File[UploadedFile]) -> Any:
    _handle(request)
    return payments_import.import_payments(actor(request), file.name or "payments", file.read())


@router.get("/arrears", response=dict[str, Any], summary="Arrears by age and the leases that owe")
def arrears(request: HttpRequest, as_of: dt.date | None = None, limit: int = 100) -> dict[str, Any]:
    _view(request)
    day = as_of or timezone.localdate()
    leases: list[Any] = list(queries.arrears_by_lease(day)[: max(1, min(limit, 500))])
    return {
        "as_of": day.isoformat(),
        "ageing": {k: money_text(v) for k, v in queries.ageing(day).items()},
        "leases": [
            {
                "lease": lease.number,
                "tenant": lease.tenant_name,
                "owed": money_text(lease.owed),
                "oldest_due": lease.oldest_due.isoformat(),
                "age": rules.ageing_bucket((day - lease.oldest_due).days),
            }
            for lease in leases
        ],
    }


@router.post(
    "/leases/{number}/reminders", response={200: dict[str, Any], 400: ErrorOut}, summary="Issue a rent reminder"
)
def issue_reminder(request: HttpRequest, number: str) -> Any:
    _handle(request)
    lease = _lease(number)
    r = actions.issue_reminder(actor(request), lease, on=timezone.localdate())
    return {"id": r.pk, "owed": money_text(r.owed), "deadline": r.deadline.isoformat()}


# --- reviews, inspections, exits --------------------------------------------------------------------


class RentalReviewOut(Schema):
    id: int
    household: str
    year: int
    outcome: str
    reviewed_on: dt.date | None


def _review_out(r: Review) -> RentalReviewOut:
    return RentalReviewOut(
        id=r.pk, household=r.household.number, year=r.year, outcome=r.outcome, reviewed_on=r.reviewed_on
    )


@router.get("/reviews", response=list[RentalReviewOut], summary="Annual reviews of a year")
def list_reviews(request: HttpRequest, paging: Query[Paging], year: int, outcome: str = "") -> list[RentalReviewOut]:
    _view(request)
    qs = Review.objects.filter(year=year).select_related("household").order_by("household__number")
    if outcome:
        qs = qs.filter(outcome=outcome)
    return [_review_out(r) for r in _window(qs, paging)]


class RentalYearIn(Schema):
    year: int
    on: dt.date | None = None  # the opening day; 1 January of the year by default


@router.post("/reviews/open", response=dict[str, int], summary="Open the year's review for every housed household")
def open_reviews(request: HttpRequest, body: RentalYearIn) -> Any:
    _handle(request)
    on = body.on or dt.date(body.year, 1, 1)
    n = actions.open_reviews(actor(request), body.year, on)
    return {"opened": n}


class RentalReviewIn(Schema):
    outcome: str
    on: dt.date
    note: str = ""


@router.post(
    "/reviews/{review_id}", response={200: RentalReviewOut, 400: ErrorOut}, summary="Record a review's outcome"
)
def record_review(request: HttpRequest, review_id: int, body: RentalReviewIn) -> Any:
    _handle(request)
    review = get_object_or_404(Review.objects.select_related("household"), pk=review_id)
    if body.outcome not in Review.Outcome.values:
        raise RentalError("年审结论无效", code="bad_outcome", field="outcome")
    r = actions.record_review(actor(request), review, outcome=body.outcome, on=body.on, note=body.note)
    return _review_out(Review.objects.select_related("household").get(pk=r.pk))


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
    return [_inspection_out(i) for i in _window(qs, paging)]


@router.post("/inspections", response={200: InspectionOut, 400: ErrorOut}, summary="Record a home visit")
def record_inspection(request: HttpRequest, body: InspectionIn) -> Any:
    _handle(request)
    lease = _lease(body.lease)
    if body.visit not in Inspection.Visit.values or body.finding not in Inspection.Finding.values:
        raise RentalError("调查类型或调查结果无效", code="bad_inspection")
    i = actions.record_inspection(
        actor(request),
        lease,
        visit=body.visit,
        on=body.on,
        finding=body.finding,
        inspector=body.inspector,
        note=body.note,
    )
    return _inspection_out(Inspection.objects.select_related("household", "lease").get(pk=i.pk))


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
    return [_exit_out(e) for e in _window(qs, paging)]


@router.get("/exits/{number}", response=ExitDetailOut, summary="An exit with its workflow history")
def exit_detail(request: HttpRequest, number: str) -> ExitDetailOut:
    _view(request)
    return _exit_written(get_object_or_404(Exit, number=number))


@router.post("/exits", response={200: ExitDetailOut, 400: ErrorOut}, summary="Prepare an exit (清退经办)")
def prepare_exit(request: HttpRequest, body: ExitPrepareIn) -> Any:
    _handle(request)
    lease = _lease(body.lease)
    return _exit_written(actions.prepare_exit(actor(request), lease, reason=body.reason, note=body.note))


class ExitStepIn(Schema):
    step: Literal["submit", "review", "approve", "reject", "send_back", "withdraw"]
    note: str = ""


@router.post(
    "/exits/{number}/steps",
    response={200: ExitDetailOut, 400: ErrorOut},
    summary="Take an exit's approval step: submit, review, approve, reject, send_back, withdraw",
    description="Permissions: rental `handle` to submit and withdraw, `review` to review (审核), `approve` to "
    "approve or reject (审批); a send-back needs the permission of the step it undoes. The reviewer and the "
    "approver differ from the preparer; only the preparer submits. A reason is required to reject, send back "
    "or withdraw.",
)
def take_exit_step(request: HttpRequest, number: str, body: ExitStepIn) -> Any:
    exit_ = get_object_or_404(Exit, number=number)
    workflow.require_step(EXIT_WORKFLOW, request.user, exit_, body.step)
    return _exit_written(actions.take_exit_step(actor(request), exit_, body.step, note=body.note))


@router.post(
    "/leases/{number}/exits",
    response={200: ExitDetailOut, 400: ErrorOut},
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
        raise RentalError("该合同没有已审批同意待送达的清退", code="no_approved_exit")
    return _exit_written(actions.serve_exit(actor(request), exit_, notice_on=body.notice_on, deadline=body.deadline))


class RentalDateIn(Schema):
    on: dt.date


class RentalNoteIn(Schema):
    note: str = ""


@router.post(
    "/exits/{number}/force", response={200: ExitDetailOut, 400: ErrorOut}, summary="Forced exit through the courts"
)
def force_exit(request: HttpRequest, number: str, body: RentalNoteIn) -> Any:
    _handle(request)
    exit_ = get_object_or_404(Exit, number=number)
    return _exit_written(actions.force_exit(actor(request), exit_, note=body.note))


@router.post("/exits/{number}/complete", response={200: ExitDetailOut, 400: ErrorOut}, summary="Home handed back")
def complete_exit(request: HttpRequest, number: str, body: RentalDateIn) -> Any:
    _handle(request)
    exit_ = get_object_or_404(Exit, number=number)
    return _exit_written(actions.complete_exit(actor(request), exit_, on=body.on))


# --- repairs and filings ----------------------------------------------------------------------------


class RentalRepairOut(Schema):
    number: str
    unit: str
    reported_on: dt.date
    description: str
    vendor: str
    status: str
    completed_on: dt.date | None
    cost: Money


def _repair_out(r: Repair) -> RentalRepairOut:
    """A work order read with its unit (select_related by the caller)."""
    return RentalRepairOut(
        number=r.number,
        unit=r.rental_unit.unit.code,
        reported_on=r.reported_on,
        description=r.description,
        vendor=r.vendor,
        status=r.status,
        completed_on=r.completed_on,
        cost=r.cost,
    )


class RentalRepairIn(Schema):
    unit: str
    on: dt.date
    description: str


class RentalVendorIn(Schema):
    vendor: str


class RentalRepairDoneIn(Schema):
    on: dt.date
    cost: Decimal


def _repair_written(r: Repair) -> RentalRepairOut:
    return _repair_out(Repair.objects.select_related("rental_unit__unit").get(pk=r.pk))


@router.get("/repairs", response=list[RentalRepairOut], summary="Repair work orders")
def list_repairs(request: HttpRequest, paging: Query[Paging], status: str = "") -> list[RentalRepairOut]:
    _view(request)
    qs = Repair.objects.select_related("rental_unit__unit").order_by("-reported_on", "-pk")
    if status:
        qs = qs.filter(status=status)
    return [_repair_out(r) for r in _window(qs, paging)]


@router.post("/repairs", response={200: RentalRepairOut, 400: ErrorOut}, summary="Report a repair")
def report_repair(request: HttpRequest, body: RentalRepairIn) -> Any:
    _handle(request)
    ru = get_object_or_404(RentalUnit, unit__code=body.unit)
    return _repair_written(actions.report_repair(actor(request), ru, on=body.on, description=body.description))


@router.post("/repairs/{number}/assign", response={200: RentalRepairOut, 400: ErrorOut}, summary="Assign to a vendor")
def assign_repair(request: HttpRequest, number: str, body: RentalVendorIn) -> Any:
    _handle(request)
    repair = get_object_or_404(Repair, number=number)
    return _repair_written(actions.assign_repair(actor(request), repair, vendor=body.vendor))


@router.post(
    "/repairs/{number}/complete", response={200: RentalRepairOut, 400: ErrorOut}, summary="Complete with the cost"
)
def complete_repair(request: HttpRequest, number: str, body: RentalRepairDoneIn) -> Any:
    _handle(request)
    repair = get_object_or_404(Repair, number=number)
    if body.cost != body.cost.quantize(rules.FEN):
        raise RentalError("金额最多两位小数", code="bad_amount", field="amount")
    return _repair_written(actions.complete_repair(actor(request), repair, on=body.on, cost=body.cost))


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
    lessor_id: IdNumber
    lessee: str
    lessee_id: IdNumber
    address: str
    area: Area
    start: dt.date
    end: dt.date
    monthly_rent: Money


def _filing_out(f: Filing) -> FilingOut:
    return FilingOut(
        number=f.number,
        filed_on=f.filed_on,
        lessor=f.lessor,
        lessor_id=f.lessor_id,
        lessee=f.lessee,
        lessee_id=f.lessee_id,
        address=f.address,
        area=f.area,
        start=f.start,
        end=f.end,
        monthly_rent=f.monthly_rent,
    )


@router.get("/filings", response=list[FilingOut], summary="Rental filings (房屋租赁备案)")
def list_filings(request: HttpRequest, paging: Query[Paging], year: int | None = None) -> list[FilingOut]:
    _view(request)
    qs = Filing.objects.order_by("-filed_on", "-pk")
    if year:
        qs = qs.filter(filed_on__year=year)
    return [_filing_out(f) for f in _window(qs, paging)]


def _id_number(number: str) -> str:
    text = number.strip().upper()
    try:
        return normalize_resident_id(text)
    except ValueError as exc:
        try:
            return normalize_uscc(text)
        except ValueError:
            raise RentalError(str(exc)) from exc


@router.post("/filings", response={200: FilingOut, 400: ErrorOut}, summary="Record a rental filing")
def file_rental(request: HttpRequest, body: FilingIn) -> Any:
    _handle(request)
    if body.area <= 0 or body.monthly_rent < 0:
        raise RentalError("面积须大于0，租金不能为负", code="bad_filing")
    f = actions.file_rental(
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
    )
    return _filing_out(f)
