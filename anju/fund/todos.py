"""The fund's items on the home page's to-do list (待办)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from anju.core.links import reverse
from anju.core.todos import Todo
from anju.fund.models import BankReceipt, RefundApplication, UseApplication


def fund_todos(user: Any) -> list[Todo]:
    items: list[Todo] = []
    if user.can("fund", "handle"):
        suspense = BankReceipt.objects.filter(status=BankReceipt.Status.SUSPENSE).count()
        if suspense:
            items.append(Todo(_("Receipts in suspense to match"), reverse("fund:suspense"), suspense))
        to_pay = RefundApplication.objects.filter(status=RefundApplication.Status.APPROVED).count()
        if to_pay:
            items.append(Todo(_("Approved refunds to pay"), reverse("fund:refunds") + "?status=approved", to_pay))
    items.extend(use_todos(user))
    items.extend(draft_todos(user))
    for permission, status, title in REFUND_STEPS:
        waiting = RefundApplication.objects.filter(status=status).count() if user.can("fund", permission) else 0
        if waiting:
            items.append(Todo(title, reverse("fund:refunds") + f"?status={status}", waiting))
    return items


# The refund step each permission takes next: (permission, status waiting for it, to-do title).
REFUND_STEPS = (
    ("review", RefundApplication.Status.SUBMITTED, _("Refunds to review")),
    ("approve", RefundApplication.Status.REVIEWED, _("Refunds awaiting approval")),
)


# The use-application step each permission takes: (permission, status waiting for it, to-do title).
USE_STEPS = (
    ("review", UseApplication.Status.SUBMITTED, _("Use applications to review")),
    ("approve", UseApplication.Status.REVIEWED, _("Use applications awaiting approval")),
    ("handle", UseApplication.Status.APPROVED, _("Approved use applications to pay")),
    ("handle", UseApplication.Status.PAYING, _("Use applications awaiting settlement")),
    ("handle", UseApplication.Status.PAID, _("Paid use applications to file (归档)")),
)


def use_todos(user: Any) -> list[Todo]:
    """Use applications waiting for the user's step: review (审核), approval (审批), payment."""
    statuses = [(status, title) for permission, status, title in USE_STEPS if user.can("fund", permission)]
    if not statuses:
        return []
    counts = dict(
        UseApplication.objects.filter(status__in=[s for s, _ in statuses])
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    return [
        Todo(title, reverse("fund:uses") + f"?status={status}", counts[status])
        for status, title in statuses
        if counts.get(status)
    ]


def draft_todos(user: Any) -> list[Todo]:
    """The user's own drafts (new or sent back) waiting for them to submit (提交审核): only their creator submits."""
    if not user.can("fund", "handle"):
        return []
    items: list[Todo] = []
    uses = UseApplication.objects.filter(status=UseApplication.Status.DRAFT, created_by=user).count()
    if uses:
        items.append(Todo(_("My draft use applications to submit"), reverse("fund:uses") + "?status=draft", uses))
    refunds = RefundApplication.objects.filter(status=RefundApplication.Status.DRAFT, created_by=user).count()
    if refunds:
        url = reverse("fund:refunds") + "?status=draft"
        items.append(Todo(_("My draft refund applications to submit"), url, refunds))
    return items
