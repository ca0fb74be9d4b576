from __future__ import annotations

from django.urls import URLPattern, path

from anju.fund import views_public

urlpatterns: list[URLPattern] = [
    path("query/", views_public.owner_query, name="owner_query"),
]
