"""API endpoints of the registry: persons, enterprises, projects, units, search and the unit import.

Permissions are those of the pages: registry `view` for every endpoint, `handle` for the import.
Resident ID numbers are masked (first 3 and last 4 characters kept) unless the caller's role may
see them (registry `see_id`); areas are strings with two decimals."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated, Any, Literal

from django.db.models import Count, Prefetch, QuerySet, Sum
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, File, Query, Router, Schema, UploadedFile

from anju.core import ids
from anju.core.apikit import ImportErrorOut, Paging, page_schema, paginate
from anju.core.client_address import client_ip
from anju.core.ids import MaskedId
from anju.core.permissions import actor, can, check
from anju.registry import actions, importer, queries
from anju.registry.models import Building, Enterprise, Ownership, Person, Project, Unit

MODULE = "registry"
ID_NUMBER_DOC = (
    "Masked (first 3 and last 4 characters kept, the rest `*`) unless the caller's role may see "
    "ID numbers (registry `see_id`)."
)
OWNER_ID_DOC = f"A person's ID number or an enterprise's unified social credit code. ID numbers: {ID_NUMBER_DOC}"
AREA_DOC = "Square metres, a string with two decimals."

router = Router(tags=["registry"])


def _two_places(value: Decimal | None) -> str:
    return str((value or Decimal(0)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


IdNumber = Annotated[str, MaskedId(MODULE)]


class OwnerOut(Schema):
    kind: Literal["person", "enterprise"]
    id: int
    name: str
    id_number: str = Field(description=OWNER_ID_DOC)
    phone: str


def _owner(ownership: Ownership, context: dict[str, Any]) -> OwnerOut:
    if ownership.person is not None:
        person = ownership.person
        return OwnerOut(
            kind="person",
            id=person.pk,
            name=person.name,
            id_number=ids.for_user(person.id_number, context["request"].user, MODULE),
            phone=person.phone,
        )
    enterprise = ownership.enterprise
    assert enterprise is not None
    return OwnerOut(
        kind="enterprise",
        id=enterprise.pk,
        name=enterprise.name,
        id_number=enterprise.uscc,
        phone=enterprise.contact_phone,
    )


class OwnershipOut(Schema):
    owner: OwnerOut
    start: dt.date
    end: dt.date | None = Field(description="Empty for the current owner.")

    @staticmethod
    def resolve_owner(obj: Ownership, context: dict[str, Any]) -> OwnerOut:
        return _owner(obj, context)


class PersonOut(Schema):
    id: int
    name: str
    id_type: str
    id_number: IdNumber = Field(description=ID_NUMBER_DOC)
    birth_date: dt.date | None
    phone: str
    address: str


class PersonUnitOut(Schema):
    unit_code: str = Field(alias="unit.code")
    project_name: str = Field(alias="unit.project.name")
    start: dt.date
    end: dt.date | None = Field(description="Empty while the person owns the unit.")


class PersonDetailOut(PersonOut):
    ownerships: list[PersonUnitOut] = Field(description="Units the person owns or owned, newest first.")

    @staticmethod
    def resolve_ownerships(obj: Person) -> list[Ownership]:
        return obj.unit_history  # type: ignore[attr-defined]


class EnterpriseRef(Schema):
    id: int
    name: str


class EnterpriseOut(Schema):
    id: int
    name: str
    uscc: str = Field(description="Unified social credit code.")
    legal_representative: str
    contact_person: str
    contact_phone: str
    address: str
    unreachable: bool = Field(description="The enterprise cannot be contacted (失联).")
    unreachable_since: dt.date | None
    unreachable_note: str


class RegistrationOut(Schema):
    date: dt.date
    old_name: str
    new_name: str
    old_uscc: str
    new_uscc: str
    old_legal_representative: str
    new_legal_representative: str
    note: str


class ProjectBriefOut(Schema):
    code: str
    name: str
    kind: str
    district: str
    address: str


class EnterpriseDetailOut(EnterpriseOut):
    registrations: list[RegistrationOut] = Field(description="Re-registrations (变更登记), newest first.")
    projects: list[ProjectBriefOut] = Field(description="Projects the enterprise developed.")


class ProjectOut(ProjectBriefOut):
    developer: EnterpriseRef | None
    unit_count: int
    total_area: str = Field(description=AREA_DOC)

    @staticmethod
    def resolve_total_area(obj: Project) -> str:
        return _two_places(obj.total_area)  # type: ignore[attr-defined]


class BuildingOut(Schema):
    number: str
    floors: int | None
    structure: str
    lift_count: int
    unit_count: int
    total_area: str = Field(description=AREA_DOC)

    @staticmethod
    def resolve_total_area(obj: Building) -> str:
        return _two_places(obj.total_area)  # type: ignore[attr-defined]


class ProjectDetailOut(ProjectOut):
    buildings: list[BuildingOut]

    @staticmethod
    def resolve_buildings(obj: Project) -> list[Building]:
        return obj.building_list  # type: ignore[attr-defined]


class UnitBriefOut(Schema):
    code: str
    project_code: str = Field(alias="project.code")
    project_name: str = Field(alias="project.name")
    entrance: str
    room: str
    floor: int
    area: str = Field(description=AREA_DOC)
    use: str

    @staticmethod
    def resolve_area(obj: Unit) -> str:
        return _two_places(obj.area)


class UnitOut(UnitBriefOut):
    building: str = Field(description="Building number (幢号).")
    owner: OwnerOut | None = Field(description="The current owner; empty when the unit has none.")

    @staticmethod
    def resolve_building(obj: Unit) -> str:
        return obj.building.number

    @staticmethod
    def resolve_owner(obj: Unit, context: dict[str, Any]) -> OwnerOut | None:
        current: list[Ownership] = obj.current  # type: ignore[attr-defined]
        return _owner(current[0], context) if current else None


class UnitDetailOut(UnitOut):
    ownerships: list[OwnershipOut] = Field(description="Ownership history, newest first.")

    @staticmethod
    def resolve_ownerships(obj: Unit) -> list[Ownership]:
        return obj.history  # type: ignore[attr-defined]


class SearchOut(Schema):
    persons: list[PersonOut]
    enterprises: list[EnterpriseOut]
    projects: list[ProjectBriefOut]
    units: list[UnitBriefOut]


class RollImportOut(Schema):
    created: int
    updated: int
    unchanged: int


PersonPage = page_schema(PersonOut)
EnterprisePage = page_schema(EnterpriseOut)
ProjectPage = page_schema(ProjectOut)
UnitPage = page_schema(UnitOut)


# A project's unit count and floor area (a project's page; the list takes them from `queries.set_unit_sums`).
PROJECT_SUMS = {"unit_count": Count("units"), "total_area": Sum("units__area")}


def _projects() -> QuerySet[Project]:
    return Project.objects.select_related("developer").annotate(**PROJECT_SUMS)


@router.get("/persons", response=PersonPage, summary="Persons", description=f"ID numbers: {ID_NUMBER_DOC}")
def person_list(
    request: HttpRequest, paging: Query[Paging], q: str = "", id_type: Person.IdType | None = None
) -> dict[str, Any]:
    check(request.user, MODULE, "view")
    persons = Person.objects.all()
    if q.strip():
        see_id = can(request.user, MODULE, "see_id")
        persons = persons.filter(queries.person_filter(q.strip(), see_id=see_id))
        actions.audit_id_search(actor(request), q, see_id=see_id)
    if id_type:
        persons = persons.filter(id_type=id_type)
    # Unfiltered, the count is all persons', kept per version of their table, not counted each request.
    count = None if q.strip() or id_type else queries.persons_count()
    return paginate(persons.order_by("name", "id"), paging, count=count)


@router.get("/persons/{int:person_id}", response=PersonDetailOut, summary="A person with the units they own")
def person_detail(request: HttpRequest, person_id: int) -> Person:
    check(request.user, MODULE, "view")
    history = Ownership.objects.select_related("unit", "unit__project").order_by("-start", "-id")
    return get_object_or_404(
        Person.objects.prefetch_related(Prefetch("ownerships", queryset=history, to_attr="unit_history")),
        pk=person_id,
    )


@router.get("/enterprises", response=EnterprisePage, summary="Enterprises")
def enterprise_list(
    request: HttpRequest, paging: Query[Paging], q: str = "", unreachable: bool | None = None
) -> dict[str, Any]:
    check(request.user, MODULE, "view")
    enterprises = Enterprise.objects.all()
    if q.strip():
        enterprises = enterprises.filter(queries.enterprise_filter(q.strip()))
    if unreachable is not None:
        enterprises = enterprises.filter(unreachable=unreachable)
    return paginate(enterprises.order_by("name", "id"), paging)


@router.get(
    "/enterprises/{int:enterprise_id}",
    response=EnterpriseDetailOut,
    summary="An enterprise with its re-registrations and projects",
)
def enterprise_detail(request: HttpRequest, enterprise_id: int) -> Enterprise:
    check(request.user, MODULE, "view")
    return get_object_or_404(
        Enterprise.objects.prefetch_related(
            "registrations", Prefetch("projects", queryset=Project.objects.order_by("code"))
        ),
        pk=enterprise_id,
    )


@router.get("/projects", response=ProjectPage, summary="Projects (小区)")
def project_list(
    request: HttpRequest,
    paging: Query[Paging],
    q: str = "",
    kind: Project.Kind | None = None,
    district: str = "",
) -> dict[str, Any]:
    check(request.user, MODULE, "view")
    projects = Project.objects.select_related("developer")
    if q.strip():
        projects = projects.filter(queries.project_filter(q.strip()))
    if kind:
        projects = projects.filter(kind=kind)
    if district.strip():
        projects = projects.filter(district=district.strip())
    page = paginate(projects.order_by("code"), paging)
    queries.set_unit_sums(page["items"])
    return page


@router.get("/projects/{code}", response=ProjectDetailOut, summary="A project with its buildings")
def project_detail(request: HttpRequest, code: str) -> Project:
    check(request.user, MODULE, "view")
    buildings = Building.objects.annotate(unit_count=Count("units"), total_area=Sum("units__area")).order_by("number")
    return get_object_or_404(
        _projects().prefetch_related(Prefetch("buildings", queryset=buildings, to_attr="building_list")),
        code=code,
    )


@router.get(
    "/units",
    response=UnitPage,
    summary="Units (房屋) with their current owner",
    description=(f"`project` is a project code, `building` a building number. Owner ID numbers: {ID_NUMBER_DOC}"),
)
def unit_list(
    request: HttpRequest,
    paging: Query[Paging],
    q: str = "",
    project: str = "",
    building: str = "",
    use: Unit.Use | None = None,
) -> dict[str, Any]:
    check(request.user, MODULE, "view")
    units = Unit.objects.all()
    if q.strip():
        see_id = can(request.user, MODULE, "see_id")
        units = units.filter(queries.unit_filter(q.strip(), see_id=see_id))
        actions.audit_id_search(actor(request), q, see_id=see_id)
    if project.strip():
        units = units.filter(project__code=project.strip())
    if building.strip():
        units = units.filter(building__number=building.strip())
    if use:
        units = units.filter(use=use)
    return paginate(queries.units_with_owner(units).order_by("code"), paging)


# Before /units/{code}, whose pattern would otherwise take "import" for a unit code.
@router.post(
    "/units/import",
    response={200: RollImportOut, 400: ImportErrorOut},
    summary="Import the property roll (房屋清册)",
    description=(
        "Multipart upload of the roll in field `file` (the import page's template). All or nothing: "
        "200 with the counts, or 400 naming every bad row and column and nothing written. "
        "Needs registry `handle`."
    ),
)
def import_units(request: HttpRequest, file: File[UploadedFile]) -> dict[str, int]:
    check(request.user, MODULE, "view")
    check(request.user, MODULE, "handle")
    summary = importer.import_units(
        request.user,  # type: ignore[arg-type]
        file.name or "",
        file.read(),
        ip=client_ip(request),
    )
    return summary.as_dict()


@router.get(
    "/units/{code}",
    response=UnitDetailOut,
    summary="A unit with its current owner and ownership history",
    description=f"Owner ID numbers: {ID_NUMBER_DOC}",
)
def unit_detail(request: HttpRequest, code: str) -> Unit:
    check(request.user, MODULE, "view")
    history = Ownership.objects.select_related("person", "enterprise").order_by("-start", "-id")
    units = queries.units_with_owner(Unit.objects.filter(code=code)).prefetch_related(
        Prefetch("ownerships", queryset=history, to_attr="history")
    )
    return get_object_or_404(units)


@router.get(
    "/search",
    response=SearchOut,
    summary="Search the registry",
    description=(
        "Up to 20 of each: persons (name, ID number or its last digits, phone, pinyin initials), "
        "enterprises (name, code, initials), projects (code, name, initials) and units (code prefix, "
        f"or the current owner found as above). ID numbers: {ID_NUMBER_DOC}"
    ),
)
def search(request: HttpRequest, q: str) -> queries.SearchResults:
    check(request.user, MODULE, "view")
    see_id = can(request.user, MODULE, "see_id")
    actions.audit_id_search(actor(request), q, see_id=see_id)
    return queries.search(q, see_id=see_id)
