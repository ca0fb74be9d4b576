"""Pages and API: every one checks the role; the KPI records page takes the KPI's module's permission and never
shows a raw ID number."""

from __future__ import annotations

import io
from collections.abc import Callable
from decimal import Decimal as D
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from anju.core import kpis as registry
from anju.core.models import AuditEvent, Job, Role, User
from anju.performance import jobs
from anju.performance.models import Asset, BudgetLine, Indicator, Narrative, ReportRun
from anju.registry.models import Person

pytestmark = pytest.mark.usefixtures("demo_2023")

PAGES = [
    "/performance/",
    "/performance/dashboard/",
    "/performance/budget/?year=2023",
    "/performance/assets/",
    "/performance/indicators/?year=2023",
    "/performance/report/?year=2023",
    "/performance/kpi/budget.assets_total/2023/",
    "/api/performance/budget/2023",
    "/api/performance/indicators/2023",
    "/api/performance/checks/2023",
    "/api/performance/reports",
    "/api/performance/kpis/2023/budget.executed",
]


@pytest.mark.parametrize("url", PAGES)
def test_view_permission(url: str, client_for: Callable[..., Client]) -> None:
    anonymous = Client().get(url)
    assert anonymous.status_code == (401 if url.startswith("/api/") else 302)
    assert client_for("housing").get(url).status_code == 403
    for role in ("finance", "office", "leadership"):
        assert client_for(role, username=f"u_{role}").get(url).status_code == 200, role


@pytest.mark.parametrize(
    "url",
    [
        "/performance/budget/lines/new/?year=2023",
        "/performance/budget/import/",
        "/performance/budget/import/template.xlsx",
        "/performance/assets/new/",
        "/performance/indicators/new/?year=2023",
        "/performance/report/narrative/s7/?year=2023",
        "/performance/budget/staffing/?year=2023",
    ],
)
def test_handle_permission(url: str, client_for: Callable[..., Client]) -> None:
    assert client_for("office").get(url).status_code == 403
    assert client_for("leadership").get(url).status_code == 403
    assert client_for("finance").get(url).status_code == 200


def test_budget_page_shows_the_seed_fault_and_exports(client_for: Callable[..., Client]) -> None:
    finance = client_for("finance")
    page = finance.get("/performance/budget/?year=2023").content.decode()
    assert "1380.03万元" in page and "13,647,200.00" in page
    export = finance.get("/performance/budget/?year=2023&export=xlsx")
    assert export.status_code == 200 and export.content.startswith(b"PK")
    assert client_for("office").get("/performance/budget/?year=2023&export=xlsx").status_code == 403


def test_line_form_saves_and_audits(client_for: Callable[..., Client]) -> None:
    finance = client_for("finance")
    response = finance.post(
        "/performance/budget/lines/new/?year=2023",
        {
            "section": "income",
            "name": "一般公共预算",
            "initial": "0",
            "final": "0",
            "executed": "1",
            "prior_year": "0",
            "order": "0",
        },
    )
    assert response.status_code == 200  # duplicate item in the section: the form says so
    assert "本年度该类别下已有此项目" in response.content.decode()
    line = BudgetLine.objects.get(year=2023, section="income", name="一般公共预算")
    response = finance.post(
        f"/performance/budget/lines/{line.pk}/",
        {
            "section": "income",
            "name": "一般公共预算",
            "initial": "0",
            "final": "0",
            "executed": "13597240.00",
            "prior_year": "0",
            "order": "0",
        },
    )
    assert response.status_code == 302
    line.refresh_from_db()
    assert line.executed == D("13597240.00")
    # Income now adds up to the executed total: the seed's fault is gone.
    from anju.performance import report

    assert "budget.income_vs_executed" not in {c.rule for c in report.checks(2023)}


