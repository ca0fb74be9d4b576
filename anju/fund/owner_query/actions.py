"""The writes of the owners' balance query: each attempt is recorded with its address and a keyed hash of the
ID number asked about, so that

- one ID number gets at most MAX_FAILURES_PER_ID wrong answers in the window (nobody can try name after name
  against an owner's number), whatever the address;
- one address — a kiosk in the service hall that many owners use — is limited only far above what people type
  (MAX_PER_IP), and after CAPTCHA_AFTER failures in a row it asks for the picture's digits (a CAPTCHA), so a
  mistyped query does not lock the kiosk and a script cannot run through numbers.

The limits hold across the server's worker processes because they are counted in the database (the default
cache is per process). An owner query costs one INSERT (the attempt, with its outcome) and two small SELECTs
here; the SQL is written out where the ORM's compiling cost more than the query."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from anju.fund.models import OwnerQueryAttempt
from anju.fund.owner_query.queries import Read

MAX_FAILURES_PER_ID = 5
MAX_PER_IP = 200
CAPTCHA_AFTER = 3
WINDOW = dt.timedelta(minutes=10)
UNKNOWN_IP = "0.0.0.0"
KEEP = dt.timedelta(days=30)  # attempts (IP addresses, keyed ID hashes) are kept this long, then deleted
# The answers are Chinese whatever the page language: they are meant for the owners.
TOO_MANY = f"查询次数过多，请{WINDOW.seconds // 60}分钟后再试。"
TOO_MANY_FOR_ID = f"该身份证号码的查询错误次数过多，请{WINDOW.seconds // 60}分钟后再试，或到维修资金服务窗口查询。"


def id_key(number: str) -> str:
    """A keyed hash of a (normalised) ID number: equal numbers match, the number cannot be read back."""
    secret = settings.SECRET_KEY.encode()
    return hmac.new(secret, b"owner-query:" + number.strip().upper().encode(), hashlib.sha256).hexdigest()


def check_limits(ip: str | None, number: str) -> tuple[int, str]:
    """Before anything is looked up, in one SELECT: the address's failures in a row (the CAPTCHA's trigger,
    as `failures_in_a_row`) and the refusal's message if the limits are reached already, else "". A refused
    query never looks up the owner (its answer and its time tell nothing about the name). A read;
    `register_attempt` counts again after writing, for simultaneous attempts."""
    address = ip or UNKNOWN_IP
    key = id_key(number) if number.strip() else ""
    now = timezone.now()
    counts, params = _counts_sql(address, key, now)
    table = connection.ops.quote_name(OwnerQueryAttempt._meta.db_table)
    since = connection.ops.adapt_datetimefield_value(now - WINDOW)
    sql = (
        f'SELECT "counts"."per_ip", "counts"."failures", "recent"."success" FROM ({counts}) "counts" '
        f'LEFT JOIN (SELECT "success", "at", "id" FROM {table} WHERE "ip" = %s AND "at" > %s '
        f'ORDER BY "at" DESC, "id" DESC LIMIT %s) "recent" ON 1 = 1 ORDER BY "recent"."at" DESC, "recent"."id" DESC'
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, connection.ops.adapt_ipaddressfield_value(address), since, CAPTCHA_AFTER + 1])
        rows = cursor.fetchall()
    per_ip, failures = int(rows[0][0]), int(rows[0][1])
    return _in_a_row(bool(success) for _, _, success in rows if success is not None), _refusal(
        per_ip + 1, failures, key
    )


def record_refused(ip: str | None, number: str) -> OwnerQueryAttempt:
    """Record an attempt `check_limits` refused (one INSERT): refused attempts count too, as failures, so who
    keeps trying stays blocked until the window passes."""
    key = id_key(number) if number.strip() else ""
    return _insert(ip or UNKNOWN_IP, key, success=False)


def register_attempt(
    ip: str | None, number: str, *, found: bool = False, read: Read | None = None
) -> tuple[OwnerQueryAttempt, str, list[tuple[Any, ...]]]:
    """Record an attempt, a success when it `found` the owner's units; returns it, "" when within the limits,
    else the refusal's message, and the rows of `read` (a SELECT sent in the same statement as the counts, one
    round trip fewer: `queries.lines_read`), [] without one.

    The attempt is written (and committed) before counting, so of many simultaneous attempts at most the limit
    see a count within it; one that is refused here counts as a failure (an UPDATE, whatever it found, so
    its time does not depend on the name either). One INSERT and one SELECT (both counts, whether anything
    is older than KEEP, and `read`'s rows); the DELETE of old attempts runs only when there is something to
    delete."""
    address = ip or UNKNOWN_IP
    key = id_key(number) if number.strip() else ""
    attempt = _insert(address, key, success=found)
    per_ip, failures, stale, rows = _counts(address, key, attempt.at, attempt.pk, read)
    if stale:
        purge_attempts(attempt.at)
    refusal = _refusal(per_ip, failures, key)
    if refusal:
        OwnerQueryAttempt.objects.filter(pk=attempt.pk).update(success=False)
        attempt.success = False
    return attempt, refusal, rows


def _insert(address: str, key: str, *, success: bool) -> OwnerQueryAttempt:
    """The attempt's INSERT, committed. On PostgreSQL one statement in autocommit (its own transaction: one
    round trip, where BEGIN, SET LOCAL, INSERT and COMMIT were four), which commits without waiting for the
    WAL to reach the disk: its RETURNING sets `synchronous_commit` off for this transaction only
    (`set_config(…, true)`, read when the transaction commits, gone after it). The row is visible to every
    other query at once, so the limits count it as before, and only a server crash within the WAL writer's
    delay (0.6 s at most) could forget it — an attempt row, never money. The fsync it saves was 5–8 ms of each
    owner query here. Inside an outer transaction (the tests') the setting holds until that one ends, as SET
    LOCAL's did."""
    at = timezone.now()
    if connection.vendor != "postgresql":
        with transaction.atomic():
            return OwnerQueryAttempt.objects.create(ip=address, id_key=key, at=at, success=success)
    table = connection.ops.quote_name(OwnerQueryAttempt._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f'INSERT INTO {table} ("ip", "id_key", "at", "success") VALUES (%s, %s, %s, %s) '
            "RETURNING \"id\", set_config('synchronous_commit', 'off', true)",
            [connection.ops.adapt_ipaddressfield_value(address), key, at, success],
        )
        (pk, _) = cursor.fetchone()
    return OwnerQueryAttempt(pk=pk, ip=address, id_key=key, at=at, success=success)


def _refusal(per_ip: int, failures: int, key: str) -> str:
    """per_ip: the address's attempts in the window, this one included; failures: the ID number's others."""
    if per_ip > MAX_PER_IP:
        return TOO_MANY
    if key and failures >= MAX_FAILURES_PER_ID:
        return TOO_MANY_FOR_ID
    return ""


def _counts_sql(address: str, key: str, now: dt.datetime, pk: int | None = None) -> tuple[str, list[Any]]:
    """One row: "per_ip", the address's attempts in the window; "failures", the ID number's failures in the
    window (both leaving attempt `pk` out of the failures). Each part is an indexed lookup (ip, id_key, at).
    Written out (not composed with the ORM, whose compiling cost more than the query on this public page):
    the same SQL on SQLite and PostgreSQL, the values adapted by the backend."""
    table = connection.ops.quote_name(OwnerQueryAttempt._meta.db_table)
    since = connection.ops.adapt_datetimefield_value(now - WINDOW)
    failures = "0"
    params: list[Any] = [connection.ops.adapt_ipaddressfield_value(address), since]
    if key:
        failures = f'SELECT COUNT(*) FROM {table} WHERE "id_key" = %s AND NOT "success" AND "at" > %s'
        params += [key, since]
        if pk is not None:
            failures += ' AND "id" <> %s'
            params.append(pk)
    sql = f'SELECT (SELECT COUNT(*) FROM {table} WHERE "ip" = %s AND "at" > %s) AS "per_ip", ({failures}) AS "failures"'
    return sql, params


def _counts(
    address: str, key: str, now: dt.datetime, pk: int | None = None, read: Read | None = None
) -> tuple[int, int, bool, list[tuple[Any, ...]]]:
    """In one SELECT: `_counts_sql`'s two counts, whether any attempt is older than KEEP, and `read`'s rows
    (joined to the one row of counts: each row carries them, and without rows one row carries them alone)."""
    table = connection.ops.quote_name(OwnerQueryAttempt._meta.db_table)
    counts, params = _counts_sql(address, key, now, pk)
    cutoff = connection.ops.adapt_datetimefield_value(now - KEEP)
    columns, joined, order = "", "", ""
    if read is not None:
        columns, joined = ', "read".*', f' LEFT JOIN ({read.sql}) "read" ON 1 = 1'
        order = " ORDER BY " + ", ".join(f'"read"."{column}"' for column in read.order)
    sql = (
        f'SELECT "counts"."per_ip", "counts"."failures", EXISTS (SELECT 1 FROM {table} WHERE "at" < %s){columns} '
        f'FROM ({counts}) "counts"{joined}{order}'
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [cutoff, *params, *(read.params if read else [])])  # in the text's order
        fetched = cursor.fetchall()
    per_ip, failed, stale = fetched[0][:3]
    rows = [] if read is None else [row[3 : 3 + read.width] for row in fetched if row[3] is not None]
    return int(per_ip), int(failed), bool(stale), rows


def _in_a_row(recent: Iterable[bool]) -> int:
    """The failures before the newest success, of the address's attempts newest first."""
    count = 0
    for success in recent:
        if success:
            break
        count += 1
    return count


def failures_in_a_row(ip: str | None) -> int:
    """The address's failed attempts since its last success within the window (the CAPTCHA's trigger): its last
    CAPTCHA_AFTER + 1 attempts, newest first, by the index on the address (written out like `_counts`)."""
    address = ip or UNKNOWN_IP
    since = connection.ops.adapt_datetimefield_value(timezone.now() - WINDOW)
    table = connection.ops.quote_name(OwnerQueryAttempt._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f'SELECT "success" FROM {table} WHERE "ip" = %s AND "at" > %s ORDER BY "at" DESC, "id" DESC LIMIT %s',
            [connection.ops.adapt_ipaddressfield_value(address), since, CAPTCHA_AFTER + 1],
        )
        return _in_a_row(bool(success) for (success,) in cursor.fetchall())


def purge_attempts(now: dt.datetime) -> int:
    """Deletes the attempts older than KEEP (30 days): the addresses are kept only as long as the limit and
    an inquiry need them. One indexed DELETE, run by `register_attempt` when its SELECT saw such attempts."""
    deleted, _ = OwnerQueryAttempt.objects.filter(at__lt=now - KEEP).delete()
    return deleted
