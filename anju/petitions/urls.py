from __future__ import annotations

from django.urls import path

from anju.core.imports_views import import_page
from anju.petitions import views

app_name = "petitions"
urlpatterns = [
    path("", views.home, name="home"),
    path("board/", views.board, name="board"),
    path("cases/", views.cases, name="cases"),
    path("mine/", views.my_cases, name="mine"),
    path("cases/new/", views.case_create, name="case_create"),
    path("cases/<int:pk>/", views.case_detail, name="case"),
    path("cases/<int:pk>/attach/", views.attach, name="attach"),
    path("cases/<int:pk>/<str:kind>.<str:fmt>", views.notice, name="notice"),
    path("campaigns/", views.campaigns, name="campaigns"),
    path("campaigns/<int:pk>/", views.campaign_detail, name="campaign"),
    path("channels/", views.channels, name="channels"),
    path("orders/import/", import_page, {"key": "petitions.orders"}, name="orders_import"),
]
