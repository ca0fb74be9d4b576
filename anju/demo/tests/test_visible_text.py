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


def _get(client: Client):
    def get(path: str) -> crawl.Page:
        response = client.get(path)
        body = response.content.decode("utf-8", "replace") if not getattr(response, "streaming", False) else ""
        return crawl.Page(response.status_code, response.get("Content-Type", ""), body)

    return get


def test_no_page_shows_an_internal_identifier_or_english() -> None:
    call_command("demo", scale=0.002, stdout=io.StringIO())
    # The user list and the audit log show an account's login name (the lines' demos add outside accounts).
    usernames = list(User.objects.values_list("username", flat=True))
    allowed_on = {**crawl.ALLOWED_ON, "/users/": usernames, "/audit/": usernames}
    problems = []
    for username, _full_name, _role in core_demo.DEMO_USERS:
        client = Client()
        client.force_login(User.objects.get(username=username))
        report = crawl.crawl(_get(client), limit=400, allowed_on=allowed_on)
        if report.findings:
            problems.append(f"== {username} ({len(report.pages)} pages)\n{crawl.summary(report, 200)}")
    assert not problems, "\n".join(problems)
