"""The demo city's petitions reproduce the seed's 2023 figures (DOMAIN.md §5, KPIS.md) from records written
through the line's actions."""

from __future__ import annotations

import io
import time
from decimal import Decimal

import pytest

from anju.core import demo as core_demo
from anju.core import kpis
from anju.core.demokit import Context
from anju.petitions import demo
from anju.petitions.models import Campaign, Case, CaseLink
from anju.registry.tests import factories as registry

pytestmark = pytest.mark.django_db
D = Decimal


def test_the_demo_reproduces_the_seeds_2023_figures() -> None:
    out = io.StringIO()
    core_demo.build_users(Context(scale=1.0, out=out))
    project = registry.unit().project  # the demo city's projects: the fund, property and legacy items link to them
    started = time.monotonic()
    demo.build_petitions(Context(scale=1.0, out=out))
    elapsed = time.monotonic() - started
    value = {k.code: k.compute(2023) for k in kpis.all_kpis("petitions")}
    assert value["petitions.online"] == 135
    assert value["petitions.online_reply_rate"] == D("100.00")
    assert value["petitions.online_closure_rate"] == D("100.00")
    assert value["petitions.online_on_time_rate"] == D("100.00")
    assert value["petitions.referrals"] == 32
    assert value["petitions.referrals_on_time"] == 32
    assert value["petitions.referrals_substantive"] == 14
    assert value["petitions.referrals_procedural"] == 18  # as at 2023-12-31: 2024's conversions do not count
    assert value["petitions.referrals_substantive_rate"] == D("43.75")
    assert value["petitions.referrals_procedural_rate"] == D("56.25")
    assert value["petitions.referrals_commitments"] == 14
    assert value["petitions.followup_open"] == 18 - demo.CONVERTED_2024
    assert value["petitions.overdue"] == 0
    assert value["petitions.repeat"] == 1
    assert value["petitions.adverse_opinion"] == 0  # 未发生不良舆情
    linked = CaseLink.objects.filter(object_id=project.pk, content_type__model="project")
    about_projects = Case.objects.filter(channel__online=True, category__in=["fund", "property", "legacy"])
    assert linked.count() == about_projects.count() > 0 and {link.label for link in linked} == {str(project)}
    # 百日攻坚 works on the 18 procedural closures.
    campaign = Campaign.objects.get()
    assert campaign.cases.count() == 18
    assert Case.objects.filter(repeat_of__isnull=False).get().channel.code == "visit"
    print(f"petitions demo step: {elapsed:.2f} s")
    # The report's petitions paragraph is written from these records.
    from anju.performance.demo_narrative import S5_2_PETITIONS
    from anju.performance.narrative import Filler

    text = Filler(2023, {}).paragraph(S5_2_PETITIONS)
    assert "网络舆情事项135件，均按要求及时进行了处置回复，回复率100%，办结率100%" in text
    assert "信访交办件32件，按时办理完结32件，签订息访罢诉承诺书14件；实体办结14件，占比43.75%；" in text
    assert "程序性办结18件，占比56.25%。" in text and "对18件未实体性办结的信访件" in text
