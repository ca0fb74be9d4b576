"""Rectification's items on the home page's to-do list: the owner's open tasks, the office's tasks to check,
the leaders' tasks to sign off, and the overdue list."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anju.core.links import reverse
from anju.core.todos import Todo
from anju.oversight import queries
from anju.oversight.models import Task

S = Task.Status


def oversight_todos(user: Any) -> list[Todo]:
    if not user.is_authenticated:
        return []
    items: list[Todo] = []
    url = reverse("oversight:ledger")
    mine = Task.objects.filter(owner=user, status__in=(S.NOT_STARTED, S.IN_PROGRESS)).count()
    if mine:
        items.append(Todo(_("My rectification tasks"), url + "?mine=1", mine))
    if user.can("oversight", "review"):
        n = Task.objects.filter(status=S.SUBMITTED).exclude(owner=user).count()
        if n:
            items.append(Todo(_("Rectification tasks to check"), url + "?status=submitted", n))
    if user.can("oversight", "approve"):
        n = Task.objects.filter(status=S.CHECKED).exclude(owner=user).count()
        if n:
            items.append(Todo(_("Rectification tasks to sign off"), url + "?status=checked", n))
    if user.can("oversight", "review") or user.can("oversight", "approve"):
        late = queries.overdue_tasks(timezone.localdate()).count()
        if late:
            items.append(Todo(_("Overdue rectification tasks"), url + "?overdue=1", late))
    return items
