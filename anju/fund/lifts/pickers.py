"""The lift pilot's kind of picker (anju.core.pickers): a lift by the beginning of its registration code, or
the lifts of a project found by its name, initials or code."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from anju.core.pickers import PickerKind, register
from anju.fund.lifts.models import Lift
from anju.registry.models import Project


def _lifts() -> Any:
    return Lift.objects.select_related("building__project")


def _search(q: str, user: Any, limit: int) -> Sequence[Lift]:
    found: list[Lift] = list(_lifts().filter(registration_code__startswith=q).order_by("registration_code")[:limit])
    if len(found) < limit and not q[:1].isdigit():
        cond = Q(code__startswith=q.upper()) | Q(name__startswith=q)
        if q.isascii() and q.isalpha():
            cond |= Q(initials__startswith=q.lower())
        projects = Project.objects.filter(cond).values("pk")[:3]
        seen = [lift.pk for lift in found]
        found += (
            _lifts()
            .filter(building__project__in=projects)
            .exclude(pk__in=seen)
            .order_by("registration_code")[: limit - len(found)]
        )
    return found


def _summary(lift: Lift, names: bool) -> str:
    building = lift.building
    place = f"{building.project.name} {building.number}幢" + (f"{lift.entrance}单元" if lift.entrance else "")
    return " · ".join(p for p in (lift.registration_code, building.project.code, place, lift.make) if p)


register(
    PickerKind(
        name="lift",
        noun=_("lift"),
        search=_search,
        lookup=lambda v: _lifts().filter(registration_code=v.strip()).first(),
        value=lambda lift: lift.registration_code,
        summary=_summary,
        modules=("fund",),
    )
)
