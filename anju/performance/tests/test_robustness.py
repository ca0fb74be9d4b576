"""The review's findings: one failing figure, a bad placeholder or a lost worker must not take the report, a page
or the build down; unscored indicators and missing records are checks; imports refuse what they cannot store."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal as D

import pytest
from django.test import Client
from django.utils import timezone

from anju.core import kpis as registry
from anju.core.models import AuditEvent, Job
from anju.lib.tabular import ImportRejected
from anju.performance import actions, forms, importer, jobs, narrative, queries, report
from anju.performance.errors import ActionError
from anju.performance.models import Narrative, ReportRun, SpecialFund

pytestmark = pytest.mark.usefixtures("demo_2023")


def _broken(code: str, name: str = "坏指标", unit: str = registry.MONEY) -> registry.Kpi:
    def compute(year: int) -> D:
        raise RuntimeError("secret internal detail")

    return registry.Kpi(code, name, unit, compute)


def _rules(checks: list[dict[str, str]]) -> list[str]:
    return [c["rule"] for c in checks]


# --- 1. one failing KPI ------------------------------------------------------------------------------


def test_build_survives_a_failing_narrative_kpi(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(registry._kpis, "fund.collected", _broken("fund.collected", "归集"))
    monkeypatch.setitem(registry._kpis, "rental.homes", registry.Kpi("rental.homes", "房源", "套", lambda y: 5478))
    built = report.build(2023)
    failed = [c for c in built.checks if c["rule"] == "kpi.failed"]
    assert [c for c in failed if "fund.collected" in c["message"]]
    assert all("secret" not in c["message"] for c in built.checks)  # logged, not shown
    text = "\n".join(p for chapter in built.chapters for _t, ps in chapter.parts for p in ps)
    assert "完成维修资金归集" not in text  # its sentence is left out
    assert "共有住房5478套" in text  # the rest is written


def test_an_indicator_bound_to_a_failing_kpi_is_an_error_not_a_crash(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(registry._kpis, "fund.zz_broken", _broken("fund.zz_broken"))
    actions.save_indicator(
        None, year=2023, level1="产出指标", level2="数量指标", name="坏", weight=D(0), operator="ge", target=D(1),
        kpi_code="fund.zz_broken", order=99,
    )  # fmt: skip
    scored = {s.indicator.name: s for s in queries.scored_indicators(2023)}
    assert scored["坏"].kpi_failed and scored["坏"].score is None and "计算失败" in scored["坏"].error
    assert queries.total_score(2023) == D("91.50")
    assert "performance.indicator" in _rules([c.as_dict() for c in report.checks(2023)])
    assert report.build(2023).score == D("91.50")


# --- 2. narrative placeholders ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "valid"),
    [
        ("{year}年归集{fund.collected:亿2}亿元，占{fact.vehicles/budget.three_public:0}%。", True),
        ("{budget.executed:万x}", False),  # bad format
        ("{no.such.code}", False),  # unknown code
        ("{year", False),  # unmatched brace
        ("{a/b/c}", False),
        ("{year/budget.executed}", False),
    ],
)
def test_narrative_form_validates_placeholders(text: str, valid: bool) -> None:
    assert forms.NarrativeForm({"text": text}).is_valid() is valid


def test_a_bad_stored_placeholder_never_breaks_the_page_or_the_report(client_for: Callable[..., Client]) -> None:
    # A text stored before the placeholders were checked on saving (the action now refuses it, naming it).
    with pytest.raises(ActionError, match=r"占位符\{budget.executed:万x\}"):
        actions.save_narrative(None, year=2023, section="s7", text="问题一{budget.executed:万x}。问题二{year}。")
    Narrative.objects.update_or_create(
        year=2023, section="s7", defaults={"text": "问题一{budget.executed:万x}。问题二{year}。"}
    )
    finance = client_for("finance")
    page = finance.get("/performance/report/narrative/s7/?year=2023")
    assert page.status_code == 200 and "问题二2023" in page.content.decode()
    assert "preview-problems" in page.content.decode()
    refused = finance.post("/performance/report/narrative/s7/?year=2023", {"year": "2023", "text": "{nope.x}"})
    assert refused.status_code == 200 and Narrative.objects.get(year=2023, section="s7").text.startswith("问题一")
    built = report.build(2023)
    assert "narrative.placeholder" in _rules(built.checks)
    assert ["问题二2023。"] == next(ps for ch in built.chapters for t, ps in ch.parts if ch.heading.startswith("七"))


# --- 3. unscored indicators and missing records -----------------------------------------------------


def test_an_unscored_indicator_is_an_error() -> None:
    actions.save_indicator(
        None, year=2023, level1="效益指标", level2="社会效益", name="无值", weight=D(0), operator="ge", target=D(1),
        order=99,
    )  # fmt: skip
    unscored = [c for c in report.checks(2023) if c.rule == "performance.unscored"]
    assert len(unscored) == 1 and "无值" in unscored[0].message and unscored[0].severity == "error"


def test_a_year_without_records_warns_and_does_not_count_zero_staff() -> None:
    found = _rules(report.figures(2030)["checks"])
    assert "org.no_staffing" in found and "budget.no_spending" in found
    with pytest.raises(queries.NoRecord):
        queries.posts(2030)
    failed = [c["message"] for c in report.figures(2030)["checks"] if c["rule"] == "kpi.failed"]
    assert any("org.posts" in m for m in failed) and any("org.staff" in m for m in failed)
    assert "org.no_staffing" not in _rules(report.figures(2023)["checks"])


# --- 4. the report job ------------------------------------------------------------------------------


def test_report_page_polls_while_a_run_builds(client_for: Callable[..., Client]) -> None:
    ReportRun.objects.create(year=2023, status=ReportRun.Status.RUNNING)
    page = client_for("finance").get("/performance/report/?year=2023").content.decode()
    assert 'hx-trigger="every 1s"' in page


def test_stale_runs_are_failed_and_a_second_build_is_refused(client_for: Callable[..., Client]) -> None:
    lost = ReportRun.objects.create(year=2022, status=ReportRun.Status.RUNNING)
    ReportRun.objects.filter(pk=lost.pk).update(updated=timezone.now() - dt.timedelta(minutes=11))
    live = actions.queue_report(None, year=2023)
    assert jobs.mark_stale() == 0  # already marked by queue_report
    lost.refresh_from_db()
    assert lost.status == ReportRun.Status.FAILED and lost.error
    with pytest.raises(actions.ActionError):
        actions.queue_report(None, year=2023)
    finance = client_for("finance")
    assert finance.post("/api/performance/reports?year=2023").status_code == 409
    refused = finance.post("/performance/report/build/", {"year": "2023"}, HTTP_HX_REQUEST="true")
    assert "build-refused" in refused.content.decode()
    assert ReportRun.objects.filter(year=2023).count() == 1
    ReportRun.objects.filter(pk=live.pk).update(updated=timezone.now() - dt.timedelta(minutes=11))
    # Waiting for the worker is not being lost: the queued run still blocks a second one…
    assert finance.post("/api/performance/reports?year=2023").status_code == 409
    ReportRun.objects.filter(pk=live.pk).update(
        status=ReportRun.Status.RUNNING, updated=timezone.now() - dt.timedelta(minutes=11)
    )
    assert finance.post("/api/performance/reports?year=2023").status_code == 202  # …a lost build no longer does


def test_progress_touches_updated_and_a_crashing_worker_marks_the_run_failed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    run = ReportRun.objects.create(year=2023)
    ReportRun.objects.filter(pk=run.pk).update(updated=timezone.now() - dt.timedelta(hours=1))
    jobs._update(run.pk, progress=5)
    run.refresh_from_db()
    assert timezone.now() - run.updated < dt.timedelta(minutes=1)

    def crash(run_id: int, *forward: object) -> None:
        raise RuntimeError("worker died")

    monkeypatch.setattr(jobs, "run", crash)
    jobs.start(run.pk)  # the worker (here the immediate backend) takes it and the crash is recorded
    run.refresh_from_db()
    assert run.status == ReportRun.Status.FAILED and run.finished is not None and "worker died" in run.error
    job = Job.objects.get(kind="performance.report")  # 我的任务 shows the failure too
    assert job.status == Job.Status.FAILED and job.params == {"run": run.pk}


# --- 6. no rounding before the comparison -----------------------------------------------------------


def test_the_actual_is_compared_unrounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(
        registry._kpis, "budget.zz_cost", registry.Kpi("budget.zz_cost", "成本", "元", lambda y: D("50040"))
    )
    indicator = actions.save_indicator(
        None, year=2023, level1="成本指标", level2="经济成本指标", name="边界", weight=D(10), operator="le",
        target=D(5), unit="万元", kpi_code="budget.zz_cost", kpi_scale=D(10000), order=99,
    )  # fmt: skip
    scored = next(s for s in queries.scored_indicators(2023) if s.indicator.pk == indicator.pk)
    assert scored.actual == D("5.004") and scored.met is False  # 5.00 when rounded, which would be met
    assert scored.score == D("9.99")  # 5 / 5.004 × 10
    row = next(r for r in report.build(2023).tables[1].by_row() if any(c.text == "边界" for c in r))
    assert next(c.text for c in row if c.col == 5) == "5.00万元"  # rounded for display only


# --- 7. imports -------------------------------------------------------------------------------------


def test_imports_refuse_long_text_and_huge_amounts_by_row_and_column() -> None:
    header = ",".join(importer.BUDGET_HEADERS)
    content = f"{header}\n2023,人员经费,甲,1,1,1,,{'注' * 301}\n2023,人员经费,乙,100000000000000,1,1,,\n".encode()
    with pytest.raises(ImportRejected) as rejected:
        importer.import_budget(None, "b.csv", content)
    errors = {(e.row, e.column) for e in rejected.value.errors}
    assert errors == {(2, "备注"), (3, "年初预算数")}
    asset_header = ",".join(importer.ASSET_HEADERS)
    assets = f"{asset_header}\nZC-1,{'名' * 101},固定资产,,1,,{'人' * 61},2023-01-01\n".encode()
    with pytest.raises(ImportRejected) as rejected:
        importer.import_assets(None, "a.csv", assets)
    assert {(e.row, e.column) for e in rejected.value.errors} == {(2, "资产名称"), (2, "保管人")}


# --- 9. special fund keys ---------------------------------------------------------------------------


def test_a_special_fund_key_is_unique_per_year(client_for: Callable[..., Client]) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        actions.save_special_fund(None, year=2023, name="另一个白蚁专项", key="termite", budget=D(1), used=D(1))
    actions.save_special_fund(None, year=2023, name="无键专项一", key="")
    actions.save_special_fund(None, year=2023, name="无键专项二", key="")
    actions.save_special_fund(None, year=2024, name="白蚁防治专项经费", key="termite")
    page = client_for("finance").post(
        "/performance/budget/funds/new/?year=2023",
        {"year": "2023", "name": "又一个", "key": "termite", "budget": "1", "used": "1", "balance": "0"},
    )
    assert page.status_code == 200 and not SpecialFund.objects.filter(name="又一个").exists()


# --- 13 and 15 --------------------------------------------------------------------------------------


def test_the_narrative_audit_keeps_the_full_text() -> None:
    text = "长" * 3000
    actions.save_narrative(None, year=2023, section="s8", text=text)
    event = AuditEvent.objects.filter(model="performance.Narrative").latest("id")
    assert event.after["text"] == text  # type: ignore[index]


def test_kpi_list_computes_each_kpi_once(client_for: Callable[..., Client], monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []

    def count(year: int) -> int:
        calls.append(year)
        return 7

    monkeypatch.setitem(registry._kpis, "org.zz_count", registry.Kpi("org.zz_count", "计数", "人", count))
    monkeypatch.setitem(registry._kpis, "org.zz_broken", _broken("org.zz_broken"))
    body = client_for("finance").get("/api/performance/kpis/2023").json()
    assert (
        calls == [2023]
        and {"code": "org.zz_count", "value": 7}.items() <= next(k for k in body if k["code"] == "org.zz_count").items()
    )
    assert not [k for k in body if k["code"] == "org.zz_broken"]


def test_narrative_validate_knows_every_expected_code() -> None:
    assert narrative.validate("".join(f"{{{code}}}" for code in narrative.EXPECTED_KPIS)) == []
    for key, text in {s.key: s.default for s in narrative.SECTIONS + narrative.ANNEX_TEXTS}.items():
        assert narrative.validate(text) == [], key


def test_demo_narrative_placeholders_are_valid() -> None:
    for text in Narrative.objects.filter(year=2023).values_list("text", flat=True):
        assert narrative.validate(text) == []


def test_the_report_text_links_a_figure_only_for_a_user_who_may_open_its_records(
    client_for: Callable[..., Client],
) -> None:
    """The office sees the fund's figures in the report text but may not open the fund's records: the
    figure is text, not a link to a page that answers 403 (issue 19)."""
    url = "/performance/report/preview/?year=2023"
    office = client_for("office").get(url).content.decode()
    leader = client_for("leadership").get(url).content.decode()
    assert 'href="/performance/kpi/fund.collected/2023/"' in leader
    assert 'href="/performance/kpi/fund.collected/2023/"' not in office
    assert 'title="fund.collected"' in office  # the figure is there, as text
    assert 'href="/performance/kpi/budget.initial/2023/"' in office  # the office's own figures stay links
