from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError
from django.db.models import Count, Q, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from anju.core.listing import export_xlsx, paginate, querystring_without_page
from anju.core.permissions import can, require
from anju.lib.ids import mask_id
from anju.registry import actions, queries
from anju.registry.forms import (
    BuildingForm,
    EnterpriseContactsForm,
    EnterpriseForm,
    PersonForm,
    ReregistrationForm,
    UnreachableForm,
)
from anju.registry.models import Building, Enterprise, Ownership, Person, Project, Unit

MODULE = "registry"


def _see_id(request: HttpRequest) -> bool:
    return can(request.user, MODULE, "see_id")


def _wants_export(request: HttpRequest) -> bool:
    if request.GET.get("export") != "xlsx":
        return False
    if not can(request.user, MODULE, "export"):
        raise PermissionDenied
    return True


def _owner_cells(unit: Unit, see_id: bool) -> tuple[str, str, str]:
    current = unit.current[0] if getattr(unit, "current", None) else None  # type: ignore[attr-defined]
    if current is None:
        return "", "", ""
    if current.person is not None:
        number = current.person.id_number
        return current.person.name, number if see_id else mask_id(number), current.person.phone
    assert current.enterprise is not None
    return current.enterprise.name, current.enterprise.uscc, current.enterprise.contact_phone


