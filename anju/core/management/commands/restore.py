"""`anju restore FILE`: restore a backup archive into an empty database, then bring the schema up to date,
prove the ledger (`anju fund check`) and print the row counts."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from anju.core import backup
from anju.lib.errors import DomainError


class Command(BaseCommand):
    help = "Restore a backup archive into an empty database (refused when it has tables), then check it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the archive `anju backup` wrote")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            summary = backup.restore(Path(options["file"]))
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        call_command("migrate", verbosity=0)
        check = io.StringIO()
        try:
            call_command("fund", "check", stdout=check)
        except SystemExit as exc:
            raise CommandError(f"恢复完成，但维修资金账务检查未通过：{check.getvalue()}") from exc
        result = summary.as_dict() | {"fund_check": json.loads(check.getvalue()), "counts": summary.tables}
        self.stdout.write(json.dumps(result, ensure_ascii=False))
