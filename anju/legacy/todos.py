"""Legacy projects' items on the home page's to-do list: the user's own overdue tasks, and for the office the
overdue tasks and milestones of every project."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anju.core.links import reverse
from anju.core.todos import Todo
from anju.legacy import queries


def legacy_todos(user: Any) -> list[Todo]:
    if not user.is_authenticated:
        return []
    today = timezone.localdate()
    items: list[Todo] = []
    mine = queries.overdue_tasks(today).filter(owner=user).count()
    if mine:
        items.append(Todo(_("My overdue legacy project tasks"), reverse("legacy:tasks") + "?overdue=1&mine=1", mine))
    if user.can("legacy", "handle"):
        late = queries.overdue_tasks(today).count()
        if late:
            items.append(Todo(_("Overdue legacy project tasks"), reverse("legacy:tasks") + "?overdue=1", late))
    return items
