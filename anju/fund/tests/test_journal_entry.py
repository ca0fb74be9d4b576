"""A journal entry (记账凭证) opens to show who posted it and when, its document, the reversal either way, and
its lines on both sides (issue 19 item 4); only roles that view the fund see it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from anju.fund import ledger
from anju.fund.tests import factories

pytestmark = pytest.mark.django_db


def test_an_entry_shows_its_lines_poster_and_reversal(client_for: Callable[..., Client]) -> None:
    account = factories.unit_account(room="301")
    assert account.unit is not None
    entry = factories.deposit(account, "7800.00", dt.date(2023, 3, 1))
    undo = ledger.reverse(entry, actor=None, value_date=dt.date(2023, 3, 2), memo="冲正：重复交存")
    finance = client_for("finance")
    page = finance.get(reverse("fund:journal_entry", args=[entry.seq]))
    body = page.content.decode()
    assert page.status_code == 200
    assert account.unit.code in body and reverse("fund:statement", args=[account.unit.code]) in body
    assert "7,800.00" in body and "2023-03-01" in body and entry.posted_by_name in body
    assert reverse("fund:journal_entry", args=[undo.seq]) in body  # reversed by
    back = finance.get(reverse("fund:journal_entry", args=[undo.seq])).content.decode()
    assert "冲正：重复交存" in back and reverse("fund:journal_entry", args=[entry.seq]) in back
    export = finance.get(reverse("fund:journal_entry", args=[entry.seq]), {"export": "xlsx"})
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxmlformats")
    assert finance.get(reverse("fund:journal_entry", args=[10**9])).status_code == 404
    assert client_for("housing").get(reverse("fund:journal_entry", args=[entry.seq])).status_code == 403
