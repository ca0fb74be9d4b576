"""Termite control's items on the home page's to-do list (待办)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anju.core.links import reverse
from anju.core.todos import Todo
from anju.termite.models import Application, ControlRequest


def termite_todos(user: Any) -> list[Todo]:
    if not user.can("termite", "handle"):
        return []
    items: list[Todo] = []
    received = Application.objects.filter(status=Application.Status.RECEIVED).count()
    if received:
        items.append(
            Todo(
                _("Prevention applications to accept or return"),
                reverse("termite:applications") + "?status=received",
                received,
            )
        )
    open_requests = ControlRequest.objects.filter(status=ControlRequest.Status.OPEN).count()
    if open_requests:
        items.append(Todo(_("Control requests to treat"), reverse("termite:requests") + "?status=open", open_requests))
    due = ControlRequest.objects.filter(
        status=ControlRequest.Status.TREATED, follow_up_due__lte=timezone.localdate()
    ).count()
    if due:
        items.append(Todo(_("Control follow-up visits due"), reverse("termite:requests") + "?status=treated", due))
    return items
