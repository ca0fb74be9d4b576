"""Inspection rectification's pure rules (DOMAIN.md §8): a task's standing at a day (overdue, due soon), whether
its interim milestone (阶段性进展) was met, and when a finding is rectified. No Django here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

DUE_SOON_DAYS = 7


def overdue(deadline: dt.date, signed_off: dt.date | None, on: dt.date) -> bool:
    """Past its deadline at the day and not signed off by it."""
    return deadline < on and (signed_off is None or signed_off > on)


def due_soon(deadline: dt.date, signed_off: dt.date | None, on: dt.date, days: int = DUE_SOON_DAYS) -> bool:
    """Not signed off and due within `days` from the day (today included)."""
    return signed_off is None and on <= deadline <= on + dt.timedelta(days=days)


def interim_met(interim: dt.date | None, progress_days: Iterable[dt.date]) -> bool | None:
    """Whether a progress entry came by the interim deadline (None: the task has none)."""
    if interim is None:
        return None
    return any(day <= interim for day in progress_days)


def rectified_on(sign_offs: Iterable[dt.date | None]) -> dt.date | None:
    """A finding is rectified when all its tasks are signed off: the last sign-off (None while one is open or
    when it has no task)."""
    days = list(sign_offs)
    if not days or any(day is None for day in days):
        return None
    return max(day for day in days if day is not None)
