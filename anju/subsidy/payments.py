"""Payment batches (第一批、第二批…), the bank's payment file and the 拨付 request, the bank's results,
reissue after a payee correction, clawbacks (DOMAIN.md §4, Payment). Every write here is an action:
one function per use case, atomic, audited."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from anju.core import audit, workflow
from anju.core.models import AuditEvent, User
from anju.lib.money import capitals
from anju.subsidy import rules
from anju.subsidy.actions import CHUNK, WORKFLOW, _flags, _keys, _user, existing_keys, history
from anju.subsidy.errors import SubsidyError
from anju.subsidy.models import Application, Batch, Clawback, Flag, Payment, Program, Status

ZERO = Decimal("0.00")
FILE_HEADERS = ("序号", "收款人", "收款账号", "开户行", "金额", "用途/附言")


def _at(on: dt.date | None) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(on, dt.time(15, 0))) if on else timezone.now()


@transaction.atomic
def form_batch(
    actor: User | None, program: Program, applications: Iterable[Application], *, on: dt.date | None = None
) -> Batch:
    """Gather approved applications into the program's next batch (第N批): refused whole when one is not
    approved, has an open duplicate flag or is already in an unpaid batch. Each payment snapshots the
    amount and the payee."""
    on = on or timezone.localdate()
    program = Program.objects.select_for_update().get(pk=program.pk)
    pks = sorted({a.pk for a in applications})
    if not pks:
        raise SubsidyError("请选择要纳入批次的补贴申请", code="empty_batch")
    rows: list[Application] = []
    for start in range(0, len(pks), CHUNK):
        rows += list(Application.objects.select_for_update().filter(pk__in=pks[start : start + CHUNK]))
    for app in sorted(rows, key=lambda a: a.number):
        if app.program_id != program.pk:
            raise SubsidyError(f"补贴申请{app.number}不属于{program.name}", code="other_program")
        if app.status != Status.APPROVED:
            raise SubsidyError(
                f"补贴申请{app.number}当前为“{app.get_status_display()}”，只有审核通过的申请可以纳入批次",
                code="not_approved",
            )
    flagged = list(
        Flag.objects.filter(application_id__in=pks, cleared_at__isnull=True)
        .values_list("application__number", flat=True)
        .order_by("application__number")[:1]
    )
    if flagged:
        raise SubsidyError(f"补贴申请{flagged[0]}有疑似重复未核查，不能纳入批次", code="flagged")
    if Payment.objects.filter(application_id__in=pks, state=Payment.State.PENDING).exists():
        raise SubsidyError("所选申请中有已在未发放批次中的申请", code="in_unpaid_batch")
    ordinal = (program.batches.aggregate(m=Max("ordinal"))["m"] or 0) + 1
    batch = Batch.objects.create(
        program=program,
        ordinal=ordinal,
        number=f"{program.code}-{ordinal:02d}",
        formed_on=on,
        created_by=_user(actor),
    )
    rows.sort(key=lambda a: a.number)
    payments = [
        Payment(
            batch=batch,
            application=app,
            reference=f"{batch.number}-{index:05d}",
            amount=app.amount,
            payee_name=app.payee_name,
            payee_account=app.payee_account,
            payee_bank=app.payee_bank,
        )
        for index, app in enumerate(rows, start=1)
    ]
    if any(p.amount <= 0 for p in payments):
        zero = next(p for p in payments if p.amount <= 0)
        raise SubsidyError(f"补贴申请{zero.application.number}的补贴金额为0，不能发放", code="zero_amount")
    Payment.objects.bulk_create(payments, batch_size=500)
    batch.count = len(payments)
    batch.total = sum((p.amount for p in payments), ZERO)
    batch.save(update_fields=["count", "total"])
    for start in range(0, len(pks), CHUNK):
        Application.objects.filter(pk__in=pks[start : start + CHUNK]).update(status=Status.BATCHED)
    history(actor, ((a.pk, a.status, Status.BATCHED, batch.label) for a in rows), step="batch", at=_at(on))
    audit.record(
        actor,
        AuditEvent.Action.CREATE,
        batch,
        after={"number": batch.number, "count": batch.count, "total": str(batch.total)},
        note=f"{program.name}{batch.label}：{batch.count}户 {batch.total}元",
    )
    return batch


def payment_file(batch: Batch) -> bytes:
    """The batch's payment file for the bank (CSV, UTF-8 with BOM): one line a payment in reference order.
    The same batch gives the same bytes every time (the payee as snapshotted when the batch was formed)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(FILE_HEADERS)
    for index, payment in enumerate(batch.payments.order_by("reference"), start=1):
        writer.writerow(
            (index, payment.payee_name, payment.payee_account, payment.payee_bank, f"{payment.amount:.2f}",
             payment.reference)
        )  # fmt: skip
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


