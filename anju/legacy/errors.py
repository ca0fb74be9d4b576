"""Refused changes of legacy projects."""

from __future__ import annotations

from anju.lib.errors import DomainError


class LegacyError(DomainError):
    """A change the rules refuse; the message is Chinese and names the field."""

    prefix = "legacy"
