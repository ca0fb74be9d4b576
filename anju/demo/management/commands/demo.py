"""`anju demo`: fills an empty database with the demo city and prints the demo logins."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from anju.core import demo as core_demo
from anju.core.models import User
from anju.demo import builder


class Command(BaseCommand):
    help = "Fill an empty database with the demo city (refuses a database that has records)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scale", type=float, default=1.0, help="Fraction of the full city to build (tests use 0.002)."
        )
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing (and succeed) when the database is not empty."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        scale: float = options["scale"]
        if not 0 < scale <= 1:
            raise CommandError("--scale must be in (0, 1]")
        if not builder.is_empty():
            if options["if_empty"]:
                self.stdout.write("demo: the database already has records; the demo city is not rebuilt.")
                self.print_logins(existing_only=True)
                return
            raise CommandError(
                "The database is not empty: `anju demo` only fills an empty database. "
                "Use a new DATABASE_URL, or remove var/anju.sqlite3 (make clean-db) for the default SQLite file."
            )
        started = time.perf_counter()
        self.stdout.write(f"Building the demo city (scale {scale:g})…")
        # The raw stream: OutputWrapper would end every progress update with a newline.
        cpu_started = time.process_time()
        cpu: dict[str, float] = {}
        timings = builder.build(scale, getattr(self.stdout, "_out", self.stdout), cpu)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo city built in {time.perf_counter() - started:.1f} s "
                f"({time.process_time() - cpu_started:.1f} s of this process's CPU)."
            )
        )
        self.stdout.write("Seconds per step: " + ", ".join(f"{name} {secs:.1f}" for name, secs in timings.items()))
        self.stdout.write("CPU seconds per step: " + ", ".join(f"{name} {secs:.1f}" for name, secs in cpu.items()))
        self.print_logins()

    def print_logins(self, *, existing_only: bool = False) -> None:
        """The demo logins; on a database that was not built here, only those that exist and still have
        the demo password (a real center's database has none)."""
        logins = [(username, full_name) for username, full_name, _role in core_demo.DEMO_USERS]
        if existing_only:
            users = User.objects.filter(username__in=[username for username, _ in logins], is_active=True)
            valid = {user.username for user in users if user.check_password(core_demo.DEMO_PASSWORD)}
            logins = [(username, full_name) for username, full_name in logins if username in valid]
            if not logins:
                return
        self.stdout.write(f"Demo logins (password for all: {core_demo.DEMO_PASSWORD}):")
        for username, full_name in logins:
            self.stdout.write(f"  {username:<8} {full_name}")
