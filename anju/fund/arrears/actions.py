"""Every change to arrears records: one verb-named, atomic, audited function each.

Recovered money posts one RECOVERY entry to the journal (the bank special account debited, the case's
unit ledgers credited). A unit whose arrears are fully recovered becomes an ordinary account: its first
deposit (首期交存额) is recorded as the amount recovered, so replenishment (续交, below 30%) and the
owners' query treat it like any unit that paid on time."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Sum

from anju.core import audit
from anju.core.fields import MoneyField
from anju.core.models import AuditEvent, User
from anju.fund import ledger
from anju.fund.arrears import rules
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
from anju.lib.money import FEN
from anju.lib.tabular import FILE_ROW, ImportRejected, RowError, parse_decimal, read_table
from anju.registry.models import Enterprise, Project, Unit


class ArrearsError(ValueError):
    """A change the rules refuse; the message is Chinese and says why."""


def _money(amount: Decimal, what: str) -> Decimal:
    if amount <= 0:
        raise ArrearsError(f"{what}应大于0")
    if amount != amount.quantize(FEN):
        raise ArrearsError(f"{what}最多两位小数")
    return amount


def next_case_number(year: int) -> str:
    prefix = f"ZJ{year}-"
    last = (
        RecoveryCase.objects.filter(number__startswith=prefix).order_by("-number").values_list("number", flat=True)
    ).first()
    return f"{prefix}{int(last[len(prefix) :]) + 1 if last else 1:04d}"


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
    """Open a case for a developer's arrears on a project, with the units owed (each unit in one case only)."""
    if RecoveryCase.objects.filter(developer=developer, project=project).exists():
        raise ArrearsError(f"{developer.name}在{project.name}的追缴案件已存在")
    case = RecoveryCase.objects.create(
        number=next_case_number(opened_on.year),
        developer=developer,
        project=project,
        opened_on=opened_on,
        note=note,
        created_by=actor if actor and actor.pk else None,
    )
    audit.record(actor, AuditEvent.Action.CREATE, case, after=audit.snapshot(case, ["number", "developer", "project"]))
    if items:
        add_items(actor, case, items)
    return case


@transaction.atomic
def add_items(actor: User | None, case: RecoveryCase, items: Sequence[tuple[Unit, Decimal]]) -> list[ArrearsItem]:
    """Add units owed to a case. A unit must belong to the case's project, have a ledger, and not be in any case."""
    accounts = {
        a.unit_id: a for a in Account.objects.filter(kind=Account.Kind.UNIT, unit__in=[unit for unit, _ in items])
    }
    taken = set(ArrearsItem.objects.filter(unit__in=[unit for unit, _ in items]).values_list("unit_id", flat=True))
    seen: set[int] = set()
    created = []
    for unit, amount in items:
        _money(amount, f"{unit.code} 欠缴金额")
        if unit.project_id != case.project_id:
            raise ArrearsError(f"{unit.code} 不属于{case.project.name}")
        if unit.pk in taken or unit.pk in seen:
            raise ArrearsError(f"{unit.code} 已在追缴案件中")
        if unit.pk not in accounts:
            raise ArrearsError(f"{unit.code} 没有分户账")
        seen.add(unit.pk)
        created.append(ArrearsItem(case=case, unit=unit, account=accounts[unit.pk], amount=amount))
    ArrearsItem.objects.bulk_create(created)
    refresh_case(case)
    audit.record(
        actor,
        AuditEvent.Action.UPDATE,
        case,
        after={"items_added": [[i.unit.code, str(i.amount)] for i in created]},
        note="追缴明细",
    )
    return created


def refresh_case(case: RecoveryCase) -> RecoveryCase:
    """Recompute the case's cached sums and stage from its items and timeline."""
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
        raise ArrearsError(f"未知的追缴措施：{kind}")
    if amount is not None:
        _money(amount, "涉及金额")
    if kind == rules.FAILED_AUCTION and amount is None:
        raise ArrearsError("流拍须填写涉及欠缴金额")
    if kind == rules.JOINT_INTERVIEW and not participants.strip():
        raise ArrearsError("联合约谈须填写参加单位")
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


@transaction.atomic
def add_evidence(
    actor: User | None,
    case: RecoveryCase,
    *,
    collected_on: dt.date,
    description: str,
    households: int,
    amount: Decimal,
) -> Evidence:
    """Record evidence collected on a case; it cannot cover more households or money than the case owes."""
    _money(amount, "证据涉及金额")
    if households <= 0:
        raise ArrearsError("证据涉及户数应大于0")
    if households > case.households:
        raise ArrearsError(f"证据涉及户数 {households} 超过案件欠缴户数 {case.households}")
    if amount > case.owed:
        raise ArrearsError(f"证据涉及金额 {amount} 超过案件欠缴金额 {case.owed}")
    evidence = Evidence.objects.create(
        case=case,
        collected_on=collected_on,
        description=description,
        households=households,
        amount=amount,
        created_by=actor if actor and actor.pk else None,
    )
    audit.record(actor, AuditEvent.Action.CREATE, evidence, after=audit.snapshot(evidence))
    return evidence


