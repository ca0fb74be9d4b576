"""Every change to arrears records: one verb-named, atomic, audited function each.

Recovered money posts one RECOVERY entry to the journal (the bank special account debited, the case's
unit ledgers credited). A unit whose arrears are fully recovered becomes an ordinary account: its first
deposit (首期交存额) is recorded as the amount recovered, so replenishment (续交, below 30%) and the
owners' query treat it like any unit that paid on time."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from django.db import IntegrityError, transaction
from django.db.models import Count, Sum
from django.utils import timezone

from anju.core import audit, numbering
from anju.core.fields import MoneyField
from anju.core.models import AuditEvent, User
from anju.fund import ledger
from anju.fund.arrears import rules
from anju.fund.arrears.errors import ArrearsError
from anju.fund.arrears.models import (
    ZERO,
    ArrearsItem,
    CaseAction,
    Evidence,
    Recovery,
    RecoveryCase,
    RecoveryTarget,
    SchedulingMeeting,
)
from anju.fund.models import Account, JournalEntry
from anju.lib.money import positive_amount
from anju.registry.models import Enterprise, Project, Unit


def _money(amount: Decimal, what: str) -> Decimal:
    return positive_amount(amount, what, ArrearsError)


CASE_NUMBERS = numbering.Scheme(RecoveryCase, "ZJ", 4)  # 追缴案件


@transaction.atomic
def set_target(
    actor: User | None, *, year: int, amount: Decimal, issued_by: str = "", document: str = ""
) -> RecoveryTarget:
    """Record (or change) the year's recovery task."""
    _money(amount, "追缴任务金额")
    target = RecoveryTarget.objects.select_for_update().filter(year=year).first()
    if target is None:
        target = RecoveryTarget.objects.create(year=year, amount=amount, issued_by=issued_by, document=document)
        audit.record(actor, AuditEvent.Action.CREATE, target, after=audit.snapshot(target))
        return target
    before = audit.snapshot(target)
    target.amount, target.issued_by, target.document = amount, issued_by, document
    target.save()
    audit.record_change(actor, target, before)
    return target


@transaction.atomic
def open_case(
    actor: User | None,
    *,
    developer: Enterprise,
    project: Project,
    opened_on: dt.date,
    items: Sequence[tuple[Unit, Decimal]] = (),
    note: str = "",
) -> RecoveryCase:
    """Open a case for a developer's arrears on a project, with the units owed (each unit in one case only).

    Two users opening the same case at once collide on the unique developer and project: the loser gets an
    ArrearsError, never a 500."""
    exists = ArrearsError(f"{developer.name}在{project.name}的追缴案件已存在", code="case_exists")
    if RecoveryCase.objects.filter(developer=developer, project=project).exists():
        raise exists
    try:
        with transaction.atomic():
            case = numbering.create_numbered(
                CASE_NUMBERS,
                opened_on.year,
                developer=developer,
                project=project,
                opened_on=opened_on,
                note=note,
                created_by=actor if actor and actor.pk else None,
            )
    except IntegrityError:
        raise exists from None
    audit.record(actor, AuditEvent.Action.CREATE, case, after=audit.snapshot(case, ["number", "developer", "project"]))
    if items:
        add_items(actor, case, items)
    return case


@transaction.atomic
def add_items(actor: User | None, case: RecoveryCase, items: Sequence[tuple[Unit, Decimal]]) -> list[ArrearsItem]:
    """Add units owed to a case. A unit must belong to the case's project, have a ledger, and not be in any case."""
    _lock(case)
    accounts = {
        a.unit_id: a for a in Account.objects.filter(kind=Account.Kind.UNIT, unit__in=[unit for unit, _ in items])
    }
    taken = set(ArrearsItem.objects.filter(unit__in=[unit for unit, _ in items]).values_list("unit_id", flat=True))
    seen: set[int] = set()
    created = []
    for unit, amount in items:
        _money(amount, f"{unit.code} 欠缴金额")
        if unit.project_id != case.project_id:
            raise ArrearsError(f"{unit.code} 不属于{case.project.name}", code="other_project")
        if unit.pk in taken or unit.pk in seen:
            raise ArrearsError(f"{unit.code} 已在追缴案件中", code="unit_in_case")
        if unit.pk not in accounts:
            raise ArrearsError(f"{unit.code} 没有分户账", code="no_ledger")
        seen.add(unit.pk)
        created.append(ArrearsItem(case=case, unit=unit, account=accounts[unit.pk], amount=amount))
    try:
        with transaction.atomic():
            ArrearsItem.objects.bulk_create(created)
    except IntegrityError:  # another user added one of these units meanwhile
        raise ArrearsError("所选房屋已在追缴案件中，请刷新后重试", code="unit_in_case") from None
    refresh_case(case)
    audit.record(
        actor,
        AuditEvent.Action.UPDATE,
        case,
        after={"items_added": [[i.unit.code, str(i.amount)] for i in created]},
        note="追缴明细",
    )
    return created


