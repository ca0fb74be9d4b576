"""The fund's .xlsx exports are sheets finance can compute with (issue 19 item 7): money as numbers with
#,##0.00, dates as dates, the header frozen, a 合计 row summing the money columns, Chinese sheet and file
names with the day."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from decimal import Decimal
from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from anju.fund.models import Account
from anju.fund.tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def ledgers() -> list[Account]:
    made = []
    for room, amount in (("101", "7800.00"), ("102", "1234.56"), ("103", "0.45")):
        account = factories.unit_account(room=room)
        factories.deposit(account, amount, dt.date(2023, 3, 1))
        made.append(account)
    factories.spend(made[0], "300.10", dt.date(2023, 6, 1))
    return made


def test_unit_ledgers_export_sums_the_money_columns(client_for: Callable[..., Client], ledgers: list[Account]) -> None:
    response = client_for("finance").get(reverse("fund:accounts") + "?export=xlsx")
    day = timezone.localdate().isoformat()
    assert response["Content-Disposition"].endswith(quote(f"分户账余额_{day}.xlsx"))
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert sheet.title == "分户账" and sheet.freeze_panes == "A2"
    headers = [c.value for c in sheet[1]]
    first, balance = headers.index("首期交存"), headers.index("余额")
    body = list(sheet.iter_rows(min_row=2, max_row=sheet.max_row - 1))
    assert len(body) == len(ledgers)
    for cell in (body[0][first], body[0][balance]):
        assert cell.data_type == "n" and cell.number_format == "#,##0.00"
    total = list(sheet[sheet.max_row])
    assert total[0].value == "合计"
    for column in (first, balance):
        exported = sum(Decimal(str(row[column].value)) for row in body)
        assert Decimal(str(total[column].value)) == exported
    ledger_total = sum((a.balance for a in Account.objects.filter(pk__in=[a.pk for a in ledgers])), Decimal(0))
    assert Decimal(str(total[balance].value)) == ledger_total
    assert total[headers.index("建筑面积")].value is None  # an area column declares no total


def test_unit_statement_export_has_dates_and_money_as_numbers(
    client_for: Callable[..., Client], ledgers: list[Account]
) -> None:
    code = ledgers[0].unit.code  # type: ignore[union-attr]
    response = client_for("finance").get(reverse("fund:statement", args=[code]) + "?export=xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = list(sheet.iter_rows(min_row=3))  # row 2 is the opening balance
    day, amount, balance = rows[0][1], rows[0][4], rows[0][5]
    assert day.is_date and day.value.date() == dt.date(2023, 3, 1) and day.number_format == "yyyy-mm-dd"
    assert amount.data_type == "n" and amount.value == 7800 and amount.number_format == "#,##0.00"
    assert rows[1][4].value == -300.1 and balance.value == 7800 and rows[1][5].value == pytest.approx(7499.9)
