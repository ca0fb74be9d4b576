"""A choice field's label in a list (anju.core.listing.label_of): what Django's `get_FOO_display()` gives,
for every value of every choice field of every model, outside the choices too, in another language."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.apps import apps
from django.db import models
from django.utils import translation

from anju.core.listing import cells, label_of
from anju.fund.lifts.models import Policy
from anju.rental.models import Lease


def choice_fields() -> list[tuple[type[models.Model], models.Field[Any, Any]]]:
    found = []
    for model in apps.get_models():
        if model.__module__.startswith("anju."):
            found.extend((model, f) for f in model._meta.concrete_fields if f.choices and not f.is_relation)
    return found


def test_every_choice_of_every_model_as_django_shows_it() -> None:
    fields = choice_fields()
    assert len(fields) > 50  # the rental, fund, termite, petitions… models' choice fields
    for model, field in fields:
        for value, _label in field.flatchoices:
            obj = model(**{field.attname: value})
            assert label_of(obj, field.name) == getattr(obj, f"get_{field.name}_display")(), (model, field, value)


def test_a_value_outside_the_choices_is_shown_as_it_is() -> None:
    assert label_of(Lease(status="no-such-status"), "status") == "no-such-status"
    assert label_of(Lease(status=None), "status") is None
    assert Lease(status=None).get_status_display() is None


def test_each_language_has_its_own_labels() -> None:
    lease = Lease(status=Lease.Status.ACTIVE)
    chinese = label_of(lease, "status")
    with translation.override("en"):
        english = label_of(lease, "status")
        assert english == lease.get_status_display()
    assert chinese == lease.get_status_display()
    assert english != chinese


def test_a_models_own_display_method_answers(monkeypatch: pytest.MonkeyPatch) -> None:
    # The lift policy's status is a property of its term, shown by its own get_status_display: no such field.
    policy = Policy(start=dt.date(2000, 1, 1), end=dt.date(2001, 1, 1))
    assert label_of(policy, "status") == policy.get_status_display() == str(Policy.Status.EXPIRED.label)
    # A model's own override of a field's generated method is the one asked.
    monkeypatch.setattr(cells, "_labels", {})
    monkeypatch.setattr(Lease, "get_status_display", lambda self: f"自定义{self.status}")
    assert label_of(Lease(status="active"), "status") == "自定义active"


def test_computed_choices_are_asked_each_time(monkeypatch: pytest.MonkeyPatch) -> None:
    field = Lease._meta.get_field("status")
    monkeypatch.setattr(cells, "_labels", {})
    monkeypatch.setattr(field, "choices", lambda: Lease.Status.choices)  # computed: a callable
    calls = []
    monkeypatch.setattr(Lease, "get_status_display", lambda self: calls.append(self) or "问")
    for _ in range(2):
        assert label_of(Lease(status="active"), "status") == "问"
    assert len(calls) == 2
    assert cells._labels == {(Lease, "status", translation.get_language()): None}
