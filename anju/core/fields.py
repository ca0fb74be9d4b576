"""MoneyField: yuan as Decimal in Python, whole fen (BIGINT) in the database; and `by_user`, the
"who did it" field of every record.

Sums of money must be exact on both databases; SQLite stores DecimalField values as floating
point, which drifts over millions of ledger lines. Integers don't. Set-based SQL works in fen."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models

from anju.lib.money import FEN


def to_fen(value: Decimal | int) -> int:
    if isinstance(value, int):
        raise TypeError("MoneyField takes Decimal yuan, not int")
    amount = Decimal(value)
    if amount != amount.quantize(FEN):
        raise ValueError(f"金额最多两位小数：{value}")
    return int(amount * 100)


def from_fen(value: int) -> Decimal:
    return (Decimal(int(value)) / 100).quantize(FEN)


if TYPE_CHECKING:
    from django.db.models.expressions import Combinable

    _MoneyBase = models.BigIntegerField[Decimal | Combinable, Decimal]
else:
    _MoneyBase = models.BigIntegerField


class MoneyField(_MoneyBase):
    description = "Amount in yuan, stored as whole fen"

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Decimal | None:
        return None if value is None else from_fen(value)

    def to_python(self, value: Any) -> Decimal | None:
        if value is None or isinstance(value, Decimal):
            return value
        return Decimal(str(value)).quantize(FEN)

    def get_prep_value(self, value: Any) -> int | None:
        if value is None:
            return None
        if hasattr(value, "resolve_expression"):
            return value  # type: ignore[no-any-return]
        return to_fen(Decimal(str(value)) if not isinstance(value, Decimal) else value)


def by_user(verbose_name: Any, *, blank: bool = True) -> models.ForeignKey[Any, Any]:
    """Who created, decided or posted a record: a staff user kept while the record names them
    (PROTECT), empty for the command line and the demo; no reverse accessor on the user."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=verbose_name,
        null=True,
        blank=blank,
        on_delete=models.PROTECT,
        related_name="+",
    )
