"""Refused changes of budget and performance records."""

from __future__ import annotations

from anju.lib.errors import DomainError


class ActionError(DomainError):
    """A budget, staffing, asset or indicator change the rules refuse; the message is Chinese."""

    prefix = "performance"


class ReportBusy(ActionError):
    """The year's report is already being built (409 in the API)."""

    status = 409
    default_code = "report_busy"
