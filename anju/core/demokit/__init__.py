"""The demo city's kit: each line registers the step that builds its part of the city (in its
`AppConfig.ready()`, like KPIs and to-dos), and `anju demo` runs the registered steps in order.

A step writes through its line's actions (set-based where volume needs speed); the kit only shares
what steps need in common: the deterministic random source, the scale, progress output, and the
records one step hands to a later one (`Context.data`)."""

from __future__ import annotations

import os
import random
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Protocol

from django.contrib.auth.hashers import make_password


class Output(Protocol):
    def write(self, text: str) -> object: ...
    def flush(self) -> object: ...


@dataclass
class Context:
    """What the steps share: the random source, the scale, the progress output and built records."""

    scale: float
    out: Output
    rng: random.Random = field(default_factory=lambda: random.Random(2023))
    data: dict[str, object] = field(default_factory=dict)

    def n(self, full: int, minimum: int = 1) -> int:
        return max(minimum, round(full * self.scale))

    def progress(self, label: str, done: int, total: int) -> None:
        width = 30
        filled = width if total == 0 else int(width * done / total)
        self.out.write(f"\r  {label}: [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
        if done >= total:
            self.out.write("\n")
        self.out.flush()


@dataclass(frozen=True)
class Step:
    """One part of the demo city; steps run by `order` (users 10, registry 20, fund 30 …)."""

    order: int
    name: str
    run: Callable[[Context], None]


_steps: dict[str, Step] = {}


def register(*steps: Step) -> None:
    for step in steps:
        _steps[step.name] = step


def steps() -> list[Step]:
    return sorted(_steps.values(), key=lambda s: (s.order, s.name))


def hashed_passwords(password: str, count: int) -> list[str]:
    """`count` hashes of one password, each with its own salt, made side by side: the password hasher's
    PBKDF2 (over a million rounds) was most of the staff steps' time, and hashlib lets go of the GIL
    while it runs, so each core makes one."""
    with ThreadPoolExecutor(max_workers=max(1, min(count, os.cpu_count() or 1))) as pool:
        return list(pool.map(make_password, [password] * count))
