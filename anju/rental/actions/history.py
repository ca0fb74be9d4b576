"""Records of past work taken over in bulk: a year's annual reviews, home visits and their plan, repair
work orders, rental filings and lottery draws, and the tenancies themselves (homes under management
with their state history, households, leases and exits), as kept on paper or by an older system
(and the demo city's 2023)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from anju.core import audit, bulk
from anju.core.models import User
from anju.core.workflow import event_columns
from anju.rental.actions.base import CREATE
from anju.rental.errors import RentalError
from anju.rental.models import (
    Draw,
    Exit,
    ExitEvent,
    Filing,
    Household,
    HouseholdMember,
    Inspection,
    InspectionPlan,
    Lease,
    RentalUnit,
    Repair,
    Review,
    UnitStateChange,
)

HistoryRecord = Review | Inspection | InspectionPlan | Repair | Filing | Draw
HISTORY_MODELS: tuple[type[HistoryRecord], ...] = (Review, Inspection, InspectionPlan, Repair, Filing, Draw)

Row = Sequence[object]


@transaction.atomic
def take_over_records(actor: User | None, records: Sequence[HistoryRecord]) -> int:
    """Insert the unsaved records of one kind set-based (bulk, in their order), with one audit event
    counting them. Returns how many."""
    if not records:
        return 0
    model = type(records[0])
    if model not in HISTORY_MODELS or any(type(r) is not model or r.pk is not None for r in records):
        raise RentalError("只能成批录入同一类新的历史记录", code="bad_history")
    manager: Any = model._default_manager
    manager.bulk_create(records, batch_size=2000)
    audit.record(
        actor, CREATE, model=model._meta.label, object_repr="历史记录", after={"records": len(records)}, note="成批录入"
    )
    return len(records)


TENANCY_COLUMNS: dict[str, tuple[type[Any], tuple[str, ...]]] = {
    "units": (RentalUnit, ("id", "unit_id", "kind", "state", "state_since")),
    "states": (UnitStateChange, ("rental_unit_id", "state", "on", "note")),
    "households": (
        Household,
        (
            "id",
            "number",
            "applicant_id",
            "category",
            "members_count",
            "monthly_income",
            "owns_home",
            "income_checked",
            "housing_checked",
            "applied_on",
            "status",
            "decided_on",
            "decision_note",
            "waiting_since",
        ),
    ),
    "members": (HouseholdMember, ("household_id", "person_id", "relation")),
    "leases": (
        Lease,
        (
            "id",
            "number",
            "kind",
            "rental_unit_id",
            "household_id",
            "tenant_name",
            "category",
            "area",
            "rate_id",
            "monthly_rent",
            "deposit",
            "start",
            "end",
            "ended_on",
            "status",
            "renewed_from_id",
            "draw_id",
        ),
    ),
    "exits": (
        Exit,
        (
            "id",
            "number",
            "lease_id",
            "household_id",
            "reason",
            "notice_on",
            "deadline",
            "notices",
            "forced",
            "status",
            "completed_on",
            "note",
            "prepared_on",
        ),
    ),
    "exit_events": (ExitEvent, event_columns("exit")),
}


@dataclass(frozen=True)
class Tenancies:
    """Tenancies taken over from paper or an older system, as rows in the columns of TENANCY_COLUMNS
    (money in fen, dates as dates): the registry's units and persons are registered first."""

    units: Sequence[Row] = ()
    states: Sequence[Row] = ()
    households: Sequence[Row] = ()
    members: Sequence[Row] = ()
    leases: Sequence[Row] = ()
    exits: Sequence[Row] = ()
    exit_events: Sequence[Row] = ()


@transaction.atomic
def take_over_tenancies(actor: User | None, tenancies: Tenancies) -> dict[str, int]:
    """Insert the tenancies set-based, in dependency order (homes, their states, households, members,
    leases, exits and the exits' history), with one audit event counting them. Returns the counts."""
    counts: dict[str, int] = {}
    for name, (model, columns) in TENANCY_COLUMNS.items():
        rows: Sequence[Row] = getattr(tenancies, name)
        if any(len(row) != len(columns) for row in rows):
            raise RentalError(f"成批录入的{model._meta.verbose_name}每行应有 {len(columns)} 列", code="bad_history")
        counts[name] = bulk.insert_rows(model, columns, rows)
    bulk.reset_sequences(*(model for model, _ in TENANCY_COLUMNS.values()))
    audit.record(actor, CREATE, model=Lease._meta.label, object_repr="历史租赁", after=counts, note="成批录入")
    return counts
