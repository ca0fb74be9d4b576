from __future__ import annotations

from django.urls import path

from anju.fund import views

app_name = "fund"
urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/", views.account_list, name="accounts"),
    path("accounts/<str:code>/", views.unit_statement, name="statement"),
]
