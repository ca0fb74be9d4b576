"""The search box and the filter bar of a list page.

Each filter reads its own query parameter, ignores a value it does not recognise (a stale link or a
hand-edited URL shows the unfiltered list rather than an error) and narrows the queryset."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from django.db.models import Q, QuerySet
from django.http import QueryDict
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

Label = str | Promise
Narrow = Callable[[QuerySet[Any], Any], QuerySet[Any]]
# Parameters the list page itself uses; a filter must not take one of these names.
RESERVED = frozenset({"q", "sort", "per", "page", "export"})
YEAR = _("Year")


@dataclass(frozen=True)
class Search:
    """`?q=`: any of `fields` (lookups such as "number__istartswith") matches; a query of latin letters
    also matches the pinyin initials stored in `initials` ("zs" finds 张三). A list whose search does
    more (ID-number suffixes, owners of units) passes its own `apply(queryset, q)` instead."""

    fields: Sequence[str] = ()
    hint: Label = ""
    initials: Sequence[str] = ()
    apply: Narrow | None = None

    def narrow(self, queryset: QuerySet[Any], q: str) -> QuerySet[Any]:
        if self.apply is not None:
            return self.apply(queryset, q)
        cond = Q()
        for lookup in self.fields:
            cond |= Q(**{lookup: q})
        if q.isascii() and q.isalpha():
            for field in self.initials:
                cond |= Q(**{f"{field}__startswith": q.lower()})
        return queryset.filter(cond)


class Filter:
    """One control of the filter bar. `bind` reads the request's parameters: what the control shows and
    the cleaned value (None: not filtering)."""

    widget: ClassVar[str]
    name: str
    field: str | None
    apply: Narrow | None

    def bind(self, params: QueryDict) -> tuple[Any, Any]:
        raw = params.get(self.name, "").strip()
        return raw, (self.clean(raw) if raw else None)

    def clean(self, raw: str) -> Any:
        return raw

    def narrow(self, queryset: QuerySet[Any], value: Any) -> QuerySet[Any]:
        if self.apply is not None:
            return self.apply(queryset, value)
        return queryset.filter(**{self.field or self.name: value})

    def hidden(self, raw: Any) -> list[tuple[str, str]]:
        """Parameters the filter form carries unchanged (a filter without a visible control)."""
        return []

    def tag_text(self, value: Any) -> Any:
        """What the filter bar says about an applied filter that has no control of its own."""
        return ""


@dataclass(frozen=True)
class ChoiceFilter(Filter):
    """A select of fixed choices; `everything` is the empty option's text (default "<label>：全部")."""

    name: str
    label: Label
    choices: Sequence[tuple[Any, Any]]
    field: str | None = None
    apply: Narrow | None = None
    everything: Label | None = None
    widget: ClassVar[str] = "select"

    @property
    def options(self) -> list[tuple[str, Any]]:
        return [(str(value), label) for value, label in self.choices]

    def clean(self, raw: str) -> Any:
        return raw if raw in {value for value, _label in self.options} else None


@dataclass(frozen=True)
class YearFilter(Filter):
    """A select of years (default: this year back to 2019); the value reaches `apply` as an int."""

    field: str | None = None
    name: str = "year"
    label: Label = YEAR
    apply: Narrow | None = None
    years: Sequence[int] | None = None
    everything: Label | None = None
    widget: ClassVar[str] = "select"

    @property
    def options(self) -> list[tuple[str, str]]:
        years = self.years if self.years is not None else range(timezone.localdate().year, 2018, -1)
        return [(str(y), str(y)) for y in years]

    def clean(self, raw: str) -> Any:
        return int(raw) if raw.isdigit() and 1900 < int(raw) < 2200 else None


@dataclass(frozen=True)
class DateRangeFilter(Filter):
    """From and to dates (both included) on `field`, e.g. "issued_on" or "at__date"."""

    field: str | None = None
    name: str = "from"
    end: str = "to"
    apply: Narrow | None = None
    widget: ClassVar[str] = "dates"

    def bind(self, params: QueryDict) -> tuple[Any, Any]:
        raw = (params.get(self.name, "").strip(), params.get(self.end, "").strip())
        start, end = valid_date(raw[0]), valid_date(raw[1])
        return raw, ((start, end) if start or end else None)

    def narrow(self, queryset: QuerySet[Any], value: Any) -> QuerySet[Any]:
        start, end = value
        if start:
            queryset = queryset.filter(**{f"{self.field}__gte": start})
        if end:
            queryset = queryset.filter(**{f"{self.field}__lte": end})
        return queryset


@dataclass(frozen=True)
class TextFilter(Filter):
    """A short text input (a project code, a building number) matched by `field` or `apply`."""

    name: str
    label: Label
    field: str | None = None
    apply: Narrow | None = None
    size: int = 10
    widget: ClassVar[str] = "text"


@dataclass(frozen=True)
class FlagFilter(Filter):
    """A checkbox: when ticked (`?<name>=<value>`) the list narrows by `field=True` or `apply`."""

    name: str
    label: Label
    field: str | None = None
    apply: Narrow | None = None
    value: str = "1"
    widget: ClassVar[str] = "check"

    def clean(self, raw: str) -> Any:
        return True if raw == self.value else None


@dataclass(frozen=True)
class HiddenFilter(Filter):
    """A parameter set by a link from elsewhere (a KPI's records, a dashboard figure): no control, kept
    while the user filters further, optionally shown as a tag saying what narrows the list."""

    name: str
    apply: Narrow
    valid: Callable[[str], Any] | None = None
    tag: Callable[[Any], Any] | None = None
    field: str | None = None
    widget: ClassVar[str] = "hidden"

    def clean(self, raw: str) -> Any:
        return self.valid(raw) if self.valid is not None else raw

    def hidden(self, raw: Any) -> list[tuple[str, str]]:
        return [(self.name, raw)] if raw else []

    def tag_text(self, value: Any) -> Any:
        return self.tag(value) if self.tag is not None else ""


def valid_date(raw: str) -> dt.date | None:
    """A date parameter, or None for anything that is not a date."""
    try:
        return parse_date(raw)
    except ValueError:
        return None


def valid_int(raw: str) -> int | None:
    return int(raw) if raw.isdigit() else None


def valid_month(raw: str) -> int | None:
    """A month of the year, 1–12 (a chart point's month)."""
    return int(raw) if raw.isdigit() and 1 <= int(raw) <= 12 else None
