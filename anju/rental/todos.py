"""Public rental housing's items on the home page's to-do list (待办)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anju.core.links import reverse
from anju.core.todos import Todo
from anju.rental import queries
from anju.rental.models import Exit, Household, Repair

# The exit step each permission takes next: (permission, status waiting for it, to-do title).
EXIT_STEPS = (
    ("review", Exit.Status.SUBMITTED, _("Exits to review")),
    ("approve", Exit.Status.REVIEWED, _("Exits awaiting approval")),
    ("handle", Exit.Status.APPROVED, _("Approved exits to serve")),
)


def rental_todos(user: Any) -> list[Todo]:
    items: list[Todo] = []
    for permission, status, title in EXIT_STEPS:
        waiting = Exit.objects.filter(status=status).count() if user.can("rental", permission) else 0
        if waiting:
            items.append(Todo(title, reverse("rental:exits") + f"?status={status}", waiting))
    handles = user.can("rental", "handle")
    drafts = Exit.objects.filter(status=Exit.Status.DRAFT, created_by=user).count() if handles else 0
    if drafts:  # new or sent back: only their creator submits them
        items.append(Todo(_("My draft exits to submit"), reverse("rental:exits") + "?status=draft", drafts))
    if not user.can("rental", "handle"):
        return items
    applied = Household.objects.filter(status=Household.Status.APPLIED).count()
    if applied:
        items.append(
            Todo(_("Rental applications to decide"), reverse("rental:households") + "?status=applied", applied)
        )
    overdue = Exit.objects.filter(status=Exit.Status.NOTIFIED, deadline__lt=timezone.localdate()).count()
    if overdue:
        items.append(Todo(_("Exits past their deadline"), reverse("rental:exits") + "?status=notified", overdue))
    today = timezone.localdate()
    past_term = queries.past_term(today).count()
    if past_term:
        items.append(
            Todo(
                _("Leases past their term"),
                reverse("rental:leases") + f"?status=active&past_term={today:%Y-%m-%d}",
                past_term,
            )
        )
    open_repairs = Repair.objects.exclude(status=Repair.Status.DONE).count()
    if open_repairs:
        items.append(Todo(_("Open repair work orders"), reverse("rental:repairs") + "?status=open", open_repairs))
    return items
