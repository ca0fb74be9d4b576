"""Reads of the registry: search across persons, enterprises and units."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import BooleanField, Count, Exists, F, Func, OuterRef, Q, QuerySet, Sum, Value

from anju.core import kept
from anju.registry.models import Enterprise, Ownership, Person, Project, Unit


@dataclass
class SearchResults:
    persons: list[Person]
    enterprises: list[Enterprise]
    units: list[Unit]
    projects: list[Project]

    @property
    def total(self) -> int:
        return len(self.persons) + len(self.enterprises) + len(self.units) + len(self.projects)


# An ID number is searched by its last 4 to 6 digits (the last may be X) together with a name: "张三 1234".
SUFFIX = re.compile(r"^\d{3,5}[\dXx]$")
# A phone or ID number (or a part of one): digits, perhaps ending in X; searched in no name.
NUMBER = re.compile(r"^\d+[Xx]?$")


def id_suffix_query(q: str) -> tuple[str, str] | None:
    """(name, suffix) when the search is a name and the last 4–6 characters of an ID number, else None."""
    parts = q.split()
    if len(parts) != 2:
        return None
    name, suffix = (parts[1], parts[0]) if SUFFIX.match(parts[0]) else (parts[0], parts[1])
    if not SUFFIX.match(suffix) or SUFFIX.match(name):
        return None
    return name, suffix.upper()


def initials_prefix(q: str, field: str = "initials") -> Q:
    """Initials starting with `q` (latin letters, any case) as a range over the indexed column, which a
    B-tree serves on SQLite and PostgreSQL alike (a LIKE 'zw%' it does not on either by default), with the
    prefix test kept so that the range can only narrow."""
    low = q.lower()
    high = low[:-1] + chr(ord(low[-1]) + 1)
    return Q(**{f"{field}__gte": low, f"{field}__lt": high, f"{field}__startswith": low})


def _id_suffix(suffix: str) -> Q:
    """ID numbers ending with `suffix` (4 or more characters), found through the indexed last 4."""
    return Q(id_tail=suffix[-4:].upper(), id_number__iendswith=suffix)


def person_filter(q: str, *, see_id: bool = True) -> Q:
    """Name part, phone or pinyin initials; with the right to see ID numbers also a full ID number or its
    last digits. Without it, an ID number is found only by a name with its last 4–6 digits ("张三 1234"), so
    nobody can rebuild a full number from searches by suffix (the caller audits such a search).

    Latin letters search the initials by prefix, which are a latin name's own letters (John Smith ->
    "johnsmith"): "zw" finds 张伟 and Zwart by an index, never by reading every name; digits are a phone
    or an ID number, not a name. Each condition is served by an index except a name part in Chinese on
    SQLite (on PostgreSQL a trigram index, and the names' characters for one or two characters)."""
    parts = person_parts(q, see_id=see_id)
    cond = parts[0]
    for part in parts[1:]:
        cond |= part
    return cond


class _NameHasChars(Func):
    """PostgreSQL: the characters of the upper-cased name include every character of the upper-cased search,
    `string_to_array(UPPER(name), NULL) @> string_to_array(UPPER(q), NULL)`, which the GIN index
    registry_person_name_chars serves (migration registry 0003)."""

    arg_joiner = "::text), NULL) @> string_to_array(UPPER("
    template = "(string_to_array(UPPER(%(expressions)s::text), NULL))"
    output_field = BooleanField()


def name_contains(q: str) -> Q:
    """A person's name containing `q`, case-insensitively (`icontains`). On PostgreSQL also by the characters
    of the name, a condition every such name meets, for the characters' GIN index: a name part of one or two
    Chinese characters has no trigram, and `UPPER(name) LIKE '%张%'` in the names' order walked the index to
    the first 张 (74k names of the demo city, 88 ms; by the characters' index 3.5 ms). The same rows either way."""
    cond = Q(name__icontains=q)
    if connection.vendor == "postgresql":
        cond &= Q(_NameHasChars(F("name"), Value(q)))
    return cond


def person_parts(q: str, *, see_id: bool = True) -> list[Q]:
    """`person_filter`'s alternatives, each of which an index serves alone (the name part in Chinese by
    walking the names' index, which holds the name, on SQLite; by the names' characters on PostgreSQL).
    ORed in one query, the database reads every row to test the phone beside the name (1.8 s for `张` on
    the demo city's 246k persons, against 13 ms of CPU for the name alone), so the registry search asks
    them one by one."""
    pair = id_suffix_query(q)
    if pair is not None:
        return [Q(name__icontains=pair[0]) & _id_suffix(pair[1])]
    if q.isascii() and q.isalpha():
        parts = [initials_prefix(q)]
    elif NUMBER.match(q):
        parts = [Q(phone=q)]
    else:
        parts = [name_contains(q), Q(phone=q)]
    if see_id:
        parts.append(Q(id_number=q.upper()))
        if len(q) >= 4 and q[-1:].isalnum() and len(q) < 18:
            parts.append(_id_suffix(q))
    return parts


def _listed(parts: list[Q], limit: int = 0) -> list[list[int]]:
    """For each part of a person search, the first max(OWNERS_LISTED + 1, limit) matching persons' ids in the
    persons' order (an index each): the search's persons are the first `limit` of each, and its units are found
    through a part's owners when it lists no more than OWNERS_LISTED of them (`_units`)."""
    first = max(OWNERS_LISTED + 1, limit)
    return [list(Person.objects.filter(part).values_list("pk", flat=True)[:first]) for part in parts]


def _persons(listed: list[list[int]], limit: int) -> list[Person]:
    """The first `limit` persons matching `person_filter`, in the persons' order: the first `limit` of each
    alternative (`_listed`), then those few ordered by the database as the whole query would be."""
    found = {pk for ids in listed for pk in ids[:limit]}
    return list(Person.objects.filter(pk__in=found)[:limit])


def enterprise_filter(q: str) -> Q:
    cond = Q(name__icontains=q) | Q(uscc__iexact=q)
    if q.isascii() and q.isalpha():
        cond |= initials_prefix(q)
    return cond


def unit_filter(q: str, *, see_id: bool = True) -> Q:
    """Units whose code starts with `q` (case-insensitively) or whose current owner, a person or an enterprise,
    matches it: one set of ids, the UNION of each alternative read through its own index — the codes
    (`code_prefix`), each part of the person search (`person_parts`) with those persons' current ownerships, the
    enterprises'. ORed in one WHERE, the units' and the ownerships' tables were each read whole (PostgreSQL,
    the demo city's units list: 115–285 ms for the count and the first page; 37–60 ms as a union)."""
    current = Ownership.objects.filter(end__isnull=True).order_by()
    matching: list[QuerySet[Any, Any]] = [Unit.objects.filter(code_prefix(q)).order_by().values("pk")]
    matching += [
        current.filter(person__in=Person.objects.filter(part)).values("unit_id")
        for part in person_parts(q, see_id=see_id)
    ]
    matching.append(current.filter(enterprise__in=Enterprise.objects.filter(enterprise_filter(q))).values("unit_id"))
    return Q(pk__in=matching[0].union(*matching[1:]))


# Past this many persons matching a part of the search, their units are found by testing the units in
# order (where owners so common are met soon) instead of through the list of those persons.
OWNERS_LISTED = 200


def code_prefix(q: str) -> Q:
    """Unit codes starting with `q`, case-insensitively (`istartswith`), as an index serves it where it can.
    Without cased letters in `q` (张, 1234, 城北) a case-sensitive prefix matches the same codes: on PostgreSQL
    `LIKE 'q%'`, which the codes' pattern index (varchar_pattern_ops, Django's for a unique CharField) serves
    whatever the database's collation; on SQLite a range over the codes' index, which compares them bytewise,
    the prefix test kept. With letters the prefix test alone: on PostgreSQL `UPPER(code) LIKE 'Q%'`, which the
    upper-cased codes' pattern index serves (migration 0004); on SQLite a read of every code."""
    if not q or q.upper() != q.lower():
        return Q(code__istartswith=q)
    if connection.vendor == "postgresql":
        return Q(code__startswith=q)
    following = ord(q[-1]) + 1
    if following > 0x10FFFF or 0xD800 <= following <= 0xDFFF:  # no character follows, or one SQLite cannot bind
        return Q(code__istartswith=q)
    return Q(code__gte=q, code__lt=q[:-1] + chr(following), code__istartswith=q)


def _units(q: str, limit: int, *, see_id: bool, listed: list[list[int]] | None = None) -> list[Unit]:
    """The first `limit` units matching `unit_filter`, in the units' order, as `_persons` finds persons: the
    first `limit` of each alternative (an index each), then those few ordered — without reading every
    person matching the name before the LIMIT (张 matches 2,605 of the demo city's 252k persons). A part
    matching at most OWNERS_LISTED persons takes their units through the ownerships' index; one matching
    more tests the units in order for a current owner matching it (an index lookup each) and stops at
    the `limit`th.

    The codes are searched by prefix through their index (`code_prefix`), which holds only for a search without
    cased letters (张, 1234); a search with letters (zw, P0001) finds its codes by a case-insensitive LIKE
    (through the upper-cased codes' index on PostgreSQL; on SQLite reading every code unless the units' walk
    stops early), so it stays the one query of `unit_filter`."""
    if q.upper() != q.lower():
        return list(Unit.objects.filter(unit_filter(q, see_id=see_id)).select_related("project")[:limit])
    current = Ownership.objects.filter(end__isnull=True)
    alternatives = [Unit.objects.filter(code_prefix(q))]
    # The enterprises as the persons: listed first, so a name no developer bears (张) costs one lookup, not a
    # walk of every unit in order testing its owner (PostgreSQL planned it so: 0.29 s for no unit).
    parts = person_parts(q, see_id=see_id)
    persons = listed if listed is not None else _listed(parts)
    owners_by: list[tuple[type[Person] | type[Enterprise], str, Q, list[int] | None]] = [
        (Enterprise, "enterprise", enterprise_filter(q), None)
    ]
    owners_by += [(Person, "person", part, ids) for part, ids in zip(parts, persons, strict=True)]
    for model, field, part, ids in owners_by:
        if ids is None:
            ids = list(model.objects.filter(part).order_by().values_list("pk", flat=True)[: OWNERS_LISTED + 1])
        if not ids:
            continue
        if len(ids) <= OWNERS_LISTED:
            owned = current.filter(**{f"{field}__in": ids})
            alternatives.append(Unit.objects.filter(pk__in=owned.values("unit_id")))
        else:
            owners = model.objects.filter(part, ownerships__unit=OuterRef("pk"), ownerships__end__isnull=True)
            alternatives.append(Unit.objects.filter(Exists(owners)))
    found: set[int] = set()
    for units in alternatives:
        found.update(units.values_list("pk", flat=True)[:limit])
    return list(Unit.objects.filter(pk__in=found).select_related("project")[:limit])


def project_filter(q: str) -> Q:
    cond = Q(code__iexact=q) | Q(name__icontains=q)
    if q.isascii() and q.isalpha():
        cond |= initials_prefix(q)
    return cond


def search(q: str, limit: int = 20, *, see_id: bool = True) -> SearchResults:
    q = q.strip()
    if not q:
        return SearchResults([], [], [], [])
    listed = _listed(person_parts(q, see_id=see_id), limit)  # the persons and, through their owners, the units
    return SearchResults(
        persons=_persons(listed, limit),
        enterprises=list(Enterprise.objects.filter(enterprise_filter(q))[:limit]),
        units=_units(q, limit, see_id=see_id, listed=listed),
        projects=list(Project.objects.filter(project_filter(q))[:limit]),
    )


def persons_count() -> int:
    """All persons, counted once per version of their table (`anju.core.kept`): the persons API's unfiltered
    count, which PostgreSQL counted over all 252k rows of the demo city for each request (15 ms)."""
    return kept.kept(("registry.persons_count",), ("registry_person",), Person.objects.count)


def project_unit_sums() -> dict[int, tuple[int, Decimal | None]]:
    """Each project's (unit count, floor area summed) — a project without units is absent — over all the
    units, once per version of their table (`anju.core.kept`). The projects list and its API show them for
    a page of projects, which summed those projects' units each view (50 projects, 28k units of the demo
    city: PostgreSQL 6 ms, SQLite 4 ms); summing all 256k once after a change takes 50–100 ms."""

    def compute() -> dict[int, tuple[int, Decimal | None]]:
        rows = Unit.objects.order_by().values("project_id").annotate(n=Count("id"), area=Sum("area"))
        return {row["project_id"]: (row["n"], row["area"]) for row in rows}

    return kept.kept(("registry.project_unit_sums",), ("registry_unit",), compute)


def set_unit_sums(projects: Iterable[Project]) -> None:
    """Set `unit_count` and `total_area` on each project, as `annotate(unit_count=Count("units"),
    total_area=Sum("units__area"))` would (0 and None for a project without units), from the kept sums."""
    projects = list(projects)
    if not projects:  # (an empty page: the sums are not read, nor summed again after a change)
        return
    sums = project_unit_sums()
    for project in projects:
        project.unit_count, project.total_area = sums.get(project.pk, (0, None))  # type: ignore[attr-defined]


def units_with_owner(queryset: QuerySet[Unit] | None = None) -> QuerySet[Unit]:
    """Units with their project, building and current ownership (one query each, no N+1)."""
    from django.db.models import Prefetch

    base = queryset if queryset is not None else Unit.objects.all()
    return base.select_related("project", "building").prefetch_related(
        Prefetch(
            "ownerships",
            queryset=Ownership.objects.filter(end__isnull=True).select_related("person", "enterprise"),
            to_attr="current",
        )
    )
