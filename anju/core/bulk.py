"""Set-based writes for heavy jobs: multi-row INSERTs without building model instances.

Django's bulk_create compiles SQL value by value, which costs more than the database work at
hundreds of thousands of rows; these helpers send prepared rows straight to the cursor."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from itertools import islice
from typing import Any

from django.core.management.color import no_style
from django.db import OperationalError, connection, models, transaction

ProgressFn = Callable[[int], None]
PENDING_TRIGGER_EVENTS = "55006"  # object_in_use: "cannot ALTER TABLE … because it has pending trigger events"


def insert_rows(
    model: type[models.Model],
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    batch: int = 5000,
    progress: ProgressFn | None = None,
) -> int:
    """INSERT the rows (values in column order, ready for the database); returns the count."""
    table = connection.ops.quote_name(model._meta.db_table)
    cols = ", ".join(connection.ops.quote_name(c) for c in columns)
    done = 0
    iterator = iter(rows)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY streams the rows in one statement, several times faster than multi-row INSERTs.
            with cursor.cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                for row in iterator:
                    copy.write_row(row)
                    done += 1
                    if progress is not None and done % batch == 0:
                        progress(done)
            if progress is not None:
                progress(done)
            return done
        placeholders = ", ".join(["%s"] * len(columns))
        sql = f"INSERT INTO {table} ({cols}) VALUES ({placeholders})"
        while chunk := list(islice(iterator, batch)):
            cursor.executemany(sql, chunk)
            done += len(chunk)
            if progress is not None:
                progress(done)
    return done


def reset_sequences(*model_classes: type[models.Model]) -> None:
    """After inserting explicit primary keys: move PostgreSQL's sequences past them (no-op on SQLite)."""
    statements = connection.ops.sequence_reset_sql(no_style(), list(model_classes))
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


def next_id(model: type[models.Model]) -> int:
    """The first free primary key for explicit-id inserts."""
    last = model._default_manager.order_by("-pk").values_list("pk", flat=True).first()
    return int(last or 0) + 1


def ids_by_key(
    model: type[models.Model], key: str, keys: Iterable[Any], chunk: int = 900, **filters: Any
) -> dict[Any, int]:
    """Primary keys of the rows whose `key` column is in keys, fetched in chunks (SQLite's variable limit)."""
    wanted = list(dict.fromkeys(keys))
    found: dict[Any, int] = {}
    manager = model._default_manager
    for start in range(0, len(wanted), chunk):
        part = wanted[start : start + chunk]
        found.update(manager.filter(**{f"{key}__in": part}, **filters).values_list(key, "pk"))
    return found


def insert_returning_ids(
    model: type[models.Model],
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    key: str,
    *,
    progress: ProgressFn | None = None,
    **filters: Any,
) -> dict[Any, int]:
    """INSERT the rows, then map each row's unique `key` value to its new primary key.

    One query reads the rows above the highest key before the insert: the new rows are among them (ids
    only grow), and rows another transaction committed meanwhile only add keys nobody asks for."""
    before = next_id(model) - 1
    insert_rows(model, columns, rows, progress=progress)
    return dict(model._default_manager.filter(pk__gt=before, **filters).values_list(key, "pk"))


def db_datetime(value: Any) -> Any:
    """A datetime as the connection stores it (raw inserts bypass field conversion)."""
    return connection.ops.adapt_datetimefield_value(value)


def analyze(*model_classes: type[models.Model]) -> None:
    """PostgreSQL: refresh the planner's statistics of these tables after a bulk load inside one
    transaction, which autovacuum cannot see into (planned for empty tables, joins fall back to full
    scans). Nothing to do on SQLite."""
    if connection.vendor == "postgresql":
        tables = ", ".join(connection.ops.quote_name(model._meta.db_table) for model in model_classes)
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {tables}")