@transaction.atomic
def export_payment_file(actor: User | None, batch: Batch) -> bytes:
    """The payment file, the batch frozen (sent) the first time with the file's SHA-256; audited each time."""
    batch = Batch.objects.select_for_update().get(pk=batch.pk)
    data = payment_file(batch)
    digest = hashlib.sha256(data).hexdigest()
    if batch.state == Batch.State.FORMED:
        batch.state = Batch.State.SENT
        batch.file_sha256 = digest
        batch.save(update_fields=["state", "file_sha256"])
    audit.record(actor, AuditEvent.Action.EXPORT, batch, after={"sha256": digest, "count": batch.count})
    return data


def _save_results(changed: Sequence[Payment]) -> None:
    """The results of many payments in one executemany (bulk_update's CASE per row costs more than the write)."""
    table = connection.ops.quote_name(Payment._meta.db_table)
    sql = f"UPDATE {table} SET state = %s, result_on = %s, bank_txn = %s, failure = %s WHERE id = %s"
    adapt = connection.ops.adapt_datefield_value
    with connection.cursor() as cursor:
        cursor.executemany(sql, [(p.state, adapt(p.result_on), p.bank_txn, p.failure, p.pk) for p in changed])


@dataclass(frozen=True)
class Request:
    """The 拨付 request of a batch: its lines by count and total, the total in capitals (大写)."""

    batch: Batch
    count: int
    total: Decimal
    capitals: str


def disbursement_request(batch: Batch) -> Request:
    return Request(batch, batch.count, batch.total, capitals(batch.total))


@dataclass(frozen=True)
class Result:
    """A line of the bank's result file: the payment's reference, paid or failed, the bank's transaction id
    and date, the reason of a failure, the amount (checked against the payment)."""

    row: int
    reference: str
    paid: bool
    amount: Decimal
    txn: str
    day: dt.date
    reason: str = ""


@dataclass
class ResultsDone:
    paid: int = 0
    failed: int = 0
    skipped: int = 0

    def as_dict(self) -> dict[str, int]:
        return {"paid": self.paid, "failed": self.failed, "skipped": self.skipped}


def check_results(lines: Sequence[Result], payments: dict[str, Payment]) -> list[tuple[int, str, str]]:
    """(row, column, message) of every line that matches no payment, differs from its amount, or
    contradicts a result already recorded (a line recorded the same way again is fine: idempotent)."""
    errors: list[tuple[int, str, str]] = []
    seen: dict[str, int] = {}
    for line in lines:
        payment = payments.get(line.reference)
        if line.reference in seen:
            errors.append((line.row, "用途/附言", f"与第{seen[line.reference]}行的付款重复：{line.reference}"))
            continue
        seen[line.reference] = line.row
        if payment is None:
            errors.append((line.row, "用途/附言", f"没有这笔补贴付款：{line.reference}"))
            continue
        if line.amount != payment.amount:
            errors.append((line.row, "金额", f"金额{line.amount}与付款{payment.amount}不符"))
        state = Payment.State.PAID if line.paid else Payment.State.FAILED
        if payment.state != Payment.State.PENDING and (payment.state != state or payment.bank_txn != line.txn):
            errors.append((line.row, "结果", f"付款{line.reference}已登记为“{payment.get_state_display()}”"))
    return errors


