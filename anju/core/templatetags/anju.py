from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template

from anju.core import ids

register = template.Library()


@register.filter
def masked(number: str, see_full: bool) -> str:
    """An ID number, masked unless the viewer's role may see it in full."""
    return ids.shown(number, see_full)


@register.filter
def money(value: Any) -> str:
    """A Decimal amount with thousands separators and two places."""
    if value is None or value == "":
        return ""
    return f"{Decimal(value):,.2f}"
