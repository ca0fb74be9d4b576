"""Legacy projects' pure rules (DOMAIN.md §7): the canonical stages, which a project may not skip, and when a
milestone is overdue or has slipped. No Django here; the stages themselves are data (the Stage table, seeded
from STAGES), so a city may rename or re-flag them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import NamedTuple


class StageDef(NamedTuple):
    order: int
    code: str
    name: str
    required: bool  # a project past it must have reached it (unless it was registered past it)


STAGES: tuple[StageDef, ...] = (
    StageDef(1, "stalled", "停滞登记", False),
    StageDef(2, "recruitment", "投资招募", False),
    StageDef(3, "funded", "资金到位", False),
    StageDef(4, "takeover", "接管", False),
    StageDef(5, "safety_test", "续建安全检测", False),
    StageDef(6, "reinforcement", "加固", False),
    StageDef(7, "tender", "总承包招投标", False),
    StageDef(8, "resumed", "复工续建", False),
    StageDef(9, "structure", "主体工程完工", True),
    StageDef(10, "finishing", "扫尾工程", False),
    StageDef(11, "special_tests", "专项检测/验收", False),
    StageDef(12, "acceptance", "综合验收", True),
    StageDef(13, "delivery", "交房", True),
    StageDef(14, "settlement", "税费结算", True),
    StageDef(15, "certification", "进入办证程序", True),
    StageDef(16, "certified", "办证完成", False),
)
CERTIFICATION = "certification"


def skipped_required(entry: int, target: int, reached: Iterable[int], required: Iterable[int]) -> list[int]:
    """The required stages (by order) a project registered at stage `entry` would skip by reaching `target`:
    those after its entry and before the target that it has not reached."""
    done = set(reached)
    return sorted(order for order in set(required) if entry < order < target and order not in done)


def current(reached: Iterable[int]) -> int | None:
    """The current stage: the furthest reached in canonical order (None before any)."""
    return max(reached, default=None)


def overdue(planned: dt.date | None, reached: dt.date | None, today: dt.date) -> bool:
    """A planned date past with no actual date."""
    return planned is not None and reached is None and planned < today


def slip_days(first_planned: dt.date | None, planned: dt.date | None, reached: dt.date | None) -> int:
    """Days a milestone has slipped from its first plan: to the actual date when reached, else to its current
    plan (0 when there is no plan or it kept to it)."""
    if first_planned is None:
        return 0
    end = reached or planned
    return max(0, (end - first_planned).days) if end is not None else 0
