from __future__ import annotations

from django.urls import path

from anju.registry import views, views_import

app_name = "registry"
urlpatterns = [
    path("", views.unit_list, name="units"),
    path("units/<str:code>/", views.unit_detail, name="unit"),
    path("persons/", views.person_list, name="persons"),
    path("persons/<int:pk>/", views.person_detail, name="person"),
    path("enterprises/", views.enterprise_list, name="enterprises"),
    path("enterprises/<int:pk>/", views.enterprise_detail, name="enterprise"),
    path("projects/", views.project_list, name="projects"),
    path("projects/<str:code>/", views.project_detail, name="project"),
    path("search/", views.search, name="search"),
    path("import/", views_import.import_units, name="import"),
    path("import/template.xlsx", views_import.import_template, name="import_template"),
]
