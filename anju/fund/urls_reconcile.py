from __future__ import annotations

from django.urls import URLPattern, path

from anju.core.imports_views import import_page
from anju.fund import views_reconcile

urlpatterns: list[URLPattern] = [
    path("reconcile/", views_reconcile.reconcile_view, name="reconcile"),
    path("reconcile/import/", import_page, {"key": "fund.bank_statement"}, name="statement_import"),
    path("disclosure/", views_reconcile.disclosure_view, name="disclosure"),
    path("disclosure/<str:code>/<int:year>/xlsx/", views_reconcile.disclosure_xlsx, name="disclosure_xlsx"),
    path("disclosure/<str:code>/<int:year>/pdf/", views_reconcile.disclosure_pdf, name="disclosure_pdf"),
]