def _lock(case: RecoveryCase) -> RecoveryCase:
    """Lock the case row for the rest of the transaction: changes to one case's items, timeline and
    recoveries run one at a time, so the cached totals are computed from what the others committed."""
    return RecoveryCase.objects.select_for_update().get(pk=case.pk)


@transaction.atomic
def refresh_case(case: RecoveryCase) -> RecoveryCase:
    """Recompute the case's cached sums and stage from its items and timeline, under the case's row lock."""
    _lock(case)
    sums = case.items.aggregate(
        owed=Sum("amount", output_field=MoneyField()),
        recovered=Sum("recovered", output_field=MoneyField()),
        households=Count("pk"),
    )
    case.owed = sums["owed"] or ZERO
    case.recovered = sums["recovered"] or ZERO
    case.households = sums["households"]
    kinds = list(case.actions.order_by("date", "pk").values_list("kind", flat=True))
    case.stage = rules.case_stage(kinds, case.owed, case.recovered)
    case.save(update_fields=["owed", "recovered", "households", "stage"])
    return case


@transaction.atomic
def add_action(
    actor: User | None,
    case: RecoveryCase,
    *,
    kind: str,
    date: dt.date,
    participants: str = "",
    note: str = "",
    amount: Decimal | None = None,
) -> CaseAction:
    """Add a step to the case's timeline (notice, interview, transfer, suit, auction ...); the stage follows."""
    if kind not in rules.ACTION_KINDS:
        raise ArrearsError(f"未知的追缴措施：{kind}", code="unknown_action")
    if amount is not None:
        _money(amount, "涉及金额")
    if kind == rules.FAILED_AUCTION and amount is None:
        raise ArrearsError("流拍须填写涉及欠缴金额", code="amount_required")
    if kind == rules.JOINT_INTERVIEW and not participants.strip():
        raise ArrearsError("联合约谈须填写参加单位", code="participants_required")
    _lock(case)
    if kind == rules.FAILED_AUCTION and amount is not None:
        outstanding = developer_outstanding(case.developer_id)
        if amount > outstanding:
            raise ArrearsError(
                f"流拍涉及欠缴金额 {amount} 超过该开发企业尚欠总额 {outstanding}", code="over_outstanding"
            )
    action = CaseAction.objects.create(
        case=case,
        kind=kind,
        date=date,
        participants=participants,
        note=note,
        amount=amount,  # type: ignore[misc]
        created_by=actor if actor and actor.pk else None,
    )
    refresh_case(case)
    audit.record(
        actor,
        AuditEvent.Action.CREATE,
        action,
        after=audit.snapshot(action, ["case", "kind", "date", "participants", "note", "amount"]),
    )
    return action


def developer_outstanding(developer_id: int) -> Decimal:
    """What a developer still owes across all its cases."""
    sums = RecoveryCase.objects.filter(developer_id=developer_id).aggregate(
        owed=Sum("owed", output_field=MoneyField()), recovered=Sum("recovered", output_field=MoneyField())
    )
    return (sums["owed"] or ZERO) - (sums["recovered"] or ZERO)