@require(MODULE, "view")
def unit_list(request: HttpRequest) -> HttpResponse:
    units = Unit.objects.all()
    q = request.GET.get("q", "").strip()
    if q:
        units = units.filter(queries.unit_filter(q))
    project = request.GET.get("project", "").strip()
    if project:
        units = units.filter(project__code=project)
    use = request.GET.get("use", "")
    if use:
        units = units.filter(use=use)
    building = request.GET.get("building", "").strip()
    if building:
        units = units.filter(building__number=building)
    if request.GET.get("owner") == "none":
        units = units.exclude(pk__in=Ownership.objects.filter(end__isnull=True).values("unit_id"))
    units = queries.units_with_owner(units).order_by("code")
    see_id = _see_id(request)
    if _wants_export(request):
        rows = (
            [
                u.project.code,
                u.project.name,
                u.building.number,
                u.entrance,
                u.room,
                u.floor,
                u.area,
                u.get_use_display(),
                *_owner_cells(u, see_id),
            ]
            for u in units.iterator(chunk_size=2000)
        )
        headers = [
            "项目编码",
            "项目名称",
            "幢号",
            "单元",
            "房号",
            "楼层",
            "建筑面积",
            "房屋用途",
            "业主姓名",
            "证件号码",
            "联系电话",
        ]
        return export_xlsx(request, filename="房屋清单.xlsx", title="房屋", headers=headers, rows=rows)
    page = paginate(request, units)
    for u in page.object_list:
        u.owner_name, u.owner_id, u.owner_phone = _owner_cells(u, see_id)  # type: ignore[attr-defined]
    return render(
        request,
        "registry/unit_list.html",
        {
            "page": page,
            "qs": querystring_without_page(request),
            "filters": request.GET,
            "uses": Unit.Use.choices,
            "can_export": can(request.user, MODULE, "export"),
            "can_handle": can(request.user, MODULE, "handle"),
        },
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
    persons = Person.objects.annotate(unit_count=Count("ownerships", filter=Q(ownerships__end__isnull=True)))
    q = request.GET.get("q", "").strip()
    if q:
        persons = persons.filter(queries.person_filter(q))
    id_type = request.GET.get("id_type", "")
    if id_type:
        persons = persons.filter(id_type=id_type)
    persons = persons.order_by("name", "id")
    see_id = _see_id(request)
    if _wants_export(request):
        rows = (
            [
                p.name,
                p.get_id_type_display(),
                p.id_number if see_id else mask_id(p.id_number),
                p.birth_date.isoformat() if p.birth_date else "",
                p.phone,
                p.address,
                p.unit_count,
            ]
            for p in persons.iterator(chunk_size=2000)
        )
        headers = ["姓名", "证件类型", "证件号码", "出生日期", "联系电话", "地址", "名下房屋"]
        return export_xlsx(request, filename="人员清单.xlsx", title="人员", headers=headers, rows=rows)
    return render(
        request,
        "registry/person_list.html",
        {
            "page": paginate(request, persons),
            "qs": querystring_without_page(request),
            "filters": request.GET,
            "see_id": see_id,
            "id_types": Person.IdType.choices,
            "can_export": can(request.user, MODULE, "export"),
        },
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
    enterprises = Enterprise.objects.annotate(project_count=Count("projects"))
    q = request.GET.get("q", "").strip()
    if q:
        enterprises = enterprises.filter(queries.enterprise_filter(q))
    if request.GET.get("unreachable") == "1":
        enterprises = enterprises.filter(unreachable=True)
    enterprises = enterprises.order_by("name", "id")
    if _wants_export(request):
        rows = (
            [
                e.name,
                e.uscc,
                e.legal_representative,
                e.contact_person,
                e.contact_phone,
                "是" if e.unreachable else "否",
                e.unreachable_since.isoformat() if e.unreachable_since else "",
                e.unreachable_note,
                e.project_count,
            ]
            for e in enterprises.iterator(chunk_size=2000)
        )
        headers = [
            "企业名称",
            "统一社会信用代码",
            "法定代表人",
            "联系人",
            "联系电话",
            "失联",
            "失联日期",
            "失联说明",
            "项目数",
        ]
        return export_xlsx(request, filename="企业清单.xlsx", title="企业", headers=headers, rows=rows)
    return render(
        request,
        "registry/enterprise_list.html",
        {
            "page": paginate(request, enterprises),
            "qs": querystring_without_page(request),
            "filters": request.GET,
            "can_export": can(request.user, MODULE, "export"),
        },
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


@require(MODULE, "view")
def project_list(request: HttpRequest) -> HttpResponse:
    projects = Project.objects.select_related("developer").annotate(
        unit_count=Count("units", distinct=True), total_area=Sum("units__area")
    )
    q = request.GET.get("q", "").strip()
    if q:
        projects = projects.filter(queries.project_filter(q))
    kind = request.GET.get("kind", "")
    if kind:
        projects = projects.filter(kind=kind)
    district = request.GET.get("district", "").strip()
    if district:
        projects = projects.filter(district=district)
    projects = projects.order_by("code")
    if _wants_export(request):
        rows = (
            [
                p.code,
                p.name,
                p.get_kind_display(),
                p.district,
                p.address,
                p.developer.name if p.developer else "",
                p.unit_count,
                p.total_area,
            ]
            for p in projects.iterator(chunk_size=2000)
        )
        headers = ["项目编码", "项目名称", "类型", "区县", "地址", "开发企业", "房屋套数", "总建筑面积"]
        return export_xlsx(request, filename="项目清单.xlsx", title="项目", headers=headers, rows=rows)
    districts = Project.objects.exclude(district="").values_list("district", flat=True).distinct().order_by("district")
    return render(
        request,
        "registry/project_list.html",
        {
            "page": paginate(request, projects),
            "qs": querystring_without_page(request),
            "filters": request.GET,
            "kinds": Project.Kind.choices,
            "districts": list(districts),
            "can_export": can(request.user, MODULE, "export"),
        },
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
    results = queries.search(q)
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
    """Shared handling of the registry's edit forms: a rule's ValueError becomes a form error."""
    if request.method == "POST" and form.is_valid():
        try:
            result = apply(form.cleaned_data)
        except ValueError as exc:
            form.add_error(None, str(exc))
        except IntegrityError:
            form.add_error(None, _("A record with this number already exists."))
        else:
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
    return _edit(
        request,
        PersonForm(request.POST or None, initial=initial),
        person.name,
        reverse("registry:person", args=[pk]),
        lambda d: actions.update_person(request.user, person, **d),  # type: ignore[arg-type]
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


@require(MODULE, "handle")
def enterprise_contacts(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = get_object_or_404(Enterprise, pk=pk)
    initial = {f: getattr(enterprise, f) for f in ("contact_person", "contact_phone", "address")}
    return _edit(
        request,
        EnterpriseContactsForm(request.POST or None, initial=initial),
        enterprise.name,
        reverse("registry:enterprise", args=[pk]),
        lambda d: actions.update_enterprise_contacts(request.user, enterprise, **d),  # type: ignore[arg-type]
        lambda e: reverse("registry:enterprise", args=[e.pk]),
    )


@require(MODULE, "handle")
def enterprise_unreachable(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = get_object_or_404(Enterprise, pk=pk)
    initial = {
        "unreachable": enterprise.unreachable,
        "since": enterprise.unreachable_since,
        "note": enterprise.unreachable_note,
    }
    return _edit(
        request,
        UnreachableForm(request.POST or None, initial=initial),
        enterprise.name,
        reverse("registry:enterprise", args=[pk]),
        lambda d: actions.set_unreachable(request.user, enterprise, **d),  # type: ignore[arg-type]
        lambda e: reverse("registry:enterprise", args=[e.pk]),
    )


@require(MODULE, "handle")
def enterprise_reregister(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = get_object_or_404(Enterprise, pk=pk)
    initial = {
        "name": enterprise.name,
        "uscc": enterprise.uscc,
        "legal_representative": enterprise.legal_representative,
    }
    return _edit(
        request,
        ReregistrationForm(request.POST or None, initial=initial),
        enterprise.name,
        reverse("registry:enterprise", args=[pk]),
        lambda d: actions.reregister_enterprise(request.user, enterprise, **d),  # type: ignore[arg-type]
        lambda r: reverse("registry:enterprise", args=[enterprise.pk]),
    )


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
