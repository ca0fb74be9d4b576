"""The bulk-load helpers of PostgreSQL: `bulk.foreign_keys_checked_once` (the foreign keys come back exactly
as they were, and a row that points nowhere still fails, set-based, when they do),
`bulk.indexes_built_after` (the indexes come back as they were; uniqueness is enforced all along),
`bulk.compact` (the rows as they were, the room left) and `bulk.unlogged` (logged again at the end)."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction

from anju.core import bulk
from anju.core.models import AuditEvent, User

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite's foreign keys are left as they are"),
]


def _foreign_keys(table: str | None = None) -> list[tuple[str, str, str, bool, bool]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid), condeferrable, condeferred "
            "FROM pg_constraint WHERE contype = 'f' AND (%s::text IS NULL OR conrelid::regclass::text = %s) "
            "ORDER BY 1, 2",
            [table, table],
        )
        return cursor.fetchall()


def _deferred_mode() -> bool:
    """True when the foreign keys are checked at commit (a row pointing nowhere is accepted for now)."""
    try:
        with transaction.atomic():
            AuditEvent.objects.create(actor_id=-1, action=AuditEvent.Action.IMPORT, note="probe")
            raise _Accepted
    except IntegrityError:
        return False
    except _Accepted:
        return True


class _Accepted(Exception):
    """Rolls the probe back once it was accepted."""


def test_the_keys_are_dropped_inside_and_put_back_as_they_were() -> None:
    before = _foreign_keys()
    audit_table = AuditEvent._meta.db_table
    assert _foreign_keys(audit_table)
    with transaction.atomic(), bulk.foreign_keys_checked_once():
        assert _foreign_keys() == []
    assert _foreign_keys() == before
    assert _deferred_mode()


def test_rows_written_before_the_block_and_valid_rows_inside_pass() -> None:
    user = User.objects.create_user("bulk-probe", password="x")
    with transaction.atomic(), bulk.foreign_keys_checked_once():
        AuditEvent.objects.create(actor=user, action=AuditEvent.Action.IMPORT, note="ok")
    assert AuditEvent.objects.filter(note="ok", actor=user).exists()


def test_a_row_pointing_nowhere_fails_when_the_keys_come_back_and_nothing_stays() -> None:
    before = _foreign_keys()
    user = User.objects.create_user("bulk-probe", password="x")
    with pytest.raises(IntegrityError), transaction.atomic(), bulk.foreign_keys_checked_once():
        AuditEvent.objects.create(actor=user, action=AuditEvent.Action.IMPORT, note="good")
        AuditEvent.objects.create(actor_id=user.pk + 10_000, action=AuditEvent.Action.IMPORT, note="bad")
    assert not AuditEvent.objects.filter(note__in=["good", "bad"]).exists()
    assert _foreign_keys() == before


def test_a_failure_inside_the_block_puts_the_keys_back() -> None:
    before = _foreign_keys()
    with pytest.raises(ValueError), transaction.atomic(), bulk.foreign_keys_checked_once():
        raise ValueError("stop")
    assert _foreign_keys() == before


def _indexes(table: str) -> list[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s ORDER BY 1", [table])
        return cursor.fetchall()


def test_the_indexes_that_enforce_nothing_are_dropped_inside_and_built_again() -> None:
    table = AuditEvent._meta.db_table
    before = _indexes(table)
    with transaction.atomic(), bulk.indexes_built_after(AuditEvent):
        inside = _indexes(table)
        AuditEvent.objects.create(action=AuditEvent.Action.IMPORT, note="loaded")
    assert [name for name, _ in inside] == [f"{table}_pkey"]
    assert len(before) > 1
    assert _indexes(table) == before
    assert AuditEvent.objects.filter(note="loaded").exists()


def test_uniqueness_is_enforced_inside_the_block() -> None:
    User.objects.create_user("twin", password="x")
    before = _indexes(User._meta.db_table)
    with pytest.raises(IntegrityError), transaction.atomic(), bulk.indexes_built_after(User):
        User.objects.create_user("twin", password="y")
    assert _indexes(User._meta.db_table) == before
    assert User.objects.filter(username="twin").count() == 1


def test_a_failure_inside_the_block_puts_the_indexes_back() -> None:
    table = AuditEvent._meta.db_table
    before = _indexes(table)
    with pytest.raises(ValueError), transaction.atomic(), bulk.indexes_built_after(AuditEvent):
        raise ValueError("stop")
    assert _indexes(table) == before


def _pages(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_relation_size(%s::regclass) / current_setting('block_size')::int", [table])
        return cursor.fetchone()[0]


def test_compact_drops_the_versions_the_transaction_left_and_keeps_every_row() -> None:
    for n in range(400):
        User.objects.create_user(f"clerk{n:03d}", password="", first_name="x" * 60)
    table = User._meta.db_table
    rows = list(User.objects.order_by("pk").values_list("pk", "username", "first_name", "password"))
    assert not bulk.compact(User)  # other tables' foreign keys point at the users
    with transaction.atomic(), bulk.foreign_keys_checked_once():
        for _ in range(5):
            User.objects.update(last_name="y")
        bloated = _pages(table)
        assert bulk.compact(User)
        assert _pages(table) * 3 < bloated
        assert list(User.objects.order_by("pk").values_list("pk", "username", "first_name", "password")) == rows
        User.objects.create_user("after", password="")
    assert User.objects.get(username="after").pk > rows[-1][0]
    assert set(User.objects.exclude(username="after").values_list("last_name", flat=True)) == {"y"}


def test_compact_with_a_fillfactor_leaves_room_for_the_next_updates_and_the_setting_as_it_was() -> None:
    for n in range(400):
        User.objects.create_user(f"clerk{n:03d}", password="", first_name="x" * 60)
    table = User._meta.db_table
    rows = list(User.objects.order_by("pk").values_list("pk", "username", "first_name"))
    with transaction.atomic(), bulk.foreign_keys_checked_once():
        assert bulk.compact(User)
        packed = _pages(table)
        assert bulk.compact(User, fillfactor=50)
        assert _pages(table) >= 2 * packed - 1
        assert _reloptions(table) is None
        hot_before = _hot_updates(table)
        User.objects.update(last_name="y")
        assert _hot_updates(table) - hot_before == len(rows)  # every new version beside the old one
        assert list(User.objects.order_by("pk").values_list("pk", "username", "first_name")) == rows


def _reloptions(table: str) -> list[str] | None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT reloptions FROM pg_class WHERE oid = %s::regclass", [table])
        return cursor.fetchone()[0]


def _hot_updates(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT n_tup_hot_upd FROM pg_stat_xact_user_tables WHERE relid = %s::regclass", [table])
        return cursor.fetchone()[0]


def _persistence(table: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT relpersistence FROM pg_class WHERE oid = %s::regclass", [table])
        return cursor.fetchone()[0]


def test_unlogged_writes_the_table_without_the_log_inside_the_block_and_logs_it_after() -> None:
    table = AuditEvent._meta.db_table
    with transaction.atomic(), bulk.foreign_keys_checked_once():
        with bulk.unlogged(AuditEvent):
            assert _persistence(table) == "u"
            AuditEvent.objects.create(action=AuditEvent.Action.IMPORT, note="inside")
        assert _persistence(table) == "p"
    assert _persistence(table) == "p"
    assert AuditEvent.objects.filter(note="inside").count() == 1


def test_unlogged_leaves_a_table_with_foreign_keys_logged() -> None:
    table = AuditEvent._meta.db_table
    with transaction.atomic(), bulk.unlogged(AuditEvent, User):  # the keys are up: both stay logged
        assert _persistence(table) == "p"
        assert _persistence(User._meta.db_table) == "p"


def test_a_failure_inside_the_unlogged_block_leaves_the_table_logged() -> None:
    table = AuditEvent._meta.db_table
    with pytest.raises(_Accepted):
        with transaction.atomic(), bulk.foreign_keys_checked_once(), bulk.unlogged(AuditEvent):
            AuditEvent.objects.create(action=AuditEvent.Action.IMPORT, note="rolled back")
            raise _Accepted
    assert _persistence(table) == "p"
    assert not AuditEvent.objects.filter(note="rolled back").exists()
