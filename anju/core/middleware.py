from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse


class PasswordChangeRequiredMiddleware:
    """Sends a user whose password was set by an administrator to change it before anything else."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and getattr(user, "must_change_password", False)
            and not request.path.startswith(("/static/", "/api/", "/i18n/"))
            and request.path not in {reverse("core:password_change"), reverse("core:logout")}
        ):
            return redirect("core:password_change")
        return self.get_response(request)


request_log = logging.getLogger("anju.request")


class RequestLogMiddleware:
    """One JSON line per request on the `anju.request` logger (stdout in production): the time, the
    user, the method and path (no query string: it may hold names or ID numbers), the status and the
    duration in milliseconds."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request_log.isEnabledFor(logging.INFO):
            return self.get_response(request)
        from anju.core.listing import client_ip

        started = time.perf_counter()
        response = self.get_response(request)
        user = getattr(request, "user", None)
        request_log.info(
            json.dumps(
                {
                    "at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                    "user": user.get_username() if user is not None and user.is_authenticated else None,
                    "ip": client_ip(request),
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "ms": round((time.perf_counter() - started) * 1000, 1),
                },
                ensure_ascii=False,
            )
        )
        return response
