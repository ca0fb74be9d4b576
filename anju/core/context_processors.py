from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from anju.core import modules


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The left navigation: the modules the user may view."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_modules": [], "can_search": False}
    items = []
    for module in modules.all_modules():
        if not user.can(module.code, modules.VIEW):
            continue
        try:
            url = reverse(module.url_name)
        except NoReverseMatch:
            continue
        items.append({"module": module, "url": url, "active": request.path.startswith(url)})
    return {"nav_modules": items, "can_search": user.can("registry", modules.VIEW)}
