"""Money: Decimal yuan with two places, 万元 display, amounts in Chinese capitals (大写),
and exact apportionment by the largest-remainder rule. Framework-free."""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from anju.lib.errors import DomainError

FEN = Decimal("0.01")


def to_money(value: object) -> Decimal:
    """A yuan amount with at most two decimals as a Decimal with exactly two (ValueError otherwise)."""
    try:
        amount = Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation as exc:
        raise ValueError(f"金额格式错误：{value}") from exc
    if not amount.is_finite():
        raise ValueError(f"金额格式错误：{value}")
    if amount != amount.quantize(FEN):
        raise ValueError(f"金额最多两位小数：{value}")
    return amount.quantize(FEN)


def positive_amount[E: DomainError](amount: Decimal, what: str, error: type[E]) -> Decimal:
    """An amount a rule accepts: a number above 0 with at most two places; else the line's `error`
    (codes not_a_number, not_positive, too_many_places) saying what is wrong with `what`."""
    if not amount.is_finite():
        raise error(f"{what}应为数字", code="not_a_number")
    if amount <= 0:
        raise error(f"{what}应大于0", code="not_positive")
    if amount != amount.quantize(FEN):
        raise error(f"{what}最多两位小数", code="too_many_places")
    return amount


def round_fen(value: Decimal) -> Decimal:
    """Round half up to the fen: only at a boundary (a rate times an area, say)."""
    return value.quantize(FEN, rounding=ROUND_HALF_UP)


def wan(value: Decimal, places: int = 2) -> Decimal:
    """Yuan as 万元 (the report's unit), rounded half up."""
    return (value / Decimal(10000)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def fen(value: Decimal) -> int:
    return int((value * 100).to_integral_value())


def from_fen(value: int) -> Decimal:
    return (Decimal(value) / 100).quantize(FEN)


def apportion[K: Hashable](total: Decimal, weights: Mapping[K, Decimal]) -> dict[K, Decimal]:
    """Split total over the keys in proportion to their weights, exact to the fen.

    Each part is cut to the fen; the leftover fens go one each to the largest remainders, ties
    by sorted key, so the parts always sum to the total. A zero weight gets 0.00."""
    if total != total.quantize(FEN):
        raise ValueError("total must have at most 2 decimals")
    if not weights:
        raise ValueError("no weights")
    if any(w < 0 for w in weights.values()):
        raise ValueError("weights must not be negative")
    weight_sum = sum(weights.values(), Decimal(0))
    if weight_sum == 0:
        raise ValueError("weights must not all be zero")
    total_fen = fen(total)
    sign = -1 if total_fen < 0 else 1
    magnitude = abs(total_fen)
    # Work in exact integers: scale weights to integers by their common decimal exponent.
    exponent = min(w.as_tuple().exponent for w in weights.values())  # type: ignore[type-var]
    scale = Decimal(1).scaleb(-int(exponent)) if int(exponent) < 0 else Decimal(1)
    int_weights = {k: int(w * scale) for k, w in weights.items()}
    int_sum = sum(int_weights.values())
    parts: dict[K, int] = {}
    remainders: list[tuple[int, K]] = []
    for key, weight in int_weights.items():
        quotient, remainder = divmod(magnitude * weight, int_sum)
        parts[key] = quotient
        remainders.append((remainder, key))
    leftover = magnitude - sum(parts.values())
    remainders.sort(key=lambda item: (-item[0], _sort_key(item[1])))
    for _, key in remainders[:leftover]:
        parts[key] += 1
    return {key: from_fen(sign * value) for key, value in parts.items()}


def _sort_key(key: object) -> tuple[str, object]:
    return (type(key).__name__, key)


DIGITS = "零壹贰叁肆伍陆柒捌玖"
UNITS = ["", "拾", "佰", "仟"]
SECTIONS = ["", "万", "亿", "万亿"]


def _four_digits(n: int) -> str:
    out = ""
    zero = False
    for position in range(3, -1, -1):
        digit = n // 10**position % 10
        if digit == 0:
            zero = bool(out)
        else:
            if zero:
                out += "零"
                zero = False
            out += DIGITS[digit] + UNITS[position]
    return out


def capitals(amount: Decimal) -> str:
    """The amount in Chinese capitals as on a notice or voucher: 12345.60 -> 壹万贰仟叁佰肆拾伍元陆角整."""
    value = to_money(amount)
    prefix = "负" if value < 0 else ""
    total_fen = abs(fen(value))
    yuan, rest = divmod(total_fen, 100)
    jiao, fen_digit = divmod(rest, 10)
    if yuan == 0 and rest == 0:
        return "零元整"
    text = ""
    if yuan:
        sections: list[str] = []
        index = 0
        remaining = yuan
        need_zero = False
        while remaining:
            remaining, group = divmod(remaining, 10000)
            if group:
                part = _four_digits(group) + SECTIONS[index]
                if need_zero:
                    part += "零"
                sections.append(part)
                need_zero = group < 1000 and remaining > 0
            else:
                need_zero = bool(sections)
            index += 1
        text = "".join(reversed(sections)).rstrip("零") + "元"
    if jiao == 0 and fen_digit == 0:
        return prefix + text + "整"
    if jiao:
        text += DIGITS[jiao] + "角"
    elif yuan:
        text += "零"
    if fen_digit:
        text += DIGITS[fen_digit] + "分"
    else:
        text += "整"
    return prefix + text
