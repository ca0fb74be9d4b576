"""Reads of the registry: search across persons, enterprises and units."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet

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


def person_filter(q: str) -> Q:
    """Name part, full ID number (or its last digits), phone, or pinyin initials."""
    cond = Q(name__icontains=q) | Q(id_number__iexact=q) | Q(phone=q)
    if q.isascii() and q.isalpha():
        cond |= Q(initials__startswith=q.lower())
    if len(q) >= 4 and q[-1:].isalnum() and len(q) < 18:
        cond |= Q(id_number__iendswith=q)
    return cond


def enterprise_filter(q: str) -> Q:
    cond = Q(name__icontains=q) | Q(uscc__iexact=q)
    if q.isascii() and q.isalpha():
        cond |= Q(initials__startswith=q.lower())
    return cond


def unit_filter(q: str) -> Q:
    cond = Q(code__istartswith=q)
    owners = Ownership.objects.filter(end__isnull=True).filter(
        Q(person__in=Person.objects.filter(person_filter(q)))
        | Q(enterprise__in=Enterprise.objects.filter(enterprise_filter(q)))
    )
    return cond | Q(pk__in=owners.values("unit_id"))


def project_filter(q: str) -> Q:
    cond = Q(code__iexact=q) | Q(name__icontains=q)
    if q.isascii() and q.isalpha():
        cond |= Q(initials__startswith=q.lower())
    return cond


def search(q: str, limit: int = 20) -> SearchResults:
    q = q.strip()
    if not q:
        return SearchResults([], [], [], [])
    return SearchResults(
        persons=list(Person.objects.filter(person_filter(q))[:limit]),
        enterprises=list(Enterprise.objects.filter(enterprise_filter(q))[:limit]),
        units=list(Unit.objects.filter(unit_filter(q)).select_related("project")[:limit]),
        projects=list(Project.objects.filter(project_filter(q))[:limit]),
    )


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
