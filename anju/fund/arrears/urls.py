from __future__ import annotations

app_name = "arrears"
urlpatterns: list = []
