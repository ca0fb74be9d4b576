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


@pytest.fixture
def list_kpis(monkeypatch: pytest.MonkeyPatch) -> None:
    def kpi(code: str, unit: str, value: object) -> registry.Kpi:
        return registry.Kpi(code, code, unit, lambda year: value, is_list=True)  # type: ignore[arg-type, return-value]

    monkeypatch.setitem(registry._kpis, "zz.batches", kpi("zz.batches", "户", [490, 765]))
    monkeypatch.setitem(registry._kpis, "zz.names", kpi("zz.names", "个", ["新天地", "湖天名居"]))
    monkeypatch.setitem(registry._kpis, "zz.three", kpi("zz.three", "个", ["甲（投资招募）", "乙（综合验收）", "丙"]))
    monkeypatch.setitem(registry._kpis, "zz.amounts", kpi("zz.amounts", "元", [D("12345.6"), D("1000")]))
    monkeypatch.setitem(registry._kpis, "zz.none", kpi("zz.none", "户", []))


def test_list_placeholders_write_prose_from_records(list_kpis: None) -> None:
    filler = Filler(2023, {})
    assert filler.paragraph("其中，各批发放{zz.batches}户。") == "其中，各批发放490、765户。"
    assert filler.paragraph("分别为{zz.names:和}项目。") == "分别为新天地和湖天名居项目。"
    assert filler.paragraph("即{zz.three:和}。") == "即甲（投资招募）、乙（综合验收）和丙。"
    assert filler.paragraph("金额{zz.amounts:万2}万元。") == "金额1.23、0.10万元。"
    assert filler.paragraph("第一句。没有批次{zz.none}户。") == "第一句。"
    assert narrative.validate("{zz.names:和}{zz.batches:万1和}") == []
    assert narrative.validate("{zz.names:和和}") != []


def test_a_list_is_not_a_ratio(list_kpis: None, fake_kpis: None) -> None:
    filler = Filler(2023, {})
    assert filler.paragraph("比例{zz.batches/zz.total}%。") == ""
    assert "{zz.batches/zz.total}" in filler.invalid


def test_list_kpis_in_figures_json_form() -> None:
    batches = registry.Kpi("zz.b", "各批", "户", lambda year: [490, 765], is_list=True)
    names = registry.Kpi("zz.n", "名单", "个", lambda year: ["新天地"], is_list=True)
    money = registry.Kpi("zz.m", "各批金额", "元", lambda year: [D("1.5")], is_list=True)
    assert registry.as_json(batches, [490, 765]) == [490, 765]
    assert registry.as_json(names, ["新天地"]) == ["新天地"]
    assert registry.as_json(money, [D("1.5")]) == ["1.50"]
    with pytest.raises(ValueError):
        registry.as_json(batches, 490)
    with pytest.raises(ValueError):
        registry.as_json(registry.Kpi("zz.c", "件数", "件", lambda year: 1), [1])


@pytest.mark.parametrize("unit", ["份", "笔", "批", "天", "次", "人次", "项"])
def test_the_issue_units_are_counts(unit: str, monkeypatch: pytest.MonkeyPatch) -> None:
    kpi = registry.Kpi(f"zz.{unit}", "数", unit, lambda year: D(3))
    monkeypatch.setattr(registry, "_kpis", dict(registry._kpis))
    registry.register(kpi)
    assert kpi.is_count and registry.as_json(kpi, D(3)) == 3
