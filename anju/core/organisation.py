"""The center's own name, city and service station for every printed document and report.

`current()` is the stored organisation, or an unsaved one whose fields say "not set" so a fresh
install prints visibly unfinished documents instead of another city's name; `set_organisation` is the
one writer (the page `/organisation/` and `anju organisation`). Templates read `organisation` (a
context processor, queried only when a template uses it)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from anju.core import audit
from anju.core.models import AuditEvent, Organisation, User
from anju.lib.errors import DomainError

FIELDS = ("name", "city", "station", "address", "phone")
NOT_SET = "（未设置单位名称）"


class OrganisationError(DomainError):
    prefix = "organisation"


def current() -> Organisation:
    stored = Organisation.objects.order_by("pk").first()
    return stored if stored is not None else Organisation(name=NOT_SET, city="", station=NOT_SET)


def is_set() -> bool:
    return Organisation.objects.exists()


@transaction.atomic
def set_organisation(actor: User | None, **values: str) -> Organisation:
    """Set the organisation's fields (name and city required); audited with before and after."""
    unknown = set(values) - set(FIELDS)
    if unknown:
        raise OrganisationError(f"未知的字段：{'、'.join(sorted(unknown))}", code="unknown_field")
    cleaned = {name: value.strip() for name, value in values.items()}
    organisation = Organisation.objects.select_for_update().order_by("pk").first()
    creating = organisation is None
    organisation = organisation or Organisation()
    before = audit.snapshot(organisation, FIELDS) if not creating else None
    for name, value in cleaned.items():
        setattr(organisation, name, value)
    for required, label in (("name", "单位名称"), ("city", "所在城市")):
        if not getattr(organisation, required):
            raise OrganisationError(f"请填写{label}", code="required", field=required)
    organisation.save()
    after = audit.snapshot(organisation, FIELDS)
    if creating:
        audit.record(actor, AuditEvent.Action.CREATE, organisation, after=after)
    elif before != after:
        audit.record(actor, AuditEvent.Action.UPDATE, organisation, before=before, after=after)
    return organisation


def context(request: HttpRequest) -> dict[str, Any]:
    return {"organisation": SimpleLazyObject(current)}