@transaction.atomic
def record_results(actor: User | None, lines: Sequence[Result]) -> ResultsDone:
    """Record the bank's results (all or none; the caller checked them with `check_results`): a payment paid
    or failed, its application paid or failed; a line already recorded is skipped (importing the same file
    twice changes nothing). A batch whose payments all have a result is closed."""
    refs = sorted({line.reference for line in lines})
    payments: dict[str, Payment] = {}
    for start in range(0, len(refs), CHUNK):
        chunk = refs[start : start + CHUNK]
        payments.update((p.reference, p) for p in Payment.objects.select_for_update().filter(reference__in=chunk))
    errors = check_results(lines, payments)
    if errors:
        row, column, message = errors[0]
        raise SubsidyError(f"第{row}行 {column}：{message}", code="bad_result")
    done = ResultsDone()
    changed: list[Payment] = []
    for line in lines:
        payment = payments[line.reference]
        if payment.state != Payment.State.PENDING:
            done.skipped += 1
            continue
        payment.state = Payment.State.PAID if line.paid else Payment.State.FAILED
        payment.result_on, payment.bank_txn, payment.failure = line.day, line.txn[:60], line.reason[:200]
        changed.append(payment)
        done.paid += line.paid
        done.failed += not line.paid
    _save_results(changed)
    for state, status, step in (
        (Payment.State.PAID, Status.PAID, "paid"),
        (Payment.State.FAILED, Status.FAILED, "failed"),
    ):
        group = [p for p in changed if p.state == state]
        ids_ = [p.application_id for p in group]
        for start in range(0, len(ids_), CHUNK):
            Application.objects.filter(pk__in=ids_[start : start + CHUNK]).update(status=status)
        by_day: dict[dt.date, list[Payment]] = {}
        for p in group:
            by_day.setdefault(p.result_on or timezone.localdate(), []).append(p)
        for day, done_that_day in by_day.items():
            moves = (
                (p.application_id, Status.BATCHED, status, f"{p.reference} {p.failure}".strip()) for p in done_that_day
            )
            history(actor, moves, step=step, at=_at(day))
    batches = {p.batch_id for p in changed}
    for batch in Batch.objects.filter(pk__in=batches):
        if not batch.payments.filter(state=Payment.State.PENDING).exists():
            batch.state = Batch.State.CLOSED
            batch.save(update_fields=["state"])
    audit.record(
        actor,
        AuditEvent.Action.IMPORT,
        model="subsidy.Payment",
        object_repr="银行发放结果",
        after=done.as_dict(),
        note=f"发放成功{done.paid}笔，失败{done.failed}笔，已登记跳过{done.skipped}笔",
    )
    return done


@transaction.atomic
def correct_payee(
    actor: User | None, app: Application, *, payee_name: str, payee_account: str, payee_bank: str, reason: str
) -> Application:
    """After a failed payment, the payee corrected (audited, with a reason): the application is approved
    again for a later batch, and the new account goes through duplicate detection again."""
    reason = (reason or "").strip()
    if not reason:
        raise SubsidyError("更正收款信息须填写理由", code="reason_required", field="reason")
    account = rules.normalize_account(payee_account)
    if not account or not payee_name.strip() or not payee_bank.strip():
        raise SubsidyError("请填写收款人、收款账号和开户行", code="required", field="payee_account")
    app = workflow.lock(WORKFLOW, app, Status.FAILED)
    before = audit.snapshot(app, ["payee_name", "payee_account", "payee_bank"])
    app.payee_name, app.payee_account, app.payee_bank = payee_name.strip()[:60], account, payee_bank.strip()[:80]
    app.save(update_fields=["payee_name", "payee_account", "payee_bank"])
    audit.record_change(actor, app, before, note=f"更正收款信息：{reason}")
    workflow.move(WORKFLOW, actor, app, Status.APPROVED, step="payee", note=reason)
    owners = set(app.buyers.values_list("id_number", flat=True))
    existing = [
        k for k in existing_keys(app.program, units=set(), contracts=set(), vouchers=set(), accounts={account},
                                 buyers=set())
        if k.ref != app.pk
    ]  # fmt: skip
    hits = rules.duplicates([_keys(app, owners)], existing, one_claim=False)
    hits = [h for h in hits if h.reason == rules.SHARED_ACCOUNT]
    Flag.objects.bulk_create(_flags(hits), ignore_conflicts=True)
    return app


