"""Deposits of the maintenance fund: the published standards (元/m²) and the notices that ask owners
(交存通知书), developers (art. 21, unsold units) and owners below 30% (续交通知书, art. 17) to pay in.

A notice only asks; the money arrives through the bank receipts (bank.py), which mark a notice paid
when a receipt of its amount reaches its unit."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from anju.core import audit, numbering
from anju.core.models import AuditEvent, User
from anju.fund import queries, rules, totals
from anju.fund.accounts import ensure_unit_accounts
from anju.fund.errors import DepositError
from anju.fund.models import Account, DepositBatch, DepositNotice, DepositStandard, JournalEntry
from anju.registry.models import Building, Ownership, Project, Unit

STANDARD_FIELDS = ("building_type", "use_class", "effective_from", "rate", "basis")
NOTICE_FIELDS = (
    "number",
    "kind",
    "status",
    "account",
    "batch",
    "payer",
    "area",
    "rate",
    "standard",
    "amount",
    "issued_on",
)
NOTICE_NUMBERS = {
    DepositNotice.Kind.FIRST: numbering.Scheme(DepositNotice, "JC", 6),  # 交存
    DepositNotice.Kind.REPLENISH: numbering.Scheme(DepositNotice, "XJ", 6),  # 续交
    DepositNotice.Kind.DEVELOPER: numbering.Scheme(DepositNotice, "KF", 6),  # 开发企业
}
# Kinds that ask for a unit's first deposit: a unit has at most one of them open at a time.
FIRST_KINDS = (DepositNotice.Kind.FIRST, DepositNotice.Kind.DEVELOPER)
HIGH_RISE_FLOORS = 7  # more floors than this counts as high-rise even without a lift
MAX_RATE = Decimal("99999999.99")
NO_FIRST_DEPOSIT = Q(first_deposit=Decimal("0.00"))


# --- Standards -------------------------------------------------------------------------------


def building_type_of(lift_count: int, floors: int | None) -> str:
    """High-rise when the building has lifts or more than 7 floors, else multi-storey."""
    if lift_count > 0 or (floors or 0) > HIGH_RISE_FLOORS:
        return DepositStandard.BuildingType.HIGH_RISE
    return DepositStandard.BuildingType.MULTI_STOREY


def use_class_of(use: str) -> str:
    return (
        DepositStandard.UseClass.RESIDENTIAL
        if use == Unit.Use.RESIDENTIAL
        else DepositStandard.UseClass.NON_RESIDENTIAL
    )


def _check_rate(rate: Decimal) -> Decimal:
    if rate <= 0:
        raise DepositError("交存标准应大于0", code="rate_not_positive")
    if rate != rate.quantize(Decimal("0.01")):
        raise DepositError("交存标准最多两位小数", code="rate_fractional_fen")
    if rate > MAX_RATE:
        raise DepositError("交存标准过大", code="rate_too_large")
    return rate


def _label(building_type: str, use_class: str) -> str:
    return f"{DepositStandard.BuildingType(building_type).label}{DepositStandard.UseClass(use_class).label}"


@transaction.atomic
def create_standard(
    actor: User | None, *, building_type: str, use_class: str, effective_from: dt.date, rate: Decimal, basis: str = ""
) -> DepositStandard:
    """Publish a rate (元/m²) for a building type and use from a date; earlier rates stay for earlier dates."""
    DepositStandard.BuildingType(building_type)
    DepositStandard.UseClass(use_class)
    _check_rate(rate)
    if DepositStandard.objects.filter(
        building_type=building_type, use_class=use_class, effective_from=effective_from
    ).exists():
        raise DepositError(f"{effective_from:%Y-%m-%d}起的交存标准已存在，请修改该条标准", code="standard_exists")
    standard = DepositStandard.objects.create(
        building_type=building_type,
        use_class=use_class,
        effective_from=effective_from,
        rate=rate,
        basis=basis.strip(),
    )
    audit.record(actor, AuditEvent.Action.CREATE, standard, after=audit.snapshot(standard, STANDARD_FIELDS))
    return standard


@transaction.atomic
def update_standard(
    actor: User | None, standard: DepositStandard, *, effective_from: dt.date, rate: Decimal, basis: str = ""
) -> DepositStandard:
    """Correct a standard. Once notices were issued by it only its basis may change: the notices quote it."""
    standard = DepositStandard.objects.select_for_update().get(pk=standard.pk)
    before = audit.snapshot(standard, STANDARD_FIELDS)
    _check_rate(rate)
    if (rate != standard.rate or effective_from != standard.effective_from) and DepositNotice.objects.filter(
        standard=standard
    ).exists():
        raise DepositError(
            "已有交存通知书按此标准开具，不能修改标准或生效日期；新标准请新增一条", code="standard_in_use"
        )
    if (
        DepositStandard.objects.filter(
            building_type=standard.building_type, use_class=standard.use_class, effective_from=effective_from
        )
        .exclude(pk=standard.pk)
        .exists()
    ):
        raise DepositError(f"{effective_from:%Y-%m-%d}起的交存标准已存在", code="standard_exists")
    standard.effective_from, standard.rate, standard.basis = effective_from, rate, basis.strip()
    standard.save()
    audit.record_change(actor, standard, before)
    return standard


def standards_on(day: dt.date) -> dict[tuple[str, str], DepositStandard]:
    """The standard in force on the day for each (building type, use class) that has one, in one query."""
    in_force: dict[tuple[str, str], DepositStandard] = {}
    for standard in DepositStandard.objects.filter(effective_from__lte=day).order_by("-effective_from"):
        in_force.setdefault((standard.building_type, standard.use_class), standard)
    return in_force


def standard_for(unit: Unit, day: dt.date) -> DepositStandard | None:
    """The standard in force for the unit's building type and use on the day."""
    building: Building = unit.building
    return (
        DepositStandard.objects.filter(
            building_type=building_type_of(building.lift_count, building.floors),
            use_class=use_class_of(unit.use),
            effective_from__lte=day,
        )
        .order_by("-effective_from")
        .first()
    )


