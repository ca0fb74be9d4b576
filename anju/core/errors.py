"""Turning a refused change into what the user sees on a page: a form message or a flash message.

A view runs the action inside ``with refused(form) as outcome:`` (or ``refused(request)`` for a button
that has no form) and goes on only when ``outcome.ok``; it never catches a line's error itself. The API
has its own handler (`anju.core.apikit.install_handlers`)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.http import HttpRequest

from anju.lib.errors import DomainError

__all__ = ["DomainError", "Outcome", "refused"]


@dataclass
class Outcome:
    error: DomainError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def message(self) -> str:
        return self.error.message if self.error else ""


@contextmanager
def refused(target: forms.BaseForm | HttpRequest | None) -> Iterator[Outcome]:
    """Catch a DomainError raised inside the block and show it: on the form (on its field when the error
    names one the form has, else above the form), or as an error message of the request; with None the
    view shows `outcome.message` itself (e.g. in an htmx partial)."""
    outcome = Outcome()
    try:
        yield outcome
    except DomainError as exc:
        outcome.error = exc
        if isinstance(target, forms.BaseForm):
            target.add_error(exc.field if exc.field in target.fields else None, exc.message)
        elif target is not None:
            messages.error(target, exc.message)
