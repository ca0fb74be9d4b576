"""Refused changes of inspection rectification."""

from __future__ import annotations

from anju.core.workflow import WorkflowError
from anju.lib.errors import DomainError


class OversightError(DomainError):
    """A change the rules refuse; the message is Chinese and names the field."""

    prefix = "oversight"


class TaskStepError(WorkflowError, OversightError):
    """A refused step of a task's sign-off (codes ``workflow.*``)."""
