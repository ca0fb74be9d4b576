"""The writes of the owners' balance query: each attempt is recorded, so attempts per IP address are
limited and ID numbers cannot be guessed."""

from __future__ import annotations

import datetime as dt

from anju.fund.models import OwnerQueryAttempt

MAX_ATTEMPTS = 10
WINDOW = dt.timedelta(minutes=10)
UNKNOWN_IP = "0.0.0.0"
KEEP = dt.timedelta(days=30)  # attempts (IP addresses) are kept this long, then deleted
# The answer is Chinese whatever the page language: it is meant for the owners.
TOO_MANY = f"查询次数过多，请{WINDOW.seconds // 60}分钟后再试。"


def register_attempt(ip: str | None) -> tuple[OwnerQueryAttempt, bool]:
    """Record an attempt and whether it is within the limit.

    The attempt is written (and committed) before counting, so of many simultaneous attempts at most
    MAX_ATTEMPTS see a count within the limit. Attempts over the limit count too: who keeps trying
    stays blocked until the window has passed without attempts beyond the limit."""
    address = ip or UNKNOWN_IP
    attempt = OwnerQueryAttempt.objects.create(ip=address)
    recent = OwnerQueryAttempt.objects.filter(ip=address, at__gt=attempt.at - WINDOW).count()
    purge_attempts(attempt.at)
    return attempt, recent <= MAX_ATTEMPTS


def purge_attempts(now: dt.datetime) -> int:
    """Deletes the attempts older than KEEP (30 days): the addresses are kept only as long as the limit and
    an inquiry need them. One indexed DELETE, usually of nothing."""
    deleted, _ = OwnerQueryAttempt.objects.filter(at__lt=now - KEEP).delete()
    return deleted


def mark_success(attempt: OwnerQueryAttempt) -> None:
    OwnerQueryAttempt.objects.filter(pk=attempt.pk).update(success=True)