# --- Notices ---------------------------------------------------------------------------------


def open_notices() -> QuerySet[DepositNotice]:
    return DepositNotice.objects.filter(status=DepositNotice.Status.ISSUED)


def _next_numbers(kind: str, year: int, count: int) -> list[str]:
    """The next COUNT notice numbers of the kind in the year, e.g. JC2023-000001: gapless per year."""
    return numbering.next_numbers(NOTICE_NUMBERS[DepositNotice.Kind(kind)], year, count)


def unit_account_of(unit: Unit) -> Account:
    """The unit's ledger, opened now if the unit has none yet."""
    account, _ = Account.objects.get_or_create(
        kind=Account.Kind.UNIT, unit=unit, defaults={"project_id": unit.project_id, "building_id": unit.building_id}
    )
    return account


def owner_name(unit: Unit) -> str:
    ownership = unit.current_ownership()
    if ownership is None:
        return ""
    owner = ownership.owner
    return owner.name if owner is not None else ""


def _actor(actor: User | None) -> User | None:
    return actor if actor is not None and actor.pk else None


def _today(day: dt.date | None) -> dt.date:
    return day or timezone.localdate()


@transaction.atomic
def issue_notice(actor: User | None, unit: Unit, *, issued_on: dt.date | None = None) -> DepositNotice:
    """A first-deposit notice for one unit: its floor area × the standard in force, to the fen."""
    day = _today(issued_on)
    unit = Unit.objects.select_related("building", "project").get(pk=unit.pk)
    account = Account.objects.select_for_update().get(pk=unit_account_of(unit).pk)
    if account.closed is not None:
        raise DepositError(f"房屋 {unit.code} 的分户账已销户", code="account_closed")
    if account.first_deposit > 0:
        raise DepositError(f"房屋 {unit.code} 已交存首期维修资金 {account.first_deposit} 元", code="already_deposited")
    pending = open_notices().filter(account=account, kind__in=FIRST_KINDS).first()
    if pending is not None:
        raise DepositError(f"房屋 {unit.code} 已有未缴的交存通知书 {pending.number}", code="notice_open")
    standard = standard_for(unit, day)
    if standard is None:
        building_type = building_type_of(unit.building.lift_count, unit.building.floors)
        raise DepositError(
            f"没有 {day:%Y-%m-%d} 适用于{_label(building_type, use_class_of(unit.use))}的交存标准", code="no_standard"
        )
    [number] = _next_numbers(DepositNotice.Kind.FIRST, day.year, 1)
    notice = DepositNotice.objects.create(
        number=number,
        kind=DepositNotice.Kind.FIRST,
        account=account,
        payer=owner_name(unit)[:120],
        area=unit.area,
        rate=standard.rate,
        standard=standard,
        amount=rules.deposit_amount(unit.area, standard.rate),
        issued_on=day,
        issued_by=_actor(actor),
    )
    audit.record(actor, AuditEvent.Action.CREATE, notice, after=audit.snapshot(notice, NOTICE_FIELDS))
    return notice


