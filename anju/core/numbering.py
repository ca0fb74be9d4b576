"""Document numbers (通知书、合同、案件、批次、申请 …) through one helper.

A number is a head and a zero-padded sequence within a year: ``ZL2023-00012``. Each kind of document
declares its `Scheme` once (prefix and digits); `next_numbers` takes the next numbers of a scheme's year
under a lock on its `NumberSequence` row, so numbers are gapless within a year and never given twice,
on PostgreSQL and on SQLite alike. A head seen for the first time starts after the highest number the
model already holds under it, so a database from before the sequences carries on where it was."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import IntegrityError, models, transaction
from django.db.models import Max
from django.db.models.functions import Length

from anju.core.models import NumberSequence
from anju.lib.errors import DomainError

M = TypeVar("M", bound=models.Model)


class NumberingError(DomainError):
    prefix = "numbering"


@dataclass(frozen=True)
class Scheme:
    """How one kind of document is numbered: `prefix` + year + "-" + `digits` digits, in `model.field`."""

    model: type[models.Model]
    prefix: str
    digits: int
    field: str = "number"

    def head(self, year: int) -> str:
        return f"{self.prefix}{year}-"

    def format(self, year: int, sequence: int) -> str:
        return f"{self.head(year)}{sequence:0{self.digits}d}"


def _highest_in_use(scheme: Scheme, head: str) -> int:
    """The highest sequence already used under `head` (numbers made before the sequence existed): the
    longest numbers first, so that "SY2026-100000" counts above "SY2026-99999"."""
    used = scheme.model._default_manager.filter(**{f"{scheme.field}__startswith": head})
    used = used.annotate(_length=Length(scheme.field))
    longest = used.aggregate(n=Max("_length"))["n"]
    if not longest:
        return 0
    last = used.filter(_length=longest).aggregate(m=Max(scheme.field))["m"]
    tail = str(last)[len(head) :]
    return int(tail) if tail.isdigit() else 0


def _locked_sequence(scheme: Scheme, head: str) -> NumberSequence:
    key = f"{scheme.model._meta.label}:{head}"
    try:
        return NumberSequence.objects.select_for_update().get(key=key)
    except NumberSequence.DoesNotExist:
        pass
    try:
        with transaction.atomic():
            return NumberSequence.objects.create(key=key, last=_highest_in_use(scheme, head))
    except IntegrityError:  # another transaction created it first: wait for its lock
        return NumberSequence.objects.select_for_update().get(key=key)


@transaction.atomic
def next_numbers(scheme: Scheme, year: int, count: int = 1) -> list[str]:
    """The next `count` numbers of the scheme in the year, reserved for this transaction."""
    if count < 1:
        return []
    head = scheme.head(year)
    sequence = _locked_sequence(scheme, head)
    start = sequence.last + 1
    if start + count - 1 >= 10**scheme.digits:
        raise NumberingError(f"{year}年的编号（{head}）已用完", code="exhausted")
    sequence.last = start + count - 1
    sequence.save(update_fields=["last"])
    return [scheme.format(year, n) for n in range(start, start + count)]


def next_number(scheme: Scheme, year: int) -> str:
    return next_numbers(scheme, year)[0]


@transaction.atomic
def create_numbered(scheme: Scheme, year: int, **fields: Any) -> Any:
    """Create a record of the scheme's model under the next number of the year."""
    return scheme.model._default_manager.create(**{scheme.field: next_number(scheme, year)}, **fields)
