"""Campaigns (百日攻坚) over a list of cases, and adverse public-opinion incidents (不良舆情)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone

from anju.core import audit
from anju.core.models import User
from anju.petitions.actions.base import A, _user
from anju.petitions.errors import PetitionError
from anju.petitions.models import Campaign, Case, Incident

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


@transaction.atomic
def record_incident(
    actor: User | None,
    *,
    occurred_on: dt.date,
    title: str,
    platform: str,
    description: str,
    response: str = "",
    case: Case | None = None,
) -> Incident:
    """An adverse public-opinion incident (不良舆情), counted by `petitions.adverse_opinion`."""
    if occurred_on > timezone.localdate():
        raise PetitionError("发生日期不能晚于今天", code="future_date", field="occurred_on")
    if not title.strip() or not platform.strip() or not description.strip():
        raise PetitionError("请填写舆情事件、传播平台和经过", code="incident_incomplete", field="title")
    incident = Incident.objects.create(
        occurred_on=occurred_on, title=title.strip()[:120], platform=platform.strip()[:60],
        description=description.strip(), response=response.strip(), case=case, recorded_by=_user(actor),
    )  # fmt: skip
    audit.record(actor, A.CREATE, incident, after=audit.snapshot(incident))
    return incident
