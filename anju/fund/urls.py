from __future__ import annotations

from django.urls import path

from anju.fund import urls_bank, urls_deposits, urls_public, urls_reconcile, urls_refunds, urls_use, views

app_name = "fund"
urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/", views.account_list, name="accounts"),
    path("accounts/<str:code>/", views.unit_statement, name="statement"),
    path("projects/", views.project_balances, name="projects"),
    path("projects/<str:code>/", views.building_balances, name="project"),
    *urls_deposits.urlpatterns,
    *urls_bank.urlpatterns,
    *urls_reconcile.urlpatterns,
    *urls_refunds.urlpatterns,
    *urls_use.urlpatterns,
    *urls_public.urlpatterns,
]
