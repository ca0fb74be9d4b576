from __future__ import annotations

from django.urls import path

from anju.oversight import views

app_name = "oversight"
urlpatterns = [
    path("", views.home, name="home"),
    path("inspections/", views.inspections, name="inspections"),
    path("inspections/new/", views.inspection_create, name="inspection_create"),
    path("inspections/<int:pk>/", views.inspection_detail, name="inspection"),
    path("inspections/<int:pk>/attach/", views.attach_inspection, name="inspection_attach"),
    path("inspections/<int:pk>/decomposition.docx", views.decomposition_docx, name="decomposition"),
    path("findings/", views.findings, name="findings"),
    path("findings/<int:pk>/", views.finding_detail, name="finding"),
    path("ledger/", views.ledger, name="ledger"),
    path("tasks/<int:pk>/", views.task_detail, name="task"),
    path("tasks/<int:pk>/attach/", views.attach_task, name="task_attach"),
    path("meetings/", views.meetings, name="meetings"),
]