def compact(model: type[models.Model], fillfactor: int = 100) -> bool:
    """PostgreSQL, inside a bulk load that moves the same rows again and again: the table rewritten with
    its current rows only; returns whether it was.

    Nothing a transaction wrote can be pruned before it commits, so the demo city's sixteen years of
    balance moves leave a version of each ledger per move, and every later statement over the table (the
    next year's UPDATE, a join by key, ANALYZE) walks them all: each year's update took longer than the
    last. VACUUM cannot run inside a transaction; TRUNCATE and INSERT of the rows as they stand can, and
    take a second for 250k ledgers. Rows, keys and ids are as before. TRUNCATE refuses a table other
    tables' foreign keys point at, so this runs only while `foreign_keys_checked_once` has them down;
    elsewhere (and on SQLite, which rewrites rows in place) it does nothing.

    `fillfactor` below 100 leaves that share of each page filled and the rest free: the next update of a
    row then writes its new version beside it on the same page (a heap-only tuple, no new entry in any
    index), which halved the demo's yearly balance updates at 50. Only this rewrite is packed so; the
    table's own setting is as it was afterwards, and the next rewrite packs the pages full again."""
    if connection.vendor != "postgresql" or not connection.in_atomic_block:
        return False
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_constraint WHERE contype = 'f' AND confrelid = %s::regclass", [table])
        if cursor.fetchone():
            return False
        cursor.execute(f"CREATE TEMPORARY TABLE anju_compact ON COMMIT DROP AS SELECT * FROM {table}")
        _ddl(cursor, f"TRUNCATE {table}")
        if fillfactor < 100:
            cursor.execute("SELECT reloptions FROM pg_class WHERE oid = %s::regclass", [table])
            (options,) = cursor.fetchone()
            _ddl(cursor, f"ALTER TABLE {table} SET (fillfactor = {int(fillfactor)})")
        cursor.execute(f"INSERT INTO {table} SELECT * FROM anju_compact")
        if fillfactor < 100:
            _ddl(cursor, f"ALTER TABLE {table} RESET (fillfactor)")
            if options:
                _ddl(cursor, f"ALTER TABLE {table} SET ({', '.join(options)})")
        cursor.execute("DROP TABLE anju_compact")
    return True


@contextmanager
def unlogged(*model_classes: type[models.Model]) -> Iterator[None]:
    """PostgreSQL, inside a bulk load's transaction with the foreign keys down (`foreign_keys_checked_once`):
    the tables written without the write-ahead log until the block ends, then logged once as they stand.

    Every row version and index entry a load writes goes to the WAL first: for the demo city's ledgers,
    updated twice a year for sixteen years and rewritten by `compact` after each, the log cost more than
    the rows. An UNLOGGED table skips it; at the end of the block the table is written to the log once,
    whole pages (`SET LOGGED`), so the commit makes it as durable, and as visible to a standby, as any.
    Both ALTERs are part of the transaction: if it rolls back, the tables are as they were. PostgreSQL
    forbids a foreign key between a logged and an unlogged table, so a table that has one, or that
    another table's points at, is left logged; and on SQLite there is nothing to do."""
    if connection.vendor != "postgresql":
        yield
        return
    if not connection.in_atomic_block:
        raise RuntimeError("unlogged() needs the caller's transaction")
    tables = [model._meta.db_table for model in model_classes]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.oid::regclass::text FROM pg_class c WHERE c.oid = ANY(%s::regclass[]) "
            "AND c.relpersistence = 'p' AND NOT EXISTS (SELECT 1 FROM pg_constraint f "
            "WHERE f.contype = 'f' AND c.oid IN (f.conrelid, f.confrelid)) ORDER BY c.oid",
            [tables],
        )
        chosen = [name for (name,) in cursor.fetchall()]
        for table in chosen:
            _ddl(cursor, f"ALTER TABLE {table} SET UNLOGGED")
    yield
    with connection.cursor() as cursor:
        for table in chosen:
            _ddl(cursor, f"ALTER TABLE {table} SET LOGGED")


