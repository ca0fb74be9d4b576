"""The registry's kinds of picker (anju.core.pickers): projects, buildings, units, enterprises and persons.

Every search is a few indexed lookups each cut at the limit: a code or a name by its beginning (the unique
and db_index columns have a prefix index on PostgreSQL), pinyin initials by their beginning (the stored
`initials` columns), an ID number only by a name with its last digits, as the registry's own search allows.
Units (250k–1M rows) are found by code prefix, by a project's name, initials or code, or by their current
owner; projects (a few hundred) also by a part of their name or address."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import Count, Prefetch, Q
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from anju.core.pickers import PickerKind, register
from anju.lib.ids import mask_id, mask_name
from anju.registry import queries
from anju.registry.models import Building, Enterprise, Ownership, Person, Project, Unit

PROJECT_MODULES = ("registry", "fund", "rental", "termite", "subsidy", "legacy")


def _initials(q: str) -> bool:
    return q.isascii() and q.isalpha()


def prefix(column: str, q: str) -> Q:
    """A code typed in either case: the codes are stored upper case (P0001-1-1-101)."""
    return Q(**{f"{column}__startswith": q}) | Q(**{f"{column}__startswith": q.upper()})


# Projects ------------------------------------------------------------------------------------------------


def _project_filter(q: str) -> Q:
    cond = prefix("code", q) | Q(name__icontains=q) | Q(address__icontains=q)
    if _initials(q):
        cond |= Q(initials__startswith=q.lower())
    return cond


def _search_projects(q: str, user: Any, limit: int) -> Sequence[Project]:
    return list(Project.objects.filter(_project_filter(q)).select_related("developer").order_by("code")[:limit])


def _project_summary(project: Project, names: bool) -> str:
    parts = [project.code, project.name, project.address, project.developer.name if project.developer else ""]
    return " · ".join(p for p in parts if p)


# Buildings -----------------------------------------------------------------------------------------------


def _building_value(building: Building) -> str:
    return f"{building.project.code}-{building.number}"


def _lookup_building(value: str) -> Building | None:
    code, _sep, number = value.strip().rpartition("-")
    if not code:
        return None
    return Building.objects.select_related("project").filter(project__code=code.upper(), number=number).first()


def _search_buildings(q: str, user: Any, limit: int) -> Sequence[Building]:
    """ "P0001-1": the project's buildings by number; otherwise the buildings of the matching projects."""
    code, sep, number = q.rpartition("-")
    if sep and code:
        cond = Q(project__code=code.upper(), number__startswith=number)
    else:
        cond = Q(project__in=Project.objects.filter(_project_filter(q)).values("pk")[:5])
    return list(
        Building.objects.filter(cond)
        .select_related("project")
        .annotate(n_units=Count("units"))
        .order_by("project__code", "number")[:limit]
    )


def _building_summary(building: Building, names: bool) -> str:
    parts = [_building_value(building), f"{building.project.name} {building.number}幢", building.project.address]
    if building.floors:
        parts.append(_g("%(n)s floors") % {"n": building.floors})
    n_units = getattr(building, "n_units", None)
    if n_units is not None:
        parts.append(_g("%(n)s units") % {"n": n_units})
    return " · ".join(p for p in parts if p)


# Units ---------------------------------------------------------------------------------------------------


def _units() -> Any:
    current = Ownership.objects.filter(end__isnull=True).select_related("person", "enterprise")
    return Unit.objects.select_related("project", "building").prefetch_related(
        Prefetch("ownerships", queryset=current, to_attr="current_owners")
    )


def _lookup_unit(value: str) -> Unit | None:
    unit: Unit | None = _units().filter(code=value.strip()).first() or _units().filter(code=value.upper()).first()
    return unit


def person_ids(q: str, limit: int) -> Any:
    """Persons by the beginning of their name or initials, or by a name and the last digits of an ID number."""
    pair = queries.id_suffix_query(q)
    if pair is not None:
        cond = Q(name=pair[0], id_number__endswith=pair[1])
    else:
        cond = Q(name__startswith=q)
        if _initials(q):
            cond |= Q(initials__startswith=q.lower())
    return Person.objects.filter(cond).values("pk")[:limit]


