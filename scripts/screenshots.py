"""Screenshots of the main pages at 1366×768 into docs/screenshots/, taken on a running demo city.

    make run                                  # in another terminal: the demo city on 127.0.0.1:8000
    .venv/bin/python scripts/screenshots.py [--base http://127.0.0.1:8000] [--out docs/screenshots]

Logs in as the demo's users (password Anju@2023demo), opens each page as the role that works on it,
and saves what a person sees on a 1366×768 screen (the viewport, not the whole scrolled page). A page
that answers an error stops the run: a screenshot of an error page is not a picture of the system."""

from __future__ import annotations

import argparse
import os
import re
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

PASSWORD = "Anju@2023demo"
# (file name, user, path or a callable finding the path on the page it starts from)
PAGES: list[tuple[str, str, str]] = [
    ("home-leader", "leader", "/"),
    ("performance-dashboard", "leader", "/performance/"),
    ("performance-report", "leader", "/performance/report/preview/?year=2023"),
    ("fund-home", "finance", "/fund/"),
    ("fund-journal", "finance", "/fund/journal/"),
    ("fund-use-list", "station", "/fund/use/"),
    ("fund-arrears-board", "finance", "/fund/arrears/"),
    ("rental-home", "housing", "/rental/"),
    ("rental-leases", "housing", "/rental/leases/"),
    ("legacy-board", "office", "/legacy/board/"),
    ("oversight-ledger", "office", "/oversight/ledger/"),
    ("petitions-home", "office", "/petitions/"),
    ("worklog", "office", "/worklog/"),
    ("fund-interest", "finance", "/fund/interest/"),
    ("subsidy-home", "housing", "/subsidy/"),
    ("termite-home", "station", "/termite/"),
    ("audit-log", "admin", "/audit/"),
    ("owner-query", "", "/fund/query/"),
]


def log_in(page: Page, base: str, user: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_load_state("networkidle")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--out", default="docs/screenshots")
    parser.add_argument("--only", default="", help="a regular expression over the file names")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    chromium = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium)
        page = browser.new_page(viewport={"width": 1366, "height": 768}, locale="zh-CN")
        current = None
        for name, user, path in PAGES:
            if args.only and not re.search(args.only, name):
                continue
            if user != current:
                if user:
                    log_in(page, args.base, user)
                else:
                    page.context.clear_cookies()
                current = user
            response = page.goto(f"{args.base}{path}", timeout=180_000)
            if response is None or response.status >= 400:
                raise SystemExit(f"{name}: {path} answered {response.status if response else 'nothing'}")
            page.wait_for_load_state("networkidle")
            page.screenshot(path=str(out / f"{name}.png"))
            print(f"{name}.png  {user or '(public)'}  {path}")
        browser.close()


if __name__ == "__main__":
    main()
