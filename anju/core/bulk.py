"""Set-based writes for heavy jobs: multi-row INSERTs without building model instances.

Django's bulk_create compiles SQL value by value, which costs more than the database work at
hundreds of thousands of rows; these helpers send prepared rows straight to the cursor."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from itertools import islice
from typing import Any

from django.core.management.color import no_style
from django.db import connection, models

ProgressFn = Callable[[int], None]


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
