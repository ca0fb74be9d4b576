"""lib.money.positive_amount: the one check of an amount a line's action accepts."""

from __future__ import annotations

from decimal import Decimal

import pytest

from anju.lib.errors import DomainError
from anju.lib.money import positive_amount


class LineError(DomainError):
    prefix = "line"


@pytest.mark.parametrize(
    ("amount", "reason"),
    [
        (Decimal("NaN"), "not_a_number"),
        (Decimal("0"), "not_positive"),
        (Decimal("-1"), "not_positive"),
        (Decimal("1.005"), "too_many_places"),
    ],
)
def test_positive_amount_refuses_with_the_lines_error(amount: Decimal, reason: str) -> None:
    with pytest.raises(LineError) as caught:
        positive_amount(amount, "金额", LineError)
    assert caught.value.code == f"line.{reason}"
    assert "金额" in caught.value.message


def test_positive_amount_passes_a_good_amount() -> None:
    assert positive_amount(Decimal("12.30"), "金额", LineError) == Decimal("12.30")
