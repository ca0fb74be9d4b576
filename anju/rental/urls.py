from __future__ import annotations

app_name = "rental"
urlpatterns: list = []
