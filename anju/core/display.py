"""`get_FOO_display()` without rebuilding the field's choices each call.

Django's `Model._get_FIELD_display` makes `dict(make_hashable(field.flatchoices))` on every call, hashing
every lazy label, which translates it: a list page showing a status column of 50 rows translated ~500
labels (a tenth of the leases page's CPU). This one builds that dict once per field (the labels stay
lazy, so each call still answers in the active language) and answers exactly as Django's does. Fields
whose choices are a callable are left to Django's own (they may change).

`install()` must run before the first model class is built (partialmethod binds the method then):
anju/settings.py calls it."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable

_django = models.Model._get_FIELD_display  # type: ignore[attr-defined]
KEY = "_anju_choices_by_value"


def get_field_display(self: models.Model, field: Any) -> Any:
    by_value = field.__dict__.get(KEY)
    if by_value is None:
        if not isinstance(field.choices, list | tuple):
            return _django(self, field)
        by_value = field.__dict__[KEY] = dict(make_hashable(field.flatchoices))
    value = getattr(self, field.attname)
    # force_str() to coerce lazy strings (as Django's).
    return force_str(by_value.get(make_hashable(value), value), strings_only=True)


def install() -> None:
    models.Model._get_FIELD_display = get_field_display  # type: ignore[attr-defined]