@transaction.atomic
def record_recovery(
    actor: User | None,
    case: RecoveryCase,
    *,
    amount: Decimal,
    received_on: dt.date,
    bank: Account,
    payer: str = "",
    bank_txn_id: str | None = None,
) -> Recovery:
    """Money recovered from the developer: one RECOVERY entry crediting the case's unit ledgers (the whole
    outstanding amount of each when the payment clears the case, else split by what each still owes)."""
    _money(amount, "追缴金额")
    if bank.kind != Account.Kind.BANK:
        raise ArrearsError("入账账户应为维修资金专户")
    if bank_txn_id and JournalEntry.objects.filter(bank_txn_id=bank_txn_id).exists():
        raise ArrearsError(f"银行交易流水号 {bank_txn_id} 已入账")
    case = RecoveryCase.objects.select_for_update().get(pk=case.pk)
    items = list(case.items.select_related("unit", "account").order_by("unit__code"))
    outstanding = {item.unit.code: item.outstanding for item in items}
    try:
        shares = rules.split_recovery(amount, outstanding)
    except ValueError:
        raise ArrearsError(f"追缴金额 {amount} 超过尚欠金额 {sum(outstanding.values(), ZERO)}") from None
    by_code = {item.unit.code: item for item in items}
    legs = [ledger.debit(bank, amount)]
    legs.extend(ledger.credit(by_code[code].account, share) for code, share in sorted(shares.items()) if share > 0)
    entry = ledger.post(
        kind=JournalEntry.Kind.RECOVERY,
        value_date=received_on,
        legs=legs,
        actor=actor,
        memo=f"{case.project.name} 开发企业代收维修资金追缴入库（{case.number}）",
        document=f"arrears_case:{case.pk}",
        bank_txn_id=bank_txn_id or None,
    )
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
    for item in cleared:
        Account.objects.filter(pk=item.account_id, first_deposit=0).update(first_deposit=item.amount)
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
            "units": len(changed),
            "cleared": len(cleared),
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


ITEM_HEADERS = ("房屋编码", "欠缴金额")


@transaction.atomic
def import_items(actor: User | None, case: RecoveryCase, filename: str, content: bytes) -> list[ArrearsItem]:
    """Add a case's units from a table (房屋编码, 欠缴金额): all rows or none, each bad row named."""
    rows = read_table(filename, content, ITEM_HEADERS, max_rows=settings.IMPORT_MAX_ROWS)
    codes = [row.text("房屋编码") for row in rows]
    units = {u.code: u for u in Unit.objects.filter(code__in=codes)}
    with_ledger = set(
        Account.objects.filter(kind=Account.Kind.UNIT, unit__code__in=codes).values_list("unit__code", flat=True)
    )
    taken = set(ArrearsItem.objects.filter(unit__code__in=codes).values_list("unit__code", flat=True))
    errors: list[RowError] = []
    items: list[tuple[Unit, Decimal]] = []
    seen: set[str] = set()
    for row, code in zip(rows, codes, strict=True):
        unit = units.get(code)
        if not code:
            errors.append(RowError(row.number, "房屋编码", "不能为空"))
        elif unit is None:
            errors.append(RowError(row.number, "房屋编码", f"房屋 {code} 不存在"))
        elif unit.project_id != case.project_id:
            errors.append(RowError(row.number, "房屋编码", f"{code} 不属于{case.project.name}"))
        elif code in taken:
            errors.append(RowError(row.number, "房屋编码", f"{code} 已在追缴案件中"))
        elif code in seen:
            errors.append(RowError(row.number, "房屋编码", f"{code} 在文件中重复"))
        elif code not in with_ledger:
            errors.append(RowError(row.number, "房屋编码", f"{code} 没有分户账"))
        seen.add(code)
        try:
            amount = parse_decimal(row.cells.get("欠缴金额"), 2)
            if amount <= 0:
                raise ValueError("应大于0")
        except ValueError as exc:
            errors.append(RowError(row.number, "欠缴金额", str(exc)))
            continue
        if unit is not None:
            items.append((unit, amount))
    if not rows:
        errors.append(RowError(FILE_ROW, "", "文件中没有数据行"))
    if errors:
        raise ImportRejected(errors)
    return add_items(actor, case, items)
