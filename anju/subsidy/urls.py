from __future__ import annotations

from django.urls import path

from anju.core.imports_views import import_page
from anju.subsidy import views

app_name = "subsidy"
urlpatterns = [
    path("", views.home, name="home"),
    path("applications/", views.applications, name="applications"),
    path("applications/new/", views.application_create, name="application_create"),
    path("applications/<int:pk>/", views.application_detail, name="application"),
    path("applications/<int:pk>/documents/", views.application_document, name="application_document"),
    path("applications/import/", import_page, {"key": "subsidy.applications"}, name="import"),
    path("flags/", views.flags, name="flags"),
    path("flags/<int:pk>/clear/", views.flag_clear, name="flag_clear"),
    path("batches/", views.batches, name="batches"),
    path("batches/new/", views.batch_create, name="batch_create"),
    path("batches/<int:pk>/", views.batch_detail, name="batch"),
    path("batches/<int:pk>/payment-file.csv", views.batch_file, name="batch_file"),
    path("batches/<int:pk>/request/", views.batch_request, name="batch_request"),
    path("results/import/", import_page, {"key": "subsidy.results"}, name="results_import"),
    path("tax/import/", import_page, {"key": "subsidy.tax"}, name="tax_import"),
    path("notice/", views.notice, name="notice"),
    path("programs/", views.programs, name="programs"),
    path("clawbacks/<int:pk>/recover/", views.clawback_recover, name="clawback_recover"),
]
