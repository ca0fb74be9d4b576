"""`anju termite SUBCOMMAND`: termite control's batch work. Each prints, last, one JSON object.

anju termite import-applications FILE  prevention applications received before Anju (all rows or none)
anju termite import-history FILE     past contracts and acceptances (all rows or none)
anju termite import-revisits FILE    revisits done on paper (all rows or none)
anju termite revisit-plan YEAR       the year's revisit plan: buildings and area due"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from anju.core import imports
from anju.lib.tabular import FILE_ROW, ImportRejected, RowError
from anju.termite import queries
from anju.termite.applications_import import APPLICATIONS_IMPORT
from anju.termite.history_import import HISTORY_IMPORT
from anju.termite.revisits_import import REVISITS_IMPORT


class Command(BaseCommand):
    help = "Termite control: import-applications FILE, import-history FILE, import-revisits FILE, revisit-plan YEAR."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        p = sub.add_parser("import-applications", help="Import prevention applications (.xlsx or .csv).")
        p.add_argument("file")
        p = sub.add_parser("import-history", help="Import past prevention contracts and acceptances (.xlsx or .csv).")
        p.add_argument("file")
        p = sub.add_parser("import-revisits", help="Import revisits done on paper (.xlsx or .csv).")
        p.add_argument("file")
        p = sub.add_parser("revisit-plan", help="The year's revisit plan: buildings and area due.")
        p.add_argument("year", type=int)

    def emit(self, data: dict[str, Any]) -> None:
        self.stdout.write(json.dumps(data, ensure_ascii=False))

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, "do_" + options["subcommand"].replace("-", "_"))(options)

    def _import(self, spec: imports.ImportSpec, file: str) -> Any:
        path = Path(file)
        try:
            content = path.read_bytes()
        except OSError as exc:
            self._reject([RowError(FILE_ROW, "", f"无法读取文件 {path}：{exc.strerror or exc}")])
        try:
            return imports.run(spec, None, path.name, content)
        except ImportRejected as rejected:
            self._reject(rejected.errors)

    def _reject(self, errors: list[RowError]) -> None:
        self.emit({"errors": [error.as_dict() for error in errors]})
        sys.exit(1)

    def do_import_applications(self, options: dict[str, Any]) -> None:
        self.emit(self._import(APPLICATIONS_IMPORT, options["file"]).as_dict())

    def do_import_history(self, options: dict[str, Any]) -> None:
        self.emit(self._import(HISTORY_IMPORT, options["file"]).as_dict())

    def do_import_revisits(self, options: dict[str, Any]) -> None:
        revisits = self._import(REVISITS_IMPORT, options["file"])
        self.emit({"imported": len(revisits), "control_requests": sum(1 for r in revisits if r.control_request_id)})

    def do_revisit_plan(self, options: dict[str, Any]) -> None:
        year = options["year"]
        plan = queries.revisit_plan(year)
        area = queries.revisit_due_area(year)
        self.emit({"year": year, "buildings": plan.count(), "area": f"{area:.2f}"})
