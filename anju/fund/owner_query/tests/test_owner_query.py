"""The public owners' query: the right pair, one uniform answer for every wrong one, the rate limit."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from anju.core.models import AuditEvent
from anju.fund.models import Account, OwnerQueryAttempt
from anju.fund.owner_query import actions as owner_query_actions
from anju.fund.owner_query import queries as owner_query
from anju.fund.tests import factories
from anju.registry.models import Ownership, Person
from anju.registry.tests import factories as registry

pytestmark = pytest.mark.django_db
URL = "/fund/query/"
# Django masks the CSRF token afresh in every response (against BREACH); all else must be the same.
CSRF_RE = re.compile(rb'(name="csrfmiddlewaretoken" value="|"X-CSRFToken": ")[A-Za-z0-9]+')


@pytest.fixture
def city() -> dict[str, object]:
    former, owner = registry.person("张三丰", seq=41), registry.person("李小龙", seq=42)
    account = factories.unit_account(room="301", owner=former)
    factories.deposit(account, "7800.00", dt.date(2020, 3, 1))
    Ownership.objects.filter(unit=account.unit).update(end=dt.date(2022, 6, 1))
    Ownership.objects.create(unit=account.unit, person=owner, start=dt.date(2022, 6, 1))
    factories.spend(account, "300.00", dt.date(2023, 4, 2))
    developer_unit = factories.unit_account(room="302", owner=registry.enterprise())
    factories.deposit(developer_unit, "5000.00", dt.date(2020, 3, 1))
    return {"account": account, "former": former, "owner": owner, "developer_unit": developer_unit}


def ask(client: Client, unit: str, number: str) -> tuple[int, bytes]:
    response = client.post(URL, {"unit": unit, "id_number": number})
    return response.status_code, CSRF_RE.sub(rb"\1-", response.content)


def test_the_url_and_no_login() -> None:
    assert reverse("fund:owner_query") == URL
    response = Client().get(URL)
    page = response.content.decode()
    assert response.status_code == 200 and "<form" in page
    assert 'class="sidenav"' not in page  # no staff navigation for the public


def test_the_current_owner_sees_balance_and_movements(city: dict[str, object]) -> None:
    account: Account = city["account"]  # type: ignore[assignment]
    owner: Person = city["owner"]  # type: ignore[assignment]
    events = AuditEvent.objects.count()
    response = Client().post(URL, {"unit": account.unit.code, "id_number": owner.id_number.lower()})
    page = response.content.decode()
    assert response.status_code == 200
    assert "7,500.00" in page and "7,800.00" in page and "-300.00" in page and "2023-04-02" in page
    assert "李**" in page and "李小龙" not in page and owner.id_number not in page
    assert "张三丰" not in page and "sidenav" not in page
    assert OwnerQueryAttempt.objects.filter(success=True).count() == 1
    assert response["Cache-Control"].startswith("max-age=0") and "no-store" in response["Cache-Control"]
    assert AuditEvent.objects.count() == events  # a query changes nothing: no audit event


def test_every_wrong_pair_gets_the_same_answer(city: dict[str, object]) -> None:
    account: Account = city["account"]  # type: ignore[assignment]
    developer_unit: Account = city["developer_unit"]  # type: ignore[assignment]
    owner: Person = city["owner"]  # type: ignore[assignment]
    former: Person = city["former"]  # type: ignore[assignment]
    stranger = registry.resident_id(seq=99)
    client = Client()
    answers = {
        "wrong number": ask(client, account.unit.code, stranger),
        "unknown unit": ask(client, "P9999-9-9-999", owner.id_number),
        "enterprise owner": ask(client, developer_unit.unit.code, owner.id_number),
        "former owner": ask(client, account.unit.code, former.id_number),
        "invalid number": ask(client, account.unit.code, owner.id_number[:-1] + "0"),
        "empty": ask(client, "", ""),
    }
    statuses = {status for status, _ in answers.values()}
    bodies = {body for _, body in answers.values()}
    assert statuses == {200} and len(bodies) == 1
    body = bodies.pop().decode()
    assert owner_query.NO_MATCH in body
    assert account.unit.code not in body and "P9999" not in body and stranger not in body
    assert OwnerQueryAttempt.objects.filter(success=False).count() == len(answers)


def test_the_eleventh_attempt_in_the_window_is_refused(city: dict[str, object]) -> None:
    account: Account = city["account"]  # type: ignore[assignment]
    owner: Person = city["owner"]  # type: ignore[assignment]
    client = Client()
    for _ in range(owner_query_actions.MAX_ATTEMPTS):
        assert ask(client, account.unit.code, registry.resident_id(seq=99))[0] == 200
    response = client.post(URL, {"unit": account.unit.code, "id_number": owner.id_number})
    assert response.status_code == 429 and owner_query_actions.TOO_MANY in response.content.decode()
    assert "7,500.00" not in response.content.decode() and response["Retry-After"] == "600"
    # Another address is not affected, and attempts past the window no longer count.
    other = Client(REMOTE_ADDR="10.0.0.9")
    assert other.post(URL, {"unit": account.unit.code, "id_number": owner.id_number}).status_code == 200
    OwnerQueryAttempt.objects.filter(ip="127.0.0.1").update(at=timezone.now() - owner_query_actions.WINDOW)
    assert client.post(URL, {"unit": account.unit.code, "id_number": owner.id_number}).status_code == 200


def test_find_account_only_for_the_current_resident_owner(city: dict[str, object]) -> None:
    account: Account = city["account"]  # type: ignore[assignment]
    owner: Person = city["owner"]  # type: ignore[assignment]
    assert owner_query.find_account(f" {account.unit.code} ", owner.id_number) == account
    assert owner_query.find_account(account.unit.code, "not a number") is None
    assert owner_query.mask_name("欧阳娜娜") == "欧***" and owner_query.mask_name("") == ""
