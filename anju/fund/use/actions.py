"""Use of the fund for repairs (维修资金使用, art. 18–24): applications, owner votes, the split by floor
area, the workflow and the payments to the contractor.

draft → submitted (经办, fund handle) → reviewed (审核, fund review) → approved (领导审批, fund approve) →
paying (an advance paid) → paid (the settlement on the audited final cost) → closed (归档).
Send-back (退回) returns a submitted or reviewed application to draft with a reason; the handler may
withdraw (撤回) it before approval. An ordinary application is submitted only with a passed owner vote;
an emergency one (应急使用) has no vote.

Every payment posts one USE entry from the scope's unit accounts to the bank special account. Each
unit pays its part of the payment (the amount split by floor area, largest remainders, ties by unit
code); what its account cannot cover is the owner's own payment (自筹) and is not posted, so no
account is overdrawn."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone

from anju.core import attachments, audit, bulk, numbering, workflow
from anju.core.fields import to_fen
from anju.core.models import Attachment, AuditEvent, User
from anju.core.workflow import Workflow, WorkflowError, event_columns
from anju.fund import ledger, rules
from anju.fund.errors import UseError
from anju.fund.models import (
    Account,
    ApplicationEvent,
    JournalEntry,
    RepairItem,
    ScopeUnit,
    UseApplication,
    UsePayment,
    UsePaymentShare,
)
from anju.fund.use.queries import (
    Tally,
    approval_date,
    last_interest_date,
    owner_choices,
    tally,
)
from anju.lib.money import FEN, apportion
from anju.registry.models import Building, Enterprise, Ownership, Project, Unit

ZERO = Decimal("0.00")
Status = UseApplication.Status
Kind = UseApplication.Kind
ScopeKind = UseApplication.ScopeKind
Vote = ScopeUnit.Vote
CHUNK = 900  # values per IN (...): old SQLite builds allow 999 variables per statement
FIELDS = [
    "number",
    "kind",
    "title",
    "project",
    "applicant_kind",
    "applicant_enterprise",
    "applicant_name",
    "emergency_reason",
    "scope_kind",
    "scope_spec",
    "contractor",
    "contractor_bank",
    "contractor_account_number",
    "budget",
    "status",
]
APPLICATION_NUMBERS = numbering.Scheme(UseApplication, "SY", 5)  # 使用申请


# --- the workflow (steps in rules.USE_FLOW) ----------------------------------------------------------------


class UseStepError(WorkflowError, UseError):
    """A refused workflow step of a use application (codes ``workflow.*``)."""


WORKFLOW = Workflow(
    module="fund",
    flow=rules.USE_FLOW,
    model=UseApplication,
    event_model=ApplicationEvent,
    event_record="application",
    noun="申请",
    error=UseStepError,
    path=(Status.DRAFT, Status.SUBMITTED, Status.REVIEWED, Status.APPROVED, Status.PAYING, Status.PAID, Status.CLOSED),
    labels={"create": "新建", "advance": "拨付预付款", "settlement": "拨付结算款"},
)


# --- creating and editing ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ApplicationData:
    """What the form (or the API) gives for a new or edited application."""

    kind: str
    title: str
    project: Project
    applicant_kind: str
    applicant_name: str
    scope_kind: str
    scope_spec: str
    items: Sequence[tuple[str, Decimal]]
    applicant_enterprise: Enterprise | None = None
    emergency_reason: str = ""
    contractor: Enterprise | None = None
    contractor_bank: str = ""
    contractor_account_number: str = ""


def _validate(data: ApplicationData) -> None:
    if data.kind not in Kind.values:
        raise UseError("申请类型错误", code="kind_invalid")
    if data.applicant_kind not in UseApplication.ApplicantKind.values:
        raise UseError("申请人类型错误", code="applicant_kind_invalid")
    if data.scope_kind not in ScopeKind.values:
        raise UseError("分摊范围类型错误", code="scope_kind_invalid")
    if not data.title.strip():
        raise UseError("维修项目名称不能为空", code="title_required")
    if not data.applicant_name.strip() and data.applicant_enterprise is None:
        raise UseError("申请人不能为空", code="applicant_required")
    if data.kind == Kind.EMERGENCY and not data.emergency_reason.strip():
        raise UseError("应急使用须填写应急事由", code="emergency_reason_required")
    if not data.items:
        raise UseError("至少填写一项维修内容及预算", code="items_required")
    for name, budget in data.items:
        if not name.strip():
            raise UseError("维修内容名称不能为空", code="item_name_required")
        if budget <= 0 or budget != budget.quantize(FEN):
            raise UseError(f"维修内容“{name}”的预算须为正数，最多两位小数", code="item_budget_invalid")


_SPLIT_RE = re.compile(r"[\s,，、;；]+")
_RANGE_RE = re.compile(r"\s*(?:~|～|至|到|\n)\s*")


def resolve_scope(project: Project, scope_kind: str, spec: str) -> list[Unit]:
    """The units of the scope: the whole project, buildings by number, a range of rooms within one
    entrance (from one unit code to another, e.g. "P1-1-1-101 ~ P1-1-1-602"), or pasted unit codes."""
    units = Unit.objects.filter(project=project)
    if scope_kind == ScopeKind.PROJECT:
        chosen = list(units.order_by("code"))
    elif scope_kind == ScopeKind.BUILDINGS:
        numbers = [n for n in _SPLIT_RE.split(spec.strip()) if n]
        if not numbers:
            raise UseError("请填写幢号", code="buildings_required")
        chosen = list(units.filter(building__number__in=numbers).order_by("code"))
        found_numbers = set(
            Building.objects.filter(project=project, number__in=numbers).values_list("number", flat=True)
        )
        missing = sorted(set(numbers) - found_numbers)
        if missing:
            raise UseError(f"项目 {project.name} 没有这些幢：{'、'.join(missing)}", code="building_unknown")
    elif scope_kind == ScopeKind.RANGE:
        ends = [c for c in _RANGE_RE.split(spec.strip()) if c]
        if len(ends) != 2:
            raise UseError("房号范围请填写起止两个房屋编码，用“~”分隔", code="range_ends_required")
        found = {u.code: u for u in units.filter(code__in=ends)}
        missing = [c for c in ends if c not in found]
        if missing:
            raise UseError(f"项目 {project.name} 没有这些房屋：{'、'.join(missing)}", code="unit_unknown")
        first, last = found[ends[0]], found[ends[1]]
        if (first.building_id, first.entrance) != (last.building_id, last.entrance):
            raise UseError("房号范围的起止房屋须在同一幢同一单元", code="range_across_entrances")
        low, high = sorted([_room_key(first), _room_key(last)])
        same = units.filter(building_id=first.building_id, entrance=first.entrance).order_by("code")
        chosen = [u for u in same if low <= _room_key(u) <= high]
    else:
        codes = list(dict.fromkeys(c for c in _SPLIT_RE.split(spec.strip()) if c))
        if not codes:
            raise UseError("请填写房屋编码", code="units_required")
        found = {}
        for start in range(0, len(codes), CHUNK):
            found.update({u.code: u for u in units.filter(code__in=codes[start : start + CHUNK])})
        missing = [c for c in codes if c not in found]
        if missing:
            more = f"等 {len(missing)} 个" if len(missing) > 10 else ""
            raise UseError(f"项目 {project.name} 没有这些房屋：{'、'.join(missing[:10])}{more}", code="unit_unknown")
        chosen = sorted(found.values(), key=lambda u: u.code)
    if not chosen:
        raise UseError("分摊范围内没有房屋", code="empty_scope")
    return chosen


def _room_key(unit: Unit) -> tuple[int, int, str]:
    digits = unit.room.isdigit()
    return (unit.floor, int(unit.room) if digits else 0, "" if digits else unit.room)


def _owners(unit_ids: Sequence[int]) -> dict[int, Ownership]:
    owners: dict[int, Ownership] = {}
    for start in range(0, len(unit_ids), CHUNK):
        chunk = unit_ids[start : start + CHUNK]
        owners.update(
            (o.unit_id, o)
            for o in Ownership.objects.filter(unit_id__in=chunk, end__isnull=True).select_related(
                "person", "enterprise"
            )
        )
    return owners


def _accounts(unit_ids: Sequence[int]) -> dict[int, Account]:
    found: dict[int, Account] = {}
    for start in range(0, len(unit_ids), CHUNK):
        chunk = unit_ids[start : start + CHUNK]
        found.update(
            (a.unit_id, a) for a in Account.objects.filter(kind=Account.Kind.UNIT, unit_id__in=chunk) if a.unit_id
        )
    return found


def _set_scope(application: UseApplication, units: Sequence[Unit]) -> None:
    """Replace the scope's units (votes are cleared) with each unit's area, owner and account now."""
    ids = [u.pk for u in units]
    accounts = _accounts(ids)
    without = [u.code for u in units if u.pk not in accounts or accounts[u.pk].closed is not None]
    if without:
        raise UseError(f"这些房屋没有在用的分户账：{'、'.join(without[:10])}", code="no_open_ledger")
    owners = _owners(ids)
    unsold = developer_key(application.project)
    application.scope_units.all().delete()
    shares = apportion(application.budget, {u.code: u.area for u in units})
    rows = []
    for unit in units:
        ownership = owners.get(unit.pk)
        if ownership is None:
            # Unsold units are the developer's (建设单位): one owner in the headcount, the same one as the
            # units it holds on record.
            name, key = "", unsold
        elif ownership.person_id:
            name, key = ownership.person.name if ownership.person else "", f"p{ownership.person_id}"
        else:
            name, key = ownership.enterprise.name if ownership.enterprise else "", f"e{ownership.enterprise_id}"
        rows.append(
            ScopeUnit(
                application=application,
                unit=unit,
                account=accounts[unit.pk],
                area=unit.area,
                owner_name=name,
                owner_key=key,
                share=shares[unit.code],
            )
        )
    ScopeUnit.objects.bulk_create(rows, batch_size=500)


def developer_key(project: Project) -> str:
    """The owner key of a project's unsold units: its developer's (as for units it holds on record), so the
    developer counts once in the headcount; "developer" when the project names none."""
    return f"e{project.developer_id}" if project.developer_id else "developer"


def _split_budget(application: UseApplication) -> None:
    scope = list(application.scope_units.values_list("pk", "unit__code", "area"))
    if not scope:
        return
    shares = apportion(application.budget, {code: area for _, code, area in scope})
    _update_rows(ScopeUnit, ["share"], [(pk, to_fen(shares[code])) for pk, code, _ in scope])


def _update_rows(model: type[Model], columns: Sequence[str], rows: Sequence[tuple[Any, ...]]) -> None:
    """Set columns of many rows by primary key in a few statements: rows are (pk, value, ...) with the
    values as the database stores them (fen for money). Django's bulk_update builds a CASE per row,
    which costs seconds at a few thousand rows."""
    table = connection.ops.quote_name(model._meta.db_table)
    assignments = ", ".join(
        f"{connection.ops.quote_name(column)} = v.column{index}" for index, column in enumerate(columns, start=2)
    )
    width = len(columns) + 1
    with connection.cursor() as cursor:
        for start in range(0, len(rows), CHUNK // width):
            chunk = rows[start : start + CHUNK // width]
            values = ", ".join(["(" + ", ".join(["%s"] * width) + ")"] * len(chunk))
            cursor.execute(
                f"UPDATE {table} SET {assignments} FROM (VALUES {values}) AS v WHERE {table}.id = v.column1",
                [value for row in chunk for value in row],
            )


@transaction.atomic
def create_application(actor: User | None, data: ApplicationData) -> UseApplication:
    """A draft application with its repair items and its scope materialised as scope units."""
    _validate(data)
    units = resolve_scope(data.project, data.scope_kind, data.scope_spec)
    application = numbering.create_numbered(
        APPLICATION_NUMBERS,
        timezone.localdate().year,
        kind=data.kind,
        title=data.title.strip(),
        project=data.project,
        applicant_kind=data.applicant_kind,
        applicant_enterprise=data.applicant_enterprise,
        applicant_name=(
            data.applicant_name.strip() or (data.applicant_enterprise.name if data.applicant_enterprise else "")
        ),
        emergency_reason=data.emergency_reason.strip() if data.kind == Kind.EMERGENCY else "",
        scope_kind=data.scope_kind,
        scope_spec=data.scope_spec.strip(),
        contractor=data.contractor,
        contractor_bank=data.contractor_bank.strip(),
        contractor_account_number=data.contractor_account_number.strip(),
        budget=sum((b for _, b in data.items), ZERO),
        created_by=actor if actor and actor.pk else None,
    )
    RepairItem.objects.bulk_create(
        RepairItem(application=application, name=name.strip(), budget=budget, position=i)
        for i, (name, budget) in enumerate(data.items)
    )
    _set_scope(application, units)
    workflow.record(WORKFLOW, actor, application, step="create", from_status="")
    audit.record(actor, AuditEvent.Action.CREATE, application, after=audit.snapshot(application, FIELDS))
    return application


@transaction.atomic
def update_application(actor: User | None, application: UseApplication, data: ApplicationData) -> UseApplication:
    """Edit a draft. A changed scope replaces the scope units; changed items (or budget) are split again.
    Either clears the owners' votes: they agreed to that scope and those items, not to the new ones."""
    locked = workflow.lock(WORKFLOW, application, Status.DRAFT)
    _validate(data)
    old_items = [(i.name, i.budget) for i in locked.items.all()]
    new_items = [(name.strip(), budget) for name, budget in data.items]
    items_changed = old_items != new_items
    before = {**audit.snapshot(locked, FIELDS), "items": _items_json(old_items)}
    scope_changed = (data.project.pk, data.scope_kind, data.scope_spec.strip()) != (
        locked.project_id,
        locked.scope_kind,
        locked.scope_spec,
    )
    units = resolve_scope(data.project, data.scope_kind, data.scope_spec) if scope_changed else None
    locked.kind = data.kind
    locked.title = data.title.strip()
    locked.project = data.project
    locked.applicant_kind = data.applicant_kind
    locked.applicant_enterprise = data.applicant_enterprise
    locked.applicant_name = data.applicant_name.strip() or (
        data.applicant_enterprise.name if data.applicant_enterprise else ""
    )
    locked.emergency_reason = data.emergency_reason.strip() if data.kind == Kind.EMERGENCY else ""
    locked.scope_kind = data.scope_kind
    locked.scope_spec = data.scope_spec.strip()
    locked.contractor = data.contractor
    locked.contractor_bank = data.contractor_bank.strip()
    locked.contractor_account_number = data.contractor_account_number.strip()
    locked.budget = sum((b for _, b in data.items), ZERO)
    locked.save()
    if items_changed:
        locked.items.all().delete()
        RepairItem.objects.bulk_create(
            RepairItem(application=locked, name=name, budget=budget, position=i)
            for i, (name, budget) in enumerate(new_items)
        )
    votes_cleared = 0
    if units is not None:
        votes_cleared = locked.scope_units.exclude(vote=Vote.NOT_VOTED).count()
        _set_scope(locked, units)
    elif items_changed:
        _split_budget(locked)
        votes_cleared = locked.scope_units.exclude(vote=Vote.NOT_VOTED).update(vote=Vote.NOT_VOTED)
    _retally(locked)
    after = {**audit.snapshot(locked, FIELDS), "items": _items_json(new_items)}
    if after != before or votes_cleared:
        if votes_cleared:
            after["votes_cleared"] = votes_cleared
        note = "分摊范围或维修内容变更，已清空业主表决，须重新表决" if votes_cleared else ""
        audit.record(actor, AuditEvent.Action.UPDATE, locked, before=before, after=after, note=note)
    return locked