def _search_units(q: str, user: Any, limit: int) -> Sequence[Unit]:
    found: list[Unit] = list(_units().filter(prefix("code", q)).order_by("code")[:limit])
    if len(found) < limit and not q[:1].isdigit():
        projects = Project.objects.filter(_project_filter(q)).values("pk")[:3]
        seen = [u.pk for u in found]
        found += _units().filter(project__in=projects).exclude(pk__in=seen).order_by("code")[: limit - len(found)]
    if len(found) < limit:
        seen = [u.pk for u in found]
        owned = Ownership.objects.filter(end__isnull=True, person__in=person_ids(q, limit)).values("unit_id")
        owned_by_enterprise = Ownership.objects.filter(
            end__isnull=True, enterprise__in=Enterprise.objects.filter(_enterprise_filter(q)).values("pk")[:limit]
        ).values("unit_id")
        found += (
            _units()
            .filter(Q(pk__in=owned[:limit]) | Q(pk__in=owned_by_enterprise[:limit]))
            .exclude(pk__in=seen)
            .order_by("code")[: limit - len(found)]
        )
    return found


def _owner_name(unit: Unit, names: bool) -> str:
    owners = getattr(unit, "current_owners", None)
    if owners is None:
        ownership = unit.current_ownership()
        owners = [ownership] if ownership else []
    if not owners:
        return ""
    owner = owners[0].owner
    if isinstance(owner, Person):
        return owner.name if names else mask_name(owner.name)
    return owner.name if owner else ""


def _unit_summary(unit: Unit, names: bool) -> str:
    address = f"{unit.project.name} {unit.building.number}幢{unit.entrance}单元{unit.room}室"
    parts = [unit.code, address, f"{unit.area} m²"]
    owner = _owner_name(unit, names)
    if owner:
        parts.append(_g("owner %(name)s") % {"name": owner})
    return " · ".join(parts)


# Enterprises and persons -----------------------------------------------------------------------------------


def _enterprise_filter(q: str) -> Q:
    cond = Q(name__startswith=q) | prefix("uscc", q)
    if _initials(q):
        cond |= Q(initials__startswith=q.lower())
    return cond


def _search_enterprises(q: str, user: Any, limit: int) -> Sequence[Enterprise]:
    return list(Enterprise.objects.filter(_enterprise_filter(q)).order_by("name", "pk")[:limit])


def _lookup_enterprise(value: str) -> Enterprise | None:
    return Enterprise.objects.filter(uscc=value.strip().upper()).first()


def _enterprise_summary(enterprise: Enterprise, names: bool) -> str:
    parts = [enterprise.name, enterprise.uscc, enterprise.address]
    if enterprise.unreachable:
        parts.append(_g("unreachable"))
    return " · ".join(p for p in parts if p)


def _search_persons(q: str, user: Any, limit: int) -> Sequence[Person]:
    return list(Person.objects.filter(pk__in=person_ids(q, limit)).order_by("name", "pk")[:limit])


def _person_summary(person: Person, names: bool) -> str:
    parts = [person.name if names else mask_name(person.name), mask_id(person.id_number), person.address]
    return " · ".join(p for p in parts if p)


def audit_person_search(user: Any, q: str) -> None:
    from anju.core.permissions import can
    from anju.registry.actions import audit_id_search

    audit_id_search(user, q, see_id=can(user, "registry", "see_id"))


register(
    PickerKind(
        name="project",
        noun=_("project"),
        search=_search_projects,
        lookup=lambda v: Project.objects.select_related("developer").filter(code=v.strip().upper()).first(),
        value=lambda p: p.code,
        summary=_project_summary,
        modules=PROJECT_MODULES,
    )
)
register(
    PickerKind(
        name="building",
        noun=_("building"),
        search=_search_buildings,
        lookup=_lookup_building,
        value=_building_value,
        summary=_building_summary,
        modules=PROJECT_MODULES,
    )
)
register(
    PickerKind(
        name="unit",
        noun=_("unit"),
        search=_search_units,
        lookup=_lookup_unit,
        value=lambda u: u.code,
        summary=_unit_summary,
        modules=PROJECT_MODULES,
        after_search=audit_person_search,
    )
)
register(
    PickerKind(
        name="enterprise",
        noun=_("enterprise"),
        search=_search_enterprises,
        lookup=_lookup_enterprise,
        value=lambda e: e.uscc,
        summary=_enterprise_summary,
        modules=PROJECT_MODULES,
    )
)
register(
    PickerKind(
        name="person",
        noun=_("person"),
        search=_search_persons,
        # by the record's number, never by a typed ID number (a check of a guessed number would reveal it)
        lookup=lambda v: Person.objects.filter(pk=int(v)).first() if v.strip().isdigit() else None,
        value=lambda p: str(p.pk),
        summary=_person_summary,
        modules=("registry", "rental", "subsidy"),
        after_search=audit_person_search,
    )
)
