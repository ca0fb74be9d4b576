"""The annual disclosure per project: figures from the journal, the .xlsx and the PDF, the page."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from anju.core.models import AuditEvent
from anju.fund import ledger
from anju.fund.disclosure import queries as disclosure
from anju.fund.models import Account, JournalEntry
from anju.fund.refunds import actions as refunds
from anju.fund.tests import factories
from anju.registry.models import Project

pytestmark = pytest.mark.django_db
D = Decimal


def post(kind: str, debit: Account, credit: Account, amount: str, day: dt.date, memo: str = "") -> JournalEntry:
    value = D(amount)
    return ledger.post(
        kind=kind,
        value_date=day,
        legs=[ledger.debit(debit, value), ledger.credit(credit, value)],
        actor=None,
        memo=memo,
    )


@pytest.fixture
def project() -> Project:
    """Two units of P0001 with a year of every kind of movement, and a unit of another project."""
    a, b = factories.unit_account(room="101"), factories.unit_account(room="102")
    other = factories.unit_account(project_code="P0002", project_name="金磊富裕城", room="101")
    bank = factories.bank()
    factories.deposit(a, "8000.00", dt.date(2022, 5, 1))  # before the year: opening
    factories.deposit(b, "6000.00", dt.date(2022, 5, 1))
    factories.deposit(other, "9999.00", dt.date(2023, 2, 1))  # another project
    factories.deposit(a, "100.00", dt.date(2023, 3, 1), first=False)
    post(JournalEntry.Kind.DEVELOPER_DEPOSIT, bank, b, "300.00", dt.date(2023, 3, 2))
    post(JournalEntry.Kind.RECOVERY, bank, a, "50.00", dt.date(2023, 3, 3))
    wrong = factories.deposit(b, "77.00", dt.date(2023, 3, 4), first=False)
    ledger.reverse(wrong, actor=None, value_date=dt.date(2023, 3, 5), memo="错账冲正")  # nets to nothing
    ledger.post(
        kind=JournalEntry.Kind.USE,
        value_date=dt.date(2023, 6, 1),
        actor=None,
        memo="1幢屋面防水维修",
        legs=[ledger.debit(a, D("1200.00")), ledger.debit(b, D("800.00")), ledger.credit(bank, D("2000.00"))],
    )
    post(JournalEntry.Kind.INTEREST, bank, a, "120.35", dt.date(2023, 12, 21))
    post(JournalEntry.Kind.INTEREST, bank, b, "88.10", dt.date(2023, 12, 21))
    application = refunds.create_refund(None, b, applicant="李四", reason="拆除")
    refunds.submit_refund(None, application)
    refunds.review_refund(None, application)
    refunds.approve_refund(None, application)
    refunds.pay_refund(None, application, paid_on=dt.date(2023, 12, 28))
    factories.deposit(a, "999.00", dt.date(2024, 1, 2), first=False)  # after the year
    return Project.objects.get(code="P0001")


def test_figures_come_from_the_entries(project: Project) -> None:
    d = disclosure.project_disclosure(project, 2023)
    assert d.opening == D("14000.00")
    assert d.deposits == D("450.00")  # 100 + 300 developer + 50 recovered; the reversed 77 nets out
    assert d.uses == D("2000.00")
    assert d.interest == D("208.45")
    assert d.refunds == D("5588.10")  # b: 6000 + 300 - 800 + 88.10
    assert d.other == D("0.00")
    assert d.closing == D("7070.35")  # a alone: 8000 + 100 + 50 - 1200 + 120.35
    assert d.opening + d.deposits - d.uses + d.interest - d.refunds == d.closing and d.balanced
    assert d.units == 2
    assert [(u.memo, u.units, u.cost) for u in d.use_items] == [("1幢屋面防水维修", 2, D("2000.00"))]
    assert disclosure.project_disclosure(project, 2024).opening == d.closing


def test_the_xlsx_holds_the_figures(project: Project) -> None:
    d = disclosure.project_disclosure(project, 2023)
    sheet = load_workbook(io.BytesIO(disclosure.xlsx_bytes(d))).active
    figures = {row[0]: row[1] for row in sheet.iter_rows(values_only=True) if row[0] and row[1] is not None}
    assert figures["期初余额"] == 14000 and figures["本年交存"] == 450 and figures["本年使用"] == 2000
    assert figures["本年增值收益（利息）"] == pytest.approx(208.45) and figures["本年退款"] == pytest.approx(5588.10)
    assert figures["期末余额"] == pytest.approx(7070.35) and figures["房屋户数"] == 2
    assert figures["期末余额大写"] == "柒仟零柒拾元叁角伍分"
    uses = [row for row in sheet.iter_rows(values_only=True) if row[2] == "1幢屋面防水维修"]
    assert len(uses) == 1 and uses[0][3] == 2 and uses[0][4] == 2000


def test_the_pdf_is_a_pdf(project: Project) -> None:
    data = disclosure.pdf_bytes(disclosure.project_disclosure(project, 2023), issuer="住房保障服务中心")
    assert data.startswith(b"%PDF") and len(data) > 5000


def test_the_page_and_the_downloads(client_for, project: Project) -> None:
    information = client_for("information")
    page = information.get(reverse("fund:disclosure") + "?project=P0001&year=2023").content.decode()
    assert "7,070.35" in page and "1幢屋面防水维修" in page
    assert "disclosure_xlsx" not in page and "/xlsx/" not in page  # no export permission, no links
    assert information.get(reverse("fund:disclosure_xlsx", args=["P0001", 2023])).status_code == 403
    finance = client_for("finance")
    xlsx = finance.get(reverse("fund:disclosure_xlsx", args=["P0001", 2023]))
    assert xlsx.status_code == 200 and xlsx.content.startswith(b"PK")
    pdf = finance.get(reverse("fund:disclosure_pdf", args=["P0001", 2023]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT, model="年度公示").count() == 2
    assert finance.get(reverse("fund:disclosure_pdf", args=["NOPE", 2023])).status_code == 404
    assert client_for("office").get(reverse("fund:disclosure")).status_code == 403