@transaction.atomic
def add_evidence(
    actor: User | None,
    case: RecoveryCase,
    *,
    collected_on: dt.date,
    description: str,
    units: Sequence[str] | None = None,
) -> Evidence:
    """Record evidence collected on a case covering some of its units (by unit code; None: all of them).
    Its households and amount are those units' count and owed sum."""
    _lock(case)
    items = case.items.select_related("unit").order_by("unit__code")
    if units is not None:
        codes = {code.strip() for code in units if code.strip()}
        if not codes:
            raise ArrearsError("请填写证据涉及的房屋编码", code="units_required")
        items = items.filter(unit__code__in=codes)
        missing = sorted(codes - {item.unit.code for item in items})
        if missing:
            raise ArrearsError(f"房屋不在本案件中：{'、'.join(missing[:10])}", code="unit_not_in_case")
    covered = list(items)
    if not covered:
        raise ArrearsError("案件没有欠缴明细，无法登记证据", code="no_items")
    evidence = Evidence.objects.create(
        case=case,
        collected_on=collected_on,
        description=description,
        households=len(covered),
        amount=sum((item.amount for item in covered), ZERO),
        created_by=actor if actor and actor.pk else None,
    )
    evidence.items.set(covered)
    audit.record(
        actor,
        AuditEvent.Action.CREATE,
        evidence,
        after={**audit.snapshot(evidence), "units": [item.unit.code for item in covered]},
    )
    return evidence


def interest_allocated(year: int) -> bool:
    """Whether the year's interest has been allocated (`anju.fund.interest` posts it with this document)."""
    return JournalEntry.objects.filter(kind=JournalEntry.Kind.INTEREST, document=f"interest:{year}").exists()


@transaction.atomic
def record_recovery(
    actor: User | None,
    case: RecoveryCase,
    *,
    amount: Decimal,
    received_on: dt.date,
    bank: Account,
    bank_txn_id: str,
    payer: str = "",
) -> Recovery:
    """Money recovered from the developer: one RECOVERY entry crediting the case's unit ledgers (the whole
    outstanding amount of each when the payment clears the case, else split by what each still owes).

    The bank's transaction id is the idempotency key: a second submission of the same payment (a double
    click, a retry, two users at once) is refused with an ArrearsError. A payment dated in the future, or in
    a year whose interest is already allocated (the 积数 split would no longer match the journal), is refused."""
    _money(amount, "追缴金额")
    bank_txn_id = (bank_txn_id or "").strip()
    if not bank_txn_id:
        raise ArrearsError("请填写银行交易流水号", code="txn_id_required")
    if bank.kind != Account.Kind.BANK:
        raise ArrearsError("入账账户应为维修资金专户", code="not_bank_account")
    if received_on > timezone.localdate():
        raise ArrearsError(f"到账日期 {received_on} 晚于今天", code="future_date")
    if interest_allocated(received_on.year):
        raise ArrearsError(
            f"{received_on.year} 年度利息已分配，不能再登记该年度到账的追缴款，请按实际入账日期登记",
            code="interest_allocated",
        )
    duplicate = ArrearsError(f"银行交易流水号 {bank_txn_id} 已入账", code="duplicate_txn")
    if JournalEntry.objects.filter(bank_txn_id=bank_txn_id).exists():
        raise duplicate
    case = _lock(case)
    items = list(case.items.select_related("unit", "account").order_by("unit__code"))
    outstanding = {item.unit.code: item.outstanding for item in items}
    try:
        shares = rules.split_recovery(amount, outstanding)
    except ValueError:
        raise ArrearsError(
            f"追缴金额 {amount} 超过尚欠金额 {sum(outstanding.values(), ZERO)}", code="over_outstanding"
        ) from None
    by_code = {item.unit.code: item for item in items}
    legs = [ledger.debit(bank, amount)]
    legs.extend(ledger.credit(by_code[code].account, share) for code, share in sorted(shares.items()) if share > 0)
    try:
        with transaction.atomic():
            entry = ledger.post(
                kind=JournalEntry.Kind.RECOVERY,
                value_date=received_on,
                legs=legs,
                actor=actor,
                memo=f"{case.project.name} 开发企业代收维修资金追缴入库（{case.number}）",
                document=f"arrears_case:{case.pk}",
                bank_txn_id=bank_txn_id,
            )
    except IntegrityError:  # the same transaction id posted meanwhile by another request
        raise duplicate from None
    recovery = Recovery.objects.create(
        case=case,
        received_on=received_on,
        amount=amount,
        payer=payer or case.developer.name,
        bank=bank,
        entry=entry,
        created_by=actor if actor and actor.pk else None,
    )
    cleared = []
    changed = []
    for code, share in shares.items():
        item = by_code[code]
        if share <= 0:
            continue
        item.recovered += share
        item.status = rules.item_status(item.amount, item.recovered)
        changed.append(item)
        if item.status == rules.ITEM_RECOVERED:
            cleared.append(item)
    ArrearsItem.objects.bulk_update(changed, ["recovered", "status"])
    # Cleared units become ordinary ledgers: their first deposit is what was recovered (see the module note).
    by_account = {item.account_id: item for item in cleared}
    ledgers = list(Account.objects.filter(pk__in=by_account, first_deposit=0))
    for ledger_account in ledgers:
        ledger_account.first_deposit = by_account[ledger_account.pk].amount
    Account.objects.bulk_update(ledgers, ["first_deposit"], batch_size=1000)
    first_deposits = sorted([by_account[a.pk].unit.code, "0.00", str(a.first_deposit)] for a in ledgers)
    refresh_case(case)
    audit.record(
        actor,
        AuditEvent.Action.CREATE,
        recovery,
        after={
            "case": case.number,
            "amount": str(amount),
            "received_on": received_on.isoformat(),
            "entry": entry.seq,
            "bank_txn_id": bank_txn_id,
            "units": len(changed),
            "cleared": len(cleared),
            # The ledgers that became ordinary accounts: unit code, first deposit before and after.
            "first_deposit": first_deposits,
        },
    )
    return recovery


