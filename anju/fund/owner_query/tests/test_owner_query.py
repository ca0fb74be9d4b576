"""The public owners' query: the owner's name and ID number (never a unit code) show every unit they own now;
one uniform answer for every wrong pair; wrong answers limited per ID number whatever the address; a kiosk
asked for a CAPTCHA after failures in a row instead of being locked out; a far higher limit per address."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Iterator
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from anju.core.models import AuditEvent
from anju.fund import ledger
from anju.fund import queries as fund_queries
from anju.fund.models import Account, JournalEntry, JournalLine, OwnerQueryAttempt
from anju.fund.owner_query import actions as owner_query_actions
from anju.fund.owner_query import captcha
from anju.fund.owner_query import queries as owner_query
from anju.fund.tests import factories
from anju.registry.models import Ownership, Person
from anju.registry.tests import factories as registry

pytestmark = pytest.mark.django_db
URL = "/fund/query/"
# Django masks the CSRF token afresh in every response (against BREACH); all else must be the same.
CSRF_RE = re.compile(rb'(name="csrfmiddlewaretoken" value="|"X-CSRFToken": ")[A-Za-z0-9]+')
ADDRESSES: Iterator[int] = itertools.count(10)


@pytest.fixture
def city() -> dict[str, object]:
    former, owner = registry.person("张三丰", seq=41), registry.person("李小龙", seq=42)
    account = factories.unit_account(room="301", owner=former)
    factories.deposit(account, "7800.00", dt.date(2020, 3, 1))
    Ownership.objects.filter(unit=account.unit).update(end=dt.date(2022, 6, 1))
    Ownership.objects.create(unit=account.unit, person=owner, start=dt.date(2022, 6, 1))
    factories.spend(account, "300.00", dt.date(2023, 4, 2))
    second = factories.unit_account(room="502", owner=owner)
    factories.deposit(second, "6100.00", dt.date(2021, 5, 8))
    developer_unit = factories.unit_account(room="302", owner=registry.enterprise())
    factories.deposit(developer_unit, "5000.00", dt.date(2020, 3, 1))
    return {"account": account, "second": second, "former": former, "owner": owner, "developer_unit": developer_unit}


def fresh() -> Client:
    """A client from an address of its own (the limits are per address)."""
    return Client(REMOTE_ADDR=f"10.0.{next(ADDRESSES) // 250}.{next(ADDRESSES) % 250 + 1}")


def ask(client: Client, name: str, number: str, **extra: str) -> tuple[int, bytes]:
    response = client.post(URL, {"name": name, "id_number": number, **extra})
    return response.status_code, CSRF_RE.sub(rb"\1-", response.content)


def test_the_url_and_no_login() -> None:
    assert reverse("fund:owner_query") == URL
    response = Client().get(URL)
    page = response.content.decode()
    assert response.status_code == 200 and "<form" in page and 'name="name"' in page
    assert 'name="unit"' not in page  # no internal unit code is asked for
    assert 'class="sidenav"' not in page  # no staff navigation for the public


def test_the_owner_sees_every_unit_they_own_now(city: dict[str, object]) -> None:
    owner: Person = city["owner"]  # type: ignore[assignment]
    account: Account = city["account"]  # type: ignore[assignment]
    events = AuditEvent.objects.count()
    response = fresh().post(URL, {"name": " 李 小龙 ", "id_number": owner.id_number.lower()})
    page = response.content.decode()
    assert response.status_code == 200
    assert "7,500.00" in page and "7,800.00" in page and "-300.00" in page and "2023-04-02" in page
    assert "6,100.00" in page  # the second unit
    assert "301室" in page and "502室" in page and account.unit.code not in page
    assert "李**" in page and "李小龙" not in page and owner.id_number not in page
    assert "张三丰" not in page and "sidenav" not in page and "5,000.00" not in page
    assert OwnerQueryAttempt.objects.filter(success=True).count() == 1
    assert OwnerQueryAttempt.objects.get().id_key == owner_query_actions.id_key(owner.id_number)
    assert owner.id_number not in OwnerQueryAttempt.objects.get().id_key
    assert response["Cache-Control"].startswith("max-age=0") and "no-store" in response["Cache-Control"]
    assert AuditEvent.objects.count() == events  # a query changes nothing: no audit event


def test_every_wrong_pair_gets_the_same_answer(city: dict[str, object]) -> None:
    owner: Person = city["owner"]  # type: ignore[assignment]
    former: Person = city["former"]  # type: ignore[assignment]
    stranger = registry.resident_id(seq=99)
    answers = {
        "wrong name": ask(fresh(), "李小虎", owner.id_number),
        "wrong number": ask(fresh(), "李小龙", stranger),
        "former owner": ask(fresh(), "张三丰", former.id_number),
        "invalid number": ask(fresh(), "李小龙", owner.id_number[:-1] + "0"),
        "empty": ask(fresh(), "", ""),
    }
    statuses = {status for status, _ in answers.values()}
    bodies = {body for _, body in answers.values()}
    assert statuses == {200} and len(bodies) == 1
    body = bodies.pop().decode()
    assert owner_query.NO_MATCH in body and stranger not in body and "李小" not in body
    assert OwnerQueryAttempt.objects.filter(success=False).count() == len(answers)


def test_wrong_answers_are_limited_per_id_number_whatever_the_address(city: dict[str, object]) -> None:
    owner: Person = city["owner"]  # type: ignore[assignment]
    for n in range(owner_query_actions.MAX_FAILURES_PER_ID):
        assert ask(fresh(), f"李{n}", owner.id_number)[0] == 200
    status, body = ask(fresh(), "李小龙", owner.id_number)
    assert status == 429 and owner_query_actions.TOO_MANY_FOR_ID in body.decode() and b"7,500.00" not in body
    # Another owner's number is not affected; once the window has passed the owner gets in.
    former: Person = city["former"]  # type: ignore[assignment]
    assert ask(fresh(), "张三丰", former.id_number)[0] == 200
    OwnerQueryAttempt.objects.update(at=timezone.now() - owner_query_actions.WINDOW)
    status, body = ask(fresh(), "李小龙", owner.id_number)
    assert status == 200 and b"7,500.00" in body


def test_the_kiosk_asks_for_the_picture_after_failures_and_is_not_locked(city: dict[str, object]) -> None:
    owner: Person = city["owner"]  # type: ignore[assignment]
    kiosk = Client(REMOTE_ADDR="10.9.9.9")
    assert 'name="captcha"' not in kiosk.get(URL).content.decode()
    assert kiosk.get(reverse("fund:owner_query_captcha")).status_code == 404
    for n in range(owner_query_actions.CAPTCHA_AFTER):
        status, body = ask(kiosk, "王五", registry.resident_id(seq=60 + n))
    assert 'name="captcha"' in body.decode()
    image = kiosk.get(reverse("fund:owner_query_captcha"))
    assert image.status_code == 200 and image["Content-Type"] == "image/png" and image.content[:4] == b"\x89PNG"
    attempts = OwnerQueryAttempt.objects.count()
    status, body = ask(kiosk, "李小龙", owner.id_number, captcha="0000")
    assert status == 200 and owner_query.BAD_CAPTCHA in body.decode() and b"7,500.00" not in body
    assert OwnerQueryAttempt.objects.count() == attempts  # no lookup without the picture's digits
    answer = kiosk.session[captcha.KEY]
    status, body = ask(kiosk, "李小龙", owner.id_number, captcha=answer)
    assert status == 200 and b"7,500.00" in body
    assert 'name="captcha"' not in kiosk.get(URL).content.decode()  # after a success, no picture
    # A picture is answered once.
    session = kiosk.session
    session[captcha.KEY] = "2345"
    assert captcha.passes(session, "2345") and not captcha.passes(session, "2345")


def test_an_address_has_a_far_higher_limit(city: dict[str, object], monkeypatch: pytest.MonkeyPatch) -> None:
    owner: Person = city["owner"]  # type: ignore[assignment]
    monkeypatch.setattr(owner_query_actions, "MAX_PER_IP", 2)
    kiosk = Client(REMOTE_ADDR="10.8.8.8")
    assert ask(kiosk, "李小龙", owner.id_number)[0] == 200
    assert ask(kiosk, "李小龙", owner.id_number)[0] == 200
    response = kiosk.post(URL, {"name": "李小龙", "id_number": owner.id_number})
    assert response.status_code == 429 and owner_query_actions.TOO_MANY in response.content.decode()
    assert response["Retry-After"] == "600"


def test_find_accounts_only_for_the_current_resident_owner_by_name(city: dict[str, object]) -> None:
    owner: Person = city["owner"]  # type: ignore[assignment]
    account: Account = city["account"]  # type: ignore[assignment]
    second: Account = city["second"]  # type: ignore[assignment]
    assert owner_query.find_accounts("李小龙", owner.id_number) == [account, second]
    assert owner_query.find_accounts("李小", owner.id_number) == []
    assert owner_query.find_accounts("李小龙", "not a number") == []
    assert owner_query.mask_name("欧阳娜娜") == "欧***" and owner_query.mask_name("") == ""


# An owner query: the CAPTCHA's trigger (the address's last attempts) with the limits as they stand, the units with
# their accounts, the attempt (the one write), the limits counted again, the units' journal lines (on PostgreSQL
# in the same statement as the counts). No more per unit.
QUERIES = 5
# The attempt's own transaction on SQLite: a savepoint inside the tests' transaction. On PostgreSQL the attempt
# is one statement in autocommit, so a query is 5 statements, each one round trip to the server.
TRANSACTION_CONTROL = ("SAVEPOINT", "RELEASE SAVEPOINT")
NO_WAIT_FOR_DISK = "set_config('synchronous_commit', 'off', true)"


def test_a_query_costs_a_fixed_few_queries_whatever_the_units(city: dict[str, object]) -> None:
    owner: Person = city["owner"]  # type: ignore[assignment]
    single = registry.person("王小明", seq=43)
    factories.deposit(factories.unit_account(room="601", owner=single), "4200.00", dt.date(2021, 1, 4))
    for room in ("701", "702", "703"):  # the owner of the city's two units gets three more
        factories.deposit(factories.unit_account(room=room, owner=owner), "3000.00", dt.date(2021, 2, 1))
    for person, units in ((single, 1), (owner, 5)):
        client = fresh()
        with CaptureQueriesContext(connection) as queries:
            response = client.post(URL, {"name": person.name, "id_number": person.id_number})
        assert response.status_code == 200 and response.content.decode().count('class="card query-result"') == units
        sent = [q["sql"] for q in queries.captured_queries]
        asked = [sql for sql in sent if not sql.upper().startswith(TRANSACTION_CONTROL)]
        writes = [sql for sql in asked if not sql.lstrip().upper().startswith("SELECT")]
        assert len(asked) == QUERIES - (connection.vendor == "postgresql"), sent
        assert len(writes) == 1 and writes[0].startswith("INSERT")
        if connection.vendor == "postgresql":  # the attempt's commit does not wait for the disk, in its own statement
            assert len(sent) == QUERIES - 1 and NO_WAIT_FOR_DISK in writes[0]
    assert OwnerQueryAttempt.objects.filter(success=True).count() == 2


def test_a_refused_query_counts_as_a_failure_even_with_the_right_name(city: dict[str, object]) -> None:
    owner: Person = city["owner"]  # type: ignore[assignment]
    for n in range(owner_query_actions.MAX_FAILURES_PER_ID):
        ask(fresh(), f"李{n}", owner.id_number)
    assert ask(fresh(), "李小龙", owner.id_number)[0] == 429
    assert not OwnerQueryAttempt.objects.filter(success=True).exists()
    assert OwnerQueryAttempt.objects.filter(success=False).count() == owner_query_actions.MAX_FAILURES_PER_ID + 1


def test_a_refused_query_looks_nothing_up(city: dict[str, object], monkeypatch: pytest.MonkeyPatch) -> None:
    """Past the limit the owner is not looked up, so neither the answer nor its time depends on the name; an
    attempt that simultaneous attempts pushed past the limit after its lookup is refused and counted as a
    failure too."""
    owner: Person = city["owner"]  # type: ignore[assignment]
    for n in range(owner_query_actions.MAX_FAILURES_PER_ID):
        ask(fresh(), f"李{n}", owner.id_number)

    def no_lookup(name: str, number: str) -> list[Account]:
        raise AssertionError("looked up")

    with monkeypatch.context() as patched:
        patched.setattr(owner_query, "find_accounts", no_lookup)
        assert ask(fresh(), "李小龙", owner.id_number)[0] == 429
    monkeypatch.setattr(owner_query_actions, "check_limits", lambda ip, number: (0, ""))  # the race: counted after
    status, body = ask(fresh(), "李小龙", owner.id_number)
    assert status == 429 and b"7,500.00" not in body
    assert not OwnerQueryAttempt.objects.filter(success=True).exists()


def test_the_statements_agree_with_the_unit_ledger(city: dict[str, object]) -> None:
    """One query for every unit's lines gives what the staff's unit statement and interest total give."""
    owner: Person = city["owner"]  # type: ignore[assignment]
    account: Account = city["account"]  # type: ignore[assignment]
    ledger.post(
        kind=JournalEntry.Kind.INTEREST,
        value_date=dt.date(2023, 12, 31),
        legs=[ledger.debit(factories.bank(), Decimal("12.34")), ledger.credit(account, Decimal("12.34"))],
        actor=None,
        memo="结息",
    )
    accounts = owner_query.find_accounts(owner.name, owner.id_number)
    statements = owner_query.owner_statements(accounts)
    assert [s.unit_code for s in statements] == [a.unit.code for a in accounts] and len(statements) == 2
    for found, statement in zip(accounts, statements, strict=True):
        found.refresh_from_db()
        _, rows = fund_queries.statement(found)
        assert statement.movements == [owner_query.Movement(r.value_date, r.kind, r.amount, r.balance) for r in rows]
        assert statement.interest == fund_queries.interest_total(found)
        assert statement.owner == "李**"
    assert statements[0].interest == Decimal("12.34") and statements[1].interest == Decimal("0.00")


# serialized_rollback: the flush that ends a transactional test empties the data migrations' rows (the default
# roles, the content types), which later tests on the same database need back as they were.
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's synchronous_commit")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_attempt_commits_alone_without_waiting_for_the_disk_and_nothing_else_does() -> None:
    """On PostgreSQL the attempt's INSERT is its own transaction (autocommit), committed at once — another
    connection counts it — and `synchronous_commit` is off for that transaction only: the connection's next
    transaction (any write of money) waits for the disk again."""
    from django.db import connections

    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone() == ("on",)
    attempt = owner_query_actions._insert("10.7.7.7", "k" * 64, success=True)
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone() == ("on",)
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute(
                f"SELECT ip, id_key, success FROM {OwnerQueryAttempt._meta.db_table} WHERE id = %s", [attempt.pk]
            )
            assert cursor.fetchone() == ("10.7.7.7", "k" * 64, True)
    finally:
        other.close()
    saved = OwnerQueryAttempt.objects.get(pk=attempt.pk)
    assert (saved.ip, saved.id_key, saved.at, saved.success) == ("10.7.7.7", "k" * 64, attempt.at, True)


def test_the_lines_read_with_the_attempts_counts_are_the_statements_lines(city: dict[str, object]) -> None:
    """On PostgreSQL the units' journal lines come in the statement that counts the attempt (`lines_read`): the
    same statements as the lines' own query, a unit without lines included, and the counts the same with or
    without them (the limit still trips at exactly MAX_FAILURES_PER_ID failures)."""
    owner: Person = city["owner"]  # type: ignore[assignment]
    factories.unit_account(room="901", owner=owner)  # no deposit yet: no lines
    accounts = owner_query.find_accounts(owner.name, owner.id_number)
    read = owner_query.lines_read(accounts)
    _, refusal, rows = owner_query_actions.register_attempt("10.6.6.6", owner.id_number, found=True, read=read)
    assert refusal == ""
    if connection.vendor != "postgresql":
        assert read is None and rows == []
        return
    assert read is not None and owner_query.lines_read([]) is None
    assert len(rows) == JournalLine.objects.filter(account__in=accounts).count() == 3
    together = owner_query.owner_statements(accounts, rows)
    assert together == owner_query.owner_statements(accounts) and [len(s.movements) for s in together] == [2, 1, 0]
    for n in range(owner_query_actions.MAX_FAILURES_PER_ID):
        _, refusal, rows = owner_query_actions.register_attempt(f"10.6.6.{n + 10}", owner.id_number, read=read)
        assert refusal == "" and len(rows) == 3, n
    _, refusal, rows = owner_query_actions.register_attempt("10.6.6.99", owner.id_number, found=True, read=read)
    assert refusal == owner_query_actions.TOO_MANY_FOR_ID and len(rows) == 3
    assert not OwnerQueryAttempt.objects.filter(ip="10.6.6.99", success=True).exists()
