"""Refund on demolition (房屋灭失, art. 29): the unit's whole balance goes back to the owner and the
account is closed.

经办 (fund handle: create, submit) → 审核 (fund review) → 审批 (fund approve: approve, or reject with a
reason) → paid (fund handle), through the workflow kit with `rules.REFUND_FLOW`: money leaves the fund,
so the preparer, the reviewer and the approver are three different people. Send-back (退回) returns a
submitted or reviewed application to draft and withdraw (撤回) ends it, each with a reason. Payment
posts one REFUND entry (unit account to bank) and closes the account; the ledger then refuses any
further posting to it. The owner history (resale) shows whom the balance belonged to over time."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone

from anju.core import audit, workflow
from anju.core.fields import MoneyField
from anju.core.models import AuditEvent, User
from anju.core.workflow import Workflow, WorkflowError
from anju.fund import ledger, rules
from anju.fund.errors import RefundError
from anju.fund.models import Account, JournalEntry, JournalLine, RefundApplication, RefundEvent
from anju.registry.models import Ownership

ZERO = Decimal("0.00")
Status = RefundApplication.Status
OPEN_STATUSES = (Status.DRAFT, Status.SUBMITTED, Status.REVIEWED, Status.APPROVED)
FIELDS = ["account", "applicant", "payee_bank", "payee_account_number", "reason", "status"]


class RefundStepError(WorkflowError, RefundError):
    """A refused workflow step of a refund application (codes ``workflow.*``)."""


WORKFLOW = Workflow(
    module="fund",
    flow=rules.REFUND_FLOW,
    model=RefundApplication,
    event_model=RefundEvent,
    event_record="application",
    noun="退款申请",
    error=RefundStepError,
    path=(Status.DRAFT, Status.SUBMITTED, Status.REVIEWED, Status.APPROVED, Status.PAID),
    labels={"create": "新建退款申请", "pay": "付款并销户"},
)


@transaction.atomic
def create_refund(
    actor: User | None,
    account: Account,
    *,
    applicant: str,
    reason: str,
    payee_bank: str = "",
    payee_account_number: str = "",
) -> RefundApplication:
    """A draft application for a unit account that is open and has no other open application."""
    account = Account.objects.select_for_update().get(pk=account.pk)
    if account.kind != Account.Kind.UNIT:
        raise RefundError("只有分户账可以申请退款", code="not_unit_ledger")
    if account.closed is not None:
        raise RefundError(f"{account} 已于 {account.closed.isoformat()} 销户", code="account_closed")
    if RefundApplication.objects.filter(account=account, status__in=OPEN_STATUSES).exists():
        raise RefundError(f"{account} 已有办理中的退款申请", code="refund_open")
    if not applicant.strip() or not reason.strip():
        raise RefundError("申请人和退款原因不能为空", code="applicant_required")
    application = RefundApplication.objects.create(
        account=account,
        applicant=applicant.strip(),
        reason=reason.strip(),
        payee_bank=payee_bank.strip(),
        payee_account_number=payee_account_number.strip(),
        created_by=actor if actor and actor.pk else None,
    )
    workflow.record(WORKFLOW, actor, application, step="create", from_status="")
    audit.record(
        actor, AuditEvent.Action.CREATE, application, after=audit.snapshot(application, FIELDS), note="新建退款申请"
    )
    return application


def take_step(actor: User | None, application: RefundApplication, step: str, *, note: str = "") -> RefundApplication:
    """Take a workflow step (submit, review, approve, reject, send_back, withdraw); the approver's decision
    (approve or reject) is kept on the application for the approval form."""
    decision: dict[str, Any] = {}
    if step in ("approve", "reject"):
        decision = {
            "decided_by": actor if actor and actor.pk else None,
            "decided_at": timezone.now(),
            "decision_note": note.strip()[:300],
        }
    return workflow.take_step(WORKFLOW, actor, application, step, note=note, **decision)


def submit_refund(actor: User | None, application: RefundApplication) -> RefundApplication:
    return take_step(actor, application, "submit")


def review_refund(actor: User | None, application: RefundApplication, *, note: str = "") -> RefundApplication:
    return take_step(actor, application, "review", note=note)


def approve_refund(actor: User | None, application: RefundApplication, *, note: str = "") -> RefundApplication:
    return take_step(actor, application, "approve", note=note)


def reject_refund(actor: User | None, application: RefundApplication, *, note: str) -> RefundApplication:
    return take_step(actor, application, "reject", note=note)


def payment_bank(bank: Account | None = None) -> Account:
    """The special account the refund is paid from: the one given, or the only open one."""
    if bank is not None:
        if bank.kind != Account.Kind.BANK or bank.closed is not None:
            raise RefundError("请选择在用的银行专户", code="bank_closed")
        return bank
    banks = list(Account.objects.filter(kind=Account.Kind.BANK, closed__isnull=True).order_by("pk")[:2])
    if len(banks) != 1:
        raise RefundError("请选择付款的银行专户" if banks else "尚未设立银行专户", code="bank_required")
    return banks[0]


@transaction.atomic
def pay_refund(
    actor: User | None, application: RefundApplication, *, paid_on: dt.date, bank: Account | None = None
) -> RefundApplication:
    """Pay the account's whole balance out of the special account and close the unit account."""
    locked = workflow.lock(WORKFLOW, application, Status.APPROVED)
    if paid_on > timezone.localdate():
        raise RefundError("付款日期不能晚于今天", code="future_date")
    bank = payment_bank(bank)
    # Both accounts locked now, in id order like ledger.post, so a concurrent posting cannot deadlock with this.
    accounts = Account.objects.select_for_update(of=("self",)).select_related("unit").order_by("pk")
    account = {a.pk: a for a in accounts.filter(pk__in=[locked.account_id, bank.pk])}[locked.account_id]
    if account.closed is not None:
        raise RefundError(f"{account} 已于 {account.closed.isoformat()} 销户", code="account_closed")
    last_day = JournalLine.objects.filter(account=account).order_by("-day").values_list("day", flat=True).first()
    if last_day is not None and paid_on.toordinal() < last_day:
        raise RefundError(
            f"付款日期不能早于该分户账最后一笔记账日期 {dt.date.fromordinal(last_day).isoformat()}",
            code="before_last_posting",
        )
    amount = account.balance
    entry: JournalEntry | None = None
    if amount > 0:
        entry = ledger.post(
            kind=JournalEntry.Kind.REFUND,
            value_date=paid_on,
            legs=[ledger.debit(account, amount), ledger.credit(bank, amount)],
            actor=actor,
            memo=f"房屋灭失退款 {account.unit.code if account.unit else ''} {locked.applicant}",
            document=f"refund:{locked.pk}",
        )
    # With nothing left to pay the account is only closed.
    before = {"closed": None}
    Account.objects.filter(pk=account.pk).update(closed=paid_on)
    audit.record(
        actor,
        AuditEvent.Action.UPDATE,
        account,
        before=before,
        after={"closed": paid_on.isoformat()},
        note=f"退款销户（退款申请 {locked.pk}）",
    )
    workflow.move(WORKFLOW, actor, locked, Status.PAID, step="pay", amount=amount, paid_entry=entry)
    return locked


