from __future__ import annotations

from django.urls import URLPattern, path

from anju.core.imports_views import import_page
from anju.fund.arrears import views

app_name = "arrears"
urlpatterns: list[URLPattern] = [
    path("", views.board, name="board"),
    path("cases/", views.case_list, name="cases"),
    path("cases/new/", views.case_create, name="case_create"),
    path("cases/<int:pk>/", views.case_detail, name="case"),
    path("cases/<int:pk>/items/", import_page, {"key": "arrears.items"}, name="case_items"),
    path("cases/<int:pk>/actions/", views.case_action_add, name="case_action"),
    path("cases/<int:pk>/evidence/", views.evidence_add, name="evidence_add"),
    path("cases/<int:pk>/recoveries/", views.recovery_add, name="recovery_add"),
    path("cases/<int:pk>/notice/", views.notice_print, name="notice"),
    path("evidence/<int:pk>/files/", views.evidence_upload, name="evidence_upload"),
    path("targets/", views.target_list, name="targets"),
]
