"""get_FOO_display() through anju.core.display: each field's choices looked up once, the same answers as
Django's own (the active language's label, an unknown value as it is), callable choices left to Django."""

from __future__ import annotations

from django.db import models
from django.test.utils import isolate_apps
from django.utils import translation

from anju.core import display
from anju.core.models import AuditEvent, Role


def test_installed_for_every_model_and_answers_as_django_does() -> None:
    event = AuditEvent(action=AuditEvent.Action.EXPORT)
    field = AuditEvent._meta.get_field("action")
    with translation.override("en"):
        assert event.get_action_display() == "Export"
        assert event.get_action_display() == display._django(event, field)
    with translation.override("zh-hans"):
        chinese = event.get_action_display()
        assert chinese != "Export" and chinese == display._django(event, field)
    assert display.KEY in field.__dict__  # looked up once, kept on the field
    event.action = "no-such-action"
    assert event.get_action_display() == "no-such-action" == display._django(event, field)
    role = Role(kind=Role.Kind.EXTERNAL)
    with translation.override("en"):
        assert role.get_kind_display() == "External"


@isolate_apps("anju.core")
def test_callable_choices_are_left_to_django() -> None:
    offered = [("a", "甲")]

    class Pick(models.Model):
        letter = models.CharField(max_length=1, choices=lambda: offered)

        class Meta:
            app_label = "core"

        def __str__(self) -> str:
            return self.letter

    pick = Pick(letter="a")
    assert pick.get_letter_display() == "甲"
    offered[:] = [("a", "乙")]
    assert pick.get_letter_display() == "乙"
    assert display.KEY not in Pick._meta.get_field("letter").__dict__
