"""The demo city's arrears records (filled in by the fund use/arrears/lift issue)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from anju.demo.builder import Context


def build_arrears(ctx: Context) -> None:
    """Nothing yet."""
