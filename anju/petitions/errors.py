"""Refused changes of petitions."""

from __future__ import annotations

from anju.core.workflow import WorkflowError
from anju.lib.errors import DomainError


class PetitionError(DomainError):
    """A change the rules refuse; the message is Chinese and names the field."""

    prefix = "petitions"


class CaseStepError(WorkflowError, PetitionError):
    """A refused step of a case's flow (codes ``workflow.*``)."""