@dataclass(frozen=True)
class _Candidate:
    """A unit of the project that may get a first-deposit notice."""

    account_id: int
    unit_id: int
    code: str
    area: Decimal
    use: str
    lift_count: int
    floors: int | None


def _candidates(project: Project) -> list[_Candidate]:
    """The project's units with an open ledger, no first deposit and no open first-deposit notice."""
    rows = (
        Account.objects.filter(NO_FIRST_DEPOSIT, kind=Account.Kind.UNIT, unit__project=project, closed__isnull=True)
        .exclude(pk__in=open_notices().filter(kind__in=FIRST_KINDS).values("account_id"))
        .order_by("unit__code")
        .values_list(
            "pk",
            "unit_id",
            "unit__code",
            "unit__area",
            "unit__use",
            "unit__building__lift_count",
            "unit__building__floors",
        )
    )
    return [_Candidate(*row) for row in rows]


def _owners(project: Project) -> dict[int, tuple[str, bool]]:
    """Each unit's current owner name and whether the owner is an enterprise, by unit id."""
    rows = Ownership.objects.filter(unit__project=project, end__isnull=True).values_list(
        "unit_id", "person__name", "enterprise__name"
    )
    return {unit_id: (person or enterprise or "", enterprise is not None) for unit_id, person, enterprise in rows}


def _issue_for_project(
    actor: User | None,
    project: Project,
    kind: str,
    candidates: list[_Candidate],
    payers: dict[int, str],
    day: dt.date,
    note: str,
) -> DepositBatch:
    """Notices for the candidates as one batch: standards looked up once, notices written by bulk_create."""
    if not candidates:
        raise DepositError(
            f"项目 {project.name} 没有需要开具{DepositNotice.Kind(kind).label}通知书的房屋", code="nothing_to_issue"
        )
    in_force = standards_on(day)
    missing: dict[tuple[str, str], list[str]] = {}
    notices: list[DepositNotice] = []
    for c in candidates:
        key = (building_type_of(c.lift_count, c.floors), use_class_of(c.use))
        standard = in_force.get(key)
        if standard is None:
            missing.setdefault(key, []).append(c.code)
            continue
        notices.append(
            DepositNotice(
                kind=kind,
                account_id=c.account_id,
                payer=payers.get(c.unit_id, "")[:120],
                area=c.area,
                rate=standard.rate,
                standard=standard,
                amount=rules.deposit_amount(c.area, standard.rate),
                issued_on=day,
                issued_by=_actor(actor),
            )
        )
    if missing:
        parts = [f"{_label(*key)}（{len(codes)}户，如 {codes[0]}）" for key, codes in sorted(missing.items())]
        raise DepositError(
            f"没有 {day:%Y-%m-%d} 适用的交存标准：{'；'.join(parts)}，未开具任何通知书", code="no_standard"
        )
    batch = DepositBatch.objects.create(project=project, issued_on=day, created_by=_actor(actor), note=note[:200])
    for notice, number in zip(notices, _next_numbers(kind, day.year, len(notices)), strict=True):
        notice.number, notice.batch = number, batch
    DepositNotice.objects.bulk_create(notices, batch_size=1000)
    total = sum((n.amount for n in notices), Decimal("0.00"))
    audit.record(
        actor,
        AuditEvent.Action.CREATE,
        batch,
        after={
            "project": project.code,
            "kind": kind,
            "issued_on": day.isoformat(),
            "notices": len(notices),
            "amount": str(total),
            "numbers": [notices[0].number, notices[-1].number],
        },
        note=f"{project.name}：开具{DepositNotice.Kind(kind).label}通知书{len(notices)}份，合计{total}元",
    )
    return batch


