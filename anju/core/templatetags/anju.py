from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template

from anju.lib.ids import mask_id

register = template.Library()


@register.filter
def masked(number: str, see_full: bool) -> str:
    """An ID number, masked unless the viewer's role may see it in full."""
    return number if see_full else mask_id(number)


@register.filter
def money(value: Any) -> str:
    """A Decimal amount with thousands separators and two places."""
    if value is None or value == "":
        return ""
    return f"{Decimal(value):,.2f}"
