from __future__ import annotations

from django.urls import path

from anju.legacy import views

app_name = "legacy"
urlpatterns = [
    path("", views.home, name="home"),
    path("board/", views.board, name="board"),
    path("projects/", views.projects, name="projects"),
    path("projects/new/", views.project_create, name="project_create"),
    path("projects/<int:pk>/", views.project_detail, name="project"),
    path("projects/<int:pk>/attach/", views.attach, name="attach"),
    path("tasks/", views.tasks, name="tasks"),
    path("meetings/new/", views.meeting_create, name="meeting_create"),
]
