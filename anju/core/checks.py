"""Anju's own system checks: what an operator must know about the settings they chose."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core import checks

PLAIN_HTTP = (
    "ANJU_HTTPS is off: session and CSRF cookies are sent over plain HTTP, nothing redirects to https "
    "and no HSTS header is sent. Use this only on a trusted intranet without TLS."
)


def plain_http() -> bool:
    return not settings.DEBUG and not getattr(settings, "ANJU_HTTPS", True)


@checks.register(checks.Tags.security, deploy=True)
def https_check(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    if plain_http():
        return [checks.Warning(PLAIN_HTTP, hint="Set ANJU_HTTPS=1 behind a TLS proxy.", id="anju.W001")]
    return []


def refuse_to_start() -> None:
    """Called by the WSGI application as it starts: a serious security check error (a missing ledger
    key with DEBUG off, fund.E001) stops the server instead of failing at the first posting."""
    from django.core.exceptions import ImproperlyConfigured

    serious = [m for m in checks.run_checks(tags=[checks.Tags.security]) if m.is_serious()]
    if serious:
        raise ImproperlyConfigured("; ".join(f"{m.id}: {m.msg}" for m in serious))


def warn_at_start() -> None:
    """Logged once by the WSGI application as it starts (gunicorn's log shows it)."""
    if plain_http():
        logging.getLogger("anju").warning(PLAIN_HTTP)
