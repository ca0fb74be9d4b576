from __future__ import annotations

from django.urls import path

from anju.worklog import views

app_name = "worklog"
urlpatterns = [
    path("", views.record_list, name="list"),
    path("new/", views.record_create, name="create"),
    path("<int:pk>/", views.record_detail, name="record"),
    path("<int:pk>/edit/", views.record_edit, name="edit"),
    path("<int:pk>/attach/", views.attach, name="attach"),
]
