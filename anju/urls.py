from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import URLPattern, URLResolver, include, path
from django.views.defaults import page_not_found, permission_denied

from anju.api import api
from anju.core.audit import audit_denied


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


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """404: JSON under /api/ (what the API's schema documents), the site's page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not Found"}, status=404)
    return page_not_found(request, exception)


def denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    """403: written to the audit log (who, what, the permission missing), then the site's page."""
    audit_denied(request, exception)
    return permission_denied(request, exception)


handler404 = not_found
handler403 = denied
