"""`anju organisation [--name N --city C ...]`: show or set the center's name, city and service station
for printed documents (what the page /organisation/ does), for scripted installs."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from anju.core import organisation
from anju.lib.errors import DomainError


class Command(BaseCommand):
    help = "Show or set the organisation named on every printed document."

    def add_arguments(self, parser: CommandParser) -> None:
        for name in organisation.FIELDS:
            parser.add_argument(f"--{name}", help=f"the organisation's {name}")

    def handle(self, *args: Any, **options: Any) -> None:
        values = {name: options[name] for name in organisation.FIELDS if options[name] is not None}
        if values:
            try:
                organisation.set_organisation(None, **values)
            except DomainError as exc:
                raise CommandError(exc.message) from exc
        current = organisation.current()
        for name in organisation.FIELDS:
            self.stdout.write(f"{name}: {getattr(current, name)}")
