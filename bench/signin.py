"""What reading who is signed in costs each request: the session and the user as Anju reads them
(anju.core.signin, one plain statement each) against Django's database engine and ModelBackend, in the
same run, alternated.

    DEBUG=1 .venv/bin/python bench/signin.py --db sqlite [--rounds 5] [--calls 3000]

Runs on the demo city that `bench/load.py --db …` built (var/bench/load.sqlite3, or the PostgreSQL
database BENCH_PGDB on BENCH_PGHOST). Prints the median CPU microseconds a call of each and Anju's as a
share of Django's. Nothing here asserts a time."""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from load import city_env  # noqa: E402


def cpu_us(call: Callable[[], object], calls: int) -> float:
    for _ in range(calls // 10):  # warm
        call()
    started = time.process_time()
    for _ in range(calls):
        call()
    return (time.process_time() - started) / calls * 1e6


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--calls", type=int, default=3000)
    args = parser.parse_args()
    os.environ.update(city_env(args.db) | {"ALLOWED_HOSTS": "testserver"})
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anju.settings")
    import django

    django.setup()
    from django.contrib.auth.backends import ModelBackend
    from django.contrib.sessions.backends.db import SessionStore as DjangoSessions

    from anju.core.models import User
    from anju.core.signin import SessionStore, StaffBackend

    user = User.objects.order_by("pk").first()
    assert user is not None, "no user: build the city with bench/load.py first"
    session = DjangoSessions()
    session["_auth_user_id"] = str(user.pk)
    session.create()
    key, pk = session.session_key, str(user.pk)
    pairs = {
        "session": (lambda: DjangoSessions(key).load(), lambda: SessionStore(key).load()),
        "user": (lambda: ModelBackend().get_user(pk), lambda: StaffBackend().get_user(pk)),
    }
    found: dict[str, tuple[list[float], list[float]]] = {name: ([], []) for name in pairs}
    try:
        for _ in range(args.rounds):
            for name, (djangos, ours) in pairs.items():
                found[name][0].append(cpu_us(djangos, args.calls))
                found[name][1].append(cpu_us(ours, args.calls))
    finally:
        session.delete()
    print(f"{args.db}: median CPU a call over {args.rounds} rounds of {args.calls:,}; load {os.getloadavg()[0]:.1f}")
    print("| read | Django µs | Anju µs | Anju / Django |")
    print("|---|---|---|---|")
    total = [0.0, 0.0]
    for name, (djangos, ours) in found.items():
        d, o = statistics.median(djangos), statistics.median(ours)
        total[0] += d
        total[1] += o
        print(f"| {name} | {d:.0f} | {o:.0f} | {o / d:.2f}× |")
    print(f"| **a request's sign-in** | {total[0]:.0f} | {total[1]:.0f} | {total[1] / total[0]:.2f}× |")


if __name__ == "__main__":
    main()
