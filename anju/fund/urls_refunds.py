from __future__ import annotations

from django.urls import URLPattern, path

from anju.fund import views_refunds

urlpatterns: list[URLPattern] = [
    path("refunds/", views_refunds.refund_list, name="refunds"),
    path("refunds/new/", views_refunds.refund_create, name="refund_create"),
    path("refunds/<int:pk>/", views_refunds.refund_detail, name="refund"),
    path("refunds/<int:pk>/print/", views_refunds.refund_print, name="refund_print"),
    path("accounts/<str:code>/history/", views_refunds.owner_history, name="history"),
]
