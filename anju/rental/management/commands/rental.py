"""`anju rental SUBCOMMAND`: public rental housing's batch jobs. Each prints JSON on stdout."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from anju.lib.tabular import ImportRejected
from anju.registry.models import Project
from anju.rental import actions, payments_import, rules
from anju.rental.models import Draw


class Command(BaseCommand):
    help = "Public rental housing jobs: register-estate, bill, import-payments, verify-draw."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        p = sub.add_parser(
            "register-estate", help="Bring a public-rental project's homes and shops under management (vacant)."
        )
        p.add_argument("project", help="the registry project's code, e.g. GZ-CD")
        p.add_argument("--on", required=True, help="YYYY-MM-DD")
        p = sub.add_parser("bill", help="Bill the month's rent of every lease in force (idempotent).")
        p.add_argument("--month", required=True, help="YYYY-MM")
        p = sub.add_parser(
            "import-payments", help="Import the bank's rent payments (.xlsx, .xls or .csv), all or nothing."
        )
        p.add_argument("file")
        p.add_argument("--profile", default=None, help="the bank file profile's code (default: the standard one)")
        p = sub.add_parser("verify-draw", help="Re-run a lottery draw from its published seed and compare.")
        p.add_argument("number")

    def emit(self, data: dict[str, Any]) -> None:
        self.stdout.write(json.dumps(data, ensure_ascii=False))

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, "do_" + options["subcommand"].replace("-", "_"))(options)

    def do_register_estate(self, options: dict[str, Any]) -> None:
        project = Project.objects.filter(code=options["project"]).first()
        try:
            if project is None:
                raise actions.RentalError(f"没有编号为 {options['project']} 的项目", code="unknown_project")
            on = dt.date.fromisoformat(options["on"])
            created = actions.register_estate(None, project, on)
        except actions.RentalError as exc:
            self.emit({"error": str(exc)})
            sys.exit(1)
        except ValueError:
            self.emit({"error": f"日期格式应为 YYYY-MM-DD：{options['on']}"})
            sys.exit(1)
        self.emit({"project": project.code, "registered": created})

    def do_bill(self, options: dict[str, Any]) -> None:
        try:
            month = rules.parse_month(options["month"])
        except ValueError as exc:
            self.emit({"error": str(exc)})
            sys.exit(1)
        result = actions.bill_month(None, month)
        self.emit({"month": f"{month:%Y-%m}", "created": result["created"], "existing": result["existing"]})

    def do_import_payments(self, options: dict[str, Any]) -> None:
        path = Path(options["file"])
        try:
            result = payments_import.import_payments(None, path.name, path.read_bytes(), profile=options["profile"])
        except OSError as exc:
            self.emit({"error": f"无法读取文件：{exc}"})
            sys.exit(1)
        except ImportRejected as exc:
            self.emit({"errors": [e.as_dict() for e in exc.errors]})
            sys.exit(1)
        self.emit(result)

    def do_verify_draw(self, options: dict[str, Any]) -> None:
        draw = Draw.objects.filter(number=options["number"]).first()
        if draw is None:
            self.emit({"error": f"没有编号为 {options['number']} 的摇号"})
            sys.exit(1)
        same = actions.verify_draw(draw)
        self.emit({"draw": draw.number, "seed": draw.seed, "verified": same})
        if not same:
            sys.exit(1)
