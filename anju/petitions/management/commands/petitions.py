"""`anju petitions SUBCOMMAND`: petitions' batch work. Each prints, last, one JSON object.

anju petitions import-orders FILE   the 12345 platform's exported work orders (all rows or none)
anju petitions overdue [DATE]       the leaders' daily list of overdue deadlines (default: today)"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from anju.core import imports
from anju.lib.errors import DomainError
from anju.lib.tabular import FILE_ROW, ImportRejected, RowError
from anju.petitions import queries
from anju.petitions.orders_import import ORDERS_IMPORT


class Command(BaseCommand):
    help = "Petitions: import-orders FILE, overdue [DATE]."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        p = sub.add_parser("import-orders", help="Import the 12345 platform's work orders (.xlsx or .csv).")
        p.add_argument("file")
        p = sub.add_parser("overdue", help="Open deadlines past due on a day (default today).")
        p.add_argument("date", nargs="?", default="")

    def emit(self, data: dict[str, Any]) -> None:
        self.stdout.write(json.dumps(data, ensure_ascii=False))

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, "do_" + options["subcommand"].replace("-", "_"))(options)

    def _reject(self, errors: list[RowError]) -> None:
        self.emit({"errors": [error.as_dict() for error in errors]})
        sys.exit(1)

    def do_import_orders(self, options: dict[str, Any]) -> None:
        path = Path(options["file"])
        try:
            content = path.read_bytes()
        except OSError as exc:
            self._reject([RowError(FILE_ROW, "", f"无法读取文件 {path}：{exc.strerror or exc}")])
        try:
            result = imports.run(ORDERS_IMPORT, None, path.name, content)
        except ImportRejected as rejected:
            self._reject(rejected.errors)
        except DomainError as refused:
            self._reject([RowError(FILE_ROW, refused.field or "", refused.message)])
        self.emit(result.as_dict())

    def do_overdue(self, options: dict[str, Any]) -> None:
        try:
            day = dt.date.fromisoformat(options["date"]) if options["date"] else timezone.localdate()
        except ValueError:
            self._reject([RowError(FILE_ROW, "date", "日期应为 YYYY-MM-DD")])
        rows = queries.overdue_deadlines(day)
        self.emit(
            {
                "date": day.isoformat(),
                "overdue": [
                    {
                        "case": d.case.number,
                        "step": d.get_step_display(),
                        "due": d.due.isoformat(),
                        "handler": (d.case.handler.full_name or d.case.handler.username) if d.case.handler else "",
                        "department": d.case.department.name if d.case.department else "",
                    }
                    for d in rows
                ],
            }
        )
