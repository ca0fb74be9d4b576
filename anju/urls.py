from __future__ import annotations

from django.urls import include, path
from django.views.i18n import set_language

from anju.api import api

urlpatterns = [
    path("", include("anju.core.urls")),
    path("registry/", include("anju.registry.urls")),
    path("fund/arrears/", include("anju.fund.arrears.urls")),
    path("fund/lifts/", include("anju.fund.lifts.urls")),
    path("fund/", include("anju.fund.urls")),
    path("rental/", include("anju.rental.urls")),
    path("performance/", include("anju.performance.urls")),
    path("api/", api.urls),
    path("i18n/setlang/", set_language, name="set_language"),
]