def _items_json(items: Iterable[tuple[str, Decimal]]) -> list[list[str]]:
    return [[name, str(budget)] for name, budget in items]


# --- votes ---------------------------------------------------------------------------------------------


def _retally(application: UseApplication) -> None:
    if application.kind == Kind.EMERGENCY:
        application.vote, application.vote_passed = None, False
    else:
        try:
            result = tally(application)
        except UseError:
            application.vote, application.vote_passed = None, False
        else:
            application.vote, application.vote_passed = result.as_json(), result.outcome.passed
    application.save(update_fields=["vote", "vote_passed"])


def _votable(application: UseApplication) -> UseApplication:
    locked = workflow.lock(WORKFLOW, application, Status.DRAFT)
    if locked.kind == Kind.EMERGENCY:
        raise UseError("应急使用不需要业主表决", code="emergency_no_vote")
    return locked


@transaction.atomic
def record_votes(actor: User | None, application: UseApplication, votes: Mapping[str, str]) -> Tally:
    """Set the votes of scope units by unit code (the grid page); refuses unknown codes, unknown choices
    and an owner whose units would carry different votes. Returns the new tally."""
    locked = _votable(application)
    scope = {s.unit.code: s for s in locked.scope_units.select_related("unit")}
    unknown = [code for code in votes if code not in scope]
    if unknown:
        raise UseError(f"这些房屋不在分摊范围内：{'、'.join(unknown[:10])}", code="unit_not_in_scope")
    bad = [code for code, vote in votes.items() if vote not in Vote.values]
    if bad:
        raise UseError(f"表决意见错误：{'、'.join(bad[:10])}", code="vote_invalid")
    changed = [s for code, s in scope.items() if code in votes and s.vote != votes[code]]
    changes = {s.unit.code: [s.vote, votes[s.unit.code]] for s in changed}
    before = locked.vote
    for s in changed:
        s.vote = votes[s.unit.code]
    _, conflicts = owner_choices((s.owner_key, code, s.vote) for code, s in scope.items())
    if conflicts:
        raise UseError(f"同一业主的房屋表决意见不一致：{'、'.join(conflicts[:10])}", code="owner_votes_differ")
    _update_rows(ScopeUnit, ["vote"], [(s.pk, s.vote) for s in changed])
    result = tally(locked)
    locked.vote, locked.vote_passed = result.as_json(), result.outcome.passed
    locked.save(update_fields=["vote", "vote_passed"])
    audit.record(
        actor,
        AuditEvent.Action.UPDATE,
        locked,
        before={"vote": before},
        after={"votes": changes, "vote": locked.vote},
        note=f"录入业主表决：{len(changed)} 户变更",
    )
    return result


