#!/opt/anju/bin/python
"""`anju-healthcheck`: the web container's health, as compose's healthcheck runs it: GET /healthz on
gunicorn inside the container (database, free disk, background queue; 503 when one fails).

The request names the first of ALLOWED_HOSTS as its host (Django answers 400 to any other) and says it
came over https, so that with ANJU_HTTPS on it is answered rather than redirected."""

from __future__ import annotations

import os
import sys
import urllib.error
import urllib.request


def host() -> str:
    for entry in os.environ.get("ALLOWED_HOSTS", "").split(","):
        entry = entry.strip().lstrip(".")
        if entry and entry != "*":
            return entry
    return "localhost"


def main() -> None:
    request = urllib.request.Request(
        "http://127.0.0.1:8000/healthz", headers={"Host": host(), "X-Forwarded-Proto": "https"}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            print(response.status, response.read(500).decode(errors="replace"))
    except urllib.error.HTTPError as exc:
        sys.exit(f"{exc.code} {exc.read(500).decode(errors='replace')}")
    except OSError as exc:
        sys.exit(f"no answer: {exc}")


if __name__ == "__main__":
    main()
