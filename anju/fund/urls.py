from __future__ import annotations

from django.urls import path

from anju.fund import views
from anju.fund.bank import urls as urls_bank
from anju.fund.deposits import urls as urls_deposits
from anju.fund.disclosure import urls as urls_disclosure
from anju.fund.interest import views as interest_views
from anju.fund.owner_query import urls as urls_public
from anju.fund.reconcile import urls as urls_reconcile
from anju.fund.refunds import urls as urls_refunds
from anju.fund.use import urls as urls_use

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
    *urls_disclosure.urlpatterns,
    *urls_refunds.urlpatterns,
    *urls_use.urlpatterns,
    *urls_public.urlpatterns,
    path("journal/", views.journal, name="journal"),
    path("journal/<int:seq>/", views.journal_entry, name="journal_entry"),
    path("interest/", interest_views.interest, name="interest"),
]
