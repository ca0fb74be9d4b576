"""Legacy projects built through the line's actions."""

from __future__ import annotations

import datetime as dt

from anju.core.models import User
from anju.legacy import actions
from anju.legacy.models import Project


def project(name: str = "西南名都", *, stage: str = "resumed", on: dt.date = dt.date(2020, 1, 10),
            households: int = 300, actor: User | None = None) -> Project:  # fmt: skip
    return actions.register_project(actor, name=name, registered_on=on, entry_stage=stage, households=households)
