"""Records of past work taken over in bulk: a year's annual reviews, home visits and their plan, repair
work orders and rental filings, as kept on paper or by an older system (and the demo city's 2023)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction

from anju.core import audit
from anju.core.models import User
from anju.rental.actions.base import CREATE
from anju.rental.errors import RentalError
from anju.rental.models import Filing, Inspection, InspectionPlan, Repair, Review

HistoryRecord = Review | Inspection | InspectionPlan | Repair | Filing
HISTORY_MODELS: tuple[type[HistoryRecord], ...] = (Review, Inspection, InspectionPlan, Repair, Filing)


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
