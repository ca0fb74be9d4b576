"""Campaigns (百日攻坚) over a list of cases."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import transaction

from anju.core import audit
from anju.core.models import User
from anju.petitions.actions.base import A, _user
from anju.petitions.errors import PetitionError
from anju.petitions.models import (
    Campaign,
    Case,
)

# --- campaigns -----------------------------------------------------------------------------------------


@transaction.atomic
def create_campaign(
    actor: User | None,
    *,
    name: str,
    starts_on: dt.date,
    ends_on: dt.date,
    target: str = "",
    cases: Sequence[Case] = (),
) -> Campaign:
    """A campaign (百日攻坚) with its dates, target and the cases it works on."""
    if not name.strip():
        raise PetitionError("请填写专项行动名称", code="no_name", field="name")
    if ends_on < starts_on:
        raise PetitionError("结束日期不能早于开始日期", code="date_order", field="ends_on")
    campaign = Campaign.objects.create(
        name=name.strip()[:80], starts_on=starts_on, ends_on=ends_on, target=target.strip()[:300], owner=_user(actor)
    )
    campaign.cases.set(cases)
    audit.record(actor, A.CREATE, campaign, after={**audit.snapshot(campaign), "cases": [c.number for c in cases]})
    return campaign


@transaction.atomic
def add_to_campaign(actor: User | None, campaign: Campaign, cases: Sequence[Case]) -> Campaign:
    before = sorted(campaign.cases.values_list("number", flat=True))
    campaign.cases.add(*cases)
    after = sorted(campaign.cases.values_list("number", flat=True))
    audit.record(actor, A.UPDATE, campaign, before={"cases": before}, after={"cases": after})
    return campaign
