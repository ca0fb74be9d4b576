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


# --- table versions (anju.core.kept) ------------------------------------------------------------------

# PostgreSQL: one function for every watched table, fired once a statement (a bulk update of 65k bills
# costs one upsert). Created by core's migration 0013.
VERSION_FUNCTION = """CREATE OR REPLACE FUNCTION core_table_version_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO core_tableversion ("table", n, stamp) VALUES (TG_TABLE_NAME, 1, (random() * 9e18)::bigint)
    ON CONFLICT ("table") DO UPDATE SET n = core_tableversion.n + 1, stamp = EXCLUDED.stamp;
    RETURN NULL;
END $$"""
VERSION_FUNCTION_DROP = "DROP FUNCTION IF EXISTS core_table_version_bump()"


def _version_sql(table: str) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """(create, drop) statements by vendor of the triggers that move `table`'s row of core_tableversion on
    any insert, update or delete (and truncate, on PostgreSQL). SQLite has only row triggers (a few µs a
    row)."""
    sqlite = [
        f"""CREATE TRIGGER IF NOT EXISTS core_version_{table}_{event.lower()} AFTER {event} ON {table} BEGIN
    INSERT INTO core_tableversion ("table", n, stamp) VALUES ('{table}', 1, random())
    ON CONFLICT ("table") DO UPDATE SET n = n + 1, stamp = excluded.stamp;
END"""
        for event in ("INSERT", "UPDATE", "DELETE")
    ]
    postgres = [
        f"""CREATE OR REPLACE TRIGGER core_version_{table} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table}
    FOR EACH STATEMENT EXECUTE FUNCTION core_table_version_bump()"""
    ]
    create = {"sqlite": sqlite, "postgresql": postgres}
    drop = {
        "sqlite": [f"DROP TRIGGER IF EXISTS core_version_{table}_{e}" for e in ("insert", "update", "delete")],
        "postgresql": [f"DROP TRIGGER IF EXISTS core_version_{table} ON {table}"],
    }
    return create, drop


def _versions_run(tables: tuple[str, ...], which: int) -> Callable[[Any, Any], None]:
    """A RunPython function executing `tables`' version-trigger statements: 0 creates them, 1 drops them."""

    def apply(apps: Any, schema_editor: Any) -> None:
        vendor = schema_editor.connection.vendor
        for table in tables:
            for statement in _version_sql(table)[which].get(vendor, []):
                schema_editor.execute(statement)

    return apply


def watch_tables(*tables: str) -> Any:
    """A migration operation installing the version triggers of `tables` (the figures of `anju.core.kept`
    read them). A later migration that makes SQLite rebuild one of these tables must install them again
    (`watch_tables_again`)."""
    from django.db import migrations

    return migrations.RunPython(_versions_run(tables, 0), _versions_run(tables, 1), elidable=False)


def watch_tables_again(*tables: str, on_unapply: bool = False) -> Any:
    """A migration operation installing again the version triggers of `tables`, which an earlier migration
    watches (`watch_tables`), for a migration that makes SQLite remake one of them (and drop its triggers): put
    it last among the operations, and once more first with `on_unapply=True`, whose reversal runs last, so
    that unapplying the migration leaves the triggers in place too. It never drops them (the earlier
    migration's reversal does)."""
    from django.db import migrations

    install, noop = _versions_run(tables, 0), migrations.RunPython.noop
    return migrations.RunPython(noop, install) if on_unapply else migrations.RunPython(install, noop)


# --- indexes only PostgreSQL has ------------------------------------------------------------------------


def postgres_index(name: str, definition: str) -> Any:
    """A migration operation creating, on PostgreSQL only, the index `name` as `CREATE INDEX name <definition>`
    (an expression, a GIN or a pattern index Django's `Meta.indexes` cannot say for both databases), and
    dropping it when unapplied; nothing on SQLite."""
    from django.db import migrations

    def create(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} {definition}")

    def drop(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")

    return migrations.RunPython(create, drop, elidable=False)
