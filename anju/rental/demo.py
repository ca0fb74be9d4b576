"""The demo city's rental records (filled in by the rental module's issue)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from anju.demo.builder import Context


def build_rental(ctx: Context) -> None:
    """Nothing yet."""