# --- workflow ------------------------------------------------------------------------------------------


def take_step(actor: User | None, application: UseApplication, step: str, *, note: str = "") -> UseApplication:
    """Move the application one step (submit, review, approve, send_back, withdraw, close) through the
    workflow kit: state, role, reason and separation of duties are checked on the locked row; submitting
    also needs what a submission carries (a passed vote for an ordinary application)."""
    check = _check_submittable if step == "submit" else None
    return workflow.take_step(WORKFLOW, actor, application, step, note=note, check=check)


def _check_submittable(application: UseApplication) -> None:
    if application.budget <= 0:
        raise UseError("预算须大于零", code="budget_not_positive")
    if not application.scope_units.exists():
        raise UseError("分摊范围内没有房屋", code="empty_scope")
    if application.contractor_id is None or not application.contractor_account_number:
        raise UseError("请填写施工单位及其收款账号", code="contractor_required")
    if application.kind == Kind.ORDINARY:
        result = tally(application)
        application.vote, application.vote_passed = result.as_json(), result.outcome.passed
        application.save(update_fields=["vote", "vote_passed"])
        if not result.outcome.passed:
            why = "未达到参与表决人数" if not result.outcome.quorum_met else "同意的面积或人数未过半"
            raise UseError(f"业主表决未通过（{why}），不能提交审核", code="vote_not_passed")


