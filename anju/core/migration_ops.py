"""What data migrations share. Each takes the migration's historical `apps` and never imports a model."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings

# An audit event → (step, from status, to status, note) of the workflow history, or None to skip it.
StepOf = Callable[[Any], "tuple[str, str, str, str] | None"]


def grant(apps: Any, role_code: str, permissions: Iterable[str]) -> None:
    """Give the role the permissions it lacks (databases made before its defaults carried them)."""
    wanted = list(permissions)
    for role in apps.get_model("core", "Role").objects.filter(code=role_code):
        missing = [p for p in wanted if p not in role.permissions]
        if missing:
            role.permissions = [*role.permissions, *missing]
            role.save(update_fields=["permissions"])


def revoke(apps: Any, role_code: str, permissions: Iterable[str]) -> None:
    unwanted = set(permissions)
    for role in apps.get_model("core", "Role").objects.filter(code=role_code):
        role.permissions = [p for p in role.permissions if p not in unwanted]
        role.save(update_fields=["permissions"])


def history_from_audit(apps: Any, *, record: str, event: str, link: str, step_of: StepOf) -> None:
    """Write the workflow history (`event` rows linked by `link`) of each existing `record` ("app.Model")
    from its audit log, in the order the audit log has it."""
    app_label, model_name = record.split(".")
    Record = apps.get_model(app_label, model_name)
    Event = apps.get_model(*event.split("."))
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    names = dict(User.objects.values_list("pk", "full_name"))
    existing = set(Record.objects.values_list("pk", flat=True))
    audits = apps.get_model("core", "AuditEvent").objects.filter(model=record).order_by("at", "pk")
    rows = []
    for audit in audits.iterator(chunk_size=2000):
        if not audit.object_id.isdigit() or int(audit.object_id) not in existing:
            continue
        found = step_of(audit)
        if found is None:
            continue
        step, before, after, note = found
        rows.append(
            Event(
                **{f"{link}_id": int(audit.object_id)},
                at=audit.at,
                actor_id=audit.actor_id,
                actor_name=audit.actor_name or "cli",
                actor_full_name=names.get(audit.actor_id, "") if audit.actor_id else "",
                step=step,
                from_status=before,
                to_status=after,
                note=(note or "")[:300],
            )
        )
    Event.objects.bulk_create(rows, batch_size=500)
