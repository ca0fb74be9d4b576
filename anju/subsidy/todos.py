"""Home-purchase subsidies' items on the home page's to-do list (待办)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from anju.core.links import reverse
from anju.core.todos import Todo
from anju.subsidy.models import Application, Flag, Status


def subsidy_todos(user: Any) -> list[Todo]:
    items: list[Todo] = []
    url = reverse("subsidy:applications")
    for action, status, label in (
        ("handle", Status.DOCUMENTS, _("Subsidy applications to review")),
        ("review", Status.TAX, _("Subsidy applications awaiting tax verification")),
        ("approve", Status.FINANCE, _("Subsidy applications awaiting finance review")),
        ("handle", Status.NOTICE, _("Subsidy applications in publicity to approve")),
        ("handle", Status.RETURNED, _("Subsidy applications returned for correction")),
        ("approve", Status.APPEAL, _("Subsidy appeals to decide")),
        ("handle", Status.APPROVED, _("Approved subsidy applications awaiting a batch")),
        ("handle", Status.FAILED, _("Failed subsidy payments to correct")),
    ):
        if user.can("subsidy", action):
            count = Application.objects.filter(status=status).count()
            if count:
                items.append(Todo(label, f"{url}?status={status}", count))
    if user.can("subsidy", "handle"):
        flags = Flag.objects.filter(cleared_at__isnull=True).values("application").distinct().count()
        if flags:
            items.append(Todo(_("Subsidy applications flagged as possible duplicates"), f"{url}?flagged=1", flags))
    return items
