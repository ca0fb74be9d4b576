"""`anju subsidy SUBCOMMAND`: home-purchase subsidies' batch work. Each prints, last, one JSON value.

anju subsidy programs                                the programs and their eligibility windows
anju subsidy import-applications FILE --program CODE applications (all rows or none; duplicates flagged)
anju subsidy import-results FILE                     the bank's results of a payment file
anju subsidy payment-file BATCH [-o FILE]            a batch's payment file for the bank"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from anju.core import imports
from anju.lib.tabular import FILE_ROW, ImportRejected, RowError
from anju.subsidy import payments
from anju.subsidy.importer import APPLICATIONS_IMPORT
from anju.subsidy.models import Batch, Program
from anju.subsidy.results import RESULTS_IMPORT


class Command(BaseCommand):
    help = "Home-purchase subsidies: programs, import-applications, import-results, payment-file."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        sub.add_parser("programs", help="The programs as a JSON list.")
        p = sub.add_parser("import-applications", help="Import applications (.xlsx or .csv).")
        p.add_argument("file")
        p.add_argument("--program", required=True)
        p = sub.add_parser("import-results", help="Import the bank's results of a payment file.")
        p.add_argument("file")
        p = sub.add_parser("payment-file", help="Write a batch's payment file.")
        p.add_argument("batch", help="the batch number, e.g. hh2023-01")
        p.add_argument("-o", "--output", default="")

    def emit(self, data: Any) -> None:
        self.stdout.write(json.dumps(data, ensure_ascii=False))

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, "do_" + options["subcommand"].replace("-", "_"))(options)

    def _import(self, spec: imports.ImportSpec, file: str, **extra: Any) -> Any:
        path = Path(file)
        try:
            content = path.read_bytes()
        except OSError as exc:
            self._reject([RowError(FILE_ROW, "", f"无法读取文件 {path}：{exc.strerror or exc}")])
        try:
            return imports.run(spec, None, path.name, content, **extra)
        except ImportRejected as rejected:
            self._reject(rejected.errors)

    def _reject(self, errors: list[RowError]) -> None:
        self.emit({"errors": [error.as_dict() for error in errors]})
        sys.exit(1)

    def do_programs(self, options: dict[str, Any]) -> None:
        self.emit(
            [
                {"code": p.code, "name": p.name, "from": p.window_from.isoformat(), "to": p.window_to.isoformat()}
                for p in Program.objects.order_by("window_from", "code")
            ]
        )

    def do_import_applications(self, options: dict[str, Any]) -> None:
        self.emit(self._import(APPLICATIONS_IMPORT, options["file"], program=options["program"]).as_dict())

    def do_import_results(self, options: dict[str, Any]) -> None:
        self.emit(self._import(RESULTS_IMPORT, options["file"]).as_dict())

    def do_payment_file(self, options: dict[str, Any]) -> None:
        batch = Batch.objects.filter(number=options["batch"]).first()
        if batch is None:
            self._reject([RowError(FILE_ROW, "", f"没有批次 {options['batch']}")])
            return
        data = payments.export_payment_file(None, batch)
        target = Path(options["output"] or f"{batch.number}.csv")
        target.write_bytes(data)
        self.emit({"batch": batch.number, "file": str(target), "count": batch.count, "total": f"{batch.total:.2f}"})
