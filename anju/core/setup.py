"""The first-run checklist (开始使用) on the home page: what a new center still has to set up before its
staff can work — the organisation's name for the printed documents, the staff's accounts, the fund's
special account and deposit standards, the rent standards. Each line registers its steps (LineConfig
`setup`); a step is shown to those who may do it, ticked once done, and the card goes when all are."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from anju.core.links import reverse


@dataclass(frozen=True)
class Step:
    order: int
    title: str | Promise
    url_name: str
    module: str
    permission: str
    done: Callable[[], bool]

    @property
    def url(self) -> str:
        return reverse(self.url_name)


_steps: list[Step] = []


def register(*steps: Step) -> None:
    for step in steps:
        if all(s.url_name != step.url_name for s in _steps):
            _steps.append(step)


def checklist(user: Any) -> list[tuple[Step, bool]]:
    """The steps the user may take with whether each is done, in order; empty once every step is done."""
    steps = sorted((s for s in _steps if user.can(s.module, s.permission)), key=lambda s: s.order)
    marked = [(step, step.done()) for step in steps]
    return [] if all(done for _, done in marked) else marked


def _organisation_set() -> bool:
    from anju.core import organisation

    return organisation.is_set()


def _staff_exist() -> bool:
    """Someone besides the administrators has an account with a role."""
    from anju.core.models import User

    return (
        User.objects.filter(is_active=True, is_superuser=False, roles__isnull=False)
        .exclude(roles__code="admin")
        .exists()
    )


CORE_STEPS = (
    Step(
        10,
        _("Set the organisation's name and city for printed documents"),
        "core:organisation",
        "users",
        "handle",
        _organisation_set,
    ),
    Step(20, _("Create the staff's accounts and give them their roles"), "core:users", "users", "handle", _staff_exist),
)
