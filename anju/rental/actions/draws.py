"""The public lottery (摇号): announce with frozen inputs, hold with an outside seed, verify."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import transaction

from anju.core import audit
from anju.core.models import User
from anju.core.numbering import create_numbered
from anju.rental import numbers, rules
from anju.rental.actions.base import CREATE, State
from anju.rental.actions.units import _set_state
from anju.rental.errors import RentalError
from anju.rental.models import Draw, Household, Kind, RentalUnit


def _winners() -> set[str]:
    """Household numbers that won a home in a held draw: they take part in no later draw."""
    won: set[str] = set()
    for result in Draw.objects.filter(status=Draw.Status.HELD).values_list("result", flat=True):
        won.update(str(pick["household"]) for pick in result if pick.get("unit"))
    return won


@transaction.atomic
def announce_draw(
    actor: User | None,
    *,
    announced_on: dt.date,
    draw_on: dt.date,
    seed_source: str,
    units: Sequence[str] | None = None,
    note: str = "",
) -> Draw:
    """Announce a lottery (摇号公告): freeze its inputs before anyone can know the seed.

    The entrants are every household on the waiting list on the day (status waiting, waiting since on
    or before it) that has not won a home in an earlier draw; nobody is chosen. The homes offered (the
    vacant homes given, or all of them) are locked and reserved for the draw. The draw date, the named
    outside source of the seed and the SHA-256 of the inputs are published with them."""
    seed_source = seed_source.strip()
    if not seed_source:
        raise RentalError("请写明摇号当日种子的外部来源（如当日福利彩票开奖号码）", code="seed_source_required")
    if draw_on < announced_on:
        raise RentalError("摇号日期不能早于公告日期", code="draw_before_announcement")
    if Draw.objects.filter(status=Draw.Status.ANNOUNCED).exists():
        raise RentalError("已有公告未摇号的批次，请先完成该次摇号", code="draw_pending")
    won = _winners()
    entrants = sorted(
        number
        for number in Household.objects.filter(
            status=Household.Status.WAITING, waiting_since__lte=announced_on
        ).values_list("number", flat=True)
        if number not in won
    )
    vacant = RentalUnit.objects.select_for_update().filter(kind=Kind.HOME, state=State.VACANT)
    if units is not None:
        vacant = vacant.filter(unit__code__in=list(units))
    offered = {ru.unit.code: ru for ru in vacant.select_related("unit")}
    if units is not None and set(units) - set(offered):
        raise RentalError(f"不是空置住房：{'、'.join(sorted(set(units) - set(offered)))}", code="unit_not_vacant")
    if not entrants or not offered:
        raise RentalError("没有轮候家庭或空置房源，无法摇号", code="nothing_to_draw")
    homes = sorted(offered)
    draw = create_numbered(
        numbers.DRAW,
        draw_on.year,
        status=Draw.Status.ANNOUNCED,
        announced_on=announced_on,
        draw_on=draw_on,
        seed_source=seed_source,
        inputs_hash=rules.inputs_hash(draw_on, entrants, homes),
        households=entrants,
        units=homes,
        result=[],
        note=note,
        created_by=actor if actor is not None and actor.pk else None,
    )
    for code in homes:
        _set_state(offered[code], State.RESERVED, announced_on, f"摇号 {draw.number} 公告房源")
    audit.record(
        actor,
        CREATE,
        draw,
        after={
            "draw_on": str(draw_on),
            "seed_source": seed_source,
            "inputs_hash": draw.inputs_hash,
            "households": len(entrants),
            "units": len(homes),
        },
        note="摇号公告",
    )
    return draw


@transaction.atomic
def hold_draw(actor: User | None, draw: Draw, *, held_on: dt.date, external_value: str) -> Draw:
    """Hold an announced draw on or after its date with the outside value published that day: the seed
    is SHA-256(inputs hash | value); homes drawn stay reserved until their lease, the others are vacant."""
    draw = Draw.objects.select_for_update().get(pk=draw.pk)
    external_value = external_value.strip()
    if draw.status != Draw.Status.ANNOUNCED:
        raise RentalError("该批次已经摇号", code="draw_held")
    if draw.draw_on is None or held_on < draw.draw_on:
        raise RentalError(f"摇号日期为 {draw.draw_on}，不能提前摇号", code="draw_too_early")
    if not external_value:
        raise RentalError(f"请填写当日公布的种子值（{draw.seed_source}）", code="external_value_required")
    if rules.inputs_hash(draw.draw_on, draw.households, draw.units) != draw.inputs_hash:
        raise RentalError("公告的参加家庭或房源已被改动，与公告的摘要不符", code="inputs_changed")
    before = audit.snapshot(draw, ["status", "held_on", "external_value", "seed"])
    seed = rules.draw_seed(draw.inputs_hash, external_value)
    picks = rules.draw(seed, draw.households, draw.units)
    draw.status, draw.held_on, draw.external_value, draw.seed = Draw.Status.HELD, held_on, external_value, seed
    draw.result = rules.draw_as_json(picks)
    draw.save(update_fields=["status", "held_on", "external_value", "seed", "result"])
    drawn = {p.unit for p in picks if p.unit}
    for ru in RentalUnit.objects.select_for_update().filter(unit__code__in=draw.units).select_related("unit"):
        if ru.unit.code in drawn:
            _set_state(ru, State.RESERVED, held_on, f"摇号 {draw.number} 配租")
        elif ru.state == State.RESERVED:
            _set_state(ru, State.VACANT, held_on, f"摇号 {draw.number} 未配出")
    audit.record_change(actor, draw, before, note="摇号")
    return draw


def verify_draw(draw: Draw) -> bool:
    """Re-run the draw from its published inputs: the inputs hash, the seed from it and the outside
    value (two-step draws), then the order; True when everything kept is the same."""
    if draw.status != Draw.Status.HELD:
        return False
    if draw.inputs_hash:
        if draw.draw_on is None or rules.inputs_hash(draw.draw_on, draw.households, draw.units) != draw.inputs_hash:
            return False
        if rules.draw_seed(draw.inputs_hash, draw.external_value) != draw.seed:
            return False
    return rules.draw_as_json(rules.draw(draw.seed, draw.households, draw.units)) == draw.result
