from __future__ import annotations

from django.urls import URLPattern, path

from anju.fund.deposits import views

urlpatterns: list[URLPattern] = [
    path("standards/", views.standards, name="standards"),
    path("standards/new/", views.standard_create, name="standard_create"),
    path("standards/<int:pk>/edit/", views.standard_edit, name="standard_edit"),
    path("notices/", views.notices, name="notices"),
    path("notices/new/", views.notice_create, name="notice_create"),
    path("notices/batch/", views.notice_batch, name="notice_batch"),
    path("notices/<int:pk>/", views.notice, name="notice"),
    path("notices/<int:pk>/cancel/", views.notice_cancel, name="notice_cancel"),
    path("replenishment/", views.replenishment, name="replenishment"),
]
