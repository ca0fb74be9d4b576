"""The context every page's base template reads: the left navigation, the search box and `can`.

The navigation menu (the modules a user may view, with their addresses) is the same for everyone with the
same permissions, and reversing its ~20 addresses was a third of a cheap page's CPU: it is computed once
per process for each set of permissions and kept under that set. The set itself is read from the user's
current roles on every request (`User.permission_set`), so a role or permission change gives another key
on the next request — nothing is trusted from an earlier request."""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from anju.core import modules
from anju.lib.bounded import Bounded


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


# Menus kept in a process, one per permission set seen (a handful of roles' combinations in practice).
MENUS_MAX = 128

_menus: Bounded[Hashable, tuple[tuple[modules.Module, str], ...]] = Bounded(MENUS_MAX)
# Each menu's links as HTML, inactive and active, kept under the menu's key as the menu is.
_links: Bounded[Hashable, tuple[tuple[str, SafeString, SafeString], ...]] = Bounded(MENUS_MAX)


def _menu_key(user: Any) -> Hashable:
    """Everything the menu depends on: what the user may do now, and how addresses are reversed."""
    if not user.is_active:
        rights: Hashable = "inactive"
    elif user.is_superuser:
        rights = "superuser"
    else:
        rights = user.permission_set()
    urls = (settings.ROOT_URLCONF, get_urlconf(), get_script_prefix(), get_language())
    return (rights, modules.generation, urls)


def menu(user: Any) -> tuple[tuple[modules.Module, str], ...]:
    """The modules `user` may view, in order, with their addresses."""
    key = _menu_key(user)
    hit = _menus.get(key)
    if hit is not None:
        return hit
    items = []
    for module in modules.all_modules():
        if not user.can(module.code, modules.VIEW):
            continue
        try:
            items.append((module, reverse(module.url_name)))
        except NoReverseMatch:
            continue
    value = tuple(items)
    _menus.put(key, value)
    return value


def _link(module: modules.Module, url: str, css: str) -> SafeString:
    return format_html('<a href="{}" class="{}"><span class="icon">{}</span>{}</a>', url, css, module.icon, module.name)


def menu_html(user: Any, path: str) -> SafeString:
    """The left navigation's links to the modules `user` may view, the one whose address `path` is under
    marked active: built from HTML kept with the menu, not rendered by the template each page."""
    key = _menu_key(user)
    links = _links.get(key)
    if links is None:
        links = tuple((url, _link(module, url, ""), _link(module, url, "active")) for module, url in menu(user))
        _links.put(key, links)
    return mark_safe(
        "\n".join(active if path.startswith(url) else link for url, link, active in links)
    )  # built by format_html


def forget() -> None:
    """Drop the kept menus (tests that change the URLconf or the registry behind their keys' back)."""
    _menus.clear()
    _links.clear()


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The left navigation: the modules the user may view."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_links": "", "can_search": False, "can": AnjuPerms(user) if user else None}
    return {
        "nav_links": menu_html(user, request.path),
        "can_search": user.can("registry", modules.VIEW),
        "can": AnjuPerms(user),
    }
