from __future__ import annotations

from django.urls import URLPattern, path

from anju.fund.disclosure import views

urlpatterns: list[URLPattern] = [
    path("disclosure/", views.disclosure_view, name="disclosure"),
    path("disclosure/<str:code>/<int:year>/xlsx/", views.disclosure_xlsx, name="disclosure_xlsx"),
    path("disclosure/<str:code>/<int:year>/pdf/", views.disclosure_pdf, name="disclosure_pdf"),
]