# --- the split and payments ----------------------------------------------------------------------------


@transaction.atomic
def pay(
    actor: User | None,
    application: UseApplication,
    *,
    kind: str,
    value_date: dt.date,
    amount: Decimal | None = None,
    final_cost: Decimal | None = None,
    bank: Account | None = None,
    expected_payments: int | None = None,
) -> UsePayment:
    """Pay an advance (amount, within the budget) or the settlement (on the audited final cost). Either
    is split by area on the running total (what was paid plus this payment), each unit paying its share
    of it less what it covered already. One USE entry takes each unit's part from its account, up to its
    balance; the rest is the owner's own payment.

    expected_payments: how many payments the caller saw (the form or the API request carries it); when
    the application has another count by the time it is locked, a payment came in between (a double
    click, a retried request) and this one is refused."""
    from anju.fund.refunds.actions import RefundError, payment_bank

    locked = workflow.lock(WORKFLOW, application, Status.APPROVED, Status.PAYING)
    if expected_payments is not None and locked.payments.count() != expected_payments:
        raise UseError("该申请已有新的拨付，请刷新后再试", code="stale_payments")
    _check_value_date(locked, value_date)
    try:
        bank = payment_bank(bank)
    except RefundError as exc:
        raise UseError(str(exc), code="value_date_calendar") from exc
    scope = list(locked.scope_units.select_related("unit").order_by("unit__code"))
    weights = {s.unit.code: s.area for s in scope}
    covered = {s.unit.code: s.paid_fund + s.paid_self for s in scope}
    if kind == UsePayment.Kind.ADVANCE:
        if amount is None or amount <= 0 or amount != amount.quantize(FEN):
            raise UseError("预付款金额须为正数，最多两位小数", code="advance_invalid")
        advanced = sum(covered.values(), ZERO)
        if advanced + amount > locked.budget:
            raise UseError(f"预付款累计 {advanced + amount} 超过预算 {locked.budget}", code="advance_over_budget")
        parts = _instalment(advanced + amount, weights, covered)
        next_status = Status.PAYING
    elif kind == UsePayment.Kind.SETTLEMENT:
        if final_cost is None or final_cost <= 0 or final_cost != final_cost.quantize(FEN):
            raise UseError("审计结算金额须为正数，最多两位小数", code="final_cost_invalid")
        paid = sum(covered.values(), ZERO)
        if final_cost < paid:
            raise UseError(f"审计结算金额 {final_cost} 低于已拨付的 {paid}，不能结算", code="final_cost_below_paid")
        parts = _instalment(final_cost, weights, covered)
        amount = sum(parts.values(), ZERO)
        next_status = Status.PAID
    else:
        raise UseError("拨付类型错误", code="payment_kind_invalid")
    # Lock the unit accounts and the bank in id order (as ledger.post does) before reading balances, so
    # a concurrent payment from the same accounts waits and then sees what this one took.
    locked_accounts = ledger._lock_accounts([s.account_id for s in scope] + [bank.pk])
    shares: list[tuple[ScopeUnit, Decimal, Decimal]] = []
    for s in scope:
        part = parts[s.unit.code]
        from_fund = min(part, max(locked_accounts[s.account_id].balance, ZERO))
        shares.append((s, part, from_fund))
    from_fund_total = sum((f for _, _, f in shares), ZERO)
    entry: JournalEntry | None = None
    if from_fund_total > 0:
        legs = [ledger.debit(locked_accounts[s.account_id], f) for s, _, f in shares if f > 0]
        legs.append(ledger.credit(locked_accounts[bank.pk], from_fund_total))
        label = "预付款" if kind == UsePayment.Kind.ADVANCE else "结算款"
        emergency = "（应急使用）" if locked.is_emergency else ""
        entry = ledger.post(
            kind=JournalEntry.Kind.USE,
            value_date=value_date,
            legs=legs,
            actor=actor,
            memo=f"{locked.project.name}{locked.title}{emergency}，{locked.number} {label}",
            document=f"use_application:{locked.pk}",
        )
    payment = UsePayment.objects.create(
        application=locked,
        kind=kind,
        amount=amount,
        from_fund=from_fund_total,
        self_funded=amount - from_fund_total,
        value_date=value_date,
        bank_account=bank,
        entry=entry,
        created_by=actor if actor and actor.pk else None,
    )
    UsePaymentShare.objects.bulk_create(
        [
            UsePaymentShare(payment=payment, scope_unit=s, amount=part, from_fund=f, self_funded=part - f)
            for s, part, f in shares
            if part
        ],
        batch_size=500,
    )
    for s, part, f in shares:
        s.paid_fund += f
        s.paid_self += part - f
    _update_rows(
        ScopeUnit, ["paid_fund", "paid_self"], [(s.pk, to_fen(s.paid_fund), to_fen(s.paid_self)) for s, _, _ in shares]
    )
    audit.record(
        actor,
        AuditEvent.Action.CREATE,
        payment,
        after={
            "kind": kind,
            "amount": str(amount),
            "from_fund": str(from_fund_total),
            "self_funded": str(amount - from_fund_total),
            "entry": entry.seq if entry else None,
        },
    )
    changes: dict[str, Any] = {"final_cost": final_cost} if kind == UsePayment.Kind.SETTLEMENT else {}
    note = f"{amount}" + (f"（其中业主自筹 {amount - from_fund_total}）" if amount != from_fund_total else "")
    if locked.status != next_status or changes:
        workflow.move(WORKFLOW, actor, locked, next_status, step=kind, note=note, **changes)
    else:
        workflow.record(WORKFLOW, actor, locked, step=kind, note=note)
    return payment


