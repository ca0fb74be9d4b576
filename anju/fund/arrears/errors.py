"""Refused changes of arrears recovery."""

from __future__ import annotations

from anju.lib.errors import DomainError


class ArrearsError(DomainError):
    """A change the rules refuse; the message is Chinese and says why."""

    prefix = "arrears"