@transaction.atomic
def record_meeting(
    actor: User | None, *, date: dt.date, title: str, attendees: str = "", decisions: str = ""
) -> SchedulingMeeting:
    meeting = SchedulingMeeting.objects.create(date=date, title=title, attendees=attendees, decisions=decisions)
    audit.record(actor, AuditEvent.Action.CREATE, meeting, after=audit.snapshot(meeting))
    return meeting


ITEM_HEADERS = ("房屋编码", "欠缴金额")  # the columns of `items_import.COLUMNS`, for callers writing the file


# Cases of a past year entered at once (the year's register taken over from paper, the demo city):
# set-based, each case's stage, sums and recoveries computed by the same rules as the actions above.


class PastItem(NamedTuple):
    unit_id: int
    account_id: int
    code: str
    amount: Decimal  # owed


class PastStep(NamedTuple):
    kind: str
    date: dt.date
    participants: str
    note: str
    amount: Decimal | None


@dataclass(frozen=True)
class PastEvidence:
    collected_on: dt.date
    description: str
    covered: Sequence[int]  # indexes into the case's items


@dataclass(frozen=True)
class PastCase:
    developer_id: int
    project_id: int
    name: str  # the project's, for the journal's memo
    opened_on: dt.date
    note: str
    items: Sequence[PastItem]
    steps: Sequence[PastStep]
    evidence: PastEvidence | None = None
    recovered: Decimal = ZERO  # paid in one sum on recovered_on, split over the items by what each owes
    recovered_on: dt.date | None = None


@dataclass(frozen=True)
class LoadedCases:
    cases: list[RecoveryCase]
    items: int
    recoveries: int


