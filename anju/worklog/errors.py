from __future__ import annotations

from anju.lib.errors import DomainError


class WorkRecordError(DomainError):
    """A work record the rules refuse; the message is Chinese and names the field."""

    prefix = "worklog"