@contextmanager
def indexes_built_after(*model_classes: type[models.Model]) -> Iterator[None]:
    """PostgreSQL: the tables' indexes that enforce nothing dropped for a bulk load and built again after it.

    Inserting a row into a trigram (GIN) index costs more than the row; and inside one transaction every
    update of a row is a new version whose entry goes into each of the table's indexes, as nothing the
    transaction wrote can be pruned yet. An index built once over the loaded rows costs a fraction of
    that, and comes out smaller. Primary keys, unique indexes and constraints' indexes stay, so every rule
    is still enforced as rows go in; each index comes back exactly as it was (`pg_get_indexdef`), and if
    the block raises, the rollback puts them back. Queries inside the block go without these indexes:
    wrap only the load. Nothing to do on SQLite."""
    if connection.vendor != "postgresql":
        yield
        return
    if not connection.in_atomic_block:
        raise RuntimeError("indexes_built_after() needs the caller's transaction")
    tables = [model._meta.db_table for model in model_classes]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT quote_ident(n.nspname) || '.' || quote_ident(i.relname), pg_get_indexdef(x.indexrelid) "
            "FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_namespace n ON n.oid = i.relnamespace "
            "WHERE x.indrelid = ANY(%s::regclass[]) AND NOT x.indisprimary AND NOT x.indisunique "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid) ORDER BY x.indexrelid",
            [tables],
        )
        indexes = cursor.fetchall()
        for name, _ in indexes:
            _ddl(cursor, f"DROP INDEX {name}")
    yield
    with connection.cursor() as cursor:
        for _, definition in indexes:
            _ddl(cursor, definition)


@contextmanager
def foreign_keys_checked_once() -> Iterator[None]:
    """PostgreSQL: a bulk load's foreign keys proved once per constraint, set-based, not row by row.

    Django's foreign keys are DEFERRABLE INITIALLY DEFERRED: every inserted row queues a check that the
    commit runs one at a time (a lookup and a lock on the referenced row, written to the WAL); for the
    demo city's millions of rows that was a third of the server's work. Inside the caller's transaction
    the schema's foreign keys are dropped and, after the block, added again exactly as they were
    (`pg_get_constraintdef`): adding a foreign key proves every existing row by one anti-join, so a row
    pointing nowhere still fails (there, or if the block raises, the transaction rolls back with the
    constraints in place). A table with checks still pending gets them run first (`_ddl`). Locks every
    table until the commit: for a build into a database nothing else is using. Nothing to do on SQLite."""
    if connection.vendor != "postgresql":
        yield
        return
    if not connection.in_atomic_block:
        raise RuntimeError("foreign_keys_checked_once() needs the caller's transaction")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.conrelid::regclass::text, quote_ident(c.conname), pg_get_constraintdef(c.oid) "
            "FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace "
            "WHERE c.contype = 'f' AND n.nspname = current_schema() ORDER BY c.oid"
        )
        keys = cursor.fetchall()
        for table, name, _ in keys:
            _ddl(cursor, f"ALTER TABLE {table} DROP CONSTRAINT {name}")
    yield
    with connection.cursor() as cursor:
        for table, name, definition in keys:
            _ddl(cursor, f"ALTER TABLE {table} ADD CONSTRAINT {name} {definition}")


def _ddl(cursor: Any, sql: str) -> None:
    """One statement that alters, indexes or truncates a table. PostgreSQL refuses it while the table has
    deferred checks pending (rows written earlier in the transaction); then those run now, as the commit
    would run them, and the statement again. Only then: running every pending check at each step would
    prove the journal's entries while their lines' indexes are down, a scan of the lines each."""
    try:
        with transaction.atomic():  # a savepoint: the refusal leaves the transaction usable
            cursor.execute(sql)
        return
    except OperationalError as error:
        if getattr(error.__cause__, "sqlstate", None) != PENDING_TRIGGER_EVENTS:
            raise
    # Django makes every deferrable constraint initially deferred: that is the mode put back.
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    cursor.execute(sql)
