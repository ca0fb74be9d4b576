from __future__ import annotations

from django.urls import path

from anju.core.imports_views import import_page, legacy_template
from anju.performance import kpi_views, views

app_name = "performance"
urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("budget/", views.budget, name="budget"),
    path("budget/lines/new/", views.line_edit, name="line_create"),
    path("budget/lines/<int:pk>/", views.line_edit, name="line_edit"),
    path("budget/lines/<int:pk>/delete/", views.line_delete, name="line_delete"),
    path("budget/funds/new/", views.fund_edit, name="fund_create"),
    path("budget/funds/<int:pk>/", views.fund_edit, name="fund_edit"),
    path("budget/staffing/", views.staffing_edit, name="staffing"),
    path("budget/facility/", views.facility_edit, name="facility"),
    path("budget/import/", import_page, {"key": "performance.budget"}, name="budget_import"),
    path("budget/import/template.xlsx", legacy_template("performance.budget"), name="budget_template"),
    path("assets/", views.assets, name="assets"),
    path("assets/new/", views.asset_create, name="asset_create"),
    path("assets/import/", import_page, {"key": "performance.assets"}, name="asset_import"),
    path("assets/import/template.xlsx", legacy_template("performance.assets"), name="asset_template"),
    path("assets/<int:pk>/", views.asset_detail, name="asset"),
    path("assets/<int:pk>/transfer/", views.asset_transfer, name="asset_transfer"),
    path("assets/<int:pk>/dispose/", views.asset_dispose, name="asset_dispose"),
    path("assets/<int:pk>/decide/", views.asset_decide, name="asset_decide"),
    path("indicators/", views.indicators, name="indicators"),
    path("indicators/new/", views.indicator_edit, name="indicator_create"),
    path("indicators/copy/", views.indicators_copy, name="indicators_copy"),
    path("indicators/<int:pk>/", views.indicator_edit, name="indicator_edit"),
    path("report/", views.report_page, name="report"),
    path("report/preview/", views.report_preview, name="report_preview"),
    path("report/narrative/<str:section>/", views.narrative_edit, name="narrative"),
    path("report/build/", views.report_build, name="report_build"),
    path("report/runs/", views.report_runs, name="report_runs"),
    path("report/runs/<int:pk>/<str:name>", views.report_file, name="report_file"),
    path("kpi/<str:code>/<int:year>/", kpi_views.kpi_records, name="kpi"),
]
