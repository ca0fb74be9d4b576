"""The writes of the owners' balance query: each attempt is recorded with its address and a keyed hash of the
ID number asked about, so that

- one ID number gets at most MAX_FAILURES_PER_ID wrong answers in the window (nobody can try name after name
  against an owner's number), whatever the address;
- one address — a kiosk in the service hall that many owners use — is limited only far above what people type
  (MAX_PER_IP), and after CAPTCHA_AFTER failures in a row it asks for the picture's digits (a CAPTCHA), so a
  mistyped query does not lock the kiosk and a script cannot run through numbers."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac

from django.conf import settings
from django.utils import timezone

from anju.fund.models import OwnerQueryAttempt

MAX_FAILURES_PER_ID = 5
MAX_PER_IP = 200
CAPTCHA_AFTER = 3
WINDOW = dt.timedelta(minutes=10)
UNKNOWN_IP = "0.0.0.0"
KEEP = dt.timedelta(days=30)  # attempts (IP addresses, keyed ID hashes) are kept this long, then deleted
# The answers are Chinese whatever the page language: they are meant for the owners.
TOO_MANY = f"查询次数过多，请{WINDOW.seconds // 60}分钟后再试。"
TOO_MANY_FOR_ID = f"该身份证号码的查询错误次数过多，请{WINDOW.seconds // 60}分钟后再试，或到维修资金服务窗口查询。"


def id_key(number: str) -> str:
    """A keyed hash of a (normalised) ID number: equal numbers match, the number cannot be read back."""
    secret = settings.SECRET_KEY.encode()
    return hmac.new(secret, b"owner-query:" + number.strip().upper().encode(), hashlib.sha256).hexdigest()


def register_attempt(ip: str | None, number: str) -> tuple[OwnerQueryAttempt, str]:
    """Record an attempt; returns it and "" when within the limits, else the refusal's message.

    The attempt is written (and committed) before counting, so of many simultaneous attempts at most the limit
    see a count within it. Refused attempts count too: who keeps trying stays blocked until the window passes."""
    address = ip or UNKNOWN_IP
    key = id_key(number) if number.strip() else ""
    attempt = OwnerQueryAttempt.objects.create(ip=address, id_key=key)
    since = attempt.at - WINDOW
    purge_attempts(attempt.at)
    if OwnerQueryAttempt.objects.filter(ip=address, at__gt=since).count() > MAX_PER_IP:
        return attempt, TOO_MANY
    if (
        key
        and OwnerQueryAttempt.objects.filter(id_key=key, success=False, at__gt=since).exclude(pk=attempt.pk).count()
        >= MAX_FAILURES_PER_ID
    ):
        return attempt, TOO_MANY_FOR_ID
    return attempt, ""


def failures_in_a_row(ip: str | None) -> int:
    """The address's failed attempts since its last success within the window (the CAPTCHA's trigger)."""
    address = ip or UNKNOWN_IP
    since = timezone.now() - WINDOW
    recent = OwnerQueryAttempt.objects.filter(ip=address, at__gt=since).order_by("-at", "-pk")[: CAPTCHA_AFTER + 1]
    count = 0
    for attempt in recent:
        if attempt.success:
            break
        count += 1
    return count


def purge_attempts(now: dt.datetime) -> int:
    """Deletes the attempts older than KEEP (30 days): the addresses are kept only as long as the limit and
    an inquiry need them. One indexed DELETE, usually of nothing."""
    deleted, _ = OwnerQueryAttempt.objects.filter(at__lt=now - KEEP).delete()
    return deleted


def mark_success(attempt: OwnerQueryAttempt) -> None:
    OwnerQueryAttempt.objects.filter(pk=attempt.pk).update(success=True)
