"""Every page and API without a path argument, plain and with hostile list parameters, on the demo city.

    DEBUG=1 .venv/bin/python bench/sweep.py --db sqlite|postgres [--as leader] [--over 400]

Runs on the demo city that `bench/load.py --db …` built, in this process with Django's test client and
DEBUG off, signed in as one member of staff (leader by default: every module's view). Each GET route
without a path argument is asked for as is and with: page 10⁹, a page size of 10⁶, negative and
non-numeric paging, an unknown sort, a search of LIKE's wildcards, an offset and limit of 10⁹ and 10⁶,
and a search of 300 characters. A streamed answer is read to its end. Prints each answer that is an
error (5xx or an exception) or slower than --over milliseconds, with its time against the login page's
(the baseline, in the same run), then how many routes and requests were asked. Exports, downloads and
sign-out are left out. Nothing here asserts a time: it finds the pages where people would wait."""

from __future__ import annotations

import argparse
import logging
import statistics
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from load import in_process  # noqa: E402

HOSTILE = [
    "page=1000000000",
    "per=1000000",
    "page=-5&per=-1",
    "page=abc&per=xyz",
    "sort=-nonexistent",
    "q=%25%25%25_",
    "offset=1000000000&limit=1000000",
    "q=" + "张" * 300,
]
LEFT_OUT = ("logout", "export", "download", "healthz", "static", "media", "admin/")


def routes(patterns: list[Any], prefix: str = "") -> Iterator[str]:
    from django.urls import URLPattern, URLResolver

    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from routes(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--as", dest="username", default="leader")
    parser.add_argument("--over", type=float, default=400, help="flag answers slower than this (ms)")
    args = parser.parse_args()
    in_process(args.db, logging.CRITICAL)
    from django.test import Client
    from django.urls import get_resolver

    from anju.core.models import User

    paths = sorted(
        {
            "/" + route
            for route in routes(get_resolver().url_patterns)
            if "<" not in route and "(?P" not in route and "^" not in route
        }
    )
    paths = [path for path in paths if not any(part in path for part in LEFT_OUT)]
    anonymous = Client()
    login = []
    for _ in range(5):
        started = time.perf_counter()
        anonymous.get("/login/")
        login.append((time.perf_counter() - started) * 1000)
    baseline = statistics.median(login)
    client = Client(HTTP_X_FORWARDED_PROTO="http")
    client.force_login(User.objects.get(username=args.username))
    flagged = asked = 0
    print(f"{args.db}, as {args.username}; the login page {baseline:.1f} ms (median of 5)")
    print("| answer | ms | against the login page | request |\n|---|---|---|---|")
    for path in paths:
        for extra in ["", *HOSTILE]:
            url = f"{path}?{extra}" if extra else path
            started = time.perf_counter()
            try:
                response = client.get(url)
                if response.streaming:
                    b"".join(response.streaming_content)  # type: ignore[attr-defined]
                status = str(response.status_code)
                failed = response.status_code >= 500
            except Exception as error:  # a page that raises is what this looks for
                status, failed = f"{type(error).__name__}: {error}"[:120], True
            ms = (time.perf_counter() - started) * 1000
            asked += 1
            if failed or ms > args.over:
                flagged += 1
                print(f"| {status} | {ms:,.0f} | {ms / baseline:,.0f}× | `{url[:100]}` |")
    print(f"{len(paths)} routes, {asked} requests; {flagged} answers were errors or slower than {args.over:g} ms")


if __name__ == "__main__":
    main()
