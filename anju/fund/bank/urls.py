from __future__ import annotations

from django.urls import URLPattern, path

from anju.core.imports_views import import_page, legacy_template
from anju.fund.bank import views

urlpatterns: list[URLPattern] = [
    path("bank/import/", import_page, {"key": "fund.bank_receipts"}, name="bank_import"),
    path("bank/import/template/", legacy_template("fund.bank_receipts"), name="bank_import_template"),
    path("bank/receipts/", views.receipts, name="receipts"),
    path("bank/accounts/", views.bank_accounts, name="bank_accounts"),
    path("bank/accounts/new/", views.bank_account_open, name="bank_account_open"),
    path("bank/accounts/<int:pk>/", views.bank_account, name="bank_account"),
    path("bank/suspense/", views.suspense, name="suspense"),
    path("bank/suspense/<int:pk>/match/", views.suspense_match, name="suspense_match"),
]
