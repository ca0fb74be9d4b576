"""Refused changes of public rental housing."""

from __future__ import annotations

from anju.lib.errors import DomainError


class RentalError(DomainError):
    """A refused rental action; the message is for the user (Chinese)."""

    prefix = "rental"
