"""`anju create-api-token USERNAME --name NAME`: a bearer token for the JSON API, shown once."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from anju.core.actions import create_api_token
from anju.core.models import User


class Command(BaseCommand):
    help = "Creates an API token for a user and prints its key (it is not stored and cannot be shown again)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", required=True, help="What the token is for, e.g. the integrating system.")

    def handle(self, *args: Any, username: str, name: str, **options: Any) -> None:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user {username!r}.")
        if not user.is_active:
            raise CommandError(f"User {username!r} is inactive; its tokens would be refused.")
        if not name.strip():
            raise CommandError("--name must not be empty.")
        # No actor: the audit log records the operating-system user who ran the command.
        key = create_api_token(None, user, name.strip())  # type: ignore[arg-type]
        self.stdout.write(key)
