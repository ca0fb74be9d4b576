from __future__ import annotations

app_name = "lifts"
urlpatterns: list = []
