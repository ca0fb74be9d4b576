"""A fresh center opens its bank special account (专户) on a page or by command, renames it, and closes
an old one once its money has moved; every change is audited."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.utils import timezone

from anju.core.models import AuditEvent
from anju.fund import accounts
from anju.fund.errors import AccountError
from anju.fund.models import Account
from anju.fund.tests import factories as fund

pytestmark = pytest.mark.django_db
NUMBER = "43050170000000000999"


def test_a_leader_opens_renames_and_closes_special_accounts_on_pages(client_for) -> None:
    leader = client_for("leadership")
    page = leader.get("/fund/bank/accounts/").content.decode()
    assert "/fund/bank/accounts/new/" in page
    response = leader.post("/fund/bank/accounts/new/", {"bank_name": "中国工商银行岳阳分行", "number": NUMBER})
    assert response.status_code == 302
    first = Account.objects.get(kind=Account.Kind.BANK, bank_account_number=NUMBER)
    assert first.name == "中国工商银行岳阳分行维修资金专户" and first.closed is None
    again = leader.post("/fund/bank/accounts/new/", {"bank_name": "别的银行", "number": f" {NUMBER} "})
    assert again.status_code == 200 and "已存在" in again.content.decode()
    assert Account.objects.filter(kind=Account.Kind.BANK).count() == 1
    renamed = {"bank_name": "中国工商银行岳阳分行", "name": "维修资金专户（工行）"}
    leader.post(f"/fund/bank/accounts/{first.pk}/", renamed)
    first.refresh_from_db()
    assert first.name == "维修资金专户（工行）"
    # The only open account cannot be closed: receipts need one.
    closing = leader.post(f"/fund/bank/accounts/{first.pk}/", {"close": "1"}, follow=True)
    assert "唯一在用的专户" in closing.content.decode()
    leader.post("/fund/bank/accounts/new/", {"bank_name": "中国建设银行岳阳分行", "number": "43050170000000001000"})
    leader.post(f"/fund/bank/accounts/{first.pk}/", {"close": "1"})
    first.refresh_from_db()
    assert first.closed == timezone.localdate()
    actions = AuditEvent.objects.filter(model="fund.Account", object_id=str(first.pk)).values_list("action", flat=True)
    assert list(actions.order_by("at", "pk")) == ["create", "update", "update"]


def test_staff_without_approval_see_the_accounts_but_cannot_change_them(client_for) -> None:
    fund.bank()
    station = client_for("station")
    assert station.get("/fund/bank/accounts/").status_code == 200
    assert "/fund/bank/accounts/new/" not in station.get("/fund/bank/accounts/").content.decode()
    assert station.post("/fund/bank/accounts/new/", {"bank_name": "x", "number": "1"}).status_code == 403


def test_an_account_holding_money_is_not_closed() -> None:
    account = fund.unit_account()
    fund.deposit(account, "100.00", dt.date(2023, 3, 1))
    accounts.open_bank_account(None, bank_name="中国建设银行", number="2")
    with pytest.raises(AccountError) as refused:
        accounts.close_bank_account(None, fund.bank())
    assert refused.value.code == "fund.accounts.bank_not_empty" and "100.00" in refused.value.message
    assert fund.bank().closed is None


def test_the_command_opens_one_and_refuses_a_known_number() -> None:
    out = io.StringIO()
    call_command("fund", "open-bank-account", "--bank", "中国农业银行", "--number", NUMBER, stdout=out)
    assert json.loads(out.getvalue()) == {"opened": NUMBER, "name": "中国农业银行维修资金专户", "bank": "中国农业银行"}
    out = io.StringIO()
    with pytest.raises(SystemExit):
        call_command("fund", "open-bank-account", "--bank", "中国农业银行", "--number", NUMBER, stdout=out)
    assert "已存在" in json.loads(out.getvalue())["error"]
