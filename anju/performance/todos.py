"""The module's items on the home page's to-do list (待办)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from anju.core.links import reverse
from anju.core.todos import Todo
from anju.performance.models import Asset


def performance_todos(user: Any) -> list[Todo]:
    if not user.can("performance", "approve"):
        return []
    waiting = Asset.objects.filter(status=Asset.Status.DISPOSAL_REQUESTED).count()
    if not waiting:
        return []
    return [
        Todo(
            _("Asset disposals awaiting approval"),
            reverse("performance:assets") + "?status=disposal_requested",
            waiting,
        )
    ]
