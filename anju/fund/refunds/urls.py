from __future__ import annotations

from django.urls import URLPattern, path

from anju.fund.refunds import views

urlpatterns: list[URLPattern] = [
    path("refunds/", views.refund_list, name="refunds"),
    path("refunds/new/", views.refund_create, name="refund_create"),
    path("refunds/<int:pk>/", views.refund_detail, name="refund"),
    path("refunds/<int:pk>/print/", views.refund_print, name="refund_print"),
    path("accounts/<str:code>/history/", views.owner_history, name="history"),
]
