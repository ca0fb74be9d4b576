from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.urls import URLPattern, URLResolver, include, path

from anju.api import api
from anju.core import error_pages


def _api_urls() -> tuple[list[URLPattern | URLResolver], str, str]:
    """The API's URLs, left out of LoginRequiredMiddleware: every endpoint authenticates itself (bearer
    token or session) and answers 401 in JSON instead of a redirect to the login page; the OpenAPI
    schema and its docs page are public as they always were."""
    patterns, app_name, namespace = api.urls
    for pattern in patterns:
        if isinstance(pattern, URLPattern):
            login_not_required(pattern.callback)
    return patterns, app_name, namespace


urlpatterns = [
    path("", include("anju.core.urls")),
    path("registry/", include("anju.registry.urls")),
    path("fund/arrears/", include("anju.fund.arrears.urls")),
    path("fund/lifts/", include("anju.fund.lifts.urls")),
    path("fund/", include("anju.fund.urls")),
    path("rental/", include("anju.rental.urls")),
    path("termite/", include("anju.termite.urls")),
    path("subsidy/", include("anju.subsidy.urls")),
    path("petitions/", include("anju.petitions.urls")),
    path("legacy/", include("anju.legacy.urls")),
    path("oversight/", include("anju.oversight.urls")),
    path("worklog/", include("anju.worklog.urls")),
    path("performance/", include("anju.performance.urls")),
    path("api/", _api_urls()),
]


# The site's error pages, in Chinese and in its layout (JSON under /api/): anju.core.error_pages.
handler404 = error_pages.not_found
handler403 = error_pages.denied
handler500 = error_pages.server_error
