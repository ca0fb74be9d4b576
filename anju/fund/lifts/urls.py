from __future__ import annotations

from django.urls import URLPattern, path

from anju.fund.lifts import views

app_name = "lifts"
urlpatterns: list[URLPattern] = [
    path("", views.lift_list, name="lifts"),
    path("policies/", views.policy_list, name="policies"),
    path("policies/<int:pk>/", views.policy_detail, name="policy"),
    path("claims/", views.claim_list, name="claims"),
    path("progress/", views.progress, name="progress"),
]
