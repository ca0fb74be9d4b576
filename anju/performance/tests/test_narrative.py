from __future__ import annotations

from decimal import Decimal as D

import pytest

from anju.core import kpis as registry
from anju.performance import narrative
from anju.performance.narrative import NOT_IN_SYSTEM, Filler, format_value


def test_format_value() -> None:
    assert format_value(D("133995391.30"), "亿2", is_count=False) == "1.34"
    assert format_value(D("220000000.00"), "亿1", is_count=False) == "2.2"
    assert format_value(D("6657500.00"), "万2", is_count=False) == "665.75"
    assert format_value(D("1520000"), "万0", is_count=False) == "152"
    assert format_value(5478, "", is_count=True) == "5478"
    assert format_value(D("99.53"), "", is_count=False) == "99.53"
    assert format_value(D("91.50"), "1g", is_count=False) == "91.5"
    assert format_value(D("100.00"), "2g", is_count=False) == "100"
    with pytest.raises(ValueError):
        format_value(D(1), "x", is_count=False)


@pytest.fixture
def fake_kpis(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(registry._kpis, "zz.count", registry.Kpi("zz.count", "件数", "件", lambda year: 14))
    monkeypatch.setitem(registry._kpis, "zz.total", registry.Kpi("zz.total", "总件数", "件", lambda year: 32))
    monkeypatch.setitem(
        registry._kpis, "zz.money", registry.Kpi("zz.money", "金额", "元", lambda year: D("8586900.00"))
    )


def test_fills_kpis_ratios_facts_and_years(fake_kpis: None) -> None:
    filler = Filler(2023, {"fact.grade": "优"})
    text = (
        "{year}年实体办结{zz.count}件，占比{zz.count/zz.total:2}%；收取{zz.money:万2}万元，"
        "截止{next_year}年，等级{fact.grade}。"
    )
    assert filler.text(text) == ["2023年实体办结14件，占比43.75%；收取858.69万元，截止2024年，等级优。"]


def test_missing_kpi_drops_its_sentence_and_says_so(fake_kpis: None) -> None:
    filler = Filler(2023, {})
    paragraph = "3.白蚁防治工作情况。完成预防面积{zz.absent:万0}万㎡，回访率{zz.absent2}%。"
    assert filler.paragraph(paragraph) == "3.白蚁防治工作情况。" + NOT_IN_SYSTEM
    mixed = "办结{zz.count}件；回访{zz.absent}户。"
    assert filler.paragraph(mixed) == "办结14件；"


def test_missing_fact_drops_the_sentence_without_the_marker() -> None:
    filler = Filler(2023, {})
    assert filler.paragraph("一句话。人员经费{fact.personnel:万2}万元。") == "一句话。"


def test_every_expected_code_has_unique_entry() -> None:
    assert len(set(narrative.EXPECTED_KPIS)) == len(narrative.EXPECTED_KPIS)
    assert {s.key for s in narrative.SECTIONS}.isdisjoint({s.key for s in narrative.ANNEX_TEXTS})