@transaction.atomic
def load_cases(
    actor: User | None, cases: Sequence[PastCase], *, year: int, bank: Account, note: str = ""
) -> LoadedCases:
    """Enter a past year's cases with their units, timeline, evidence and recoveries in a few statements.

    The recoveries are posted with their own dates (`ledger.post_many`, one RECOVERY entry per case),
    also into a year whose interest is allocated: its allocation took them into account. Units cleared
    become ordinary ledgers as in `record_recovery`. One audit event for the batch."""
    for case in cases:
        for step in case.steps:
            if step.kind not in rules.ACTION_KINDS:
                raise ArrearsError(f"未知的追缴措施：{step.kind}", code="unknown_action")
    numbers = numbering.next_numbers(CASE_NUMBERS, year, len(cases))
    created = RecoveryCase.objects.bulk_create(
        RecoveryCase(
            number=number,
            developer_id=case.developer_id,
            project_id=case.project_id,
            opened_on=case.opened_on,
            note=case.note,
            created_by=actor if actor and actor.pk else None,
        )
        for number, case in zip(numbers, cases, strict=True)
    )
    items: list[ArrearsItem] = []
    steps: list[CaseAction] = []
    evidence: list[Evidence] = []
    covered: list[list[int]] = []  # per evidence record, indexes into items
    specs: list[ledger.EntrySpec] = []
    paid: list[tuple[RecoveryCase, PastCase]] = []
    cleared: list[Account] = []
    for record, case in zip(created, cases, strict=True):
        shares = rules.split_recovery(case.recovered, {i.code: i.amount for i in case.items}) if case.recovered else {}
        legs = [ledger.debit(bank, case.recovered)] if case.recovered else []
        first = len(items)
        for item in case.items:
            share = shares.get(item.code, ZERO)
            items.append(
                ArrearsItem(
                    case=record,
                    unit_id=item.unit_id,
                    account_id=item.account_id,
                    amount=item.amount,
                    recovered=share,
                    status=rules.item_status(item.amount, share),
                )
            )
            if share:
                legs.append(ledger.credit(Account(pk=item.account_id, kind=Account.Kind.UNIT), share))
            if share == item.amount:
                cleared.append(Account(pk=item.account_id, first_deposit=item.amount))
        timeline = sorted(case.steps, key=lambda step: step.date)
        steps.extend(CaseAction(case=record, **step._asdict()) for step in timeline)
        if case.evidence is not None:
            evidence.append(
                Evidence(
                    case=record,
                    collected_on=case.evidence.collected_on,
                    description=case.evidence.description,
                    households=len(case.evidence.covered),
                    amount=sum((case.items[i].amount for i in case.evidence.covered), ZERO),
                )
            )
            covered.append([first + i for i in case.evidence.covered])
        record.owed = sum((i.amount for i in case.items), ZERO)
        record.recovered = sum(shares.values(), ZERO)
        record.households = len(case.items)
        record.stage = rules.case_stage([step.kind for step in timeline], record.owed, record.recovered)
        if case.recovered and case.recovered_on is not None:
            specs.append(
                ledger.EntrySpec(
                    JournalEntry.Kind.RECOVERY,
                    case.recovered_on,
                    legs,
                    f"{case.name} 开发企业代收维修资金追缴入库（{record.number}）",
                    document=f"arrears_case:{record.pk}",
                    bank_txn_id=f"ZJ{case.recovered_on:%Y%m%d}{record.pk:06d}",
                )
            )
            paid.append((record, case))
    ArrearsItem.objects.bulk_create(items, batch_size=2000)
    CaseAction.objects.bulk_create(steps, batch_size=2000)
    Evidence.objects.bulk_create(evidence)
    Evidence.items.through.objects.bulk_create(
        (
            Evidence.items.through(evidence_id=record.pk, arrearsitem_id=items[index].pk)
            for record, indexes in zip(evidence, covered, strict=True)
            for index in indexes
        ),
        batch_size=2000,
    )
    RecoveryCase.objects.bulk_update(created, ["owed", "recovered", "households", "stage"], batch_size=500)
    names = Enterprise.objects.in_bulk([record.developer_id for record, _ in paid])
    entries = ledger.post_many(specs, actor=actor, note=note)
    Recovery.objects.bulk_create(
        Recovery(
            case=record,
            received_on=entry.value_date,
            amount=case.recovered,
            payer=names[record.developer_id].name,
            bank=bank,
            entry_id=entry.pk,
        )
        for (record, case), entry in zip(paid, entries, strict=True)
    )
    Account.objects.bulk_update(cleared, ["first_deposit"], batch_size=1000)
    audit.record(
        actor,
        AuditEvent.Action.IMPORT,
        model="arrears.RecoveryCase",
        object_repr=f"{year}年追缴案件",
        after={"cases": len(created), "items": len(items), "recoveries": len(entries)},
        note=note,
    )
    return LoadedCases(created, len(items), len(entries))
