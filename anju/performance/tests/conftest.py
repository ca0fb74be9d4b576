from __future__ import annotations

import io
import random
from typing import Any, cast

import pytest

from anju.core.models import Role, User
from anju.performance.demo import build_performance


class DemoContext:
    """What build_performance uses of the demo builder's Context (kept apart so these tests need only this app)."""

    def __init__(self) -> None:
        self.rng = random.Random(2023)
        self.out = io.StringIO()
        self.scale = 0.01


@pytest.fixture
def demo_2023(db: None) -> None:
    """The demo city's 2023 budget, assets, staffing, indicators and narrative, with a leader to approve."""
    leader = User.objects.create_user(username="demo_leader", password="x-Anju-2023")
    leader.roles.set(Role.objects.filter(code="leadership"))
    build_performance(cast(Any, DemoContext()))
