"""Every page of a small demo city, as every demo user: no internal identifier and no English word in
the text people read (issue 19). The full demo city is crawled by `scripts/crawl-text` instead."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.test import Client

from anju.core import demo as core_demo
from anju.core.models import User
from anju.lib import crawl

pytestmark = pytest.mark.django_db

# Pages that show English on purpose: the user list and forms show login names (the account's identifier),
# the calendar names the library its holidays come from, the API tokens page the header a program sends.
ALLOWED_ON = {
    "/tokens/": ["Authorization", "Bearer", "token"],
    "/users/": [username for username, _name, _role in core_demo.DEMO_USERS],
    "/calendar/": ["chinesecalendar"],
}


def _get(client: Client):
    def get(path: str) -> crawl.Page:
        response = client.get(path)
        body = response.content.decode("utf-8", "replace") if not getattr(response, "streaming", False) else ""
        return crawl.Page(response.status_code, response.get("Content-Type", ""), body)

    return get


@pytest.mark.xfail(
    strict=True,
    reason="known, not fixed yet (issue 19): English KPI definitions (docstrings) on the KPI pages, raw step and "
    "role codes among the audit log's logged values, login names of demo rows without a real name on work "
    "records; remove this mark when they are fixed",
)
def test_no_page_shows_an_internal_identifier_or_english() -> None:
    call_command("demo", scale=0.002, stdout=io.StringIO())
    problems = []
    for username, _full_name, _role in core_demo.DEMO_USERS:
        client = Client()
        client.force_login(User.objects.get(username=username))
        report = crawl.crawl(_get(client), limit=400, allowed_on=ALLOWED_ON)
        if report.findings:
            problems.append(f"== {username} ({len(report.pages)} pages)\n{crawl.summary(report, 200)}")
    assert not problems, "\n".join(problems)
