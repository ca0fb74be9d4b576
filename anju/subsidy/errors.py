"""Refused changes of home-purchase subsidies."""

from __future__ import annotations

from anju.lib.errors import DomainError


class SubsidyError(DomainError):
    """A change the rules refuse; the message is Chinese and names the field."""

    prefix = "subsidy"