@transaction.atomic
def issue_batch(
    actor: User | None, project: Project, *, issued_on: dt.date | None = None, note: str = ""
) -> DepositBatch:
    """First-deposit notices for every unit of the project that has neither paid nor been asked yet."""
    ensure_unit_accounts()
    owners = _owners(project)
    payers = {unit_id: name for unit_id, (name, _) in owners.items()}
    return _issue_for_project(
        actor,
        project,
        DepositNotice.Kind.FIRST,
        _candidates(project),
        payers,
        _today(issued_on),
        note or "首期交存批量通知",
    )


@transaction.atomic
def issue_developer_notices(
    actor: User | None, project: Project, *, issued_on: dt.date | None = None, note: str = ""
) -> DepositBatch:
    """Art. 21: the developer pays the first deposit of its unsold units, those an enterprise owns or no one does."""
    ensure_unit_accounts()
    owners = _owners(project)
    developer = project.developer.name if project.developer_id and project.developer else ""
    unsold = [c for c in _candidates(project) if c.unit_id not in owners or owners[c.unit_id][1]]
    payers = {c.unit_id: owners[c.unit_id][0] if c.unit_id in owners else developer for c in unsold}
    return _issue_for_project(
        actor,
        project,
        DepositNotice.Kind.DEVELOPER,
        unsold,
        payers,
        _today(issued_on),
        note or "开发建设单位未售房屋交存通知",
    )


def replenishment_candidates(project: Project | None = None) -> QuerySet[Account]:
    """Art. 17: the accounts below 30% of their first deposit with no open replenishment notice."""
    due = queries.replenishment_due()
    if project is not None:
        due = due.filter(unit__project=project)
    return due.exclude(pk__in=open_notices().filter(kind=DepositNotice.Kind.REPLENISH).values("account_id"))


def replenishment_candidates_count() -> int:
    """How many accounts `replenishment_candidates()` lists over all projects, without a pass over the ledgers:
    the due ones, counted with the fund's figures once per version of the ledgers (`totals`), less those of
    them with an open replenishment notice (a few, looked up by key)."""
    noticed = open_notices().filter(kind=DepositNotice.Kind.REPLENISH).values("account_id")
    return totals.figures().replenish - queries.replenishment_due().filter(pk__in=noticed).count()


@transaction.atomic
def issue_replenishment_notices(
    actor: User | None, *, project: Project | None = None, issued_on: dt.date | None = None
) -> list[DepositNotice]:
    """A replenishment notice (续交通知书) for every due account: the amount restoring the first deposit."""
    day = _today(issued_on)
    rows = list(
        replenishment_candidates(project)
        .order_by("unit__code")
        .values_list("pk", "unit_id", "unit__area", "balance", "first_deposit")
    )
    if not rows:
        raise DepositError("没有需要续交的房屋（或均已开具续交通知书）", code="nothing_to_replenish")
    unit_ids = [row[1] for row in rows]
    payers: dict[int, str] = {}
    for start in range(0, len(unit_ids), 900):
        for unit_id, person, enterprise in Ownership.objects.filter(
            unit_id__in=unit_ids[start : start + 900], end__isnull=True
        ).values_list("unit_id", "person__name", "enterprise__name"):
            payers[unit_id] = person or enterprise or ""
    numbers = _next_numbers(DepositNotice.Kind.REPLENISH, day.year, len(rows))
    notices = [
        DepositNotice(
            number=number,
            kind=DepositNotice.Kind.REPLENISH,
            account_id=account_id,
            payer=payers.get(unit_id, "")[:120],
            area=area,
            amount=rules.replenishment_amount(balance, first),
            issued_on=day,
            issued_by=_actor(actor),
        )
        for number, (account_id, unit_id, area, balance, first) in zip(numbers, rows, strict=True)
    ]
    DepositNotice.objects.bulk_create(notices, batch_size=1000)
    total = sum((n.amount for n in notices), Decimal("0.00"))
    audit.record(
        actor,
        AuditEvent.Action.CREATE,
        model="fund.DepositNotice",
        object_repr=f"{numbers[0]}–{numbers[-1]}",
        after={
            "kind": DepositNotice.Kind.REPLENISH,
            "issued_on": day.isoformat(),
            "notices": len(notices),
            "amount": str(total),
            "project": project.code if project else None,
            "numbers": [numbers[0], numbers[-1]],
        },
        note=f"开具续交通知书{len(notices)}份，合计{total}元",
    )
    return notices


