"""Writing the audit log. Every action that changes a business record calls `record`."""

from __future__ import annotations

import datetime as dt
import getpass
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext

from anju.core.client_address import client_ip
from anju.core.models import AuditEvent, User


def _json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, list | tuple):
        return [_json_value(v) for v in value]
    return value


def snapshot(obj: models.Model, fields: Iterable[str] | None = None) -> dict[str, Any]:
    """The record's concrete field values as JSON-safe data (foreign keys as ids)."""
    names = fields or [f.name for f in obj._meta.concrete_fields]
    data: dict[str, Any] = {}
    for name in names:
        field = obj._meta.get_field(name)
        attname = getattr(field, "attname", name)
        data[name] = _json_value(getattr(obj, attname))
    return data


def actor_label(actor: User | None) -> str:
    """Who acted, as the audit trail stores it: the login name, or `cli:<system user>` for the command line.
    An identifier for the API and exports; pages show `shown_name` instead (issue 19)."""
    if actor is None:
        try:
            return f"cli:{getpass.getuser()}"
        except (KeyError, OSError):
            return "cli"
    return actor.username


def is_command_line(name: str) -> bool:
    return name == "cli" or name.startswith("cli:")


def shown_name(name: str, full_name: str = "") -> str:
    """The name people read for a stored actor name: the real name when known, 系统（命令行） for the command
    line, else the name as stored (a login name, when the account had no real name)."""
    if full_name:
        return full_name
    if is_command_line(name):
        return gettext("System (command line)")
    return name


def record(
    actor: User | None,
    action: str,
    obj: models.Model | None = None,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    note: str = "",
    ip: str | None = None,
    model: str = "",
    object_id: str = "",
    object_repr: str = "",
    actor_name: str = "",
) -> AuditEvent:
    if obj is not None:
        model = model or obj._meta.label
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:200]
    return AuditEvent.objects.create(
        actor=actor if actor is not None and actor.pk else None,
        actor_name=actor_name or actor_label(actor),
        action=action,
        model=model,
        object_id=object_id,
        object_repr=object_repr[:200],
        before=before,
        after=after,
        note=note[:500],
        ip=ip,
    )


def record_change(actor: User | None, obj: models.Model, before: dict[str, Any], note: str = "") -> AuditEvent | None:
    """Record an update when any field changed; returns None when nothing did."""
    after = snapshot(obj, before.keys())
    if after == before:
        return None
    return record(actor, AuditEvent.Action.UPDATE, obj, before=before, after=after, note=note)


def audit_denied(request: HttpRequest, exception: Exception) -> None:
    """A refused request (403) in the audit log: the user, the method and path, the permission missing."""
    user = request.user if getattr(request, "user", None) is not None and request.user.is_authenticated else None
    record(
        user,  # type: ignore[arg-type]
        AuditEvent.Action.DENIED,
        note=f"{request.method} {request.path[:150]} {str(exception)[:80]}".strip(),
        ip=client_ip(request),
    )
