from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from anju.core import audit, ids
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


@register.filter
def who(name: str, user_or_full_name: Any = "") -> SafeString | str:
    """Who acted, as people read it (issue 19): the real name (the argument: a user, or the real name stored
    with the record), 系统（命令行） for the command line, else the stored name; the stored login name stays
    in the tooltip. Pass a user only when the list selected it (no query per row)."""
    full = getattr(user_or_full_name, "full_name", user_or_full_name) or ""
    shown = audit.shown_name(name or "", str(full))
    if not name or shown == name:
        return shown
    return format_html('<span title="{}">{}</span>', name, shown)
