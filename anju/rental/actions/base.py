"""What the rental actions share: audit verbs, unit states, household categories."""

from __future__ import annotations

from anju.core.models import AuditEvent
from anju.rental.models import Category, RentalUnit

CREATE, UPDATE = AuditEvent.Action.CREATE, AuditEvent.Action.UPDATE
HOUSEHOLD_CATEGORIES = (Category.DIBAO, Category.LOW_INCOME, Category.MIGRANT, Category.NEW_GRADUATE)
State = RentalUnit.State
