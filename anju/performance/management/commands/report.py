"""`anju report annual YEAR --out DIR`: write report.docx, report.pdf, attachments.xlsx and figures.json."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from anju.performance import writers


class Command(BaseCommand):
    help = "The annual self-evaluation report: anju report annual YEAR --out DIR."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        p = sub.add_parser("annual", help="Write the year's report files into DIR.")
        p.add_argument("year", type=int)
        p.add_argument("--out", required=True, help="directory (created if needed)")

    def handle(self, *args: Any, **options: Any) -> None:
        out = Path(options["out"])
        report = writers.write_all(options["year"], out)
        errors = sum(1 for c in report.checks if c["severity"] == "error")
        warnings = len(report.checks) - errors
        self.stdout.write(
            json.dumps(
                {
                    "year": report.year,
                    "out": str(out.resolve()),
                    "files": list(writers.FILES),
                    "score": str(report.score),
                    "grade": report.grade,
                    "checks": {"errors": errors, "warnings": warnings},
                },
                ensure_ascii=False,
            )
        )
