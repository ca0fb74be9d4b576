from __future__ import annotations

from django.urls import URLPattern, path

from anju.core.imports_views import import_page
from anju.fund.reconcile import views

urlpatterns: list[URLPattern] = [
    path("reconcile/", views.reconcile_view, name="reconcile"),
    path("reconcile/import/", import_page, {"key": "fund.bank_statement"}, name="statement_import"),
]
