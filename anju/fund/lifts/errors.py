"""Refused changes of the lift insurance pilot."""

from __future__ import annotations

from anju.lib.errors import DomainError


class LiftError(DomainError):
    """A change the rules refuse; the message is Chinese and says why."""

    prefix = "lifts"
