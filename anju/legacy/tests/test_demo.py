"""The demo city's legacy projects reproduce the seed's 2023 figures (DOMAIN.md §7, KPIS.md) from records written
through the line's actions."""

from __future__ import annotations

import io
import time

import pytest

from anju.core import demo as core_demo
from anju.core import kpis
from anju.core.demokit import Context
from anju.legacy import demo, queries
from anju.legacy.models import Project, Task
from anju.registry import actions
from anju.registry.models import Project as RegistryProject
from anju.registry.tests import factories as registry

pytestmark = pytest.mark.django_db


def test_the_demo_reproduces_the_seeds_2023_figures() -> None:
    out = io.StringIO()
    core_demo.build_users(Context(scale=1.0, out=out))
    developer = registry.enterprise()
    actions.register_projects(None, [RegistryProject(code="P0013", name="阳光上东国际", developer=developer)])
    registry.unit()
    started = time.monotonic()
    demo.build_legacy(Context(scale=1.0, out=out))
    assert time.monotonic() - started < 10
    value = {k.code: k.compute(2023) for k in kpis.all_kpis("legacy")}
    assert value["legacy.projects"] == 19
    assert value["legacy.in_certification"] == 15
    assert value["legacy.entered_certification"] == ["新天地", "湖天名居"]
    assert value["legacy.entered_certification_count"] == 2
    assert value["legacy.outside_certification"] == [
        "中坡瑞丰园（投资招募）", "怀化报业中心（总承包招投标）", "西南名都（扫尾工程）",
        "阳光上东国际（专项检测/验收）",
    ]  # fmt: skip
    assert value["legacy.households_waiting"] == queries.households_waiting(2023) > 0
    assert value["legacy.tasks_overdue"] == 1  # 西南名都's finishing works, due 30 November, done in January
    assert kpis.as_json(kpis.get("legacy.entered_certification"), value["legacy.entered_certification"]) == [
        "新天地", "湖天名居"
    ]  # fmt: skip
    # 2022 had 13 in certification and none of 2023's entries.
    assert kpis.get("legacy.in_certification").compute(2022) == 13
    # The joint meeting's decisions became tasks decided at it.
    ygsd = Project.objects.get(name="阳光上东国际")
    assert Task.objects.filter(project=ygsd, meeting__isnull=False).count() == 3
    assert ygsd.registry_project is not None and ygsd.developer == developer


def test_the_reports_paragraphs_are_written_from_the_records() -> None:
    from anju.oversight import demo as oversight_demo
    from anju.performance import demo_narrative, narrative

    out = io.StringIO()
    core_demo.build_users(Context(scale=1.0, out=out))
    demo.build_legacy(Context(scale=1.0, out=out))
    oversight_demo.build_oversight(Context(scale=1.0, out=out))
    filler = narrative.Filler(2023, {})
    default = next(s.default for s in narrative.SECTIONS if s.key == "s5_2").split("\n")[0]
    assert filler.paragraph(default) == (
        "1.积极推进房地产遗留问题处理。我中心负责的房地产历史遗留问题项目共19个，目前，已进入办证程序的项目15个。"
        "2023年进入办证程序2个，分别为新天地和湖天名居项目。"
    )
    text = filler.paragraph(demo_narrative.S5_2_MORE.split("\n")[0])
    assert "市委巡察反馈涉及我中心问题19个，其中维修资金管理方面的问题13个。中心召开了4次巡察整改工作部署会议" in text
    assert "分别为新天地和湖天名居项目。怀化报业中心" in filler.paragraph(demo_narrative.S5_2_LEGACY)
