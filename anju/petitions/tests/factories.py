"""Petition records for tests, built through the line's actions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.utils import timezone

from anju.core.models import User
from anju.petitions import actions
from anju.petitions.models import Case, Category, Channel


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    """The hour of that day; today before that hour, now (a case received today is not in the future)."""
    moment = timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))
    return min(moment, timezone.now()) if day == timezone.localdate() else moment


def channel(code: str = "letter") -> Channel:
    return Channel.objects.get(code=code)


def case(
    code: str = "letter",
    received: dt.date = dt.date(2024, 3, 1),
    *,
    category: str = Category.FUND,
    name: str = "王建国",
    phone: str = "13907451234",
    id_number: str = "",
    reference: str = "",
    subject: str = "维修资金使用进度慢",
    petitioners: Sequence[actions.NewPetitioner] | None = None,
    head_count: int = 1,
    actor: User | None = None,
) -> Case:
    return actions.register_case(
        actor,
        actions.NewCase(
            channel=channel(code),
            received_at=at(received),
            category=category,
            subject=subject,
            content=f"{subject}，请求尽快处理。",
            reference=reference,
            petitioners=petitioners
            if petitioners is not None
            else [actions.NewPetitioner(name=name, phone=phone, id_number=id_number)],
            head_count=head_count,
        ),
    )


def assigned(handler: User, received: dt.date = dt.date(2024, 3, 1), **kwargs: object) -> Case:
    registered = case(received=received, **kwargs)  # type: ignore[arg-type]
    return actions.assign_case(None, registered, handler=handler, on=received)


def replied(handler: User, received: dt.date = dt.date(2024, 3, 1), **kwargs: object) -> Case:
    c = assigned(handler, received, **kwargs)
    return actions.reply_case(None, c, on=received + dt.timedelta(days=10), text="经核实，已督促办理。")


def closed(handler: User, kind: str = "substantive", received: dt.date = dt.date(2024, 3, 1), **kwargs: object) -> Case:
    c = replied(handler, received, **kwargs)
    return actions.close_case(None, c, on=received + dt.timedelta(days=12), kind=kind, satisfaction="satisfied")
