"""The home page's to-do list (待办): each module registers functions giving a user's open items."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from anju.core.links import reverse


@dataclass(frozen=True)
class Todo:
    title: str | Promise
    url: str
    count: int = 1


TodoSource = Callable[[Any], list[Todo]]
_sources: list[TodoSource] = []


def register(source: TodoSource) -> None:
    if source not in _sources:
        _sources.append(source)


def for_user(user: Any) -> list[Todo]:
    items: list[Todo] = []
    for source in _sources:
        items.extend(source(user))
    return items


def password_change_todo(user: Any) -> list[Todo]:
    if user.must_change_password:
        return [Todo(_("Change your initial password"), reverse("core:password_change"))]
    return []


def locked_accounts_todo(user: Any) -> list[Todo]:
    if not user.can("users", "handle"):
        return []
    from anju.core.models import User

    count = User.objects.filter(locked_until__gt=timezone.now()).count()
    if not count:
        return []
    return [Todo(_("Locked accounts to review"), reverse("core:users") + "?locked=1", count)]


def role_grants_todo(user: Any) -> list[Todo]:
    """Approver roles given by another administrator, waiting for this one's confirmation."""
    if not user.can("users", "handle"):
        return []
    from anju.core.models import RoleGrant

    waiting = RoleGrant.objects.filter(status=RoleGrant.Status.PENDING).exclude(requested_by=user).exclude(user=user)
    count = waiting.count()
    return [Todo(_("Approver roles to confirm"), reverse("core:role_grants"), count)] if count else []
