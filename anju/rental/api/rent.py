"""The rental API: Rent: bills, payments (one by one and from a bank file), arrears and reminders."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, File, Query, Router, Schema, UploadedFile

from anju.core.apikit import ErrorOut, Money, Paging, money_text
from anju.core.permissions import actor
from anju.rental import actions, payments_import, queries, rules
from anju.rental.api.base import can_handle, can_view, lease_by_number, window
from anju.rental.errors import RentalError
from anju.rental.models import RentBill

router = Router()


class RentBillIn(Schema):
    month: str


@router.post("/bills", response={200: dict[str, Any], 400: ErrorOut}, summary="Bill a month (idempotent)")
def bill_month(request: HttpRequest, body: RentBillIn) -> Any:
    can_handle(request)
    month = rules.parse_month(body.month)
    return {"month": f"{month:%Y-%m}", **actions.bill_month(actor(request), month)}


class RentBillOut(Schema):
    lease: str = Field(alias="lease.number")
    kind: str
    month: str
    due: dt.date
    amount: Money
    paid: Money

    @staticmethod
    def resolve_month(obj: RentBill) -> str:
        return f"{obj.month:%Y-%m}"


@router.get("/bills", response=list[RentBillOut], summary="Bills of a month or of a lease")
def list_bills(request: HttpRequest, paging: Query[Paging], month: str = "", lease: str = "") -> Any:
    can_view(request)
    qs = RentBill.objects.select_related("lease").order_by("month", "lease__number")
    if month:
        qs = qs.filter(month=rules.parse_month(month))
    if lease:
        qs = qs.filter(lease__number=lease)
    return window(qs, paging)


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
    can_handle(request)
    lease = lease_by_number(number)
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
    can_handle(request)
    return payments_import.import_payments(actor(request), file.name or "payments", file.read())


@router.get("/arrears", response=dict[str, Any], summary="Arrears by age and the leases that owe")
def arrears(request: HttpRequest, as_of: dt.date | None = None, limit: int = 100) -> dict[str, Any]:
    can_view(request)
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
    can_handle(request)
    lease = lease_by_number(number)
    r = actions.issue_reminder(actor(request), lease, on=timezone.localdate())
    return {"id": r.pk, "owed": money_text(r.owed), "deadline": r.deadline.isoformat()}