@transaction.atomic
def cancel_notice(actor: User | None, notice: DepositNotice, *, reason: str) -> DepositNotice:
    """Withdraw an unpaid notice (issued in error, unit transferred, …); the reason is kept in the audit log."""
    notice = DepositNotice.objects.select_for_update().get(pk=notice.pk)
    if notice.status != DepositNotice.Status.ISSUED:
        raise DepositError(
            f"通知书 {notice.number} 状态为“{notice.get_status_display()}”，不能作废", code="not_cancellable"
        )
    if not reason.strip():
        raise DepositError("请填写作废原因", code="reason_required")
    before = audit.snapshot(notice, ["status"])
    notice.status = DepositNotice.Status.CANCELLED
    notice.save(update_fields=["status"])
    audit.record(
        actor,
        AuditEvent.Action.UPDATE,
        notice,
        before=before,
        after={"status": notice.status},
        note=f"作废：{reason.strip()}",
    )
    return notice


# --- Payment (used by the bank receipts) -------------------------------------------------------


@dataclass
class OpenNotice:
    pk: int
    kind: str
    amount: Decimal


def open_notices_by_account(account_ids: Iterable[int]) -> dict[int, list[OpenNotice]]:
    """The open notices of the accounts, oldest first, a chunk of accounts per query."""
    ids = sorted(set(account_ids))
    found: dict[int, list[OpenNotice]] = {}
    for start in range(0, len(ids), 900):
        rows = (
            open_notices()
            .filter(account_id__in=ids[start : start + 900])
            .order_by("issued_on", "pk")
            .values_list("account_id", "pk", "kind", "amount")
        )
        for account_id, pk, kind, amount in rows:
            found.setdefault(account_id, []).append(OpenNotice(pk, kind, amount))
    return found


def take_notice(notices: list[OpenNotice] | None, amount: Decimal) -> OpenNotice | None:
    """The oldest open notice asking exactly this amount, removed from the list so it is paid once."""
    for index, notice in enumerate(notices or ()):
        if notice.amount == amount:
            assert notices is not None
            return notices.pop(index)
    return None


def mark_paid(paid: Sequence[tuple[OpenNotice, JournalEntry, int]]) -> None:
    """Mark (notice, paying entry, account id) paid; a paid first deposit becomes the account's first
    deposit unless it already has one."""
    DepositNotice.objects.bulk_update(
        [DepositNotice(pk=n.pk, status=DepositNotice.Status.PAID, paid_entry=e) for n, e, _ in paid],
        ["status", "paid_entry"],
        batch_size=1000,
    )
    firsts = [Account(pk=account_id, first_deposit=n.amount) for n, _, account_id in paid if n.kind in FIRST_KINDS]
    # bulk_update filters its own queryset by pk, so only accounts still at 0 change.
    Account.objects.filter(NO_FIRST_DEPOSIT).bulk_update(firsts, ["first_deposit"], batch_size=1000)


def entry_kind_for(notice: OpenNotice | None) -> str:
    """A receipt paying a developer's notice is a developer deposit; any other receipt an owner's deposit."""
    if notice is not None and notice.kind == DepositNotice.Kind.DEVELOPER:
        return JournalEntry.Kind.DEVELOPER_DEPOSIT
    return JournalEntry.Kind.DEPOSIT