@transaction.atomic
def claw_back(actor: User | None, app: Application, *, reason: str, on: dt.date | None = None) -> Clawback:
    """A paid subsidy found ineligible (contract cancelled, a duplicate found late, a false document): the
    amount paid becomes a receivable (追回) and the application is clawed back."""
    reason = (reason or "").strip()
    if not reason:
        raise SubsidyError("追回须填写原因", code="reason_required", field="reason")
    app = workflow.lock(WORKFLOW, app, Status.PAID)
    paid = sum(
        (p.amount for p in app.payments.filter(state=Payment.State.PAID)),
        ZERO,
    )
    claw = Clawback.objects.create(
        application=app,
        amount=paid,
        reason=reason[:300],
        decided_on=on or timezone.localdate(),
        created_by=_user(actor),
    )
    workflow.move(WORKFLOW, actor, app, Status.CLAWED_BACK, step="clawback", note=f"追回{paid}元：{reason}")
    audit.record(actor, AuditEvent.Action.CREATE, claw, after={"amount": str(paid), "reason": reason[:300]})
    return claw


@transaction.atomic
def record_recovery(actor: User | None, clawback: Clawback, *, amount: Decimal) -> Clawback:
    """Money returned on a clawback, never more than what remains to recover."""
    claw = Clawback.objects.select_for_update().get(pk=clawback.pk)
    if amount <= 0:
        raise SubsidyError("追回金额须大于0", code="not_positive", field="amount")
    if claw.recovered + claw.written_off + amount > claw.amount:
        left = claw.amount - claw.recovered - claw.written_off
        raise SubsidyError(f"追回金额超过应追回余额{left}元", code="over", field="amount")
    before = audit.snapshot(claw, ["recovered"])
    claw.recovered += amount
    claw.save(update_fields=["recovered"])
    audit.record_change(actor, claw, before, note=f"追回入账{amount}元")
    return claw


@transaction.atomic
def write_off(actor: User | None, clawback: Clawback, *, reason: str) -> Clawback:
    """What remains to recover written off as not recoverable, approved by a leader (subsidy `approve`) who did
    not decide the clawback, with a reason; audited."""
    reason = (reason or "").strip()
    if not reason:
        raise SubsidyError("核销须填写理由", code="reason_required", field="reason")
    claw = Clawback.objects.select_for_update().get(pk=clawback.pk)
    if actor is not None and actor.pk:
        if not actor.can("subsidy", "approve"):
            raise SubsidyError("核销须由有审批权限的人员办理", code="not_permitted")
        if actor.pk == claw.created_by_id:
            raise SubsidyError("核销须由作出追回决定以外的人员审批", code="same_person")
    left = claw.amount - claw.recovered - claw.written_off
    if left <= 0:
        raise SubsidyError("该追回款已无余额可核销", code="nothing_left")
    before = audit.snapshot(claw, ["written_off", "write_off_reason"])
    claw.written_off += left
    claw.write_off_reason, claw.written_off_by = reason[:300], _user(actor)
    claw.save(update_fields=["written_off", "write_off_reason", "written_off_by"])
    audit.record_change(actor, claw, before, note=f"核销{left}元：{reason}")
    return claw
