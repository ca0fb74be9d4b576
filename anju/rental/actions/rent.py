"""Rent: monthly billing (set-based), payments and their allocation, credit, reminders."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, connection, transaction
from django.db.models import Exists, F, OuterRef, Sum
from django.utils import timezone

from anju.core import audit, bulk
from anju.core.fields import MoneyField, to_fen
from anju.core.models import AuditEvent, User
from anju.lib import bounds
from anju.rental import rules
from anju.rental.actions.base import CREATE, UPDATE
from anju.rental.errors import RentalError
from anju.rental.models import (
    Lease,
    Payment,
    PaymentAllocation,
    Reminder,
    RentBill,
)


def bill_month(actor: User | None, month: dt.date) -> dict[str, int]:
    """Bill the month's rent of every lease in force on its first day in one INSERT … SELECT.

    Idempotent: a lease already billed for the month is skipped (ON CONFLICT DO NOTHING on the
    unique (lease, month)), so a second run creates nothing and concurrent runs cannot double-bill."""
    if problem := bounds.date_problem(month, "账单月份", timezone.localdate()):
        raise RentalError(problem, code="month_out_of_range", field="month")
    month = rules.month_start(month)
    due = rules.month_end(month)
    table = RentBill._meta.db_table
    lease_table = Lease._meta.db_table
    with transaction.atomic():
        existing = RentBill.objects.filter(month=month).count()
        with connection.cursor() as cursor:
            cursor.execute(
                f"""INSERT INTO {table} (lease_id, lease_number, kind, month, due, amount, paid)
                SELECT l.id, l.number, l.kind, %s, %s, l.monthly_rent, 0 FROM {lease_table} l
                WHERE l.start <= %s AND (l.ended_on IS NULL OR l.ended_on >= %s)
                ON CONFLICT (lease_id, month) DO NOTHING""",
                [month, due, month, month],
            )
            created = max(cursor.rowcount, 0)
        credited = apply_credit(actor, month=month)
        audit.record(
            actor,
            AuditEvent.Action.IMPORT,
            model=RentBill._meta.label,
            object_repr=f"{month:%Y-%m}",
            after={"month": f"{month:%Y-%m}", "created": created, "existing": existing, "credited": str(credited)},
            note="生成月租金账单",
        )
    return {"created": created, "existing": existing}


def apply_credit(actor: User | None, month: dt.date | None = None, lease_ids: Collection[int] | None = None) -> Decimal:
    """Use the payments' unallocated remainders (prepaid rent, overpayments) for the open bills of the
    same lease: the oldest payment first, to the oldest bill first. Returns the amount applied.

    One query finds the payments with a remainder whose lease has an open bill (of `month` when
    given, the billing run's month; of the leases given), one reads those leases' open bills; the
    allocations are inserted and the bills updated in bulk."""
    open_bills = RentBill.objects.filter(lease=OuterRef("lease"), paid__lt=F("amount"))
    if month is not None:
        open_bills = open_bills.filter(month=month)
    payments = Payment.objects.filter(unallocated__gt=0)  # the partial index rental_payment_credit
    if lease_ids is not None:
        payments = payments.filter(lease_id__in=list(lease_ids))
    candidates = list(
        payments.filter(Exists(open_bills))
        .order_by("lease_id", "paid_on", "pk")
        .values_list("pk", "lease_id", "unallocated")
    )
    if not candidates:
        return Decimal("0.00")
    lease_ids = {lease_id for _, lease_id, _ in candidates}
    bills_by_lease: dict[int, list[RentBill]] = {}
    for bill in (
        RentBill.objects.select_for_update()
        .filter(lease_id__in=lease_ids, paid__lt=F("amount"))
        .order_by("lease_id", "month")
    ):
        bills_by_lease.setdefault(bill.lease_id, []).append(bill)
    allocations: list[PaymentAllocation] = []
    changed: dict[int, RentBill] = {}
    applied = Decimal("0.00")
    left_by_payment: dict[int, Decimal] = {}
    for payment_id, lease_id, left in candidates:
        for bill in bills_by_lease.get(lease_id, []):
            if left <= 0:
                break
            part = min(left, bill.amount - bill.paid)
            if part <= 0:
                continue
            allocations.append(PaymentAllocation(payment_id=payment_id, bill_id=bill.pk, amount=part))
            bill.paid += part
            changed[bill.pk] = bill
            left -= part
            applied += part
            left_by_payment[payment_id] = left
    PaymentAllocation.objects.bulk_create(allocations, batch_size=2000)
    RentBill.objects.bulk_update(list(changed.values()), ["paid"], batch_size=2000)
    Payment.objects.bulk_update(
        [Payment(pk=pk, unallocated=left) for pk, left in left_by_payment.items()], ["unallocated"], batch_size=2000
    )
    if applied:
        audit.record(
            actor,
            UPDATE,
            model=PaymentAllocation._meta.label,
            object_repr="预缴冲抵",
            after={"payments": len({a.payment_id for a in allocations}), "bills": len(changed), "amount": str(applied)},
            note="预缴余额冲抵账单",
        )
    return applied


def _allocate(payment: Payment) -> Decimal:
    """Apply the payment to the lease's open bills, oldest first; returns what is left as credit."""
    left = payment.amount
    bills = RentBill.objects.select_for_update().filter(lease=payment.lease, paid__lt=F("amount")).order_by("month")
    for bill in bills:
        if left <= 0:
            break
        part = min(left, bill.amount - bill.paid)
        PaymentAllocation.objects.create(payment=payment, bill=bill, amount=part)
        RentBill.objects.filter(pk=bill.pk).update(paid=F("paid") + to_fen(part))
        left -= part
    return left


def _in_bounds(paid_on: dt.date, amount: Decimal) -> None:
    """A receipt is dated from 1990 to today and under 10 亿元."""
    if problem := bounds.date_problem(paid_on, "缴款日期", timezone.localdate(), future=False):
        raise RentalError(problem, code="date_out_of_range", field="paid_on")
    if problem := bounds.amount_problem(amount, "缴款金额"):
        raise RentalError(problem, code="amount_out_of_range", field="amount")


@transaction.atomic
def receive_payment(
    actor: User | None,
    lease: Lease,
    *,
    amount: Decimal,
    paid_on: dt.date,
    channel: str = Payment.Channel.COUNTER,
    bank_txn: str | None = None,
    payer: str = "",
) -> tuple[Payment, bool]:
    """Rent received; (payment, created). A bank transaction id already recorded returns that payment
    (created False) so the same transfer is never counted twice."""
    if amount <= 0:
        raise RentalError("金额须大于0", code="amount_not_positive")
    _in_bounds(paid_on, amount)
    bank_txn = (bank_txn or "").strip() or None
    if bank_txn is not None:
        existing = Payment.objects.filter(bank_txn=bank_txn).first()
        if existing is not None:
            if existing.lease_id != lease.pk or existing.amount != amount:
                raise RentalError(f"银行流水号 {bank_txn} 已用于另一笔缴款", code="bank_txn_used")
            return existing, False
    try:
        with transaction.atomic():
            payment = Payment.objects.create(
                lease=lease,
                kind=lease.kind,
                amount=amount,
                paid_on=paid_on,
                channel=channel,
                bank_txn=bank_txn,
                payer=payer or lease.tenant_name,
                created_by=actor if actor is not None and actor.pk else None,
            )
    except IntegrityError as exc:
        raise RentalError(f"银行流水号 {bank_txn} 已用于另一笔缴款", code="bank_txn_used") from exc
    credit = _allocate(payment)
    if credit:
        Payment.objects.filter(pk=payment.pk).update(unallocated=credit)
        payment.unallocated = credit
    audit.record(actor, CREATE, payment, after={**audit.snapshot(payment), "credit": str(credit)})
    return payment, True


@transaction.atomic
def issue_reminder(actor: User | None, lease: Lease, *, on: dt.date, days: int = 15) -> Reminder:
    """A rent reminder (催缴通知) for what the lease owes on the day; pay within `days` days."""
    owed = RentBill.objects.filter(lease=lease, due__lt=on).aggregate(
        owed=Sum(F("amount") - F("paid"), output_field=MoneyField())
    )["owed"]
    owed_amount = owed or Decimal("0.00")
    if owed_amount <= 0:
        raise RentalError(f"合同 {lease.number} 没有欠缴租金", code="nothing_owed")
    reminder = Reminder.objects.create(
        lease=lease,
        issued_on=on,
        owed=owed_amount,
        deadline=on + dt.timedelta(days=days),
        created_by=actor if actor is not None and actor.pk else None,
    )
    audit.record(actor, CREATE, reminder, after=audit.snapshot(reminder))
    return reminder


@dataclass(frozen=True)
class BillPayment:
    """A payment settling (part of) one bill, as a bank's statement or a year's history gives it."""

    bill_id: int
    lease_id: int
    kind: str
    amount: Decimal
    paid_on: dt.date
    channel: str
    bank_txn: str | None = None


@transaction.atomic
def record_bill_payments(actor: User | None, payments: Sequence[BillPayment]) -> int:
    """Record many payments at once, each allocated to its own bill (set-based, for volume): the payments
    and their allocations inserted in bulk, then the paid amount of every bill they touch recomputed from
    its allocations in one UPDATE, and one audit event. The payments take consecutive ids from the first
    free one. Returns how many were recorded."""
    if any(p.amount <= 0 for p in payments):
        raise RentalError("金额须大于0", code="amount_not_positive")
    for p in payments:
        _in_bounds(p.paid_on, p.amount)
    first = bulk.next_id(Payment)
    creator = actor.pk if actor is not None and actor.pk else None
    bulk.insert_rows(
        Payment,
        ["id", "lease_id", "kind", "amount", "unallocated", "paid_on", "channel", "bank_txn", "payer", "created_by_id"],
        [
            (first + i, p.lease_id, p.kind, to_fen(p.amount), 0, p.paid_on, p.channel, p.bank_txn, "", creator)
            for i, p in enumerate(payments)
        ],
    )
    bulk.insert_rows(
        PaymentAllocation,
        ["payment_id", "bill_id", "amount"],
        [(first + i, p.bill_id, to_fen(p.amount)) for i, p in enumerate(payments)],
    )
    bulk.reset_sequences(Payment)
    _bills_paid_again(first)
    total = sum((p.amount for p in payments), Decimal("0.00"))
    audit.record(
        actor,
        AuditEvent.Action.IMPORT,
        model=Payment._meta.label,
        object_repr="批量缴款",
        after={"payments": len(payments), "amount": str(total)},
        note="批量登记租金缴款",
    )
    return len(payments)


def _bills_paid_again(first_payment: int) -> None:
    """Every bill the payments from id `first_payment` on went to: its paid amount summed again over all its
    allocations, the bills' sums grouped once and joined (a correlated sum per bill took PostgreSQL 2.7 s
    for the demo city's 65k bills)."""
    bill = connection.ops.quote_name(RentBill._meta.db_table)
    allocation = connection.ops.quote_name(PaymentAllocation._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {bill} SET paid = t.total FROM (SELECT bill_id, SUM(amount) AS total FROM {allocation} "
            f"WHERE bill_id IN (SELECT bill_id FROM {allocation} WHERE payment_id >= %s) GROUP BY bill_id) AS t "
            f"WHERE {bill}.id = t.bill_id",
            [first_payment],
        )


@transaction.atomic
def issue_reminders(actor: User | None, owed: Mapping[int, Decimal], *, on: dt.date, deadline: dt.date) -> int:
    """Rent reminders (催缴通知) for many leases at once: lease id -> the amount it owes on the day."""
    if deadline < on:
        raise RentalError("缴款期限不能早于通知日期", code="deadline_before_notice")
    creator = actor if actor is not None and actor.pk else None
    Reminder.objects.bulk_create(
        [
            Reminder(lease_id=lease, issued_on=on, owed=amount, deadline=deadline, created_by=creator)
            for lease, amount in owed.items()
        ],
        batch_size=2000,
    )
    audit.record(
        actor, CREATE, model=Reminder._meta.label, object_repr=f"{on}", after={"reminders": len(owed)}, note="批量催缴"
    )
    return len(owed)
