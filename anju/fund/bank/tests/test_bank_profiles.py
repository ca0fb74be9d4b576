"""The fund's bank imports through a bank's own profile: the 工商银行-style .xls statement of
`anju/core/tests/test_bankfile.py` posts receipts to the units its 附言 names and fills the statement."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from anju.core.models import AuditEvent, BankProfile
from anju.core.tests.test_bankfile import ICBC_XLS, icbc
from anju.fund.bank import actions as bank
from anju.fund.models import BankReceipt, BankStatementLine
from anju.fund.reconcile import actions as reconcile
from anju.fund.tests import factories
from anju.lib.tabular import ImportRejected, RowError

pytestmark = pytest.mark.django_db
D = Decimal


def test_a_profile_without_a_column_an_import_needs_is_refused_whole() -> None:
    profile = icbc(balance_column="")
    with pytest.raises(ImportRejected) as info:
        reconcile.import_statement(None, factories.bank(), "工行.xls", ICBC_XLS, profile=profile)
    assert info.value.errors == [RowError(0, "", "银行文件格式“工商银行对账单”没有设置余额列，不能用于银行对账单导入")]
    BankProfile.objects.filter(pk=profile.pk).update(active=False)
    with pytest.raises(ImportRejected, match="导入被拒绝") as info:
        bank.import_receipts(None, "工行.xls", ICBC_XLS, profile="icbc")
    assert "已停用" in info.value.errors[0].message


@pytest.fixture
def units() -> None:
    factories.bank()
    factories.unit_account(room="101")
    factories.unit_account(room="102")


def test_receipts_from_the_banks_xls_post_to_the_units_in_the_reference(units: None) -> None:
    icbc()
    summary = bank.import_receipts(None, "工行.xls", ICBC_XLS, profile="icbc")
    assert (summary.posted, summary.suspense, summary.duplicates, summary.outflows) == (2, 0, 0, 1)
    assert summary.amount == D("6234.50")
    got = dict(BankReceipt.objects.values_list("txn_id", "unit_account__unit__code"))
    assert got == {"ICBC20230301001": "P0001-1-1-101", "ICBC20230302001": "P0001-1-1-102"}
    assert BankReceipt.objects.get(txn_id="ICBC20230301001").payer == "张三"
    assert AuditEvent.objects.get(action=AuditEvent.Action.IMPORT).after["outflows"] == 1  # type: ignore[index]
    again = bank.import_receipts(None, "工行.xls", ICBC_XLS, profile="icbc")
    assert (again.posted, again.duplicates) == (0, 2)


def test_the_statement_import_reads_the_same_xls(units: None) -> None:
    icbc()
    summary = reconcile.import_statement(None, factories.bank(), "工行.xls", ICBC_XLS, profile="icbc")
    assert (summary.created, summary.first_date, summary.last_date) == (3, dt.date(2023, 3, 1), dt.date(2023, 3, 3))
    assert list(BankStatementLine.objects.order_by("id").values_list("amount", "balance")) == [
        (D("5000.00"), D("5000.00")),
        (D("1234.50"), D("6234.50")),
        (D("-12.00"), D("6222.50")),
    ]


def test_the_upload_page_offers_the_profiles(units: None, client_for: Callable[..., Client]) -> None:
    icbc()
    client = client_for("finance")
    page = client.get(reverse("fund:bank_import")).content.decode()
    assert 'name="profile"' in page and "工商银行对账单" in page and "安居标准格式" in page
    file = io.BytesIO(ICBC_XLS)
    file.name = "工行.xls"
    html = client.post(reverse("fund:bank_import"), {"file": file, "profile": "icbc"}).content.decode()
    assert 'id="import-summary"' in html and BankReceipt.objects.count() == 2


def test_a_bad_option_is_shown_and_nothing_is_imported_under_the_default(
    units: None, client_for: Callable[..., Client]
) -> None:
    profile = icbc()
    profile.active = False
    profile.save()
    file = io.BytesIO(ICBC_XLS)
    file.name = "工行.xls"
    response = client_for("finance").post(reverse("fund:bank_import"), {"file": file, "profile": "icbc"})
    html = response.content.decode()
    assert 'id="import-summary"' not in html and 'id="import-errors"' not in html
    assert response.context["form"].errors["profile"]
    assert BankReceipt.objects.count() == 0


def test_an_import_of_one_records_rows_needs_the_record(client_for: Callable[..., Client]) -> None:
    client = client_for("finance")
    assert client.get(reverse("core:import", args=["arrears.items"])).status_code == 404
    assert client.get(reverse("core:import", args=["fund.use_votes"])).status_code == 404
