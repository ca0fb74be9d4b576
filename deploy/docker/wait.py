#!/opt/anju/bin/python
"""`anju-wait db|migrations [SECONDS]`: wait until the database answers, or until it has every migration
of this image applied (the worker waits for the web container's `anju migrate`). Exit 1 on time-out."""

from __future__ import annotations

import os
import sys
import time


def database_answers() -> bool:
    from django.db import connection

    try:
        connection.ensure_connection()
    except Exception as exc:
        print(f"anju-wait: the database does not answer yet ({type(exc).__name__})", file=sys.stderr)
        return False
    return True


def migrated() -> bool:
    from django.db import DEFAULT_DB_ALIAS, connections
    from django.db.migrations.executor import MigrationExecutor

    if not database_answers():
        return False
    connection = connections[DEFAULT_DB_ALIAS]
    try:
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    finally:
        connection.close()
    if plan:
        print(f"anju-wait: {len(plan)} migrations not applied yet (the web container applies them)", file=sys.stderr)
    return not plan


def main() -> None:
    what = sys.argv[1] if len(sys.argv) > 1 else "db"
    seconds = int(sys.argv[2]) if len(sys.argv) > 2 else 600
    if what not in ("db", "migrations"):
        sys.exit("usage: anju-wait db|migrations [SECONDS]")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anju.settings")
    import django

    django.setup()
    check = database_answers if what == "db" else migrated
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            sys.exit(f"anju-wait: gave up after {seconds} s waiting for the {what}")
        time.sleep(3)


if __name__ == "__main__":
    main()
