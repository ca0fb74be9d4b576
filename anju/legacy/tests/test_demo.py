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
