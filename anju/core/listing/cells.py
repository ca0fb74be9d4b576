"""What a list's row function returns per column, and how a value shows on the page and in the .xlsx.

A cell is a plain value (text, number, Decimal, date, None), one of the small types below, or a tuple
of parts shown side by side (a link and a tag). The page and the export read the same value, so they
cannot disagree; only the look differs (links and tags on the page, their text in the file)."""

from __future__ import annotations

import datetime as dt
import inspect
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import partialmethod
from html import escape as escape_html
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.utils import timezone
from django.utils.hashable import make_hashable
from django.utils.html import conditional_escape, strip_tags
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

NUM = "num"
NOWRAP = "nowrap"


@dataclass(frozen=True)
class Link:
    text: Any
    url: str

    def __str__(self) -> str:
        return str(self.text)


@dataclass(frozen=True)
class Tag:
    """A status shown as a coloured tag (`tag-<css>` in anju.css); exported as its label."""

    text: Any
    css: str = ""

    def __str__(self) -> str:
        return str(self.text)


@dataclass(frozen=True)
class Muted:
    """A value shown greyed out: a placeholder (—) or a provisional figure; exported as the value."""

    value: Any

    def __str__(self) -> str:
        return str(self.value)


def _text(value: Any) -> tuple[str, str]:
    """A scalar as page text and its cell class."""
    if value is None:
        return "", ""
    if isinstance(value, bool):
        return str(value), ""
    if isinstance(value, Decimal):
        return f"{value:,.2f}", NUM
    if isinstance(value, int):
        return str(value), NUM
    if isinstance(value, dt.datetime):
        local = timezone.localtime(value) if timezone.is_aware(value) else value
        return f"{local:%Y-%m-%d %H:%M}", NOWRAP
    if isinstance(value, dt.date):
        return value.isoformat(), NOWRAP
    return str(value), ""


def _escaped(text: Any) -> SafeString:
    """`conditional_escape`, without its lazy-argument wrapper for the plain strings most cells are."""
    return SafeString(escape_html(text)) if type(text) is str else conditional_escape(text)


def html(value: Any) -> tuple[SafeString, str]:
    """A cell as escaped HTML and its class (`num` right-aligns numbers, `nowrap` keeps dates whole)."""
    if isinstance(value, SafeString):
        return value, ""
    if isinstance(value, Link):
        text, css = _text(value.text)
        return SafeString(f'<a href="{_escaped(value.url)}">{_escaped(text)}</a>'), css
    if isinstance(value, Tag):
        css = f"tag tag-{value.css}" if value.css else "tag"
        return SafeString(f'<span class="{_escaped(css)}">{_escaped(_text(value.text)[0])}</span>'), ""
    if isinstance(value, Muted):
        text, css = _text(value.value)
        return SafeString(f'<span class="muted">{_escaped(text)}</span>'), css
    if isinstance(value, tuple):
        parts = [html(part) for part in value if part not in (None, "")]
        css = parts[0][1] if parts else ""
        return mark_safe(" ".join(part for part, _css in parts)), css  # each part is escaped above
    text, css = _text(value)
    return _escaped(text), css


PLAIN = frozenset({str, int, Decimal, float, dt.date, bool, type(None)})


def export_value(value: Any) -> Any:
    """A cell as the .xlsx holds it: numbers and dates stay typed, links and tags become their text."""
    if type(value) in PLAIN:  # most cells: nothing to do (a SafeString or a datetime is not of these types)
        return value
    if isinstance(value, SafeString):
        return strip_tags(value)
    if isinstance(value, Link | Tag):
        return export_value(value.text)
    if isinstance(value, Muted):
        return export_value(value.value)
    if isinstance(value, tuple):
        return " ".join(str(export_value(part)) for part in value if part not in (None, ""))
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        # Local wall-clock time: spreadsheets have no time zones.
        return timezone.localtime(value).replace(tzinfo=None)
    if isinstance(value, Decimal | int | float | dt.date) or value is None:
        return value
    return str(value)


def choice_label(choices: Iterable[tuple[Any, Any]]) -> Callable[[Any], Any]:
    """A column's `from_fields` for a field with choices: its label, as `get_FOO_display()` gives it (the
    value itself when it is not one of them)."""
    labels = {value: str(label) for value, label in choices}
    return lambda value: labels.get(value, value)


# Each choice field's labels in the active language, {value: label}, by (model, name, language): Django's
# `get_FOO_display()` rebuilds the field's choices and hashes every label (translating each) on every call,
# which a list does per row. None where the model's own `get_<name>_display` must answer (below).
_labels: dict[tuple[type, str, str | None], dict[Any, Any] | None] = {}


def _choice_labels(model: type, name: str) -> dict[Any, Any] | None:
    """The field's labels, or None when they are not Django's to give: no such field (a model's own
    `get_<name>_display` over a property), a model's own override of the method, or computed choices (a
    callable, asked each time)."""
    try:
        field = model._meta.get_field(name)  # type: ignore[attr-defined]
    except FieldDoesNotExist:
        return None
    own = inspect.getattr_static(model, f"get_{name}_display", None)
    if field.is_relation or not isinstance(own, partialmethod) or not isinstance(field.choices, list | tuple):
        return None
    return {make_hashable(value): str(label) for value, label in field.flatchoices}


def label_of(obj: Any, name: str) -> Any:
    """`obj.get_<name>_display()`, the field's labels translated once a process (the value itself when it is
    not one of the choices)."""
    key = (type(obj), name, get_language())
    try:
        labels = _labels[key]
    except KeyError:
        labels = _labels[key] = _choice_labels(type(obj), name)
    if labels is None:
        return getattr(obj, f"get_{name}_display")()
    value = getattr(obj, name)
    return labels.get(make_hashable(value), value)


def total_html(value: Any) -> SafeString:
    """A figure of the 合计 row: money with thousands separators, counts as they are."""
    if value is None:
        return SafeString("")
    return conditional_escape(_text(value)[0])
