"""Who is signed in, read with one plain statement each (issue 17).

Every staff request reads its session and then its user. Through the ORM each is a `.get()` whose
query is built and compiled anew, about 0.2 ms of CPU apiece — more than the statement itself, and a
tenth of a simple page (`bench/pages.py`, the unit and person pages). Here the session is read as
Django's `db` engine reads it (the same table and rows, the key and the expiry in the WHERE clause) and
the user as `ModelBackend.get_user` finds it (by primary key, then `user_can_authenticate`), each with
one plain statement. Sessions are still written, renewed, flushed and cleared by Django's engine, and
logins checked by Django's `ModelBackend`; settings name these two classes (`SESSION_ENGINE`,
`AUTHENTICATION_BACKENDS`)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.sessions.backends import db
from django.core.exceptions import ValidationError
from django.db import connections, router
from django.utils import timezone


class SessionStore(db.SessionStore):
    """Django's database sessions, loaded without building a query."""

    def _get_session_from_db(self) -> Any:
        key = self.session_key  # None when the cookie's key is not a valid one
        row = None
        if key is not None:
            model = self.model
            connection = connections[router.db_for_read(model)]
            table, key_column, data, expiry = _names(connection, model, "session_key", "session_data", "expire_date")
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT {data} FROM {table} WHERE {key_column} = %s AND {expiry} > %s",
                    [key, connection.ops.adapt_datetimefield_value(timezone.now())],
                )
                row = cursor.fetchone()
        if row is None:  # unknown or expired: as Django's engine, the next save makes a new key
            self._session_key = None
            return None
        return SimpleNamespace(session_data=row[0])


class StaffBackend(ModelBackend):
    """Django's `ModelBackend`; the signed-in user read by primary key with one plain statement."""

    def get_user(self, user_id: Any) -> Any:
        model = get_user_model()
        pk = model._meta.pk
        assert pk is not None
        try:
            key = pk.to_python(user_id)
        except ValidationError:
            return None  # not a key at all (Django's `get` would raise)
        connection = connections[router.db_for_read(model)]
        names = [field.name for field in model._meta.concrete_fields]
        table, pk_column, *columns = _names(connection, model, pk.name, *names)
        sql = f"SELECT {', '.join(columns)} FROM {table} WHERE {pk_column} = %s"
        found = list(model._default_manager.raw(sql, [key]))  # the ORM's own conversion of each column
        if not found:
            return None
        user = found[0]
        return user if self.user_can_authenticate(user) else None


def _names(connection: Any, model: Any, *fields: str) -> list[str]:
    """The model's table and the fields' columns, quoted for `connection`."""
    quote = connection.ops.quote_name
    return [quote(model._meta.db_table), *(quote(model._meta.get_field(name).column) for name in fields)]
