"""`anju backup FILE`: the database, the attached files and a manifest in one archive (anju.core.backup)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from anju.core import backup
from anju.lib.errors import DomainError


class Command(BaseCommand):
    help = "Write a backup archive: the database (consistent while Anju runs), attachments and a manifest."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the archive to write, e.g. /var/backups/anju/anju-2024-01-31.tar")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            summary = backup.write(Path(options["file"]))
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(json.dumps(summary.as_dict(), ensure_ascii=False))
