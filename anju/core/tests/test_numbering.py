"""Document numbers: per year, gapless, never twice, carrying on from numbers already in the database."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections, transaction

from anju.core import numbering
from anju.core.models import NumberSequence, Role
from anju.core.numbering import NumberingError, Scheme

# Roles carry a unique code; any model with a unique text field serves to exercise the helper.
ROLES = Scheme(Role, "JS", 3, field="code")


def _role(code: str) -> Role:
    return Role.objects.create(code=code, name=f"角色{code}")


@pytest.mark.django_db
def test_numbers_run_per_year_and_are_gapless() -> None:
    assert numbering.next_numbers(ROLES, 2023, 3) == ["JS2023-001", "JS2023-002", "JS2023-003"]
    assert numbering.next_number(ROLES, 2024) == "JS2024-001"
    assert numbering.next_number(ROLES, 2023) == "JS2023-004"
    assert numbering.next_numbers(ROLES, 2023, 0) == []


@pytest.mark.django_db
def test_a_new_sequence_carries_on_after_the_numbers_already_used() -> None:
    _role("JS2023-007")
    _role("JS2023-010")
    _role("JS2022-099")
    assert numbering.next_number(ROLES, 2023) == "JS2023-011"
    assert NumberSequence.objects.get(key="core.Role:JS2023-").last == 11


@pytest.mark.django_db
def test_numbers_grown_past_their_digits_count_by_value_not_by_text() -> None:
    # Numbers made before the sequence (by id) may have more digits than the scheme: 1000 is above 999.
    _role("JS2023-999")
    _role("JS2023-1000")
    wide = Scheme(Role, "JS", 4, field="code")
    assert numbering.next_number(wide, 2023) == "JS2023-1001"


@pytest.mark.django_db
def test_create_numbered_writes_the_number_into_the_record() -> None:
    role = numbering.create_numbered(ROLES, 2023, name="经办岗")
    assert role.code == "JS2023-001" and Role.objects.get(code="JS2023-001").name == "经办岗"


@pytest.mark.django_db
def test_a_rolled_back_transaction_gives_its_numbers_back() -> None:
    numbering.next_number(ROLES, 2023)
    with pytest.raises(RuntimeError), transaction.atomic():
        numbering.next_numbers(ROLES, 2023, 5)
        raise RuntimeError("the document was not saved")
    assert numbering.next_number(ROLES, 2023) == "JS2023-002"


@pytest.mark.django_db
def test_an_exhausted_year_is_refused_with_a_code() -> None:
    NumberSequence.objects.create(key="core.Role:JS2023-", last=998)
    assert numbering.next_number(ROLES, 2023) == "JS2023-999"
    with pytest.raises(NumberingError) as refused:
        numbering.next_number(ROLES, 2023)
    assert refused.value.code == "numbering.exhausted" and "2023" in refused.value.message


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_concurrent_clerks_never_get_the_same_number() -> None:
    numbering.next_number(ROLES, 2023)  # the sequence row exists; both threads wait on its lock
    results: list[str] = []
    errors: list[BaseException] = []
    start = threading.Barrier(4)

    def clerk() -> None:
        try:
            start.wait()
            for _ in range(5):
                with transaction.atomic():
                    results.extend(numbering.next_numbers(ROLES, 2023, 2))
        except BaseException as exc:  # the assertion below shows it
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=clerk) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    assert sorted(results) == [f"JS2023-{n:03d}" for n in range(2, 42)]
