"""The address of the client a request came from, as the audit log, the request log and the owners'
query limits record it."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """The client's address. Behind a reverse proxy (TRUST_X_FORWARDED_FOR) it is the address the proxy
    appended last to X-Forwarded-For, which the client cannot forge; otherwise REMOTE_ADDR."""
    if settings.TRUST_X_FORWARDED_FOR:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if forwarded and _is_address(forwarded[-1]):
            return forwarded[-1]
    remote = request.META.get("REMOTE_ADDR") or None
    # Stored in an address column (PostgreSQL's inet refuses anything else): a malformed one is not kept.
    return remote if remote and _is_address(remote) else None


def _is_address(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True
