"""The site's error pages (404, 403, 500 and the CSRF failure) in Chinese and in the site's layout, each
with a way back; under /api/ the same errors stay JSON.

A 403 names what was missing: `check()` raises PermissionDenied("module:action") (a workflow step
"module:approve/review"), and the page names the module, the action and the roles that grant it, by
their names, so the user knows whom to ask. The 500 page is a static template rendered without the
request's context processors and without the database: whatever broke, it still renders."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext as _

from anju.core import modules
from anju.core.audit import audit_denied
from anju.core.models import Role

API_PREFIX = "/api/"


def _api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """404: JSON under /api/ (what the API's schema documents), the site's page elsewhere."""
    if _api(request):
        return JsonResponse({"detail": "Not Found"}, status=404)
    return render(request, "core/errors/404.html", {"path": request.path}, status=404)


def needed(exception: Exception) -> dict[str, Any] | None:
    """What a PermissionDenied("module:action") asked for: the module's and the actions' names and the
    roles granting it (any of the actions of "module:approve/review"); None for other refusals."""
    from anju.core.roles_views import ACTION_LABELS  # the roles page names the actions

    module, sep, actions = str(exception).partition(":")
    wanted = [a for a in actions.split("/") if a in modules.ACTIONS]
    if not sep or not module or not wanted:
        return None
    try:
        module_name: Any = modules.get(module).name
    except KeyError:
        module_name = module
    roles = [role.name for role in Role.objects.order_by("id") if any(role.grants(module, a) for a in wanted)]
    return {
        "module": module_name,
        "action": _(" or ").join(str(ACTION_LABELS[a]) for a in wanted),
        "roles": "、".join(roles),
    }


def denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    """403: written to the audit log (who, what, the permission missing), then the page naming the
    permission and the roles holding it."""
    audit_denied(request, exception)
    if _api(request):
        return JsonResponse({"detail": "Forbidden"}, status=403)
    return render(request, "core/errors/403.html", {"needed": needed(exception)}, status=403)


def server_error(request: HttpRequest) -> HttpResponse:
    """500: a static page (no context processors, no database, no session), or JSON under /api/."""
    if _api(request):
        return JsonResponse({"detail": "Internal Server Error"}, status=500)
    page = loader.get_template("core/errors/500.html").render({"static_url": settings.STATIC_URL})
    return HttpResponseServerError(page)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: a form sent with a missing or stale token (a page left open past a new login,
    cookies blocked) — the site's page asking to go back and send it again."""
    if _api(request):
        return JsonResponse({"detail": "CSRF verification failed", "code": "csrf"}, status=403)
    return render(request, "core/errors/csrf.html", {"reason": reason if settings.DEBUG else ""}, status=403)
