from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template

from anju.core import ids
from anju.lib.ids import mask_name as _mask_name

register = template.Library()


@register.filter
def masked(number: str, see_full: bool) -> str:
    """An ID number, masked unless the viewer's role may see it in full."""
    return ids.shown(number, see_full)


@register.filter
def mask_name(name: str) -> str:
    """A person's name on a public notice: 张*三."""
    return _mask_name(name)


@register.filter
def money(value: Any) -> str:
    """A Decimal amount with thousands separators and two places."""
    if value is None or value == "":
        return ""
    return f"{Decimal(value):,.2f}"
