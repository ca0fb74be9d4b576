"""Arrears items on the home page's to-do list (待办): open cases nobody has acted on for a while."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anju.core.links import reverse
from anju.core.todos import Todo
from anju.fund.arrears import rules
from anju.fund.arrears.models import CaseAction, RecoveryCase

IDLE_DAYS = 90


def idle_cases(days: int, today: dt.date | None = None) -> QuerySet[RecoveryCase]:
    """Cases still owed whose last action (or opening) is more than `days` ago."""
    since = (today or timezone.localdate()) - dt.timedelta(days=days)
    recent = CaseAction.objects.filter(date__gt=since).values("case")
    return RecoveryCase.objects.exclude(stage=rules.RECOVERED).exclude(pk__in=recent).filter(opened_on__lte=since)


def arrears_todos(user: Any) -> list[Todo]:
    if not user.can("fund", "handle"):
        return []
    count = idle_cases(IDLE_DAYS).count()
    if not count:
        return []
    return [
        Todo(_("Recovery cases without action for 90 days"), reverse("arrears:cases") + f"?idle={IDLE_DAYS}", count)
    ]
