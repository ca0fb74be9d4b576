from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.db.models import Count, FilteredRelation, Q, QuerySet, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from anju.core.errors import refused
from anju.core.links import reverse
from anju.core.listing import (
    Action,
    ChoiceFilter,
    Column,
    FlagFilter,
    IdColumn,
    Link,
    ListPage,
    Search,
    Tag,
    TextFilter,
    choice_label,
    label_of,
    link_column,
)
from anju.core.permissions import actor, can, require
from anju.lib.ids import mask_id
from anju.registry import actions, queries
from anju.registry.forms import (
    BuildingForm,
    EnterpriseContactsForm,
    EnterpriseForm,
    PersonContactForm,
    PersonForm,
    ReregistrationForm,
    UnreachableForm,
)
from anju.registry.models import Building, Enterprise, Ownership, Person, Project, Unit

MODULE = "registry"


def _see_id(request: HttpRequest) -> bool:
    return can(request.user, MODULE, "see_id")


def _searched(request: HttpRequest, q: str, found: QuerySet[Any]) -> QuerySet[Any]:
    """A list's search, audited when it looks an ID number up by a name and its last digits."""
    actions.audit_id_search(actor(request), q, see_id=_see_id(request))
    return found


def _list(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    """A registry list: the module's breadcrumb and tabs around the declared list."""
    return ListPage(module=MODULE, crumbs=[(_("Registry"), "")], tabs="registry/_tabs.html", **kwargs).render(request)


def _owner(unit: Unit) -> Ownership | None:
    """The unit's current ownership, prefetched by `queries.units_with_owner`."""
    current = getattr(unit, "current", None)
    return current[0] if current else None


def _owner_name(unit: Unit) -> str:
    owner = _owner(unit)
    if owner is None:
        return ""
    return owner.person.name if owner.person is not None else owner.enterprise.name  # type: ignore[union-attr]


def _owner_id(unit: Unit) -> str:
    """A person's ID number (masked by the column) or an enterprise's credit code (public)."""
    owner = _owner(unit)
    if owner is None:
        return ""
    return owner.person.id_number if owner.person is not None else owner.enterprise.uscc  # type: ignore[union-attr]


def _owner_phone(unit: Unit) -> str:
    owner = _owner(unit)
    if owner is None:
        return ""
    return owner.person.phone if owner.person is not None else owner.enterprise.contact_phone  # type: ignore[union-attr]


def _owned_by_person(unit: Unit) -> bool:
    owner = _owner(unit)
    return owner is not None and owner.person is not None


def _either(person: Any, enterprise: Any) -> Any:
    """The current owner's value from the values the export reads: the person's, else the enterprise's."""
    return person if person is not None else (enterprise or "")


@require(MODULE, "view")
def unit_list(request: HttpRequest) -> HttpResponse:
    unowned = Ownership.objects.filter(end__isnull=True).values("unit_id")
    # The export reads the current owner through one LEFT JOIN (a unit has at most one open ownership).
    units = Unit.objects.annotate(holder=FilteredRelation("ownerships", condition=Q(ownerships__end__isnull=True)))
    return _list(
        request,
        title=_("Units"),
        tab="units",
        queryset=queries.units_with_owner(units).order_by("code"),
        columns=[
            link_column(_("Unit code"), "code", "registry:unit", key="code", export=False),
            Column("", lambda u: u.project.code, page=False, export_label="项目编码", fields=["project__code"]),
            Column(
                _("Project"),
                lambda u: u.project.name,
                "project__name",
                export_label="项目名称",
                fields=["project__name"],
            ),
            Column("", lambda u: u.building.number, page=False, export_label="幢号", fields=["building__number"]),
            Column("", lambda u: u.entrance, page=False, export_label="单元", fields=["entrance"]),
            Column("", lambda u: u.room, page=False, export_label="房号", fields=["room"]),
            Column(_("Floor"), lambda u: u.floor, "floor", export_label="楼层", fields=["floor"]),
            Column(_("Floor area (m²)"), lambda u: u.area, "area", export_label="建筑面积", fields=["area"]),
            Column(
                _("Use"),
                lambda u: label_of(u, "use"),
                "use",
                export_label="房屋用途",
                fields=["use"],
                from_fields=choice_label(Unit.Use.choices),
            ),
            Column(
                _("Owner"),
                lambda u: _owner_name(u) or "—",
                export_label="业主姓名",
                export_value=_owner_name,
                fields=["holder__person__name", "holder__enterprise__name"],
                from_fields=_either,
            ),
            IdColumn(
                _("ID number"),
                _owner_id,
                export_label="证件号码",
                masks=_owned_by_person,
                fields=["holder__person__id_number", "holder__enterprise__uscc"],
                from_fields=_either,
                masks_fields=lambda person, _enterprise: person is not None,
            ),
            Column(
                _("Phone"),
                _owner_phone,
                export_label="联系电话",
                fields=["holder__person__phone", "holder__enterprise__contact_phone"],
                from_fields=_either,
            ),
        ],
        search=Search(
            hint=_("Unit code, owner name, ID number, initials"),
            apply=lambda qs, q: _searched(request, q, qs.filter(queries.unit_filter(q, see_id=_see_id(request)))),
        ),
        filters=[
            TextFilter("project", _("Project code"), "project__code"),
            TextFilter("building", _("Building"), "building__number", size=5),
            ChoiceFilter("use", _("Use"), Unit.Use.choices, everything=_("All uses")),
            FlagFilter("owner", _("Without owner"), apply=lambda qs, _v: qs.exclude(pk__in=unowned), value="none"),
        ],
        filename="房屋清单",
        sheet="房屋",
        actions=[Action(_("Import property roll"), reverse("registry:import"), "handle")],
        empty=_("No units match."),
    )


@require(MODULE, "view")
def unit_detail(request: HttpRequest, code: str) -> HttpResponse:
    unit = get_object_or_404(Unit.objects.select_related("project", "building", "project__developer"), code=code)
    ownerships = unit.ownerships.select_related("person", "enterprise").order_by("-start", "-id")
    return render(
        request,
        "registry/unit_detail.html",
        {"unit": unit, "ownerships": ownerships, "see_id": _see_id(request)},
    )


@require(MODULE, "view")
def person_list(request: HttpRequest) -> HttpResponse:
    return _list(
        request,
        title=_("Persons"),
        tab="persons",
        queryset=Person.objects.order_by("name", "id"),
        # Counted for the shown persons only (sorting by it counts them all).
        per_row={"unit_count": Count("ownerships", filter=Q(ownerships__end__isnull=True))},
        columns=[
            link_column(_("Name"), "name", "registry:person", export_label="姓名", fields=["name"]),
            Column(
                _("ID type"),
                lambda p: label_of(p, "id_type"),
                "id_type",
                export_label="证件类型",
                fields=["id_type"],
                from_fields=choice_label(Person.IdType.choices),
            ),
            IdColumn(_("ID number"), lambda p: p.id_number, export_label="证件号码", fields=["id_number"]),
            Column(
                "",
                lambda p: p.birth_date.isoformat() if p.birth_date else "",
                page=False,
                export_label="出生日期",
                fields=["birth_date"],
                from_fields=lambda born: born.isoformat() if born else "",
            ),
            Column(_("Phone"), lambda p: p.phone, "phone", export_label="联系电话", fields=["phone"]),
            Column("", lambda p: p.address, page=False, export_label="地址", fields=["address"]),
            Column(
                _("Units owned"), lambda p: p.unit_count, "unit_count", export_label="名下房屋", fields=["unit_count"]
            ),
        ],
        search=Search(
            hint=_("Name, ID number, phone, initials")
            if _see_id(request)
            else _("Name, phone, initials, or name and the ID's last 4–6 digits"),
            apply=lambda qs, q: _searched(request, q, qs.filter(queries.person_filter(q, see_id=_see_id(request)))),
        ),
        filters=[ChoiceFilter("id_type", _("ID type"), Person.IdType.choices, everything=_("All ID types"))],
        filename="人员清单",
        sheet="人员",
        actions=[Action(_("New person"), reverse("registry:person_create"), "handle")],
        empty=_("No persons match."),
    )


@require(MODULE, "view")
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(Person, pk=pk)
    ownerships = person.ownerships.select_related("unit", "unit__project").order_by("-start")
    return render(
        request,
        "registry/person_detail.html",
        {"person": person, "ownerships": ownerships, "see_id": _see_id(request)},
    )


@require(MODULE, "view")
def enterprise_list(request: HttpRequest) -> HttpResponse:
    return _list(
        request,
        title=_("Enterprises"),
        tab="enterprises",
        queryset=Enterprise.objects.annotate(project_count=Count("projects")).order_by("name", "id"),
        columns=[
            link_column(_("Name"), "name", "registry:enterprise", export_label="企业名称"),
            Column(_("Unified social credit code"), lambda e: e.uscc, "uscc", export_label="统一社会信用代码"),
            Column(
                _("Legal representative"),
                lambda e: e.legal_representative,
                "legal_representative",
                export_label="法定代表人",
            ),
            Column(_("Contact"), lambda e: f"{e.contact_person} {e.contact_phone}", "contact_person", export=False),
            Column("", lambda e: e.contact_person, page=False, export_label="联系人"),
            Column("", lambda e: e.contact_phone, page=False, export_label="联系电话"),
            Column(
                _("Status"),
                lambda e: Tag(_("Unreachable"), "delete") if e.unreachable else "",
                "unreachable",
                export_label="失联",
                export_value=lambda e: "是" if e.unreachable else "否",
            ),
            Column(
                "",
                lambda e: e.unreachable_since.isoformat() if e.unreachable_since else "",
                page=False,
                export_label="失联日期",
            ),
            Column("", lambda e: e.unreachable_note, page=False, export_label="失联说明"),
            Column(_("Projects"), lambda e: e.project_count, "project_count", export_label="项目数"),
        ],
        search=Search(
            hint=_("Name, credit code, initials"), apply=lambda qs, q: qs.filter(queries.enterprise_filter(q))
        ),
        filters=[FlagFilter("unreachable", _("Unreachable only"), "unreachable")],
        filename="企业清单",
        sheet="企业",
        actions=[Action(_("New enterprise"), reverse("registry:enterprise_create"), "handle")],
        empty=_("No enterprises match."),
    )


@require(MODULE, "view")
def enterprise_detail(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = get_object_or_404(Enterprise, pk=pk)
    return render(
        request,
        "registry/enterprise_detail.html",
        {
            "enterprise": enterprise,
            "registrations": enterprise.registrations.all(),
            "projects": enterprise.projects.all(),
            "owned": enterprise.ownerships.filter(end__isnull=True).select_related("unit")[:200],
        },
    )


def _developer(project: Project) -> Any:
    if project.developer is None:
        return ""
    return Link(project.developer.name, reverse("registry:enterprise", args=[project.developer.pk]))


@require(MODULE, "view")
def project_list(request: HttpRequest) -> HttpResponse:
    projects = Project.objects.select_related("developer")
    districts = Project.objects.exclude(district="").values_list("district", flat=True).distinct().order_by("district")
    return _list(
        request,
        title=_("Projects"),
        tab="projects",
        queryset=projects.order_by("code"),
        # Kept per version of the units (sorting by one of them sums them all; the export sums them too).
        per_row={"unit_count": Count("units"), "total_area": Sum("units__area")},
        per_row_kept=queries.set_unit_sums,
        columns=[
            link_column(_("Project code"), "code", "registry:project", key="code", export_label="项目编码"),
            Column(_("Name"), lambda p: p.name, "name", export_label="项目名称"),
            Column(_("Kind"), lambda p: label_of(p, "kind"), "kind", export_label="类型"),
            Column(_("District"), lambda p: p.district, "district", export_label="区县"),
            Column("", lambda p: p.address, page=False, export_label="地址"),
            Column(_("Developer"), _developer, "developer__name", export_label="开发企业"),
            Column(_("Units"), lambda p: p.unit_count, "unit_count", export_label="房屋套数"),
            Column(
                _("Floor area (m²)"),
                lambda p: p.total_area or Decimal("0.00"),
                "total_area",
                export_label="总建筑面积",
                export_value=lambda p: p.total_area,
            ),
        ],
        search=Search(hint=_("Code, name, initials"), apply=lambda qs, q: qs.filter(queries.project_filter(q))),
        filters=[
            ChoiceFilter("kind", _("Kind"), Project.Kind.choices, everything=_("All kinds")),
            ChoiceFilter("district", _("District"), [(d, d) for d in districts], everything=_("All districts")),
        ],
        filename="项目清单",
        sheet="项目",
        empty=_("No projects match."),
    )


@require(MODULE, "view")
def project_detail(request: HttpRequest, code: str) -> HttpResponse:
    project = get_object_or_404(Project.objects.select_related("developer"), code=code)
    buildings = (
        Building.objects.filter(project=project)
        .annotate(unit_count=Count("units"), total_area=Sum("units__area"))
        .order_by("number")
    )
    return render(request, "registry/project_detail.html", {"project": project, "buildings": buildings})


@require(MODULE, "view")
def search(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "")
    results = queries.search(q, see_id=_see_id(request))
    actions.audit_id_search(actor(request), q, see_id=_see_id(request))
    return render(request, "registry/search.html", {"q": q, "results": results, "see_id": _see_id(request)})


# --- editing ----------------------------------------------------------------------------------


def _edit(
    request: HttpRequest,
    form: forms.Form,
    title: str,
    back: str,
    apply: Callable[[dict[str, Any]], Any],
    success: Callable[[Any], str],
) -> HttpResponse:
    """Shared handling of the registry's edit forms: a refusal shows on the form (on its field if named)."""
    if request.method == "POST" and form.is_valid():
        with refused(form) as outcome:
            result = apply(form.cleaned_data)
        if outcome.ok:
            messages.success(request, _("Saved."))
            return redirect(success(result))
    return render(request, "registry/edit.html", {"form": form, "title": title, "back": back})


@require(MODULE, "handle")
def person_create(request: HttpRequest) -> HttpResponse:
    return _edit(
        request,
        PersonForm(request.POST or None),
        _("New person"),
        reverse("registry:persons"),
        lambda d: actions.create_person(request.user, **d),  # type: ignore[arg-type]
        lambda p: reverse("registry:person", args=[p.pk]),
    )


@require(MODULE, "handle")
def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(Person, pk=pk)
    initial = {f: getattr(person, f) for f in ("name", "id_type", "id_number", "phone", "address")}
    if _see_id(request):
        form: forms.Form = PersonForm(request.POST or None, initial=initial)
        keep: dict[str, str] = {}
    else:  # the full ID number is neither shown nor changed by someone who may not see it
        initial = {"name": person.name, "masked_id": mask_id(person.id_number), "phone": person.phone,
                   "address": person.address}  # fmt: skip
        form = PersonContactForm(request.POST or None, initial=initial)
        keep = {"id_type": person.id_type, "id_number": person.id_number}
    return _edit(
        request,
        form,
        person.name,
        reverse("registry:person", args=[pk]),
        lambda d: actions.update_person(
            request.user,  # type: ignore[arg-type]
            person,
            **{k: v for k, v in d.items() if k != "masked_id"},
            **keep,
        ),
        lambda p: reverse("registry:person", args=[p.pk]),
    )


@require(MODULE, "handle")
def enterprise_create(request: HttpRequest) -> HttpResponse:
    return _edit(
        request,
        EnterpriseForm(request.POST or None),
        _("New enterprise"),
        reverse("registry:enterprises"),
        lambda d: actions.create_enterprise(request.user, **d),  # type: ignore[arg-type]
        lambda e: reverse("registry:enterprise", args=[e.pk]),
    )


def _enterprise_edit(
    request: HttpRequest, pk: int, form_class: type[forms.Form], initial: dict[str, str], action: Callable[..., Any]
) -> HttpResponse:
    """A change of an enterprise's record through one of its actions, back to the enterprise."""
    enterprise = get_object_or_404(Enterprise, pk=pk)
    back = reverse("registry:enterprise", args=[pk])
    return _edit(
        request,
        form_class(request.POST or None, initial={name: getattr(enterprise, field) for name, field in initial.items()}),
        enterprise.name,
        back,
        lambda d: action(request.user, enterprise, **d),
        lambda _: back,
    )


@require(MODULE, "handle")
def enterprise_contacts(request: HttpRequest, pk: int) -> HttpResponse:
    fields = {f: f for f in ("contact_person", "contact_phone", "address")}
    return _enterprise_edit(request, pk, EnterpriseContactsForm, fields, actions.update_enterprise_contacts)


@require(MODULE, "handle")
def enterprise_unreachable(request: HttpRequest, pk: int) -> HttpResponse:
    fields = {"unreachable": "unreachable", "since": "unreachable_since", "note": "unreachable_note"}
    return _enterprise_edit(request, pk, UnreachableForm, fields, actions.set_unreachable)


@require(MODULE, "handle")
def enterprise_reregister(request: HttpRequest, pk: int) -> HttpResponse:
    fields = {f: f for f in ("name", "uscc", "legal_representative")}
    return _enterprise_edit(request, pk, ReregistrationForm, fields, actions.reregister_enterprise)


@require(MODULE, "handle")
def building_edit(request: HttpRequest, pk: int) -> HttpResponse:
    building = get_object_or_404(Building.objects.select_related("project"), pk=pk)
    initial = {"floors": building.floors, "structure": building.structure, "lift_count": building.lift_count}
    return _edit(
        request,
        BuildingForm(request.POST or None, initial=initial),
        str(building),
        reverse("registry:project", args=[building.project.code]),
        lambda d: actions.update_building(request.user, building, **d),  # type: ignore[arg-type]
        lambda b: reverse("registry:project", args=[b.project.code]),
    )