def test_indicator_override_needs_reason(client_for: Callable[..., Client]) -> None:
    finance = client_for("finance")
    indicator = Indicator.objects.get(year=2023, name="工作任务完成数量")
    data = {
        "level1": indicator.level1,
        "level1_weight": "40",
        "level2": indicator.level2,
        "name": indicator.name,
        "weight": "15",
        "operator": "ge",
        "target": "8",
        "unit": "个",
        "kpi_scale": "1",
        "actual": "11",
        "override_score": "12",
        "override_reason": "",
        "order": "5",
    }
    response = finance.post(f"/performance/indicators/{indicator.pk}/", data)
    assert response.status_code == 200
    indicator.refresh_from_db()
    assert indicator.override_score is None
    data["override_reason"] = "部分任务由上级部门完成"
    assert finance.post(f"/performance/indicators/{indicator.pk}/", data).status_code == 302
    indicator.refresh_from_db()
    assert indicator.override_score == D(12)
    api = finance.get("/api/performance/indicators/2023").json()
    assert api["total"] == "88.50" and api["grade"] == "良"


def test_narrative_edit_and_reset(client_for: Callable[..., Client]) -> None:
    finance = client_for("finance")
    response = finance.post("/performance/report/narrative/s7/?year=2023", {"text": "问题：{org.staff}人。"})
    assert response.status_code == 302
    assert Narrative.objects.get(year=2023, section="s7").text == "问题：{org.staff}人。"
    preview = finance.get("/performance/report/narrative/s7/?year=2023").content.decode()
    assert "问题：53人。" in preview
    finance.post("/performance/report/narrative/s7/?year=2023", {"reset": "1"})
    assert not Narrative.objects.filter(year=2023, section="s7").exists()