def _instalment(total: Decimal, weights: Mapping[str, Decimal], covered: Mapping[str, Decimal]) -> dict[str, Decimal]:
    try:
        return rules.settlement_split(total, weights, covered)
    except ValueError as exc:  # not expected once the amounts are checked; named rather than hidden
        raise UseError(f"拨付金额无法按建筑面积分摊到各户：{exc}", code="split_impossible") from exc


def _check_value_date(application: UseApplication, value_date: dt.date) -> None:
    """A payment is dated between the approval and today, and after the latest interest allocation: that
    allocation shared the interest by the balances of each day up to its date (积数), which a payment
    dated on or before it would change after the fact."""
    if value_date > timezone.localdate():
        raise UseError("拨付日期不能晚于今天", code="future_date")
    approved = approval_date(application)
    if approved is not None and value_date < approved:
        raise UseError(f"拨付日期不能早于审批同意日期 {approved:%Y-%m-%d}", code="before_approval")
    interest = last_interest_date()
    if interest is not None and value_date <= interest:
        raise UseError(
            f"拨付日期须晚于最近一次利息分配的记账日期 {interest:%Y-%m-%d}（该期利息已按每日余额分配）",
            code="before_interest",
        )


# --- attachments ---------------------------------------------------------------------------------------

# Kinds of file an application carries; stored as shown (core attachments keep the kind as text).
ATTACHMENT_KINDS = ("报价单", "现场照片", "施工合同", "业主表决资料", "审计报告", "验收资料", "其他")


