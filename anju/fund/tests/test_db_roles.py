"""`anju db create-roles` on PostgreSQL: the application role may read and append to the journal, and
nothing else there (issue 18). Each refused statement is tried on a connection of that role."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from anju.fund.models import JournalEntry
from anju.fund.tests import factories

PG = connection.vendor == "postgresql"
pytestmark = [
    pytest.mark.skipif(not PG, reason="roles are PostgreSQL's"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
# Roles are the cluster's, not the test database's: each xdist worker makes its own, or two workers running this
# module at once would create and drop the same role under each other.
_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")
OWNER, APP = f"anju_t18_owner_{_WORKER}", f"anju_t18_app_{_WORKER}"
ROOT = Path(__file__).resolve().parents[3]


def _drop_roles() -> None:
    with connection.cursor() as cursor:
        for role in (APP, OWNER):
            cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
            if cursor.fetchone():
                cursor.execute(f'REASSIGN OWNED BY "{role}" TO CURRENT_USER')
                cursor.execute(f'DROP OWNED BY "{role}"')
                cursor.execute(f'DROP ROLE "{role}"')


@pytest.fixture
def roles() -> Iterator[dict[str, object]]:
    _drop_roles()
    out = io.StringIO()
    call_command("db", "create-roles", "--owner", OWNER, "--app", APP, stdout=out)
    try:
        yield json.loads(out.getvalue())
    finally:
        _drop_roles()


def app_connection():  # type: ignore[no-untyped-def]
    import psycopg

    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    params["user"] = APP
    params.pop("password", None)
    return psycopg.connect(**{k: v for k, v in params.items() if k in ("dbname", "host", "port", "user")})


def _refused(statement: str) -> str:
    import psycopg

    with app_connection() as conn:
        try:
            conn.execute(statement)
        except psycopg.Error as exc:
            return type(exc).__name__
    return ""


@pytest.mark.parametrize(
    "statement",
    [
        "TRUNCATE fund_journalline",
        "TRUNCATE fund_journalentry CASCADE",
        "ALTER TABLE fund_journalline DISABLE TRIGGER USER",
        "ALTER TABLE fund_journalentry DISABLE TRIGGER fund_journalentry_append_only",
        "SET session_replication_role = replica",
        "UPDATE fund_journalline SET amount = amount * 2",
        "UPDATE fund_journalentry SET memo = 'x'",
        "DELETE FROM fund_journalline",
        "DELETE FROM fund_journalentry",
        "UPDATE fund_ledgeranchor SET mac = 'x'",
        "DROP TRIGGER fund_journalline_append_only ON fund_journalline",
        "CREATE TABLE public.anju_t18_scratch (id int)",
    ],
)
def test_the_application_role_is_refused(roles: dict[str, object], statement: str) -> None:
    account = factories.unit_account()
    factories.deposit(account, "100.00", dt.date(2023, 1, 1))
    assert _refused(statement) in ("InsufficientPrivilege", "CantChangeRuntimeParam"), statement
    assert JournalEntry.objects.count() == 1 and JournalEntry.objects.get().lines.count() == 2


def test_roles_own_and_grant_as_documented(roles: dict[str, object]) -> None:
    assert set(roles["append_only"]) >= {"fund_journalentry", "fund_journalline", "fund_ledgeranchor"}  # type: ignore[call-overload]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT has_table_privilege(%s, 'fund_journalline', 'SELECT'), "
            "has_table_privilege(%s, 'fund_journalline', 'INSERT'), "
            "has_table_privilege(%s, 'fund_journalline', 'UPDATE'), "
            "has_table_privilege(%s, 'fund_account', 'UPDATE'), "
            "pg_get_userbyid(relowner) FROM pg_class WHERE relname = 'fund_journalline'",
            [APP] * 4,
        )
        assert cursor.fetchone() == (True, True, False, True, OWNER)
    # Running it again (as after a migration) changes nothing and fails on nothing.
    call_command("db", "create-roles", "--owner", OWNER, "--app", APP, stdout=io.StringIO())


def test_the_application_role_posts_and_checks(roles: dict[str, object]) -> None:
    """Everything a posting does (row locks, COPY, temporary tables, the chain) works as the app role."""
    script = (
        "import datetime as dt\n"
        "from decimal import Decimal as D\nfrom anju.fund import checks, ledger\n"
        "from anju.fund.tests import factories\n"
        "a = factories.unit_account(room='201')\n"
        "e = factories.deposit(a, '80.00', dt.date(2023, 1, 1))\n"
        "ledger.reverse(e, actor=None, value_date=dt.date(2023, 1, 2), memo='冲正')\n"
        "ledger.post_bulk(kind='deposit', value_date=dt.date(2023, 1, 3), "
        "lines=[(factories.bank().pk, D('5.00')), (a.pk, -D('5.00'))], actor=None)\n"
        "r = checks.check_ledger()\n"
        "assert r.ok, r.as_dict()\n"
        "print('ok', r.entries)\n"
    )
    name = connection.settings_dict["NAME"]
    host = connection.settings_dict.get("HOST") or "127.0.0.1"
    port = connection.settings_dict.get("PORT") or 5432
    env = dict(os.environ, DATABASE_URL=f"postgres://{APP}@{host}:{port}/{name}", DEBUG="1")
    result = subprocess.run(
        [sys.executable, "-m", "django", "shell", "-c", script],
        env=env | {"DJANGO_SETTINGS_MODULE": "anju.settings"},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "ok 3" in result.stdout
