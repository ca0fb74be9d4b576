"""`anju db create-roles`: PostgreSQL's two roles (issue 18, docs/deploy.md "Database roles").

- the owner role owns the schema, every table, sequence and function, and runs `anju migrate`;
- the application role (what `DATABASE_URL` names for gunicorn and the worker) has SELECT, INSERT,
  UPDATE and DELETE on ordinary tables, but only SELECT and INSERT on the append-only tables the
  lines declare (`append_only_tables` of their app config: the fund journal), and no ownership, so it
  cannot TRUNCATE, UPDATE or DELETE them, disable their triggers, nor set session_replication_role.

Idempotent: run it once as a superuser (it creates the roles), then again as the owner after every
`anju migrate` so new tables get their grants."""

from __future__ import annotations

import json
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from psycopg import sql


def append_only_tables() -> list[str]:
    return sorted(table for config in apps.get_app_configs() for table in getattr(config, "append_only_tables", ()))


class Command(BaseCommand):
    help = "Database administration: create-roles (PostgreSQL owner and application roles)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        p = sub.add_parser("create-roles", help="Create or refresh the owner and application roles and their grants.")
        p.add_argument("--owner", default="anju_owner", help="owner role (runs migrations, owns the tables)")
        p.add_argument("--app", default="anju_app", help="application role (what the web server and worker use)")
        p.add_argument("--owner-password", default="", help="set the owner's password (else unchanged)")
        p.add_argument("--app-password", default="", help="set the application role's password (else unchanged)")

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("anju db create-roles is for PostgreSQL; SQLite has no roles")
        with transaction.atomic():
            done = create_roles(
                owner=options["owner"],
                app=options["app"],
                owner_password=options["owner_password"],
                app_password=options["app_password"],
            )
        self.stdout.write(json.dumps(done, ensure_ascii=False))


def _exists(cursor: Any, role: str) -> bool:
    cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
    return cursor.fetchone() is not None


def create_roles(*, owner: str, app: str, owner_password: str = "", app_password: str = "") -> dict[str, object]:
    ledger = append_only_tables()
    with connection.cursor() as cursor:
        run = cursor.execute
        created = []
        for role, password in ((owner, owner_password), (app, app_password)):
            if not _exists(cursor, role):
                run(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(role)))
                created.append(role)
            if password:
                run(sql.SQL("ALTER ROLE {} PASSWORD {}").format(sql.Identifier(role), sql.Literal(password)))
        if created:
            run(
                sql.SQL("ALTER ROLE {} NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS").format(
                    sql.Identifier(app)
                )
            )
        cursor.execute("SELECT current_database(), current_user")
        database, me = cursor.fetchone()
        o, a = sql.Identifier(owner), sql.Identifier(app)
        if me != owner:
            # A superuser's first run: the owner takes the database, the schema and every object in it.
            run(sql.SQL("GRANT {} TO {}").format(o, sql.Identifier(me)))
            run(sql.SQL("ALTER DATABASE {} OWNER TO {}").format(sql.Identifier(database), o))
            run(sql.SQL("ALTER SCHEMA public OWNER TO {}").format(o))
            cursor.execute(
                "SELECT c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'S') "
                "AND pg_get_userbyid(c.relowner) <> %s",
                [owner],
            )
            for name, kind in cursor.fetchall():
                if kind == "S":
                    # Sequences owned by a table follow it; the others are moved here.
                    cursor.execute(
                        "SELECT 1 FROM pg_depend d JOIN pg_class s ON s.oid = d.objid "
                        "WHERE s.relname = %s AND d.deptype IN ('a', 'i')",
                        [name],
                    )
                    if cursor.fetchone():
                        continue
                    run(sql.SQL("ALTER SEQUENCE {} OWNER TO {}").format(sql.Identifier(name), o))
                elif kind in ("v", "m"):
                    run(sql.SQL("ALTER VIEW {} OWNER TO {}").format(sql.Identifier(name), o))
                else:
                    run(sql.SQL("ALTER TABLE {} OWNER TO {}").format(sql.Identifier(name), o))
            cursor.execute(
                "SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
                "WHERE n.nspname = 'public' AND pg_get_userbyid(p.proowner) <> %s",
                [owner],
            )
            for (signature,) in cursor.fetchall():
                run(sql.SQL("ALTER FUNCTION {} OWNER TO {}").format(sql.SQL(signature), o))
        run(sql.SQL("GRANT CONNECT, TEMPORARY ON DATABASE {} TO {}").format(sql.Identifier(database), a))
        run(sql.SQL("REVOKE CREATE ON SCHEMA public FROM PUBLIC"))
        run(sql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(a))
        run(sql.SQL("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {}").format(a))
        run(sql.SQL("GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {}").format(a))
        run(sql.SQL("GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public TO {}").format(a))
        for table in ledger:
            t = sql.Identifier(table)
            run(sql.SQL("REVOKE ALL ON TABLE {} FROM {}").format(t, a))
            run(sql.SQL("REVOKE ALL ON TABLE {} FROM PUBLIC").format(t))
            run(sql.SQL("GRANT SELECT, INSERT ON TABLE {} TO {}").format(t, a))
        # Tables that later migrations create (as the owner) get the ordinary rights; the append-only
        # ones are narrowed by running this command again after `anju migrate`.
        run(
            sql.SQL(
                "ALTER DEFAULT PRIVILEGES FOR ROLE {} IN SCHEMA public "
                "GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {}"
            ).format(o, a)
        )
        run(
            sql.SQL(
                "ALTER DEFAULT PRIVILEGES FOR ROLE {} IN SCHEMA public GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO {}"
            ).format(o, a)
        )
    return {"owner": owner, "app": app, "created": created, "append_only": ledger}
