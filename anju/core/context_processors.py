from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from anju.core import modules


class _ModulePerms:
    def __init__(self, user: Any, module: str) -> None:
        self.user, self.module = user, module

    def __getitem__(self, action: str) -> bool:
        return bool(self.user.is_authenticated and self.user.can(self.module, action))


class AnjuPerms:
    """Templates ask `{% if can.registry.handle %}`."""

    def __init__(self, user: Any) -> None:
        self.user = user

    def __getitem__(self, module: str) -> _ModulePerms:
        return _ModulePerms(self.user, module)


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The left navigation: the modules the user may view."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_modules": [], "can_search": False, "can": AnjuPerms(user) if user else None}
    items = []
    for module in modules.all_modules():
        if not user.can(module.code, modules.VIEW):
            continue
        try:
            url = reverse(module.url_name)
        except NoReverseMatch:
            continue
        items.append({"module": module, "url": url, "active": request.path.startswith(url)})
    return {"nav_modules": items, "can_search": user.can("registry", modules.VIEW), "can": AnjuPerms(user)}
