"""Strings of Django itself that its zh_Hans catalog does not translate yet; marked here so that
makemessages keeps them in the project catalog, which takes precedence over Django's."""

from __future__ import annotations

from django.utils.translation import gettext_noop

DJANGO_STRINGS = (
    gettext_noop("- Select an option -"),  # BLANK_CHOICE_LABEL of model fields with choices
)
