from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import Workbook

from anju.fund.bank import actions as bank
from anju.fund.tests import factories

pytestmark = pytest.mark.django_db


def test_receipts_in_suspense_appear_on_the_handlers_home_page(client_for) -> None:
    factories.bank()
    wb = Workbook()
    wb.active.append(["交易流水号", "交易日期", "金额", "房屋编码", "付款人", "摘要"])
    wb.active.append(["T9", dt.date(2023, 5, 1).isoformat(), "10.00", "UNKNOWN", "", ""])
    buffer = io.BytesIO()
    wb.save(buffer)
    bank.import_receipts(None, "r.xlsx", buffer.getvalue())
    page = client_for("station").get(reverse("core:home")).content.decode()
    assert reverse("fund:suspense") in page
    viewer = client_for("information").get(reverse("core:home")).content.decode()
    assert reverse("fund:suspense") not in viewer
