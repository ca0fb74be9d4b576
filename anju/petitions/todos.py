"""Petitions' items on the home page's to-do list (待办): the handler's own cases, those to register and the
overdue list for leaders."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anju.core.links import reverse
from anju.core.todos import Todo
from anju.petitions import queries
from anju.petitions.models import Case


def petition_todos(user: Any) -> list[Todo]:
    if not user.is_authenticated:
        return []
    items: list[Todo] = []
    today = timezone.localdate()
    mine = Case.objects.filter(handler=user, status__in=queries.OPEN).count()
    if mine:
        items.append(Todo(_("Petition cases assigned to me"), reverse("petitions:mine") + "?status=assigned", mine))
    if user.can("petitions", "handle"):
        new = Case.objects.filter(status=Case.Status.REGISTERED).count()
        if new:
            items.append(
                Todo(_("Petition cases to accept or decline"), reverse("petitions:cases") + "?status=registered", new)
            )
        accepted = Case.objects.filter(status=Case.Status.ACCEPTED).count()
        if accepted:
            url = reverse("petitions:cases") + "?status=accepted"
            items.append(Todo(_("Accepted petition cases to assign or answer"), url, accepted))
    if user.can("petitions", "approve") or user.can("petitions", "handle"):
        late = queries.overdue_deadlines(today).values("case_id").distinct().count()
        if late:
            items.append(Todo(_("Overdue petition cases"), reverse("petitions:board") + "?state=overdue", late))
    return items
