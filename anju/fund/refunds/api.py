"""API endpoints for refunds on demolition (房屋灭失退款): create, read with the history, workflow steps, pay.

Permissions are those of the pages: fund `view` to read, `handle` to create, submit, withdraw and pay,
`review` for 审核 and `approve` for 审批 (approve or reject); the preparer, the reviewer and the approver
are three different people, and only the preparer submits. Money is a string with two decimals (yuan)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from anju.core import workflow
from anju.core.apikit import ErrorOut
from anju.core.permissions import actor, check
from anju.core.workflow import WorkflowEventOut
from anju.fund.models import Account, RefundApplication
from anju.fund.refunds import actions as refunds

MODULE = "fund"
router = Router(tags=["fund refunds"])


class RefundIn(Schema):
    unit: str
    applicant: str
    reason: str = "房屋灭失（拆除）"
    payee_bank: str = ""
    payee_account_number: str = ""


class RefundOut(Schema):
    id: int
    number: str
    unit: str
    applicant: str
    reason: str
    status: str
    amount: str
    paid_entry_seq: int | None
    events: list[WorkflowEventOut]

    @staticmethod
    def resolve_unit(obj: RefundApplication) -> str:
        unit = obj.account.unit
        return unit.code if unit else ""

    @staticmethod
    def resolve_amount(obj: RefundApplication) -> str:
        return f"{refunds.refund_amount(obj):.2f}"

    @staticmethod
    def resolve_paid_entry_seq(obj: RefundApplication) -> int | None:
        return obj.paid_entry.seq if obj.paid_entry else None

    @staticmethod
    def resolve_events(obj: RefundApplication) -> list[WorkflowEventOut]:
        return workflow.events_out(refunds.WORKFLOW, obj)


class RefundStepIn(Schema):
    step: Literal["submit", "review", "approve", "reject", "send_back", "withdraw"]
    note: str = ""


class RefundPayIn(Schema):
    paid_on: dt.date
    bank_account_number: str = ""


def _read(application: RefundApplication) -> RefundOut:
    """The application read again with its unit and payment, as the API shows it."""
    return RefundOut.from_orm(
        RefundApplication.objects.select_related("account__unit", "paid_entry").get(pk=application.pk)
    )


@router.post("/refunds", response={200: RefundOut, 400: ErrorOut}, summary="Create a draft refund application")
def create_refund(request: HttpRequest, body: RefundIn) -> RefundOut:
    check(request.user, MODULE, "handle")
    account = get_object_or_404(Account, kind=Account.Kind.UNIT, unit__code=body.unit.strip())
    return _read(
        refunds.create_refund(
            actor(request),
            account,
            applicant=body.applicant,
            reason=body.reason,
            payee_bank=body.payee_bank,
            payee_account_number=body.payee_account_number,
        )
    )


@router.get("/refunds/{pk}", response=RefundOut, summary="A refund application with its workflow history")
def refund_detail(request: HttpRequest, pk: int) -> RefundOut:
    check(request.user, MODULE, "view")
    return _read(get_object_or_404(RefundApplication, pk=pk))


@router.post(
    "/refunds/{pk}/steps",
    response={200: RefundOut, 400: ErrorOut},
    summary="Take a refund's workflow step: submit, review, approve, reject, send_back, withdraw",
    description="A reason (`note`) is required to reject, send back or withdraw; 400 answers the reason and a "
    "stable code (`workflow.wrong_state`, `workflow.same_person`, `workflow.not_preparer`, "
    "`workflow.reason_required`).",
)
def take_refund_step(request: HttpRequest, pk: int, body: RefundStepIn) -> RefundOut:
    application = get_object_or_404(RefundApplication, pk=pk)
    workflow.require_step(refunds.WORKFLOW, request.user, application, body.step)
    return _read(refunds.take_step(actor(request), application, body.step, note=body.note))


@router.post(
    "/refunds/{pk}/pay",
    response={200: RefundOut, 400: ErrorOut},
    summary="Pay an approved refund (the account's whole balance) and close the unit account",
)
def pay_refund(request: HttpRequest, pk: int, body: RefundPayIn) -> RefundOut:
    check(request.user, MODULE, "handle")
    application = get_object_or_404(RefundApplication, pk=pk)
    bank = None
    if body.bank_account_number:
        bank = get_object_or_404(Account, kind=Account.Kind.BANK, bank_account_number=body.bank_account_number)
    return _read(refunds.pay_refund(actor(request), application, paid_on=body.paid_on, bank=bank))
