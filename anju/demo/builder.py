"""`anju demo`: runs the demo steps every line registers (`anju.core.demokit`) in one transaction.

No app imports this package: each line's `demo.py` registers its step in its `AppConfig.ready()`."""

from __future__ import annotations

import time

from django.db import transaction

from anju.core import audit
from anju.core.demokit import Context, Output, steps
from anju.core.models import AuditEvent, User
from anju.registry.models import Person, Unit


def is_empty() -> bool:
    """True when no business record and no user exists yet."""
    return not (User.objects.exists() or Unit.objects.exists() or Person.objects.exists())


def build(scale: float, out: Output) -> dict[str, float]:
    """Runs every registered step in one transaction; returns seconds per step."""
    ctx = Context(scale=scale, out=out)
    timings: dict[str, float] = {}
    with transaction.atomic():
        for step in steps():
            out.write(f"▶ {step.name}\n")
            started = time.perf_counter()
            step.run(ctx)
            timings[step.name] = time.perf_counter() - started
        audit.record(
            None,
            AuditEvent.Action.IMPORT,
            object_repr="演示城市",
            after={"scale": scale, "units": Unit.objects.count(), "persons": Person.objects.count()},
            note="生成演示城市",
        )
    return timings
