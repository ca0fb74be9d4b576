"""Every KPI's definition is shown beside its figure (the KPI page, the report's notes): it is written in
Chinese, with no code and no English word (issue 19)."""

from __future__ import annotations

from anju.core import kpis
from anju.lib import crawl


def test_every_kpi_has_a_chinese_definition() -> None:
    registered = kpis.all_kpis()
    assert len(registered) > 100
    for kpi in registered:
        assert kpi.definition, kpi.code
        assert not crawl.english_words(kpi.definition), (kpi.code, kpi.definition)
        assert not crawl.identifiers(kpi.definition), (kpi.code, kpi.definition)
