"""Refused changes of termite control."""

from __future__ import annotations

from anju.lib.errors import DomainError


class TermiteError(DomainError):
    """A change the rules refuse; the message is Chinese and names the field."""

    prefix = "termite"
