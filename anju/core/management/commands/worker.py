"""`anju worker`: the background worker (django-tasks-db's `db_worker`); run beside the web server
(`make run` does, the deploy/ systemd unit does). Its options are db_worker's (`anju worker --help`)."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run the background worker: report builds, large imports and exports, billing, interest."

    def run_from_argv(self, argv: list[str]) -> None:
        # Everything after `worker` goes to db_worker as it is (its own --help, --batch, --max-tasks…).
        call_command("db_worker", *argv[2:])

    def handle(self, *args: Any, **options: Any) -> None:  # reached only through call_command("worker")
        call_command("db_worker", *args)