def test_report_build_queues_and_the_job_offers_files(
    client_for: Callable[..., Client],
    settings: Any,
    tmp_path: Path,
    django_capture_on_commit_callbacks: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings.MEDIA_ROOT = tmp_path
    started: list[int] = []
    monkeypatch.setattr(jobs, "start", started.append)
    assert client_for("office").post("/performance/report/build/", {"year": "2023"}).status_code == 403
    finance = client_for("finance")
    with django_capture_on_commit_callbacks(execute=True):
        response = finance.post("/performance/report/build/", {"year": "2023"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and 'hx-trigger="every 1s"' in response.content.decode()
    run = ReportRun.objects.get()
    assert started == [run.pk] and run.status == ReportRun.Status.QUEUED
    monkeypatch.setattr("anju.performance.writers.pdf_bytes", lambda report: b"%PDF-1.7 test")
    jobs.run(run.pk)
    run.refresh_from_db()
    assert run.status == ReportRun.Status.DONE and run.progress == 100
    runs = finance.get("/performance/report/runs/?year=2023").content.decode()
    assert "every 1s" not in runs and "report.docx" in runs
    download = finance.get(reverse("performance:report_file", args=[run.pk, "report.docx"]))
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"PK")
    exported = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT, model="performance.ReportRun")
    assert exported.actor == finance.user and exported.note == "report.docx"  # type: ignore[attr-defined]
    assert finance.get(reverse("performance:report_file", args=[run.pk, "settings.py"])).status_code == 404
    office = client_for("office", username="office2")
    assert office.get(reverse("performance:report_file", args=[run.pk, "report.pdf"])).status_code == 403
    api = finance.get(f"/api/performance/reports/{run.pk}").json()
    assert api["status"] == "done" and api["files"] == ["report.docx", "report.pdf", "attachments.xlsx", "figures.json"]


def test_a_report_build_is_one_of_my_jobs_with_links_to_its_files(
    client_for: Callable[..., Client],
    settings: Any,
    tmp_path: Path,
    django_capture_on_commit_callbacks: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr("anju.performance.writers.pdf_bytes", lambda report: b"%PDF-1.7 test")
    finance = client_for("finance")
    with django_capture_on_commit_callbacks(execute=True):
        finance.post("/performance/report/build/", {"year": "2023"}, HTTP_HX_REQUEST="true")
    run = ReportRun.objects.get()
    job = Job.objects.get(kind="performance.report")
    assert run.status == ReportRun.Status.DONE and job.status == Job.Status.DONE and job.owner == finance.user  # type: ignore[attr-defined]
    assert (job.done, job.total) == (100, 100)
    docx = reverse("performance:report_file", args=[run.pk, "report.docx"])
    assert ("2023年度自评报告.docx", docx) in job.links
    assert "2023年度绩效自评报告" in finance.get("/jobs/").content.decode()
    assert docx in finance.get(reverse("core:job", args=[job.pk])).content.decode()


def test_a_failed_build_is_recorded(settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings.MEDIA_ROOT = tmp_path
    run = ReportRun.objects.create(year=2023)

    def broken(report: object) -> bytes:
        raise RuntimeError("no fonts")

    monkeypatch.setattr("anju.performance.writers.pdf_bytes", broken)
    jobs.run(run.pk)
    run.refresh_from_db()
    assert run.status == ReportRun.Status.FAILED and "no fonts" in run.error


def test_kpi_page_takes_the_kpis_module_permission_and_masks_ids(
    client_for: Callable[..., Client], monkeypatch: pytest.MonkeyPatch
) -> None:
    Person.objects.create(name="张三", id_type="resident", id_number="431202199001010015")
    monkeypatch.setitem(
        registry._kpis,
        "budget.zz_people",
        registry.Kpi(
            "budget.zz_people", "测试人员", "人", lambda y: Person.objects.count(), lambda y: Person.objects.all()
        ),
    )
    url = "/performance/kpi/budget.zz_people/2023/"
    assert client_for("housing").get(url).status_code == 403  # no performance permission
    assert "431202199001010015" in client_for("leadership").get(url).content.decode()  # see_id
    page = client_for("office").get(url).content.decode()  # performance view without see_id
    assert "431202199001010015" not in page and "431***********0015" in page
    assert client_for("leadership", username="lead2").get(url + "?export=xlsx").status_code == 200
    assert client_for("office", username="office2").get(url + "?export=xlsx").status_code == 403


def test_kpi_page_serves_generic_tables_only_for_its_own_kpis(
    client_for: Callable[..., Client], monkeypatch: pytest.MonkeyPatch
) -> None:
    Person.objects.create(name="张三", id_type="resident", id_number="431202199001010015")
    monkeypatch.setitem(
        registry._kpis,
        "rental.zz_people",
        registry.Kpi(
            "rental.zz_people", "测试住户", "户", lambda y: Person.objects.count(), lambda y: Person.objects.all()
        ),
    )
    url = "/performance/kpi/rental.zz_people/2023/"
    assert client_for("finance").get(url).status_code == 403  # finance may not view rental
    response = client_for("housing").get(url)  # rental view, but rental has no records page for it
    body = response.content.decode()
    assert response.status_code == 404 and "431202199001010015" not in body and "测试住户" in body
    leader = client_for("leadership")
    assert leader.get("/performance/kpi/budget.executed/1999/").status_code == 404
    assert leader.get("/performance/kpi/budget.executed/2101/").status_code == 404
    assert leader.get("/performance/kpi/budget.executed/2100/").status_code == 200
    assert leader.get("/api/performance/kpis/2101/budget.executed").status_code == 422  # a year out of the API's range
    assert leader.get("/api/performance/kpis/1999").status_code == 422
    assert leader.get("/performance/budget/?year=2101").status_code == 404


def test_kpi_page_redirects_to_the_modules_list(
    client_for: Callable[..., Client], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(
        registry._kpis,
        "budget.zz_linked",
        registry.Kpi("budget.zz_linked", "链接", "元", lambda y: D(0), records_url=lambda y: f"/elsewhere/?year={y}"),
    )
    finance = client_for("finance")
    response = finance.get("/performance/kpi/budget.zz_linked/2023/")
    assert response.status_code == 302 and response["Location"] == "/elsewhere/?year=2023"
    assert finance.get("/performance/kpi/no.such/2023/").status_code == 404


def test_dashboard_links_every_figure_to_its_records(client_for: Callable[..., Client]) -> None:
    page = client_for("leadership").get("/performance/dashboard/?year=2023").content.decode()
    assert 'href="/performance/kpi/performance.score/2023/"' in page and "91.50" in page
    assert "echarts.min.js" in page
    # Office may view performance but not the fund: no fund card.
    office = client_for("office").get("/performance/dashboard/?year=2023").content.decode()
    assert "/performance/kpi/fund.collected/2023/" not in office


def test_dashboard_charts_only_years_with_budget_records() -> None:
    from anju.performance.views import dashboard_data

    leader = User.objects.create_user(username="chart_leader")
    leader.roles.set(Role.objects.filter(code="leadership"))
    assert dashboard_data(leader, 2023)["execution"]["years"] == ["2023"]


def test_asset_disposal_needs_leadership(client_for: Callable[..., Client]) -> None:
    laptop = Asset.objects.filter(status=Asset.Status.DISPOSAL_REQUESTED).get()
    assert (
        client_for("finance").post(f"/performance/assets/{laptop.pk}/decide/", {"decision": "approve"}).status_code
        == 403
    )
    leader = client_for("leadership")
    assert (
        leader.post(f"/performance/assets/{laptop.pk}/decide/", {"decision": "approve", "note": "同意"}).status_code
        == 302
    )
    laptop.refresh_from_db()
    assert laptop.status == Asset.Status.DISPOSED and laptop.disposed_on is not None


def test_asset_register_export_has_dates_money_and_the_total(client_for: Callable[..., Client]) -> None:
    response = client_for("finance").get(reverse("performance:assets") + "?export=xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    headers = [c.value for c in sheet[1]]
    value, acquired = headers.index("价值"), headers.index("取得日期")
    body = list(sheet.iter_rows(min_row=2, max_row=sheet.max_row - 1))
    assert len(body) == Asset.objects.count() and sheet.freeze_panes == "A2"
    assert body[0][acquired].is_date and body[0][acquired].number_format == "yyyy-mm-dd"
    assert body[0][value].data_type == "n" and body[0][value].number_format == "#,##0.00"
    total = list(sheet[sheet.max_row])
    assert total[0].value == "合计"
    assert D(str(total[value].value)) == sum((D(str(row[value].value)) for row in body), D(0))


def test_api_kpi_needs_the_kpis_module(client_for: Callable[..., Client]) -> None:
    office = client_for("office")
    assert office.get("/api/performance/kpis/2023/budget.executed").json()["value"] == "13750340.00"
    assert office.get("/api/performance/kpis/2023/fund.collected").status_code == 403
    codes = {k["code"] for k in office.get("/api/performance/kpis/2023").json()}
    assert "org.staff" in codes and not any(c.startswith("fund.") for c in codes)
    assert client_for("office", username="o2").post("/api/performance/reports?year=2023").status_code == 403


def test_leadership_sees_pending_disposals_as_a_todo(client_for: Callable[..., Client]) -> None:
    home = client_for("leadership").get("/").content.decode()
    assert "资产处置待审批" in home and "/performance/assets/?status=disposal_requested" in home
    assert "资产处置待审批" not in client_for("finance").get("/").content.decode()


def test_a_new_year_starts_from_last_years_tree(client_for: Callable[..., Client]) -> None:
    finance = client_for("finance")
    assert "indicators/copy/" in finance.get("/performance/indicators/?year=2024").content.decode()
    assert client_for("office").post("/performance/indicators/copy/", {"year": "2024"}).status_code == 403
    assert finance.post("/performance/indicators/copy/", {"year": "2024"}).status_code == 302
    copied = Indicator.objects.filter(year=2024)
    assert copied.count() == 13
    cost = copied.get(name="项目支出成本控制")
    assert cost.kpi_code == "budget.project_spent" and cost.override_score is None and cost.override_reason == ""
    finance.post("/performance/indicators/copy/", {"year": "2024"})
    assert Indicator.objects.filter(year=2024).count() == 13  # a second copy is refused
