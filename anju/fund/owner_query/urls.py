from __future__ import annotations

from django.urls import URLPattern, path

from anju.fund.owner_query import views

urlpatterns: list[URLPattern] = [
    path("query/", views.owner_query, name="owner_query"),
    path("query/captcha.png", views.captcha_image, name="owner_query_captcha"),
]
