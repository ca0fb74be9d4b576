"""Addresses reversed once: `reverse` as Django's, each answer kept in a bounded table of the process.

A page reverses tens of addresses (a list's row links, the header's, the breadcrumbs'), each ~15 µs of
Django's resolver, and the same ones again on the next request: over the staff pages' mix
(`bench/pages.py`) that was about a tenth of a request's CPU. An address depends only on the view's
name, its arguments, the URLconf in use and the script prefix (the site's path under the web server), so
all of them make the key, with the current application (`{% url %}` passes the page's namespace) and the
language, in case addresses are ever translated. Only plain arguments (text and integers, positional) are
kept (a template's literals are marked-safe text); anything else — keyword arguments, a query string, a
model instance — goes to Django each time. The table is emptied when a setting changes (a
test's `override_settings(ROOT_URLCONF=…)`) and holds at most `KEPT_MAX` addresses (the least recently
used first out), so a list paged through a million rows does not grow a worker.

`{% url %}` in templates uses this `reverse` too (`anju.core.templatetags.kept_url`, a builtin of the engine)."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Any

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, get_urlconf
from django.urls import reverse as django_reverse
from django.utils.translation import get_language

from anju.lib.bounded import Bounded

KEPT_MAX = 16384

_kept: Bounded[Hashable, str] = Bounded(KEPT_MAX)


def _plain(args: Sequence[Any] | None) -> bool:
    return args is None or all(isinstance(arg, str) or type(arg) is int for arg in args)


def reverse(
    viewname: Any,
    urlconf: str | None = None,
    args: Sequence[Any] | None = None,
    kwargs: dict[str, Any] | None = None,
    current_app: str | None = None,
    *,
    query: Any = None,
    fragment: str | None = None,
) -> str:
    """`django.urls.reverse`, answered from the table when the view is named and the arguments are plain."""
    if not isinstance(viewname, str) or kwargs or query or fragment or not _plain(args):
        return django_reverse(
            viewname, urlconf, args, kwargs, current_app, query=query, fragment=fragment
        )  # the rare call: as Django does it
    key = (
        viewname,
        tuple(args) if args else (),
        urlconf or get_urlconf() or settings.ROOT_URLCONF,
        get_script_prefix(),
        current_app,
        get_language(),
    )
    hit = _kept.get(key)
    if hit is not None:
        return hit
    url = django_reverse(viewname, urlconf, args, current_app=current_app)
    _kept.put(key, url)
    return url


def forget() -> None:
    """Empty the table (a setting changed; the URLconf may have)."""
    _kept.clear()


@receiver(setting_changed)
def _setting_changed(**_kwargs: Any) -> None:
    forget()
