"""The rental line's kinds of picker (anju.core.pickers): its units, households and home leases.

Found by indexed prefixes only: a unit code, a household or lease number, and the applicant by the beginning
of the name or pinyin initials (or a name with the last digits of the ID number)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from anju.core.pickers import PickerKind, register
from anju.lib.ids import mask_name
from anju.registry.pickers import audit_person_search, person_ids, prefix
from anju.rental.models import Household, Kind, Lease, RentalUnit

MODULES = ("rental",)


def _rental_units() -> Any:
    return RentalUnit.objects.select_related("unit__project", "unit__building")


def _search_rental_units(q: str, user: Any, limit: int) -> Sequence[RentalUnit]:
    found = list(_rental_units().filter(prefix("unit__code", q)).order_by("unit__code")[:limit])
    if len(found) < limit and not q[:1].isdigit():
        cond = Q(unit__project__name__startswith=q)
        if q.isascii() and q.isalpha():
            cond |= Q(unit__project__initials__startswith=q.lower())
        seen = [r.pk for r in found]
        found += _rental_units().filter(cond).exclude(pk__in=seen).order_by("unit__code")[: limit - len(found)]
    return found


def _rental_unit_summary(ru: RentalUnit, names: bool) -> str:
    unit = ru.unit
    address = f"{unit.project.name} {unit.building.number}幢{unit.entrance}单元{unit.room}室"
    return " · ".join([unit.code, address, f"{unit.area} m²", ru.get_kind_display(), ru.get_state_display()])


def _search_households(q: str, user: Any, limit: int) -> Sequence[Household]:
    cond = prefix("number", q) | Q(applicant__in=person_ids(q, limit))
    return list(Household.objects.filter(cond).select_related("applicant").order_by("number")[:limit])


def _household_summary(household: Household, names: bool) -> str:
    name = household.applicant.name if names else mask_name(household.applicant.name)
    size = _g("%(n)s persons") % {"n": household.members_count}
    return " · ".join([household.number, name, household.get_category_display(), size, household.get_status_display()])


def _home_leases() -> Any:
    return Lease.objects.filter(kind=Kind.HOME).select_related("rental_unit__unit", "household__applicant")


def _search_leases(q: str, user: Any, limit: int) -> Sequence[Lease]:
    cond = prefix("number", q) | prefix("rental_unit__unit__code", q) | Q(household__applicant__in=person_ids(q, limit))
    return list(_home_leases().filter(cond).order_by("-start", "-pk")[:limit])


def _lease_summary(lease: Lease, names: bool) -> str:
    tenant = lease.tenant_name if names else mask_name(lease.tenant_name)
    term = f"{lease.start:%Y-%m-%d}～{lease.end:%Y-%m-%d}"
    return " · ".join([lease.number, lease.rental_unit.unit.code, tenant, term, lease.get_status_display()])


register(
    PickerKind(
        name="rental_unit",
        noun=_("rental unit"),
        search=_search_rental_units,
        lookup=lambda v: _rental_units().filter(unit__code=v.strip()).first(),
        value=lambda ru: ru.unit.code,
        summary=_rental_unit_summary,
        modules=MODULES,
    )
)
register(
    PickerKind(
        name="household",
        noun=_("household"),
        search=_search_households,
        lookup=lambda v: Household.objects.select_related("applicant").filter(number=v.strip()).first(),
        value=lambda h: h.number,
        summary=_household_summary,
        modules=MODULES,
        after_search=audit_person_search,
    )
)
register(
    PickerKind(
        name="home_lease",
        noun=_("home lease"),
        search=_search_leases,
        lookup=lambda v: _home_leases().filter(number=v.strip()).first(),
        value=lambda lease: lease.number,
        summary=_lease_summary,
        modules=MODULES,
        after_search=audit_person_search,
    )
)
