"""`anju import-units FILE`: import a property roll (.xlsx or .csv), all or nothing.

Prints JSON on stdout for scripts: the counts and exit 0, or every error and exit 1."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, NoReturn

from django.core.management.base import BaseCommand, CommandParser

from anju.lib.tabular import FILE_ROW, ImportRejected, RowError
from anju.registry.importer import import_units


class Command(BaseCommand):
    help = "Import a property roll (房屋清册, .xlsx or .csv); nothing is imported if any row is bad."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the .xlsx or .csv file")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            content = path.read_bytes()
        except OSError as exc:
            self._fail([RowError(FILE_ROW, "", f"无法读取文件 {path}：{exc.strerror or exc}")])
        try:
            summary = import_units(None, path.name, content)
        except ImportRejected as rejected:
            self._fail(rejected.errors)
        self._print(summary.as_dict())

    def _print(self, data: dict[str, Any]) -> None:
        self.stdout.write(json.dumps(data, ensure_ascii=False))

    def _fail(self, errors: list[RowError]) -> NoReturn:
        # Not CommandError: that goes to stderr as text, and callers parse stdout as JSON.
        self._print({"errors": [error.as_dict() for error in errors]})
        raise SystemExit(1)
