"""Role checks for views and the API: a module and an action (view, handle, approve, export, see_id)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.http.response import HttpResponseBase

from anju.core.models import User


def check(user: Any, module: str, action: str) -> None:
    if not (user.is_authenticated and user.can(module, action)):
        raise PermissionDenied(f"{module}:{action}")


def can(user: Any, module: str, action: str) -> bool:
    return bool(user.is_authenticated and user.can(module, action))


View = Callable[..., HttpResponseBase]


def require(module: str, action: str) -> Callable[[View], View]:
    """Anonymous users go to the login page; signed-in users without the permission get 403."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            check(request.user, module, action)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def login_required(view: View) -> View:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapper


def actor(request: HttpRequest) -> User:
    """The signed-in user behind a request that passed `require` or `login_required`."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied("not signed in")
    return user
