"""The demo city's performance records (filled in by the performance module's issue)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from anju.demo.builder import Context


def build_performance(ctx: Context) -> None:
    """Nothing yet."""
