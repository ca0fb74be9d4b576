from __future__ import annotations

from django.urls import path

from anju.core.imports_views import import_page, legacy_template
from anju.registry import views

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
    path("persons/new/", views.person_create, name="person_create"),
    path("persons/<int:pk>/edit/", views.person_edit, name="person_edit"),
    path("enterprises/new/", views.enterprise_create, name="enterprise_create"),
    path("enterprises/<int:pk>/contacts/", views.enterprise_contacts, name="enterprise_contacts"),
    path("enterprises/<int:pk>/unreachable/", views.enterprise_unreachable, name="enterprise_unreachable"),
    path("enterprises/<int:pk>/reregister/", views.enterprise_reregister, name="enterprise_reregister"),
    path("buildings/<int:pk>/edit/", views.building_edit, name="building_edit"),
    path("search/", views.search, name="search"),
    path("import/", import_page, {"key": "registry.units"}, name="import"),
    path("import/template.xlsx", legacy_template("registry.units"), name="import_template"),
]
