from __future__ import annotations

from django.urls import path

from anju.core.imports_views import import_page
from anju.termite import views

app_name = "termite"
urlpatterns = [
    path("", views.home, name="home"),
    path("applications/", views.applications, name="applications"),
    path("applications/new/", views.application_create, name="application_create"),
    path("applications/<int:pk>/", views.application_detail, name="application"),
    path("applications/<int:pk>/documents/", views.application_document, name="application_document"),
    path("buildings/", views.buildings, name="buildings"),
    path("buildings/<int:pk>/", views.building_detail, name="building"),
    path("buildings/<int:pk>/certificate.<str:fmt>", views.certificate, name="certificate"),
    path("plan/", views.plan, name="plan"),
    path("requests/", views.requests, name="requests"),
    path("requests/new/", views.request_create, name="request_create"),
    path("requests/<int:pk>/", views.request_detail, name="request"),
    path("chemicals/", views.chemicals, name="chemicals"),
    path("rules/", views.rules_page, name="rules"),
    path("applications/import/", import_page, {"key": "termite.applications"}, name="applications_import"),
    path("history/import/", import_page, {"key": "termite.history"}, name="history_import"),
    path("revisits/import/", import_page, {"key": "termite.revisits"}, name="revisits_import"),
]