def refund_amount(application: RefundApplication) -> Decimal:
    """What is or was refunded: the amount paid, or the account's balance while not yet paid."""
    if application.amount is not None:
        return application.amount
    return application.account.balance


@dataclass(frozen=True)
class OwnerPeriod:
    """One owner of the unit (resale, art. 28: the account stays with the unit) and its balances."""

    ownership: Ownership
    balance_at_start: Decimal  # at the end of the first day
    balance_at_end: Decimal | None  # at the end of the last day; None for the current owner


def owner_history(account: Account) -> list[OwnerPeriod]:
    """The unit's owners, earliest first, with the account balance on each change date from the
    journal (one aggregate query for all dates)."""
    assert account.unit is not None
    ownerships = list(
        Ownership.objects.filter(unit=account.unit).select_related("person", "enterprise").order_by("start", "pk")
    )
    dates = sorted({o.start for o in ownerships} | {o.end for o in ownerships if o.end})
    sums = (
        JournalLine.objects.filter(account=account).aggregate(
            **{
                f"d{index}": Sum("amount", output_field=MoneyField(), filter=Q(day__lte=day.toordinal()))
                for index, day in enumerate(dates)
            }
        )
        if dates
        else {}
    )
    # A zero sum stays 0.00: the sign of a liability account would make it -0.00.
    at = {day: account.sign * total if (total := sums[f"d{index}"]) else ZERO for index, day in enumerate(dates)}
    return [OwnerPeriod(o, at[o.start], at[o.end] if o.end else None) for o in ownerships]
