"""The demo city's subsidies reproduce the seed's 2023 figures (DOMAIN.md §4, KPIS.md) from records written
through the line's actions, and the split of the reviewed sets adds up."""

from __future__ import annotations

import io
import time

import pytest

from anju.core import kpis
from anju.core.demokit import Context
from anju.performance import demo_narrative, narrative
from anju.subsidy import demo
from anju.subsidy.models import Application, Batch, Flag, Payment

pytestmark = pytest.mark.django_db


def test_the_demo_reproduces_the_seeds_2023_figures() -> None:
    started = time.perf_counter()
    demo.build_subsidy(Context(scale=1.0, out=io.StringIO()))
    elapsed = time.perf_counter() - started
    value = {k.code: k.compute(2023) for k in kpis.all_kpis("subsidy")}
    assert value["subsidy.reviewed"] == 3934
    assert value["subsidy.paid"] == 1255
    assert value["subsidy.paid_batches"] == [490, 765]
    assert value["subsidy.in_review"] == 799
    parts = ("subsidy.paid", "subsidy.in_review", "subsidy.rejected", "subsidy.returned", "subsidy.awaiting_batch",
             "subsidy.withdrawn")  # fmt: skip
    assert sum(value[p] for p in parts) == value["subsidy.reviewed"]
    assert value["subsidy.rejected"] == 420 and value["subsidy.withdrawn"] == 60
    assert value["subsidy.amount_paid"] == sum(p.amount for p in Payment.objects.filter(state="paid"))
    assert 0 < value["subsidy.flagged"] < 30
    assert Application.objects.count() == 4000
    assert list(Batch.objects.values_list("ordinal", "count")) == [(1, 494), (2, 768), (3, 799)]
    # Every flag on an approved or paid application was cleared by a second person with a reason.
    approved = Flag.objects.filter(application__status__in=["approved", "batched", "paid", "failed"])
    assert approved.exists() and not approved.filter(cleared_at__isnull=True).exists()
    assert not approved.filter(cleared_by=None).exists()
    print(f"subsidy demo step: {elapsed:.1f} s", {k: str(v) for k, v in value.items()})
    assert elapsed < 60, elapsed
    # The report's subsidy section is written from these records, with the seed's figures.
    section = next(s for s in narrative.SECTIONS if s.key == "s5_1").default
    text = narrative.Filler(2023, {}).paragraph(section[section.index("4.购房补贴") :])
    assert "已完成购房补贴发放1255户，799户正在审核拨付中，全年共完成补贴申请资料审查3934套。" in text
    assert "各批次依次发放490、765户" in text
    assert "审查未通过420套；退回补正310套；审查通过待纳入批次1090套；撤回60套。" in text
    demo_text = narrative.Filler(2023, {}).paragraph(demo_narrative.S5_1[demo_narrative.S5_1.index("4.购房补贴") :])
    assert "已完成购房补贴发放1255户（其中，各批依次发放490、765户），799户正在审核拨付中" in demo_text