def attach(actor: User | None, application: UseApplication, *, kind: str, upload: Any) -> Attachment:
    """Store an uploaded file with the application (core attachments, fund's permission scope)."""
    if kind not in ATTACHMENT_KINDS:
        raise UseError("附件类型错误", code="attachment_kind_invalid")
    if application.status in (Status.CLOSED, Status.WITHDRAWN):
        raise UseError("已归档或撤回的申请不能再上传附件", code="attachment_closed")
    return attachments.attach(application, upload, module="fund", kind=kind, actor=actor)


# --- reads ---------------------------------------------------------------------------------------------


# --- history ------------------------------------------------------------------------------------------


@dataclass
class PaidHistory:
    """Applications paid before they were kept in Anju (the demo city's repairs), as rows with explicit
    ids in the columns `record_paid_history` names, their payments pointing at entries already posted."""

    applications: list[tuple[Any, ...]]
    items: list[tuple[Any, ...]]
    scope_units: list[tuple[Any, ...]]
    events: list[tuple[Any, ...]]
    payments: list[tuple[Any, ...]]
    shares: list[tuple[Any, ...]]


@transaction.atomic
def record_paid_history(history: PaidHistory) -> int:
    """File paid applications with their items, scope units, workflow events, payments and shares,
    set-based (multi-row INSERTs, `anju.core.bulk`); nothing posts. Returns how many applications."""
    bulk.insert_rows(
        UseApplication,
        [
            "id",
            "number",
            "kind",
            "title",
            "project_id",
            "applicant_kind",
            "applicant_name",
            "emergency_reason",
            "scope_kind",
            "scope_spec",
            "contractor_id",
            "contractor_bank",
            "contractor_account_number",
            "budget",
            "final_cost",
            "status",
            "vote",
            "vote_passed",
            "created",
            "created_by_id",
        ],
        history.applications,
    )
    bulk.insert_rows(RepairItem, ["id", "application_id", "name", "budget", "position"], history.items)
    bulk.insert_rows(
        ScopeUnit,
        [
            "id",
            "application_id",
            "unit_id",
            "account_id",
            "area",
            "owner_name",
            "owner_key",
            "vote",
            "share",
            "paid_fund",
            "paid_self",
        ],
        history.scope_units,
    )
    bulk.insert_rows(ApplicationEvent, event_columns("application"), history.events)
    bulk.insert_rows(
        UsePayment,
        [
            "id",
            "application_id",
            "kind",
            "amount",
            "from_fund",
            "self_funded",
            "value_date",
            "bank_account_id",
            "entry_id",
            "created",
            "created_by_id",
        ],
        history.payments,
    )
    bulk.insert_rows(
        UsePaymentShare, ["id", "payment_id", "scope_unit_id", "amount", "from_fund", "self_funded"], history.shares
    )
    bulk.reset_sequences(UseApplication, RepairItem, ScopeUnit, ApplicationEvent, UsePayment, UsePaymentShare)
    return len(history.applications)
