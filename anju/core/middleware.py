from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render

from anju.core.client_address import client_ip
from anju.core.links import reverse


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


class UploadLimitMiddleware:
    """Refuses a request whose body is larger than UPLOAD_MAX_MB before reading it, with a Chinese
    message (a page, or JSON for the API) instead of a proxy's bare 413; nginx lets a little more through
    so that this answer is the one people see."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = settings.UPLOAD_MAX_MB
        if length > limit * 1024 * 1024:
            size = f"{length / 1024 / 1024:.1f}"
            message = f"上传的内容有 {size} MB，超过了 {limit} MB 的上限：请拆分成较小的文件后再上传。"
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": message, "code": "upload.too_large"}, status=413)
            return render(request, "core/too_large.html", {"message": message}, status=413)
        return self.get_response(request)


class BadInputMiddleware:
    """Refuses a request carrying a NUL character in a parameter or a form or JSON field with 400 and a
    Chinese message: no text field holds one, and PostgreSQL cannot store or compare it (the query would
    fail with a server error)."""

    MESSAGE = "请求中含有不可见的空字符（NUL），无法处理：请检查输入的内容后重试。"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._has_nul(request):
            if request.path.startswith("/api/"):
                # The shape of every 400 of the API, an import's refusal included (its error rows).
                error = {"row": 0, "column": "", "message": self.MESSAGE}
                return JsonResponse({"detail": self.MESSAGE, "code": "request.nul", "errors": [error]}, status=400)
            return render(request, "core/bad_request.html", {"message": self.MESSAGE}, status=400)
        return self.get_response(request)

    @staticmethod
    def _has_nul(request: HttpRequest) -> bool:
        if "\x00" in request.path or "%00" in request.META.get("QUERY_STRING", ""):
            return True
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return False
        if request.content_type == "application/json":
            return b"\\u0000" in request.body or b"\x00" in request.body
        if request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            return any("\x00" in key or "\x00" in value for key, values in request.POST.lists() for value in values)
        return False


def mark_session_refreshed(sender: object, request: HttpRequest, **kwargs: object) -> None:
    """On login (a session saved anyway): the refresh interval starts now."""
    if getattr(request, "session", None) is not None:
        request.session[SessionRefreshMiddleware.KEY] = int(time.time())


class SessionRefreshMiddleware:
    """Keeps a session alive SESSION_COOKIE_AGE after the last request (the idle timeout) by saving it at
    most once every SESSION_REFRESH_SECONDS, instead of on every request: a page that only reads writes
    nothing, so on SQLite it answers while a background job holds the database's one write lock. Sits
    inside SessionMiddleware, which saves a session marked modified."""

    KEY = "_refreshed"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and session.session_key and not session.is_empty():
            now = int(time.time())
            if now - int(session.get(self.KEY, 0)) >= settings.SESSION_REFRESH_SECONDS:
                session[self.KEY] = now
        return response
